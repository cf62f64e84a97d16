"""LTI 1.3 end to end, in a real browser: a third-party platform as the LMS, the JupyterHub classroom as the tool.

The LMS is ``lti1p3platform`` (PyPI) served by tests/lti_platform.py on 127.0.0.1, with its own RSA key, JWKS and
OAuth2 token end-point. The classroom (as in tests/test_classroom.py: local users, the exchange, the student
environment, the grading service) has an LTI registration, so the hub logs users in with JupyterHub's LTI 1.3
authenticator (grader.lms.hub_auth). As root, with Debian's Chromium:

1. the instructor imports the class list (a Moodle export with the students' emails), makes the tool's keys
   (``python -m grader lti-keys``) and writes the registration; the LMS registers the tool's public key;
2. the student opens the assignment's link in the LMS: the OIDC login initiation reaches the hub, the hub asks
   the LMS to authenticate, the LMS posts the signed launch back, the hub checks it and logs the roster's
   student in (their JupyterLab opens); a launch for someone not on the roster is refused;
3. the student fetches assignment 1, answers it and presses Submit in the Assignments tab;
4. the grading service grades it and posts the counted score with AGS; the LMS's gradebook page shows it.

Screenshots: reports/screenshots/lti_NN_<step>.png.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from browser_support import CHROMIUM, UI_TIMEOUT, ScreenshotSeries, chromium_browser, free_port
from conftest import REPO
from grader.authoring.solutions import instructor_solutions
from grader.classroom.accounts import run_as, user_environment
from grader.classroom.hub_process import start, stop, wait_until_up
from grader.classroom.instructor import as_instructor, instructor_env_vars
from grader.classroom.settings import Classroom
from grader.classroom.setup import remove, setup
from grader.course import Course
from grader.lms.registration import load_registration
from lti_platform import Platform, User, registration_toml

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="the classroom creates users: run as root (CI does)"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: install Debian's package `chromium`"),
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="grading needs bubblewrap"),
]

A1, NOTEBOOK = "a1_numpy_basics", "numpy_basics.ipynb"
TAG = secrets.token_hex(2)
INSTRUCTOR, STUDENT = "nnc-lti-teacher-%s" % TAG, "nnc-lti-ada-%s" % TAG
SUB, EMAIL = "lms-user-4711", "ada.lovelace@example.edu"
SCREENSHOTS = REPO / "reports" / "screenshots"
GRADE_TIMEOUT = 1800


@pytest.fixture(scope="module")
def lti_hub(student_env):
    """The classroom with an LTI registration at a running lti1p3platform, and the hub; all removed after."""
    from test_classroom import Hub

    state = Path(tempfile.mkdtemp(prefix="nncourse-lti-hub-", dir="/var/tmp"))
    classroom = Classroom(state=state, instructor=INSTRUCTOR, students=[STUDENT],
                          course_id=Course(REPO).config.CourseDirectory.course_id, port=free_port(),
                          hub_port=free_port(), proxy_api_port=free_port(), service_port=free_port(),
                          data_dir=os.environ.get("NNCOURSE_DATA_DIR", ""), student_env=student_env.env)
    lms = Platform(free_port())
    process = None
    try:
        setup(classroom, Course(REPO), [A1], build_env=False, log=lambda _: None)
        course = classroom.course_folder
        # the instructor: the class list from the LMS, the tool's keys, the registration
        (state / "moodle.csv").write_text("First name,Last name,Username,ID number,Email address\n"
                                          "Ada,Lovelace,%s,,%s\n" % (STUDENT, EMAIL))
        os.chmod(state, 0o755)
        os.chmod(state / "moodle.csv", 0o644)
        report = as_instructor(classroom, ["roster", "--lms", "moodle", "--from", str(state / "moodle.csv")])
        assert "1 students added" in report.stdout, report.stdout
        jwk = as_instructor(classroom, ["lti-keys", "--key-id", "hub-key-1"]).stdout
        registration = course / ".nncourse" / "lti" / "registration.toml"
        registration.write_text(registration_toml(lms, "tool.pem", "hub-key-1"))
        owner = course.stat()
        os.chown(registration, owner.st_uid, owner.st_gid)
        os.chmod(registration, 0o600)
        # the LMS: the tool's public key (as printed by lti-keys), its login and launch URLs
        lms.tool_jwks = {"keys": [json.loads(jwk.split("(JWK):\n", 1)[1])]}
        assert lms.tool_jwks["keys"][0] == load_registration(registration).public_jwk()
        lms.tool_login_url = classroom.url + "hub/lti13/oauth_login"
        lms.tool_launch_url = classroom.url + "hub"
        lms.users = {SUB: User(SUB, "Ada Lovelace", EMAIL),
                     "lms-user-666": User("lms-user-666", "Mallory", "mallory@example.edu")}
        lms.start()
        # the assignment released to the exchange, as the formgrader's Release button does
        env = user_environment(INSTRUCTOR, classroom.instructor_env / "bin", instructor_env_vars(classroom))
        run_as(INSTRUCTOR, [str(classroom.instructor_env / "bin" / "python"), "-m", "nbgrader", "release_assignment",
                            A1], course, env)
        log = classroom.private / "jupyterhub.log"
        process = start(classroom, log)
        wait_until_up(classroom, process, timeout=300, log_file=log)
        yield Hub(classroom, {}, log, 0.0, 0.0), lms
    finally:
        if process is not None:
            stop(process)
        lms.stop()
        remove(classroom, log=lambda _: None)


def test_a_student_launched_from_the_lms_submits_and_the_score_reaches_the_lms_gradebook(lti_hub, capsys):
    from playwright.sync_api import expect

    from grader.example_class.a1_numpy_basics import STUDENTS
    from test_classroom import answer, listed, open_assignments, submit

    hub, lms = lti_hub
    shots = ScreenshotSeries(SCREENSHOTS, "lti", capsys)
    with chromium_browser() as browser:
        # someone not on the roster: the hub refuses the launch, in one line
        intruder = browser.new_context().new_page()
        intruder.set_default_timeout(UI_TIMEOUT)
        intruder.goto(lms.launch_link("lms-user-666"))
        expect(intruder.locator("body")).to_contain_text("mallory@example.edu' is not on the class roster",
                                                         timeout=UI_TIMEOUT)
        shots.take(intruder, "launch_refused_not_on_roster")

        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        page.set_default_timeout(UI_TIMEOUT)
        page.goto(lms.launch_link(SUB))   # the assignment's link in the LMS
        page.wait_for_url("**/user/%s/lab**" % STUDENT, timeout=420_000)
        expect(page.locator("#jp-MainMenu").get_by_text("Nbgrader", exact=True)).to_be_visible(timeout=420_000)
        shots.take(page, "student_logged_in_from_the_lms")
        launch = json.loads((hub.classroom.course_folder / ".nncourse" / "lti" / "launches" /
                             ("%s.json" % STUDENT)).read_text())
        assert launch["sub"] == SUB and launch["lineitems"] == lms.url + "/lineitems"

        open_assignments(page)
        listed(page, "released").get_by_role("button", name="Fetch").click()
        expect(listed(page, "fetched")).to_be_visible(timeout=UI_TIMEOUT)
        shots.take(page, "assignments_tab_fetched")
        answer(page, hub, STUDENT, "correct", instructor_solutions(REPO / "source" / A1 / NOTEBOOK))
        submit(page, 1)
        shots.take(page, "submitted")

        deadline = time.monotonic() + GRADE_TIMEOUT
        while lms.score_of(SUB, A1) is None and time.monotonic() < deadline:
            time.sleep(1)
        score = lms.score_of(SUB, A1)
        assert score is not None, "no score reached the LMS\n" + hub.log_tail()
        expected = sum(STUDENTS["correct"].expected.values())
        assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == (SUB, expected, 80.0)
        assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"

        gradebook = browser.new_context().new_page()
        gradebook.goto(lms.url + "/gradebook")
        expect(gradebook.locator("#gradebook")).to_contain_text("%g / 80" % expected)
        expect(gradebook.locator("#gradebook")).to_contain_text("Ada Lovelace")
        shots.take(gradebook, "lms_gradebook_with_the_score")
    paths = [(r["method"], r["path"]) for r in lms.received]
    assert paths[0] == ("POST", "/token") and ("POST", "/lineitems") in paths \
        and ("POST", "/lineitems/1/scores") in paths, paths
    with capsys.disabled():
        print("\nwhat the LMS received:\n" + "\n".join("%s %s%s %s %s" % (r["method"], r["path"],
                                                                         "?" + r["query"] if r["query"] else "",
                                                                         r["content_type"], r["body"][:300])
                                                     for r in lms.received))
