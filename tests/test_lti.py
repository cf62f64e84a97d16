"""Grades back to the LMS over LTI 1.3 / AGS, against a platform nobody here wrote: ``lti1p3platform`` (PyPI),
served as the LMS by tests/lti_platform.py with its own RSA key, JWKS and OAuth2 token end-point.

A class is graded for real; the platform builds and signs each student's launch message; the hub's
authenticator rules find the student on the roster by the launch's email and record the launch; passback gets
an access token with the tool's signed JWT (checked by the platform against the tool's JWK), finds or creates
the assignment's line item and posts each counted score. Then the LMS going wrong: refusing, down, silent;
each failure is one line naming the request, the score stays recorded and is sent once when the LMS is back.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading

import pytest

from browser_support import free_port
from conftest import copy_course
from grader.course import Course
from grader.lms.ags import AgsClient
from grader.lms.hub_auth import match_student, roster_rows
from grader.lms.launches import launch_record, write_launch
from grader.lms.passback import RECORD, PassbackRecord, passback
from grader.lms.registration import load_registration, registration_path
from lti_platform import Platform, User, registration_toml

A1 = "a1_numpy_basics"
MOODLE = """First name,Last name,Username,ID number,Email address
Ada,Lovelace,correct,,ada@example.edu
Grace,Hopper,buggy,,grace@example.edu
"""


def run(course: Course, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "grader", *args], cwd=course.root, capture_output=True, text=True,
                          timeout=1500)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course with assignment 1 graded for the example students, a roster with emails and the tool's keys."""
    course = copy_course(tmp_path_factory.mktemp("lti") / "course")
    run(course, "release", "--only", A1)
    run(course, "keys", "--only", A1)
    run(course, "example-class", "--only", A1)
    for student in ("broken_json", "cheat_allclose", "cheat_transformer", "partial", "untouched"):
        subprocess.run(["rm", "-rf", str(course.folder("submitted") / student)], check=True)
    # 'correct' came through nbgrader's exchange (collect keeps its secret); 'buggy' was put in submitted/ by hand
    (course.folder("submitted") / "correct" / A1 / "submission_secret.txt").write_text("a-secret-of-correct")
    run(course, "grade", "--only", A1, "--workers", "2")
    (course.root / "moodle.csv").write_text(MOODLE)
    run(course, "roster", "--lms", "moodle", "--from", "moodle.csv")
    assert "private key:" in run(course, "lti-keys", "--key-id", "tool-key-1")
    return course


@pytest.fixture
def platform(graded):
    lms = Platform(free_port()).start()
    registration_path(graded).write_text(registration_toml(lms, "tool.pem", "tool-key-1"))
    lms.tool_jwks = {"keys": [load_registration(registration_path(graded)).public_jwk()]}
    lms.users = {"lms-7": User("lms-7", "Ada Lovelace", "ada@example.edu"),
                 "lms-9": User("lms-9", "Grace Hopper", "grace@example.edu"),
                 "lms-11": User("lms-11", "Mallory", "mallory@example.edu")}
    (graded.root / RECORD).unlink(missing_ok=True)
    yield lms
    lms.stop()


def launch(course: Course, lms: Platform, sub: str) -> str | None:
    """A launch of ``sub`` as the hub sees it: the id_token the platform signed, checked by ltiauthenticator's
    own validator against the platform's JWKS end-point (signature, issuer, audience, azp, LTI claims), then
    what the course's authenticator does with it: the roster's student, and the launch's record."""
    from ltiauthenticator.lti13.validator import LTI13LaunchValidator

    validator = LTI13LaunchValidator()
    claims = validator.verify_and_decode_jwt(lms.signed_launch(sub, "nonce-1"), issuer=lms.url,
                                             audience={lms.client_id}, jwks_endpoint=lms.url + "/jwks",
                                             jwks_algorithms=["RS256"])
    validator.validate_id_token(claims)
    validator.validate_azp_claim(claims, {lms.client_id})
    assert claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]["lineitems"] == lms.url + "/lineitems"
    student, why = match_student(roster_rows(course.root), "email", claims)
    if student is None:
        return why
    write_launch(course.root, student, launch_record(claims))
    return student


def scores_posted(lms: Platform) -> list[dict]:
    return [json.loads(r["body"]) for r in lms.received if r["path"].endswith("/scores")]


@pytest.mark.slow
def test_each_counted_score_reaches_the_platforms_gradebook_once(graded, platform):
    assert launch(graded, platform, "lms-7") == "correct" and launch(graded, platform, "lms-9") == "buggy"
    assert launch(graded, platform, "lms-11") == "email 'mallory@example.edu' is not on the class roster of this course"
    outcome = passback(graded, [A1])
    assert sorted(outcome.sent) == ["buggy / %s: 50 of 80" % A1, "correct / %s: 80 of 80" % A1], outcome.lines()
    assert platform.score_of("lms-7", A1)["scoreGiven"] == 80 and platform.score_of("lms-9", A1)["scoreGiven"] == 50
    token, listing, created = platform.received[:3]
    assert token["path"] == "/token" and "client_credentials" in token["body"] and "jwt-bearer" in token["body"]
    assert (listing["method"], listing["path"], listing["query"]) == ("GET", "/lineitems", "resource_id=%s" % A1)
    assert created["method"] == "POST" and json.loads(created["body"]) == {
        "label": A1, "scoreMaximum": 80.0, "resourceId": A1, "tag": "grade"}
    posted = scores_posted(platform)
    assert [(p["userId"], p["scoreGiven"], p["scoreMaximum"], p["activityProgress"], p["gradingProgress"])
            for p in sorted(posted, key=lambda p: p["userId"])] == [
        ("lms-7", 80.0, 80.0, "Completed", "FullyGraded"), ("lms-9", 50.0, 80.0, "Completed", "FullyGraded")]
    assert all(r["content_type"] == "application/vnd.ims.lis.v1.score+json" and r["authorization"] == "Bearer "
               for r in platform.received if r["path"].endswith("/scores"))
    # again: nothing new is sent
    again = passback(graded, [A1])
    assert again.sent == [] and len(scores_posted(platform)) == 2
    record = PassbackRecord(graded.root / RECORD)
    try:
        assert {(r["student"], r["state"], r["http_status"]) for r in record.rows()} == {
            ("correct", "sent", 200), ("buggy", "sent", 200)}
    finally:
        record.close()


@pytest.mark.slow
def test_releasing_feedback_with_nbgraders_own_command_posts_the_released_scores(graded, platform):
    """Batch grading: the scores go when the instructor releases (nbgrader release_feedback, the formgrader's
    button), through nbgrader's exchange class set in nbgrader_config.py."""
    launch(graded, platform, "lms-7")
    launch(graded, platform, "lms-9")
    (graded.root / "exchange").mkdir(exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "release_feedback", A1], cwd=graded.root,
                          capture_output=True, text=True, timeout=300)
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-4000:]
    # buggy's submission has no secret (not through the exchange): left out, said, its score not posted
    assert "feedback of buggy on %s not released: the submission did not come through the exchange" % A1 in said, said
    assert "LMS passback: 1 score sent" in said, said
    assert platform.score_of("lms-7", A1)["scoreGiven"] == 80 and platform.score_of("lms-9", A1) is None
    assert len(list((graded.root / "exchange" / "nn-workbook" / "feedback").glob("*.html"))) == 1


@pytest.mark.slow
def test_an_lms_that_refuses_is_one_line_and_the_score_is_sent_once_it_accepts(graded, platform):
    launch(graded, platform, "lms-7")
    launch(graded, platform, "lms-9")
    platform.refuse = 403
    outcome = passback(graded, [A1], students={"correct"})
    assert outcome.sent == [] and len(outcome.failed) == 1
    line = outcome.failed[0]
    assert line.startswith("correct / %s: 80 of 80: the line items of %s: GET %s/lineitems: HTTP 403" % (
        A1, A1, platform.url)) and line.endswith("(attempt 1 of 3)") and "\n" not in line   # refused: not retried
    platform.refuse = None
    outcome = passback(graded, [A1], students={"correct"})
    assert outcome.sent == ["correct / %s: 80 of 80" % A1]
    assert len(scores_posted(platform)) == 1 and platform.score_of("lms-7", A1)["scoreGiven"] == 80


@pytest.mark.slow
def test_an_lms_that_is_down_or_silent_is_tried_again_and_nothing_is_lost(graded, platform):
    launch(graded, platform, "lms-9")
    registration = load_registration(registration_path(graded))
    closed = free_port()
    down = AgsClient(registration.__class__(**{**registration.__dict__,
                                               "token_url": "http://127.0.0.1:%d/token" % closed}),
                     sleep=lambda seconds: None)
    outcome = passback(graded, [A1], students={"buggy"}, client=down)
    assert len(outcome.failed) == 1 and outcome.failed[0].endswith(
        "the access token: POST http://127.0.0.1:%d/token: cannot be reached (ConnectionError) (attempt 3 of 3)" % closed)

    with socket.socket() as silent:   # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        held = []
        stop = threading.Event()

        def accept():
            silent.settimeout(0.2)
            while not stop.is_set():
                try:
                    held.append(silent.accept()[0])
                except OSError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        slow = AgsClient(registration.__class__(**{**registration.__dict__,
                                                   "token_url": "http://127.0.0.1:%d/token" % port}),
                         timeout=0.5, attempts=2, sleep=lambda seconds: None)
        outcome = passback(graded, [A1], students={"buggy"}, client=slow)
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
    assert outcome.failed[0].endswith("the access token: POST http://127.0.0.1:%d/token: no answer within 0.5 s "
                                      "(attempt 2 of 2)" % port)
    assert scores_posted(platform) == []
    outcome = passback(graded, [A1], students={"buggy"})   # the LMS is reachable again: sent, once
    assert outcome.sent == ["buggy / %s: 50 of 80" % A1] and len(scores_posted(platform)) == 1
    record = PassbackRecord(graded.root / RECORD)
    try:
        (row,) = [r for r in record.rows() if r["student"] == "buggy"]
        assert row["state"] == "sent" and row["attempts"] == 3
    finally:
        record.close()


@pytest.mark.slow
def test_the_grading_service_judges_lateness_by_its_clock_and_posts_the_counted_score(tmp_path):
    """The on-submit service with a schedule, a late policy and an LTI registration: a submission whose folder
    claims 2020 is judged by when the service received it (late), the claim is noted, and the counted score,
    less its penalty, reaches the platform's gradebook."""
    import datetime

    from grader.authoring.release import build_keys, generate_release
    from grader.intake.roster import import_roster
    from grader.lms.registration import write_keys
    from test_onsubmit import Running

    prepared = copy_course(tmp_path / "prepared")
    generate_release(prepared, [A1], log=lambda *_: None)
    build_keys(prepared, [A1], log=lambda *_: None)
    (tmp_path / "run").mkdir()
    service = Running(prepared, tmp_path / "run", "c.LatePolicy.penalty_percent = 10\nc.LatePolicy.per = 'day'\n")
    course = service.course
    (course.root / "moodle.csv").write_text(MOODLE)
    import_roster(course, course.root / "moodle.csv", "moodle")
    due = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    (course.root / "schedule.toml").write_text('timezone = "UTC"\n[due]\n%s = "%s"\n' % (A1, due.strftime("%Y-%m-%d %H:%M")))
    lms = Platform(free_port()).start()
    try:
        write_keys(registration_path(course).parent, "tool-key-1")
        registration_path(course).write_text(registration_toml(lms, "tool.pem", "tool-key-1"))
        lms.tool_jwks = {"keys": [load_registration(registration_path(course)).public_jwk()]}
        lms.users = {"lms-7": User("lms-7", "Ada Lovelace", "ada@example.edu")}
        assert launch(course, lms, "lms-7") == "correct"
        service.start()
        from grader.example_class.exchange import hand_in

        handed = hand_in(course, service.exchange, "correct", A1, "correct", timestamp="2020-01-01 08:00:00.000000 UTC")
        service.wait(lambda: service.graded([handed]), what="the verdict")
        page = service.feedback(handed)
        assert "Score: 72 / 80 (late penalty: 8)" in page and "after the due date: -10 %" in page, page[:3000]
        service.wait(lambda: lms.score_of("lms-7", A1) is not None, timeout=120, what="the score at the LMS")
        assert lms.score_of("lms-7", A1)["scoreGiven"] == 72
        ledger = service.ledger()
        try:
            (entry,) = ledger.all()
            assert any(note.startswith("its name claims 2020-01-01 08:00:00.000000 UTC, but the course received it")
                       for note in entry.note_list), entry.note_list
        finally:
            ledger.close()
    finally:
        service.stop()
        lms.stop()


def test_a_launch_names_one_student_of_the_roster_or_none():
    rows = [("ada", "Ada@Example.edu", "7"), ("grace", "grace@example.edu", "9"), ("twin", "grace@example.edu", "")]
    custom = "https://purl.imsglobal.org/spec/lti/claim/custom"
    assert match_student(rows, "email", {"email": "ada@example.EDU"}) == ("ada", "")
    assert match_student(rows, "sub", {"sub": "9"}) == ("grace", "")
    assert match_student(rows, "custom_login", {custom: {"login": "twin"}}) == ("twin", "")
    assert match_student(rows, "email", {"email": "grace@example.edu"}) == (
        None, "email 'grace@example.edu' names 2 students of the roster; ask your instructor")
    assert match_student(rows, "email", {"sub": "7"}) == (None, "the launch has no email to find you on the class "
                                                                 "roster by")
    assert match_student(rows, "name", {"name": "Ada"})[1] == "the registration's match 'name' is not email, sub " \
                                                               "or custom_<name>"


def test_a_registration_that_cannot_be_used_is_one_line_naming_it(tmp_path):
    from grader.lms.registration import RegistrationError

    path = tmp_path / "registration.toml"
    assert load_registration(path) is None   # no file: the course does not use LTI
    path.write_text('issuer = "https://lms.example.edu"\nclient_id = "42"\n')
    with pytest.raises(RegistrationError) as caught:
        load_registration(path)
    assert str(caught.value) == ("%s: deployment_id, authorize_url, jwks_url, token_url, private_key, key_id missing "
                                 "(it needs issuer, client_id, deployment_id, authorize_url, jwks_url, token_url, "
                                 "private_key, key_id)" % path)
