"""The on-submit service's rules, without grading: the rate limit's slots, the fair order, the policy's checks,
what a student is told, and how folders are taken from the exchange's inbound (real folders, real ownership).

The service grading for real (the sandbox, faults, load, the instructor's grade beside it) is in
tests/test_onsubmit.py; through a real hub and browser in tests/test_classroom.py."""

from __future__ import annotations

import datetime
import os
import time

import pytest
from traitlets.config import Config

from conftest import copy_course
from grader.onsubmit.inbox import Inbox
from grader.onsubmit.ledger import Ledger
from grader.onsubmit.policy import PolicyError, Rules, SubmitPolicy
from grader.onsubmit.schedule import next_entries, plan, slots
from grader.onsubmit.wording import GENERIC, about_lines, student_reason

A1 = "a1_numpy_basics"
HOUR = 3600.0


def rules(limit=2, period=60.0, due=None, counts="latest", verdicts="full") -> Rules:
    return Rules(verdicts, limit, period, counts, due)


# ---------------------------------------------------------------- the limit's slots
def test_within_the_limit_a_submission_starts_now():
    assert slots([0.0], 1, rules(limit=2), now=10.0) == [10.0]


def test_over_the_limit_each_waits_for_the_oldest_grading_to_leave_the_period():
    assert slots([0.0, 10.0], 3, rules(limit=2, period=60.0), now=20.0) == [60.0, 70.0, 120.0]


def test_after_the_due_date_there_is_no_limit():
    due = datetime.datetime(2026, 1, 1)
    at = due.replace(tzinfo=datetime.timezone.utc).timestamp()
    assert slots([at - 10, at - 5], 2, rules(limit=2, period=HOUR, due=due), now=at - 1) == [at, at]
    assert slots([at - 10, at - 5], 1, rules(limit=2, period=HOUR, due=due), now=at + 1) == [at + 1]


def test_no_limit_means_every_submission_starts_now():
    assert slots([0.0] * 10, 3, rules(limit=0), now=5.0) == [5.0, 5.0, 5.0]


# ---------------------------------------------------------------- the fair order
@pytest.fixture
def ledger(tmp_path):
    ledger = Ledger(tmp_path / "ledger.sqlite")
    yield ledger
    ledger.close()


def _queue(ledger, student, at, assignment=A1):
    return ledger.add("%s+%s+%s+x" % (student, assignment, at), student, assignment, "", at, "queued")


def test_at_a_deadline_the_student_with_the_fewest_recent_gradings_goes_first(ledger):
    burst = [_queue(ledger, "ann", t) for t in (1.0, 2.0, 3.0)]
    ledger.update(burst[0], "grading", state="graded", started=5.0)
    others = [_queue(ledger, name, t) for name, t in (("bo", 4.0), ("cy", 6.0))]
    entries = ledger.all()
    order = [e.id for e in next_entries(entries, lambda a: rules(limit=10), now=10.0, free=3)]
    assert order == others + [burst[1]]   # ann's burst waits behind the others, one at a time


def test_a_student_never_has_two_submissions_graded_at_once(ledger):
    first, second = _queue(ledger, "ann", 1.0), _queue(ledger, "ann", 2.0, assignment="a3_planar_data")
    ledger.update(first, "grading", state="grading", started=3.0)
    assert next_entries(ledger.all(), lambda a: rules(limit=10), now=4.0, free=2) == []
    ledger.update(first, "graded", state="graded")
    assert [e.id for e in next_entries(ledger.all(), lambda a: rules(limit=10), now=5.0, free=2)] == [second]


def test_a_students_submissions_of_one_assignment_start_in_the_order_they_arrived(ledger):
    late, early = _queue(ledger, "ann", 9.0), _queue(ledger, "ann", 2.0)
    assert [e.id for e in next_entries(ledger.all(), lambda a: rules(limit=10), now=10.0, free=2)] == [early]
    assert plan(ledger.all(), lambda a: rules(limit=1, period=60.0), now=10.0) == {early: 10.0, late: 70.0}


# ---------------------------------------------------------------- the policy
@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course (its gradebook has no due dates)."""
    return copy_course(tmp_path_factory.mktemp("policy") / "course")


def test_the_policy_of_one_assignment_can_differ(course):
    config = Config()
    config.SubmitPolicy.graded_per_period = 3
    config.SubmitPolicy.assignments = {A1: {"verdicts": "score", "graded_per_period": 5}}
    policy = SubmitPolicy(config=config)
    mine = policy.rules(course, A1)
    assert (mine.verdicts, mine.graded_per_period, mine.period_seconds, mine.counts) == ("score", 5, HOUR, "latest")
    assert policy.rules(course, "a3_planar_data").graded_per_period == 3


@pytest.mark.parametrize("changes, message", [
    ({"graded_per_hour": 2}, "unknown settings: graded_per_hour"),
    ({"verdicts": "sometimes"}, "verdicts"),
    ({"period_minutes": 0}, "period_minutes > 0"),
])
def test_a_policy_that_cannot_apply_is_refused_by_name(course, changes, message):
    config = Config()
    config.SubmitPolicy.assignments = {A1: changes}
    with pytest.raises(PolicyError, match=message):
        SubmitPolicy(config=config).rules(course, A1)


# ---------------------------------------------------------------- what the student reads
@pytest.mark.parametrize("reason", [
    "the grading process died (killed by SIGKILL): HIDDEN record_call('softmax', x=[[1, 2]]) <script>",
    "autograde failed: ValueError: print(open('/answer_keys').read())",
    "",
])
def test_a_student_reads_the_graders_words_never_the_runs(reason):
    assert student_reason(reason) == GENERIC


def test_a_student_reads_what_to_do_about_their_own_failure():
    text = student_reason("exceeded the time limit of 60 s for one submission (c.GraderLimits.submission_seconds)")
    assert "60 s" in text and "loop" in text
    assert "notebook file" in student_reason("submitted/x/a1/numpy_basics.ipynb is not valid notebook JSON (...)")


def test_the_feedback_page_says_when_the_next_graded_submission_can_start(ledger):
    entry = ledger.get(_queue(ledger, "ann", 100.0))
    lines = about_lines(entry, rules(limit=2, period=HOUR), now=200.0, used=2, next_slot=3700.0)
    assert "your submission 1 of a1_numpy_basics" in lines[0]
    assert lines[1].startswith("Graded submissions left in this hour: 0 of 2; the next can be graded at 1970-01-01")
    lines = about_lines(entry, rules(limit=2, period=HOUR), now=200.0, used=1, next_slot=200.0)
    assert lines[1] == "Graded submissions left in this hour: 1 of 2; the next can be graded now."


# ---------------------------------------------------------------- taking folders from the inbound
@pytest.fixture
def inbox(tmp_path, ledger, monkeypatch):
    exchange = tmp_path / "exchange"
    monkeypatch.setenv("NNCOURSE_EXCHANGE", str(exchange))
    course = copy_course(tmp_path / "course")
    box = Inbox(course, ledger, tmp_path / "store", quiet_seconds=2.0, log=lambda *_: None)
    box.inbound.mkdir(parents=True)
    return box


def _folder(inbox, name, finished=True):
    folder = inbox.inbound / name
    folder.mkdir()
    (folder / "numpy_basics.ipynb").write_text("{}")
    (folder / "timestamp.txt").write_text(name.split("+")[2] if name.count("+") >= 2 else "")
    if finished:
        (folder / "submission_secret.txt").write_text("s" * 128)
        os.chmod(folder, 0o777)
    return folder


def test_a_finished_folder_is_taken_and_received_at_the_courses_time(inbox, ledger):
    claimed = "2020-01-01 00:00:00.000000 UTC"   # the student's process may claim any time
    _folder(inbox, "ann+%s+%s+a1b2" % (A1, claimed))
    (entry_id,) = inbox.scan()
    entry = ledger.get(entry_id)
    assert (entry.state, entry.student, entry.assignment, entry.claimed) == ("queued", "ann", A1, claimed)
    assert abs(entry.received - time.time()) < 30
    assert any("claims 2020-01-01" in note for note in entry.note_list)
    copy = inbox.submission_folder(entry.inbound) / "submitted" / "ann" / A1
    assert sorted(p.name for p in copy.iterdir()) == ["numpy_basics.ipynb", "submission_secret.txt", "timestamp.txt"]
    assert inbox.scan() == []   # taken once


def test_a_folder_still_being_written_waits(inbox, ledger):
    _folder(inbox, "ann+%s+2026-01-01 00:00:00 UTC+a1" % A1, finished=False)
    assert inbox.scan() == []
    assert len(inbox.scan(now=time.time() + 3)) == 1   # quiet long enough: taken


@pytest.mark.parametrize("make, reason", [
    (lambda box: os.symlink("/etc", box.inbound / ("ann+%s+2026-01-01 00:00:00 UTC+a1" % A1)), "symbolic link"),
    (lambda box: _folder(box, "ann+%s+not a date+a1" % A1), "is not a date"),
    (lambda box: _folder(box, "ann+a9_unknown+2026-01-01 00:00:00 UTC+a1"), "not an assignment of this course"),
])
def test_a_folder_that_breaks_the_collect_rules_is_refused_with_its_reason(inbox, ledger, make, reason):
    make(inbox)
    (entry_id,) = inbox.scan()
    entry = ledger.get(entry_id)
    assert entry.state == "refused" and reason in entry.reason, entry


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_folder_in_another_students_name_is_refused_and_recorded_for_its_owner(inbox, ledger):
    folder = _folder(inbox, "victim+%s+2026-01-01 00:00:00 UTC+a1" % A1)
    os.chown(folder, 65534, 65534)   # nobody
    (entry_id,) = inbox.scan()
    entry = ledger.get(entry_id)
    assert entry.state == "refused" and "does not speak for victim" in entry.reason
    assert entry.student != "victim"
    assert ledger.of_student("victim") == []


# ---------------------------------------------------------------- the service's page
def test_the_service_page_shows_a_student_their_own_submissions_only(tmp_path, monkeypatch):
    from grader.onsubmit.service import Service
    from grader.onsubmit.web import status_rows
    from grader.outputs.pages import service_status

    monkeypatch.setenv("NNCOURSE_EXCHANGE", str(tmp_path / "exchange"))
    service = Service(copy_course(tmp_path / "course"), log=lambda *_: None)
    try:
        ann = service.ledger.add("ann+%s+t+1" % A1, "ann", A1, "t", 1.0, "queued")
        service.ledger.update(ann, "graded", state="graded", ok=1, score=70.0, max_score=80.0, started=2.0,
                              finished=3.0, counted=1, released=4.0)
        service.ledger.add("bo+%s+t+2" % A1, "bo", A1, "t", 5.0, "queued")
        service.ledger.add("mallory+%s+t+3" % A1, "mallory", A1, "t", 6.0, "refused",
                           reason="is owned by mallory, not by bo: it does not speak for bo")
        mine = status_rows(service, "ann", everyone=False)
        assert [(a["name"], [r["student"] for r in a["rows"]]) for a in mine] == [(A1, ["ann"])]
        assert mine[0]["rows"][0]["score"] == "70 / 80" and "counts for the grade" in mine[0]["rows"][0]["state"]
        assert [r["student"] for a in status_rows(service, "bo", everyone=False) for r in a["rows"]] == ["bo"]
        refused = status_rows(service, "mallory", everyone=False)[0]["rows"][0]["state"]
        assert "does not speak for" not in refused and refused.startswith("refused: ")   # the grader's words only
        everyone = [r["student"] for a in status_rows(service, "teacher", everyone=True) for r in a["rows"]]
        assert sorted(everyone) == ["ann", "bo", "mallory"]
        hostile = '<img src=x onerror="alert(1)">'
        service.ledger.add("eve+%s+t+4" % hostile, "eve", hostile, "t", 7.0, "refused", reason="names %r" % hostile)
        page = service_status(assignments=status_rows(service, "eve", everyone=False), everyone=False)
        assert "<img" not in page and "&lt;img src=x" in page   # every value escaped
    finally:
        service.close()
