"""Dates, extensions and the late policy (grader.schedule), and the course's time of a submission.

Fast: schedule.toml's checks (each bad entry is one line naming the file and the entry), the late policy's
arithmetic, the on-submit policy's per-student due date, and the exchange's folders taken at the course's
time, not the time their names claim. Slow: a class graded for real with a schedule, a roster, an extension and
a late policy: nbgrader's plugin interface charges the penalty, and the gradebook, the feedback page, the CSVs,
the class report and the LMS files all say the same.
"""

from __future__ import annotations

import csv
import datetime
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import copy_course
from grader.course import Course
from grader.intake.exchange import claim_note, course_time, take_folder
from grader.onsubmit.policy import Rules
from grader.schedule.dates import ScheduleError, load_schedule, parse_length
from grader.schedule.late import LatePolicy, duration, late_notice

A1 = "a1_numpy_basics"
COURSE = ["a1_numpy_basics", "a2_logistic_regression"]


def schedule(tmp_path: Path, text: str, students=frozenset({"ada", "grace"})):
    path = tmp_path / "schedule.toml"
    path.write_text(text)
    return load_schedule(path, COURSE, set(students))


GOOD = """timezone = "Europe/Berlin"
[due]
a1_numpy_basics = "2027-01-15 17:00"
[extensions.ada]
a1_numpy_basics = "2027-01-17 12:00"
[extensions.grace]
a1_numpy_basics = "1d 6h"
"""


def test_due_dates_and_extensions_are_read_in_the_course_time_zone(tmp_path):
    s = schedule(tmp_path, GOOD)
    assert s.due_of(A1).astimezone(datetime.timezone.utc) == datetime.datetime(2027, 1, 15, 16, 0,
                                                                               tzinfo=datetime.timezone.utc)
    assert s.show(s.due_of(A1)) == "2027-01-15 17:00 CET"
    assert s.show(s.due_of(A1, "ada")) == "2027-01-17 12:00 CET"
    assert s.extension_of("grace", A1) == datetime.timedelta(hours=30)
    assert s.due_of(A1, "someone") == s.due_of(A1) and s.due_of("a2_logistic_regression") is None
    assert parse_length("90min") == datetime.timedelta(minutes=90) and parse_length("soon") is None


@pytest.mark.parametrize("text, says", [
    ('timezone = "Europe/Berlin"\n[due]\na1_numpy_basics = "2027-02-30 17:00"\n',
     "schedule.toml: due.a1_numpy_basics: '2027-02-30 17:00' is not a date and time that exists"),
    ('timezone = "Europe/Berlin"\n[due]\na1_numpy_basics = "2027-03-28 02:30"\n',
     "schedule.toml: due.a1_numpy_basics: 2027-03-28 02:30:00 does not exist in Europe/Berlin (the clocks skip it)"),
    ('timezone = "Europe/Berlinn"\n', "schedule.toml: timezone 'Europe/Berlinn' is not a time zone"),
    ('[due]\na1_numpy_basics = "2027-01-15 17:00"\n', "schedule.toml: timezone = \"...\" is missing"),
    ('timezone = "UTC"\n[due]\na9_nothing = "2027-01-15 17:00"\n',
     "schedule.toml: due.a9_nothing: the course has no such assignment"),
    ('timezone = "UTC"\n[due]\na1_numpy_basics = "2027-01-15 17:00"\n[extensions.zed]\na1_numpy_basics = "2d"\n',
     "schedule.toml: extensions.zed: 'zed' is not a student of the course"),
    ('timezone = "UTC"\n[due]\na1_numpy_basics = "2027-01-15 17:00"\n[extensions.ada]\n'
     'a1_numpy_basics = "2027-01-14 17:00"\n',
     "schedule.toml: extensions.ada.a1_numpy_basics: 2027-01-14 17:00 is not after the due date 2027-01-15 17:00"),
    ('timezone = "UTC"\n[extensions.ada]\na2_logistic_regression = "2d"\n',
     "extensions.ada.a2_logistic_regression: a2_logistic_regression has no due date in [due] to extend"),
    ('timezone = "UTC"\n[due\n', "schedule.toml: not valid TOML"),
])
def test_a_bad_schedule_is_one_line_naming_the_file_and_the_entry(tmp_path, text, says):
    with pytest.raises(ScheduleError) as caught:
        schedule(tmp_path, text)
    message = str(caught.value)
    assert says in message and "\n" not in message, message


@pytest.mark.parametrize("seconds, percent", [
    (4 * 60, 0), (6 * 60, 10), (3 * 3600 + 600, 10), (24 * 3600, 10), (24 * 3600 + 1, 20), (4 * 86400, 30),
    (8 * 86400, 100)])
def test_the_late_policy_grace_penalty_per_started_day_cap_and_zero_after(seconds, percent):
    policy = LatePolicy(grace_minutes=5, penalty_percent=10, per="day", cap_percent=30, zero_after_hours=168)
    assert policy.percent(seconds) == percent
    assert policy.late_submission_penalty("ada", 80.0, seconds) == 80.0 * percent / 100


def test_the_late_policy_per_hour_and_its_words():
    policy = LatePolicy(penalty_percent=5, per="hour")
    assert policy.percent(3 * 3600 + 600) == 20
    assert LatePolicy().percent(10 * 86400) == 0   # the default takes nothing off
    assert late_notice(3 * 3600 + 600, 10) == "submitted 3 h 10 min after the due date: -10 %"
    assert duration(2 * 86400 + 4 * 3600 + 59) == "2 d 4 h"
    with pytest.raises(Exception, match="cap_percent must be between 0 and 100"):
        LatePolicy(cap_percent=120)


def test_the_on_submit_policy_uses_each_students_own_due_date():
    rules = Rules("full", 3, 3600.0, "latest", datetime.datetime(2027, 1, 15, 16, 0),
                  (("ada", datetime.datetime(2027, 1, 17, 11, 0, tzinfo=datetime.timezone.utc).timestamp()),))
    base = datetime.datetime(2027, 1, 15, 16, 0, tzinfo=datetime.timezone.utc).timestamp()
    assert rules.due_seconds() == base and rules.due_seconds("grace") == base
    assert rules.due_seconds("ada") == base + 43 * 3600
    assert rules.due_passed(base + 60, "grace") and not rules.due_passed(base + 60, "ada")


def test_a_folder_from_the_exchange_gets_the_courses_time_and_a_claim_that_disagrees_is_noted(tmp_path):
    course = copy_course(tmp_path / "course")
    inbound = tmp_path / "inbound"
    name = "ada+%s+2020-01-01 08:00:00.000000 UTC+abc123" % A1
    (inbound / name).mkdir(parents=True)
    (inbound / name / "numpy_basics.ipynb").write_text("{}")
    (inbound / name / "timestamp.txt").write_text("2020-01-01 08:00:00.000000 UTC")   # the student's claim
    before = time.time()
    take_folder(inbound, name, tmp_path / "taken", course.api().coursedir, 1 << 20)
    written = (tmp_path / "taken" / "timestamp.txt").read_text()
    from nbgrader.utils import parse_utc

    seconds = parse_utc(written).replace(tzinfo=datetime.timezone.utc).timestamp()
    assert before - 5 <= seconds <= time.time(), written   # when the course saw it, not 2020
    note = claim_note(name, seconds)
    assert note and note.startswith("its name claims 2020-01-01 08:00:00.000000 UTC, but the course received it")
    assert claim_note("ada+%s+%s+x" % (A1, course_time(seconds)), seconds) is None


# ---------------------------------------------------------------- a class graded for real
ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section,Python basics (4021)
    Points Possible,,,,,80
"Lovelace, Ada",1001,S1001,correct,Section A,
"Hopper, Grace",1002,S1002,buggy,Section A,
"Turing, Alan",1003,S1003,partial,Section A,
"Noether, Emmy",1004,S1004,untouched,Section A,
"Kovalevskaya, Sofia",1005,S1005,cheat_allclose,Section B,
"Curie, Marie",1006,S1006,cheat_transformer,Section B,
"Germain, Sophie",1007,S1007,broken_json,Section B,
"""


def run(course: Course, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "grader", *args], cwd=course.root, capture_output=True, text=True,
                          timeout=1500)
    if ok:
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def late_class(tmp_path_factory):
    """Assignment 1 released, keyed and handed in by the example class; its roster imported."""
    course = copy_course(tmp_path_factory.mktemp("schedule") / "course")
    run(course, "release", "--only", A1)
    run(course, "keys", "--only", A1)
    run(course, "example-class", "--only", A1)
    (course.root / "canvas.csv").write_text(ROSTER)
    assert "7 students added" in run(course, "roster", "--lms", "canvas", "--from", "canvas.csv").stdout
    return course


@pytest.mark.slow
def test_a_class_graded_with_a_schedule_a_roster_an_extension_and_a_late_policy(late_class):
    course = late_class
    # due on the whole minute 3 h 10 min (and under a minute) before the course got the notebooks; buggy has 2 more days
    changed = (course.folder("submitted") / "correct" / A1 / "numpy_basics.ipynb").stat().st_ctime
    due = datetime.datetime.fromtimestamp(changed - (3 * 3600 + 10 * 60), datetime.timezone.utc)
    due = due.replace(second=0, microsecond=0)
    local = due.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    (course.root / "schedule.toml").write_text(
        'timezone = "Etc/GMT-1"\n[due]\n%s = "%s"\n[extensions.buggy]\n%s = "2d"\n'
        % (A1, local.strftime("%Y-%m-%d %H:%M"), A1))
    with open(course.root / "nbgrader_config.py", "a") as config:
        config.write("\nc.LatePolicy.grace_minutes = 5\nc.LatePolicy.penalty_percent = 10\n"
                     "c.LatePolicy.per = 'day'\nc.LatePolicy.cap_percent = 50\n")
    shown = run(course, "schedule").stdout
    assert "extension: buggy / %s until" % A1 in shown and "gradebook: %s: due" % A1 in shown
    run(course, "grade", "--only", A1, "--workers", "2")

    with course.gradebook() as gb:
        record = gb.find_assignment(A1)
        assert record.duedate == due.replace(tzinfo=None)
        penalties = {s.student.id: sum(nb.late_submission_penalty or 0 for nb in s.notebooks)
                     for s in record.submissions}
        extensions = {s.student.id: s.extension for s in record.submissions}
        names = {s.id: (s.first_name, s.last_name) for s in gb.students}
    assert penalties["correct"] == 8 and penalties["partial"] == 6 and penalties["buggy"] == 0, penalties
    assert extensions["buggy"] == datetime.timedelta(days=2) and extensions["correct"] is None
    assert names["correct"] == ("Ada", "Lovelace")

    page = (course.folder("feedback") / "correct" / A1 / "numpy_basics.html").read_text()
    assert "submitted 3 h 10 min after the due date: -10 %" in page
    assert "due %s +01" % local.strftime("%Y-%m-%d %H:%M") in page and "Score: 72 / 80 (late penalty: 8)" in page
    extended = (course.folder("feedback") / "buggy" / A1 / "numpy_basics.html").read_text()
    assert "(with your extension)" in extended and "after the due date" not in extended

    rows = list(csv.DictReader(open(course.folder("reports") / "exercise_scores.csv")))
    correct = next(r for r in rows if r["student"] == "correct")
    assert correct["late_penalty"] == "8" and int(correct["minutes_late"]) == 191
    assert next(r for r in rows if r["student"] == "buggy")["minutes_late"] == ""
    grades = {r["student_id"]: r for r in csv.DictReader(open(course.folder("reports") / "grades.csv"))}
    assert grades["correct"]["last_name"] == "Lovelace" and float(grades["correct"]["score"]) == 72
    assert "| correct | 80 / 80 (191 min late: -8) |" in (course.folder("reports") / "class_report.md").read_text()

    run(course, "lms-export", "--lms", "canvas", "--only", A1)
    run(course, "lms-export", "--lms", "moodle", "--only", A1)
    canvas = (course.folder("reports") / "lms" / ("canvas_%s.csv" % A1)).read_text().splitlines()
    assert canvas[0] == "Student,ID,SIS User ID,SIS Login ID,Section,%s" % A1
    assert canvas[1] == "Points Possible,,,,,80" and '"Lovelace, Ada",1001,,correct,,72' in canvas
    assert '"Germain, Sophie",1007,,broken_json,,' in canvas   # not graded: left alone in the LMS
    moodle = (course.folder("reports") / "lms" / "moodle_grades.csv").read_text().splitlines()
    assert moodle[0] == "First name,Last name,ID number,Email address,%s" % A1 and "Ada,Lovelace,1001,,72" in moodle

    # the extension withdrawn: the schedule changed, so 'buggy' is graded again and charged
    text = (course.root / "schedule.toml").read_text().split("[extensions")[0]
    (course.root / "schedule.toml").write_text(text)
    again = run(course, "grade", "--only", A1, "--workers", "2").stdout
    assert "buggy / %s: graded" % A1 in again
    with course.gradebook() as gb:
        buggy = gb.find_submission(A1, "buggy")
        assert sum(nb.late_submission_penalty or 0 for nb in buggy.notebooks) == 5 and buggy.extension is None

    # a schedule with an impossible date stops grading with one line, and changes nothing
    (course.root / "schedule.toml").write_text('timezone = "UTC"\n[due]\n%s = "2027-02-30 17:00"\n' % A1)
    done = run(course, "grade", "--only", A1, ok=False)
    assert done.returncode == 1
    assert done.stderr.strip() == ("error: %s: due.%s: '2027-02-30 17:00' is not a date and time that "
                                   "exists; write YYYY-MM-DD HH:MM, e.g. \"2027-01-15 17:00\""
                                   % (course.root / "schedule.toml", A1))
    with course.gradebook() as gb:
        assert gb.find_assignment(A1).duedate == due.replace(tzinfo=None)


SCREENSHOTS = Path(__file__).resolve().parents[1] / "reports" / "screenshots"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no /usr/bin/chromium")
def test_what_people_see_the_formgrader_with_names_due_dates_and_a_late_feedback(late_class, tmp_path, capsys):
    """Screenshots (reports/screenshots/lms_NN_*.png) of what the course shows, after the test above: the
    formgrader's students by name and assignments with their due dates, the students' index with its due column,
    and a late submission's feedback page."""
    from browser_support import ScreenshotSeries, chromium_page, running_lab

    course = late_class
    due = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=3)
    (course.root / "schedule.toml").write_text(
        'timezone = "Europe/Berlin"\n[due]\n%s = "%s"\na2_logistic_regression = "2027-01-22 17:00"\n'
        '[extensions.buggy]\n%s = "2d"\n' % (A1, due.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M"), A1))
    run(course, "release", "--only", A1)   # the index's due column; the gradebook's dates
    index = (course.folder("release") / "index.ipynb").read_text()
    assert "due (Europe/Berlin)" in index and "2027-01-22 17:00 CET" in index
    shots = ScreenshotSeries(SCREENSHOTS, "lms", capsys)
    with running_lab(course.root, tmp_path / "home") as lab, chromium_page(tmp_path / "profile") as page:
        page.goto(lab.page_url("formgrader/manage_students"))
        page.get_by_text("Lovelace").first.wait_for(timeout=120_000)
        body = page.locator("body").inner_text()
        assert "Lovelace" in body and "Ada" in body and "None, None" not in body
        shots.take(page, "formgrader_students_by_name")
        page.goto(lab.page_url("formgrader"))
        page.get_by_text(A1).first.wait_for(timeout=120_000)
        assert due.strftime("%Y-%m-%d") in page.locator("body").inner_text()
        shots.take(page, "formgrader_due_dates")
        import nbformat
        from nbconvert import HTMLExporter

        html_index, _ = HTMLExporter(template_name="lab").from_notebook_node(
            nbformat.read(str(course.folder("release") / "index.ipynb"), as_version=4))
        page.set_content(html_index)   # the students' index, as nbconvert renders it
        page.get_by_text("due (Europe/Berlin)").first.wait_for()
        shots.take(page, "students_index_with_due_dates")
        feedback = course.folder("feedback") / "correct" / A1 / "numpy_basics.html"
        page.goto(feedback.as_uri())
        page.get_by_text("after the due date").first.wait_for()
        assert "submitted 3 h 10 min after the due date: -10 %" in page.locator("body").inner_text()
        shots.take(page, "late_feedback")
