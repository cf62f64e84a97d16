"""A real class on JupyterHub, in a real browser (Playwright driving Debian's Chromium).

One hub, one pass through the whole cycle, as root (CI is root on a fresh machine):

0. `grader.classroom.setup` makes a classroom in /var/tmp: an instructor and two students (local users
   with distinctive names, PAM passwords), the exchange, the instructor's course copy with assignment 1
   in its gradebook, and the session's student environment (built from the student wheel, shared with
   tests/test_bundle.py) configured for this hub; JupyterHub starts on 127.0.0.1 with free ports.
1. The instructor logs in: JupyterLab has the whole Nbgrader menu and Create Assignment. The formgrader
   (in a tab of its own: JupyterHub forbids it in a frame) shows no exchange warning; its Release
   button puts assignment 1 into the exchange.
2. Each student logs in: the Nbgrader menu holds the Assignment List only (no formgrader, no course
   list) and there is no Create Assignment panel. They fetch assignment 1 in the Assignments tab; their
   answers are written through their own server's contents API (one the example class's correct
   student, the other its buggy one), the notebook opens, the solver runs the setup cell and a check
   (✔ line), and both hand in with the Submit button.
3. The grading service that the hub runs (``python -m grader serve``, as the instructor) grades each submission as
   it arrives, with no instructor action: each student fetches their feedback in the Assignments tab and reads
   their own verdicts (their total, the failed checks of their bugs), never the other's.
4. The class's policy allows 2 graded submissions in any 1.5 minutes: student 1's second submission is graded
   again; the third gets a page saying when it will be graded, and the service's page (through the hub's
   OAuth) lists it as waiting, while student 2's page shows only student 2's submission. The service is killed
   with SIGKILL; the hub starts it again, as the instructor, and the third submission is graded at its slot.
   The formgrader shows the counted totals, and the instructor's own ``python -m grader grade`` keeps every
   verdict (nothing graded twice: one "graded" event per submission in the service's ledger).
5. A student cannot reach the instructor's side: their server runs the student environment (process,
   PATH, NNCOURSE_DATA_DIR set by the hub, no exchange override), their home holds no source/, no
   answer keys, no gradebook; they cannot read the instructor's course, the other student's home, or
   list the exchange's inbound and feedback folders; `import grader` fails, and nothing importable in
   their environment, nor anything they fetched, defines a graded function.

Screenshots go to reports/screenshots/classroom_NN_<step>.png (paths printed); each step's time is
printed at the end. Users, processes and the state folder are removed afterwards.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from browser_support import CHROMIUM, UI_TIMEOUT, ScreenshotSeries, chromium_browser, free_port, run_cell
from conftest import REPO
from grader.authoring.solutions import instructor_solutions
from grader.classroom.accounts import run_as, user_environment
from grader.classroom.hub_process import start, stop, wait_until_up
from grader.classroom.instructor import as_instructor
from grader.classroom.settings import Classroom, home_of
from grader.classroom.setup import remove, setup
from grader.course import Course
from grader.example_class import fill_in
from grader.example_class.a1_numpy_basics import STUDENTS as EXAMPLE_STUDENTS
from grader.onsubmit.ledger import Ledger
from grader.onsubmit.service import STATE_FOLDER
from grader.outputs.results import exercise_scores
from grader.processes import pids_of
from nncourse.checks import PASS_MARK
from student_env_support import course_code_problems, inspect_env
from test_audiences import COURSE, defined_functions, graded_functions, python_files

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="the classroom creates users and starts their servers: run as "
                                                 "root (CI does)"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: install Debian's package `chromium`"),
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="grading needs bubblewrap (apt-get install bubblewrap)"),
]

ASSIGNMENT = "a1_numpy_basics"
NOTEBOOK = "numpy_basics.ipynb"
SCREENSHOTS = REPO / "reports" / "screenshots"
TAG = secrets.token_hex(2)                 # distinctive names: never an existing account
INSTRUCTOR = "nnc-teacher-%s" % TAG
SOLVER, BUGGY = "nnc-student1-%s" % TAG, "nnc-student2-%s" % TAG
PROFILE = {SOLVER: "correct", BUGGY: "buggy"}  # example students of grader/example_class/a1_numpy_basics.py

#: The class's on-submit policy: 2 graded submissions per student in any 1.5 minutes (short, for the test).
POLICY = "\nc.SubmitPolicy.graded_per_period = 2\nc.SubmitPolicy.period_minutes = 1.5\n"
SPAWN_TIMEOUT = 420_000    # ms: a user's first JupyterLab on a loaded machine
GRADE_TIMEOUT = 1800       # s: answer keys and grading in the sandbox


@dataclass
class Hub:
    classroom: Classroom
    passwords: dict[str, str]
    log: Path
    setup_seconds: float
    start_seconds: float

    def url(self, path: str) -> str:
        return self.classroom.url + path.lstrip("/")

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


@pytest.fixture(scope="module")
def hub(student_env):
    """The classroom, set up and running; everything removed afterwards (users, processes, state)."""
    state = Path(tempfile.mkdtemp(prefix="nncourse-hub-", dir="/var/tmp"))
    classroom = Classroom(state=state, instructor=INSTRUCTOR, students=[SOLVER, BUGGY],
                          course_id=Course(REPO).config.CourseDirectory.course_id, port=free_port(),
                          hub_port=free_port(), proxy_api_port=free_port(), service_port=free_port(),
                          data_dir=os.environ.get("NNCOURSE_DATA_DIR", ""), student_env=student_env.env)
    process = None
    try:
        begin = time.perf_counter()
        passwords = setup(classroom, Course(REPO), [ASSIGNMENT], build_env=False, log=lambda _: None)
        with open(classroom.course_folder / "nbgrader_config.py", "a") as config:   # the class's policy
            config.write(POLICY)
        set_up = time.perf_counter() - begin
        log = classroom.private / "jupyterhub.log"
        begin = time.perf_counter()
        process = start(classroom, log)
        wait_until_up(classroom, process, timeout=300, log_file=log)
        yield Hub(classroom, passwords, log, set_up, time.perf_counter() - begin)
    finally:
        if process is not None:
            stop(process)
        remove(classroom, log=lambda _: None)


class Steps:
    """Times each step of the cycle; the table is printed at the end, also when a step fails."""

    def __init__(self):
        self.times: list[tuple[str, float]] = []

    @contextmanager
    def __call__(self, name: str):
        begin = time.perf_counter()
        try:
            yield
        finally:
            self.times.append((name, time.perf_counter() - begin))

    def table(self) -> str:
        width = max(len(name) for name, _ in self.times)
        lines = ["%-*s  %6.1f s" % (width, name, seconds) for name, seconds in self.times]
        return "\n".join(["classroom steps:"] + lines + ["%-*s  %6.1f s" % (width, "total", sum(s for _, s in self.times))])


# ---------------------------------------------------------------- what a user does in the browser
def log_in(browser, hub: Hub, user: str):
    """A browser context of its own for ``user``: the hub's login form, then their JupyterLab."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.set_default_timeout(UI_TIMEOUT)
    page.goto(hub.url("hub/login"))
    page.fill("#username_input", user)
    page.fill("#password_input", hub.passwords[user])
    page.click("#login_submit")
    page.wait_for_url(re.compile(r"/user/%s/lab" % re.escape(user)), timeout=SPAWN_TIMEOUT)
    expect(page.locator("#jp-MainMenu").get_by_text("Nbgrader", exact=True)).to_be_visible(timeout=SPAWN_TIMEOUT)
    return page


def show_nbgrader_menu(page):
    """Open JupyterLab's Nbgrader menu (clicking its title again if a first click only closed another menu)."""
    menu = page.locator(".lm-Menu", has=page.locator(".lm-Menu-itemLabel", has_text="Assignment List"))
    for _ in range(3):
        page.locator("#jp-MainMenu").get_by_text("Nbgrader", exact=True).click()
        try:
            menu.wait_for(timeout=10_000)
            return menu
        except Exception:   # playwright's TimeoutError: try once more
            page.locator("#jp-main-statusbar").click()
    menu.wait_for()
    return menu


def nbgrader_menu(page) -> list[str]:
    """The items of JupyterLab's Nbgrader menu."""
    menu = show_nbgrader_menu(page)
    items = [text.strip() for text in menu.locator(".lm-Menu-itemLabel").all_inner_texts() if text.strip()]
    menu.press("Escape")   # the menu's own key handler closes it
    menu.wait_for(state="hidden")
    return items


def open_assignments(page):
    """Nbgrader > Assignment List: the students' Assignments tab."""
    show_nbgrader_menu(page).get_by_text("Assignment List", exact=True).click()
    page.locator("#released_assignments_list").wait_for()


def listed(page, section: str):
    """The entry of the assignment in one list of the Assignments tab (released, fetched, submitted)."""
    return page.locator("#%s_assignments_list > .list_item" % section, has_text=ASSIGNMENT).first


def formgrader_action(page, hub: Hub, column: str, success: str) -> str:
    """Press one button of the assignment's row in the formgrader; return the dialog's text."""
    from playwright.sync_api import expect

    page.goto(hub.url("user/%s/formgrader" % INSTRUCTOR))
    row = page.locator("tr", has_text=ASSIGNMENT)
    row.locator("td.%s a" % column).click()
    dialog = page.locator(".modal-dialog")
    expect(dialog).to_contain_text(success, timeout=UI_TIMEOUT)
    text = dialog.inner_text()
    return text


def close_dialog(page):
    page.locator(".modal-dialog").get_by_role("button", name="OK").click()


def contents(page, user: str, method: str, path: str, body=None) -> dict:
    """The user's own server's contents API, with the session of their browser (cookie and XSRF token)."""
    token = next(c["value"] for c in page.context.cookies()
                 if c["name"] == "_xsrf" and c["path"].startswith("/user/%s" % user))
    response = page.request.fetch(page.url.split("/user/")[0] + "/user/%s/api/contents/%s" % (user, path),
                                  method=method, headers={"X-XSRFToken": token, "Content-Type": "application/json"},
                                  data=json.dumps(body) if body is not None else None)
    assert response.ok, "%s %s: %s %s" % (method, path, response.status, response.text()[:500])
    return response.json()


def code_cell(page, text: str):
    cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").filter(has_text=text)
    assert cells.count() == 1, "expected one code cell containing %r, found %d" % (text, cells.count())
    return cells.first


def submission_rows(page):
    """The rows of the assignment's submissions in the Assignments tab (nbgrader lists them oldest first)."""
    return listed(page, "submitted").locator(".nested_list_item")


def open_feedback(page, show: str, submissions: int = 1, wait_for: str = "Score:") -> str:
    """Assignments tab: Fetch Feedback, then (view feedback) of the newest of ``submissions`` and its HTML file;
    return its text (scrolled to the text ``show``). A page fetched before (the one that stood in for the
    feedback) may still be open in JupyterLab: its viewer is refreshed until it shows ``wait_for``."""
    from playwright.sync_api import expect

    open_assignments(page)
    expect(submission_rows(page)).to_have_count(submissions, timeout=UI_TIMEOUT)
    listed(page, "submitted").get_by_role("button", name="Fetch Feedback").click()
    view = submission_rows(page).last.get_by_text("(view feedback)")
    expect(view).to_be_visible(timeout=UI_TIMEOUT)
    view.click()
    page.locator(".jp-DirListing-item", has_text=NOTEBOOK.replace(".ipynb", ".html")).dblclick()
    viewer = page.locator(".jp-MainAreaWidget:not(.lm-mod-hidden)").last
    frame = page.frame_locator(".jp-MainAreaWidget:not(.lm-mod-hidden) iframe").last
    deadline = time.monotonic() + UI_TIMEOUT / 1000
    while wait_for not in frame.locator("body").inner_text() and time.monotonic() < deadline:
        viewer.get_by_title("Rerender HTML Document").click()
        time.sleep(1)
    expect(frame.locator("body")).to_contain_text(wait_for, timeout=1000)
    frame.get_by_text(show).first.scroll_into_view_if_needed()
    return frame.locator("body").inner_text()


def submit(page, submissions: int) -> None:
    """Press Submit in the Assignments tab; wait until the list shows ``submissions`` submissions."""
    from playwright.sync_api import expect

    open_assignments(page)
    listed(page, "fetched").get_by_role("button", name="Submit").click()
    expect(submission_rows(page)).to_have_count(submissions, timeout=UI_TIMEOUT)


def answer(page, hub: Hub, student: str, profile: str, solutions: dict) -> None:
    """Write the example student ``profile``'s answers into the student's notebook (contents API), with no
    notebook open in their JupyterLab (a fresh workspace), as a student who edited and saved would."""
    from playwright.sync_api import expect

    page.goto(hub.url("user/%s/lab?reset" % student))
    expect(page.locator("#jp-MainMenu").get_by_text("Nbgrader", exact=True)).to_be_visible(timeout=UI_TIMEOUT)
    release = nbformat.read(str(REPO / "release" / ASSIGNMENT / NOTEBOOK), as_version=4)
    answered = fill_in(release, EXAMPLE_STUDENTS[profile], solutions)
    contents(page, student, "PUT", "%s/%s" % (ASSIGNMENT, NOTEBOOK),
             {"type": "notebook", "format": "json", "content": answered})


def ledger_rows(hub: Hub) -> list:
    """The grading service's ledger (read as root; the service writes it as the instructor)."""
    ledger = Ledger(hub.classroom.course_folder / STATE_FOLDER / "ledger.sqlite")
    try:
        return ledger.all()
    finally:
        ledger.close()


def wait_for_ledger(hub: Hub, condition, what: str, timeout: float = GRADE_TIMEOUT) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (hub.classroom.course_folder / STATE_FOLDER / "ledger.sqlite").exists():
            rows = ledger_rows(hub)
            if condition(rows):
                return rows
        time.sleep(0.5)
    raise AssertionError("timed out waiting for %s\n%s" % (what, hub.log_tail()))


def graded(student: str, count: int):
    """A ledger condition: ``student`` has ``count`` graded submissions."""
    return lambda rows: sum(1 for r in rows if r.student == student and r.state == "graded") >= count


def service_process(hub: Hub, settle: float = 30) -> tuple[int, int]:
    """(pid, uid) of the grading service the hub runs. With limits, root starts it in its control group and it
    then becomes the instructor: a process found still root is looked at again for up to ``settle`` seconds."""
    deadline = time.monotonic() + settle
    while True:
        found = None
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    command = (entry / "cmdline").read_bytes().split(b"\0")
                    if b"serve" in command and b"grader" in command and str(hub.classroom.course_folder).encode() \
                            in os.readlink(entry / "cwd").encode():
                        found = int(entry.name), entry.stat().st_uid
                        break
                except (FileNotFoundError, ProcessLookupError, PermissionError):
                    continue
        if found is None:
            raise AssertionError("no grading service runs\n" + hub.log_tail())
        if found[1] != 0 or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def service_page(page, hub: Hub, shots, name: str) -> str:
    """The grading service's page, reached through the hub with the user's own login, in a tab of its own (the
    user's JupyterLab stays open in the other); return its text."""
    from playwright.sync_api import expect

    tab = page.context.new_page()
    try:
        tab.goto(hub.url("services/grading/"))
        expect(tab.locator("h1")).to_contain_text("submissions", timeout=UI_TIMEOUT)
        shots.take(tab, name)
        return tab.locator("body").inner_text()
    finally:
        tab.close()


# ---------------------------------------------------------------- what a student can reach on the machine
PROBE = r"""
import importlib.util, json, os, sys
course, other, exchange = sys.argv[1:4]
def readable(path):
    try:
        os.listdir(path)
        return True
    except OSError:
        return False
home = os.path.expanduser("~")
names = {n for _, dirs, files in os.walk(home) for n in dirs + files}
print(json.dumps({
    "private": sorted(names & {"source", "answer_keys", "gradebook.db", "autograded", "submitted", "nbgrader_config.py"}),
    "course": readable(course), "other_home": readable(other),
    "inbound": readable(os.path.join(exchange, "inbound")), "feedback": readable(os.path.join(exchange, "feedback")),
    "outbound": readable(os.path.join(exchange, "outbound")),
    "grader": importlib.util.find_spec("grader") is not None,
}))
"""


def as_student(hub: Hub, student: str):
    """A runner for student_env_support.inspect_env: ``python -c code`` as ``student`` in their home."""
    classroom = hub.classroom

    def runner(python, code, cwd=None, home=None):
        env = user_environment(student, classroom.student_env / "bin")
        return run_as(student, [str(python), "-c", code], home_of(student), env, timeout=600, check=False)

    return runner


def server_environment(user: str) -> tuple[str, dict]:
    """The command line and environment of ``user``'s single-user server process."""
    uid = pwd.getpwnam(user).pw_uid
    for pid in pids_of(uid):
        try:
            command = Path("/proc/%d/cmdline" % pid).read_bytes().split(b"\0")
            if any(part.endswith(b"jupyterhub-singleuser") for part in command):
                raw = Path("/proc/%d/environ" % pid).read_bytes().split(b"\0")
                env = dict(item.decode().split("=", 1) for item in raw if b"=" in item)
                return " ".join(part.decode() for part in command if part), env
        except (FileNotFoundError, ProcessLookupError):
            continue
    raise AssertionError("no jupyterhub-singleuser process of %s" % user)


# ---------------------------------------------------------------- the cycle
def test_a_class_releases_submits_is_graded_and_reads_feedback_on_jupyterhub(hub, student_env, capsys):
    from playwright.sync_api import expect

    steps = Steps()
    steps.times += [("set up the classroom (users, exchange, course copy + release)", hub.setup_seconds),
                    ("start JupyterHub and its proxy", hub.start_seconds)]
    classroom = hub.classroom
    solutions = instructor_solutions(REPO / "source" / ASSIGNMENT / NOTEBOOK)
    pages = {}
    try:
        with chromium_browser() as browser:
            shots = ScreenshotSeries(SCREENSHOTS, "classroom", capsys)

            # 1. the instructor: the whole Nbgrader menu; the formgrader releases into the exchange
            with steps("instructor logs in (server starts)"):
                teacher = pages[INSTRUCTOR] = log_in(browser, hub, INSTRUCTOR)
            assert {"Formgrader", "Assignment List", "Course List"} <= set(nbgrader_menu(teacher))
            expect(teacher.locator("#nbgrader-create_assignemnt")).to_have_count(1)
            shots.take(teacher, "instructor_lab")

            with steps("instructor releases with the formgrader"):
                teacher.goto(hub.url("user/%s/formgrader" % INSTRUCTOR))
                expect(teacher.locator("tr", has_text=ASSIGNMENT)).to_contain_text("draft")
                page_text = teacher.locator("body").inner_text()
                assert "exchange directory" not in page_text.lower(), page_text[:2000]
                shots.take(teacher, "formgrader_no_exchange_warning")
                released = formgrader_action(teacher, hub, "release", "Successfully released '%s'" % ASSIGNMENT)
                assert str(classroom.exchange) in released, released
                shots.take(teacher, "formgrader_released")
                close_dialog(teacher)
                expect(teacher.locator("tr", has_text=ASSIGNMENT)).to_contain_text("released")

            # 2. the students: the Assignments tab only; fetch, answer, submit
            for student in (SOLVER, BUGGY):
                number = 1 if student == SOLVER else 2
                with steps("student %d logs in (server starts)" % number):
                    page = pages[student] = log_in(browser, hub, student)
                assert nbgrader_menu(page) == ["Assignment List"]
                expect(page.locator("#nbgrader-create_assignemnt")).to_have_count(0)
                expect(page.locator(".jp-SideBar").get_by_title("Create Assignment")).to_have_count(0)

                with steps("student %d fetches in the Assignments tab" % number):
                    open_assignments(page)
                    listed(page, "released").get_by_role("button", name="Fetch").click()
                    expect(listed(page, "fetched")).to_contain_text("Submit", timeout=UI_TIMEOUT)
                shots.take(page, "student%d_fetched" % number)

                with steps("student %d answers (contents API) and opens the notebook" % number):
                    path = "%s/%s" % (ASSIGNMENT, NOTEBOOK)
                    fetched = nbformat.from_dict(contents(page, student, "GET", path)["content"])
                    answered = fill_in(fetched, EXAMPLE_STUDENTS[PROFILE[student]], solutions)
                    contents(page, student, "PUT", path, {"type": "notebook", "format": "json", "content": answered})
                    page.goto(hub.url("user/%s/lab/tree/%s" % (student, path)))
                    page.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=UI_TIMEOUT)
                    page.wait_for_function(
                        "() => (document.querySelector('#jp-main-statusbar') || {}).innerText?.includes('| Idle')",
                        timeout=UI_TIMEOUT)
                    if student == SOLVER:
                        for text in ("from nncourse.checks import", "def sigmoid(x):", '"sigmoid([1, 2, 3])")'):
                            run_cell(page, code_cell(page, text))
                        check = code_cell(page, '"sigmoid([1, 2, 3])")')
                        output = check.locator(".jp-OutputArea").inner_text()
                        assert "%s sigmoid([1, 2, 3])" % PASS_MARK in output, output
                        page.keyboard.press("Control+s")   # saved: JupyterLab keeps no unsaved copy to write back
                        expect(page.locator(".lm-TabBar-tab.jp-mod-dirty")).to_have_count(0, timeout=UI_TIMEOUT)
                shots.take(page, "student%d_notebook" % number)

                with steps("student %d submits with the Submit button" % number):
                    open_assignments(page)
                    listed(page, "fetched").get_by_role("button", name="Submit").click()
                    expect(listed(page, "submitted")).to_contain_text("UTC", timeout=UI_TIMEOUT)
                shots.take(page, "student%d_submitted" % number)

            # 3. the grading service grades each submission as it arrives: no instructor action
            with steps("the grading service grades both submissions"):
                wait_for_ledger(hub, lambda rows: graded(SOLVER, 1)(rows) and graded(BUGGY, 1)(rows),
                                "both first verdicts")
            pid, uid = service_process(hub)
            assert uid == pwd.getpwnam(INSTRUCTOR).pw_uid != 0   # the instructor's, never root's or a student's
            feedback = {}
            for student in (SOLVER, BUGGY):
                number = 1 if student == SOLVER else 2
                with steps("student %d fetches and opens the feedback" % number):
                    feedback[student] = open_feedback(pages[student], "\u2718 softmax" if student == BUGGY
                                                      else "Hidden checks: 6 of 6 passed")
                shots.take(pages[student], "student%d_feedback" % number)
            buggy_total = sum(EXAMPLE_STUDENTS["buggy"].expected.values())
            assert "Feedback on %s" % NOTEBOOK in feedback[SOLVER] and "Score: 80 / 80" in feedback[SOLVER]
            assert "your submission 1 of %s" % ASSIGNMENT in feedback[SOLVER]
            assert "Graded submissions left in this 1.5 minutes: 1 of 2" in feedback[SOLVER]
            assert "\u2718" not in feedback[SOLVER] and "Score: %g / 80" % buggy_total not in feedback[SOLVER]
            assert "Score: %g / 80" % buggy_total in feedback[BUGGY]
            assert "\u2718 softmax of a (3, 4) array" in feedback[BUGGY]
            assert "Score: 80 / 80" not in feedback[BUGGY]

            # 4. a second submission within the limit is graded again; a third, over it, waits for its slot
            solver = pages[SOLVER]
            with steps("student 1 submits again (buggy answers), within the limit"):
                answer(solver, hub, SOLVER, "buggy", solutions)
                submit(solver, 2)
                wait_for_ledger(hub, graded(SOLVER, 2), "the second verdict")
            second = open_feedback(solver, "your submission 2", submissions=2)
            shots.take(solver, "student1_second_feedback")
            assert "Score: %g / 80" % buggy_total in second and "your submission 2 of %s" % ASSIGNMENT in second
            assert "Graded submissions left in this 1.5 minutes: 0 of 2; the next can be graded at" in second

            with steps("student 1 submits a third time, over the limit, and is told when it is graded"):
                answer(solver, hub, SOLVER, "correct", solutions)
                submit(solver, 3)
                rows = wait_for_ledger(hub, lambda rows: sum(r.student == SOLVER for r in rows) == 3,
                                       "the third submission to arrive")
                third = open_feedback(solver, "Waiting for a free grading slot", submissions=3,
                                      wait_for="Waiting for a free grading slot")
            shots.take(solver, "student1_over_the_limit")
            assert "it will be graded at" in third and "You get 2 graded submissions" in third
            mine = service_page(solver, hub, shots, "service_page_student1")
            assert mine.count(ASSIGNMENT) >= 1 and "waiting for a grading slot until" in mine, mine
            assert BUGGY not in mine
            theirs = service_page(pages[BUGGY], hub, shots, "service_page_student2")
            assert SOLVER not in theirs and "waiting" not in theirs and "graded" in theirs, theirs

            with steps("the service is killed (SIGKILL); the hub starts it again"):
                os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + 180
                while time.monotonic() < deadline:
                    try:
                        restarted, restarted_uid = service_process(hub)
                    except AssertionError:
                        restarted = None
                    if restarted and restarted != pid:
                        break
                    time.sleep(1)
                assert restarted and restarted != pid, "the hub did not start the grading service again"
                assert restarted_uid == uid
            with steps("the third submission is graded at its slot"):
                rows = wait_for_ledger(hub, graded(SOLVER, 3), "the third verdict")
                final = open_feedback(solver, "your submission 3", submissions=3)
            shots.take(solver, "student1_third_feedback")
            assert "Score: 80 / 80" in final
            firsts = sorted(r.started for r in rows if r.student == SOLVER)
            assert firsts[2] - firsts[0] >= 90 - 1, firsts   # it waited for the first to leave the period

            # 5. the instructor: the gradebook holds the counted submissions; grading by hand grades nothing twice
            with steps("instructor's formgrader shows the totals; python -m grader grade keeps every verdict"):
                teacher.goto(hub.url("user/%s/formgrader/manage_students" % INSTRUCTOR))
                expect(teacher.locator("tr", has_text=SOLVER)).to_contain_text("80 / 80", timeout=UI_TIMEOUT)
                expect(teacher.locator("tr", has_text=BUGGY)).to_contain_text("%g / 80" % buggy_total)
                shots.take(teacher, "formgrader_students")
                by_hand = as_instructor(classroom, ["grade", "--only", ASSIGNMENT], timeout=GRADE_TIMEOUT)
            with capsys.disabled():
                print("\n" + by_hand.stdout)
            assert "student code runs in the bubblewrap sandbox" in by_hand.stdout, by_hand.stdout
            for student in (SOLVER, BUGGY):
                assert "%s / %s: unchanged since last graded: kept" % (student, ASSIGNMENT) in by_hand.stdout
            columns, scores, _ = exercise_scores(Course(classroom.course_folder), ASSIGNMENT)
            assert {s: sum(scores[s].get(c) or 0 for c in columns) for s in PROFILE} == {SOLVER: 80, BUGGY: buggy_total}
            assert [row.state for row in ledger_rows(hub)].count("graded") == 4
            ledger = Ledger(classroom.course_folder / STATE_FOLDER / "ledger.sqlite")
            try:
                graded_events = [entry for entry, _, kind, _ in ledger.events() if kind == "graded"]
            finally:
                ledger.close()
            assert sorted(graded_events) == sorted(set(graded_events)) and len(graded_events) == 4   # once each

            for student in (SOLVER, BUGGY):
                received = [p for p in (home_of(student) / ASSIGNMENT / "feedback").glob("*/*.html")
                            if ".ipynb_checkpoints" not in p.parts]
                assert {p.name for p in received} == {NOTEBOOK.replace(".ipynb", ".html")}, received
                assert len(received) == (3 if student == SOLVER else 1), received
                newest = home_of(student) / ASSIGNMENT / "feedback" / NOTEBOOK.replace(".ipynb", ".html")
                assert newest.read_bytes() == max(received, key=lambda p: p.parent.name).read_bytes()   # stable copy
                home = {item["name"] for item in contents(pages[student], student, "GET", "")["content"]}
                # what the file browser shows: the fetched assignment and the hub's index of the assignments only
                assert home == {ASSIGNMENT, "index.ipynb"}, home

        # 6. what a student can reach: the student environment only, nothing of the instructor's
        with steps("student side checked"):
            check_the_student_side(hub)
    finally:
        with capsys.disabled():
            print("\n" + steps.table())
            print("JupyterHub log: %s" % hub.log)


def check_the_student_side(hub: Hub):
    classroom = hub.classroom
    command, env = server_environment(SOLVER)
    assert command.startswith(str(classroom.student_env / "bin")), command
    assert env["PATH"].split(":")[0] == str(classroom.student_env / "bin"), env["PATH"]
    assert "NNCOURSE_EXCHANGE" not in env
    assert env.get("NNCOURSE_DATA_DIR", "") == classroom.data_dir
    teacher_command, teacher_env = server_environment(INSTRUCTOR)
    assert teacher_command.startswith(str(classroom.instructor_env / "bin")), teacher_command
    assert teacher_env["NNCOURSE_EXCHANGE"] == str(classroom.exchange)

    exchange = classroom.exchange / classroom.course_id
    runner = as_student(hub, SOLVER)
    places = [str(classroom.course_folder), str(home_of(BUGGY)), str(exchange)]
    probe = runner(classroom.student_env / "bin" / "python", PROBE.replace("sys.argv[1:4]", repr(places)))
    assert probe.returncode == 0, probe.stderr[-2000:]
    reach = json.loads(probe.stdout.strip().splitlines()[-1])
    assert reach == {"private": [], "course": False, "other_home": False, "inbound": False, "feedback": False,
                     "outbound": True, "grader": False}, reach

    facts = inspect_env(classroom.student_env / "bin" / "python", runner=runner)
    every_graded = set().union(*(graded_functions(a) for a in COURSE.assignments))
    assert course_code_problems(facts, every_graded, defined_functions) == []
    index = COURSE.assignments.index(ASSIGNMENT)
    later = set().union(*(graded_functions(a) for a in COURSE.assignments[index:]))
    for path in python_files(home_of(SOLVER) / ASSIGNMENT):
        assert not defined_functions(path.read_text()) & later, path
