"""What each user of the classroom hub may take of the machine (grader/classroom/limits.py).

* The plan: the defaults for a 2-core / 24 GiB machine and a 32-core / 128 GiB one (the numbers
  docs/classroom.md states), settings that override them, and refusals that name their cause.
* Control groups on this machine (root): a group of the classroom's tree holds a memory hog, a fork bomb and a
  spinning process at their limits, the student side reads the counters it tells the student about, and
  ending a group leaves nothing behind.
* A real hub (slow, root, Chromium): one student's notebook allocates far past its memory, one starts a fork
  bomb, one spins every core; meanwhile another student logs in, fetches, runs a cell and submits, the grading
  service grades it and the instructor's formgrader shows it, each within a stated time; the offenders are
  held at their limits, read in their notebook which limit and what to do, and the hub is still up. The
  table of timings is printed at the end.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import REPO
from grader.classroom.limits import (GiB, LIMITS_ENV, MiB, CgroupTree, ClassroomError, Enforcement, Machine, plan,
                                     format_size, parse_size, systemd_properties, tree_name)
from nncourse.hublimits import counters, explain, own_groups

ROOT = os.geteuid() == 0
SMALL = Machine(cores=2, memory=24 * GiB, pid_max=32768, home_disk=250 * GiB)
LARGE = Machine(cores=32, memory=128 * GiB, pid_max=4194304, home_disk=2000 * GiB)


# ---------------------------------------------------------------- the plan
def test_a_2_core_24_gib_machine_for_a_class_of_30():
    limits = plan(SMALL, 30)
    assert limits.grading_memory == 3 * GiB and limits.hub_memory == 1 * GiB
    assert limits.students_memory == 24 * GiB - 1 * GiB - 3 * GiB - 1.5 * GiB          # the system keeps 1/16
    assert limits.user_memory == 1 * GiB           # 18.5 GiB shared by half the class, in steps of 256 MiB
    assert limits.user_cpus == 1 and limits.reserved_cpus == 1
    assert limits.user_tasks == 256 + 32 * 2 and limits.students_tasks == 32768 * 3 // 4
    assert limits.user_disk == 4 * GiB             # 125 GiB shared by 30, in steps of 256 MiB
    assert limits.weights == {"hub": 1, "grading": 1, "users": 1}


def test_a_32_core_128_gib_machine_for_a_class_of_30_and_of_300():
    limits = plan(LARGE, 30)
    assert limits.grading_memory == 32 * GiB and limits.students_memory == 87 * GiB
    assert limits.user_memory == 4 * GiB and limits.user_cpus == 4 and limits.reserved_cpus == 8
    assert limits.user_tasks == 256 + 32 * 32 and limits.user_disk == 10 * GiB
    assert limits.weights == {"hub": 1, "grading": 8, "users": 24}
    crowded = plan(LARGE, 300)
    assert crowded.user_memory == 1 * GiB and crowded.user_disk == 3.25 * GiB and crowded.user_cpus == 4


def test_settings_override_the_defaults_and_the_plan_says_which_are_which():
    limits = plan(SMALL, 30, memory_per_user="2G", cpus_per_user=0.5, processes_per_user=100, reserved_cpus=0.5,
                  idle_minutes=0)
    assert (limits.user_memory, limits.user_cpus, limits.user_tasks, limits.reserved_cpus) == (2 * GiB, 0.5, 100, 0.5)
    words = "\n".join(limits.describe())
    assert "memory 2 GiB, CPU at most 0.5 cores, 100 processes and threads, home disk 4 GiB (default)" in words
    assert "kept for the grading service: memory 3 GiB (its own limit) (default)" in words
    assert "idle servers are never stopped" in words
    assert json.loads(limits.user_environment()[LIMITS_ENV]) == {"memory": 2 * GiB, "cpus": 0.5, "tasks": 100,
                                                                 "disk": 4 * GiB}
    assert limits.user_environment()["OMP_NUM_THREADS"] == "1"
    assert plan(SMALL, 30, memory_per_user="64G").user_memory == limits.students_memory   # never past the pool


def test_what_cannot_be_had_is_refused_with_its_cause():
    with pytest.raises(ClassroomError, match=r"memory \(3 GiB\) leaves 256 MiB for the users' servers"):
        plan(Machine(cores=2, memory=3 * GiB, pid_max=32768), 2)
    no_quota = Machine(cores=2, memory=24 * GiB, pid_max=32768, home_quota="no user quotas on /home")
    assert plan(no_quota, 30).user_disk == 0
    assert "home disk not limited: no user quotas on /home" in plan(no_quota, 30).describe()[0]
    with pytest.raises(ClassroomError, match="disk_per_user is set .* no user quotas on /home"):
        plan(no_quota, 30, disk_per_user="2G")
    with pytest.raises(ClassroomError, match="'lots' is not a size"):
        parse_size("lots")
    assert parse_size("1.5G") == 1.5 * GiB and parse_size("512MiB") == 512 * MiB and format_size(1536 * MiB) == "1.5 GiB"


def test_systemd_gets_the_same_plan_as_unit_properties():
    limits = plan(LARGE, 30)
    properties = systemd_properties(limits)
    assert properties["mem_limit"] == 4 * GiB and properties["cpu_limit"] == 4
    assert properties["unit_extra_properties"]["TasksMax"] == "1280"
    assert properties["slice_properties"] == {"MemoryMax": str(87 * GiB), "TasksMax": str(4194304 * 3 // 4),
                                              "CPUWeight": "2400"}
    assert properties["grading_properties"] == {"MemoryMax": str(32 * GiB), "CPUWeight": "800"}
    command = Enforcement("systemd", "", limits, slice="nncourse-x.slice").service_command(["serve"], "teacher")
    assert command[:5] == ["systemd-run", "--scope", "--quiet", "--slice", "nncourse-x.slice"]
    assert command[-4:] == ["--user", "teacher", "--", "serve"] and "-I" in command


def test_the_student_is_told_which_limit_and_what_to_do():
    limits = {"memory": 1536 * MiB, "tasks": 320}
    calm = {"oom_kills": 2, "tasks_refused": 5}
    assert explain(calm, calm, limits, kernel_died=True) == ""
    died = explain(calm, {"oom_kills": 3, "tasks_refused": 5}, limits, kernel_died=True)
    assert "The hub stopped this kernel" in died and "more than 1.5 GiB of memory" in died
    assert "its variables are lost" in died and "What to do:" in died
    forked = explain(calm, {"oom_kills": 2, "tasks_refused": 9}, limits, kernel_died=False)
    assert "reached 320 processes and threads" in forked and "Restart Kernel" in forked and "memory" not in forked


# ---------------------------------------------------------------- control groups on this machine
def in_group(tree: CgroupTree, user: str):
    files = [str(p) for p in tree.procs_files("users", user)]

    def enter():
        for path in files:
            with open(path, "w") as handle:
                handle.write("0")
    return enter


BOMB = r"""
import os, sys, time
end = time.time() + float(sys.argv[1])          # bounded: every process of the bomb exits by then
while time.time() < end:
    try:
        os.fork()
    except OSError:
        time.sleep(0.05)
os._exit(0)
"""
SPIN = "import time\nend = time.time() + 4\nwhile time.time() < end:\n    pass\n"


@pytest.mark.skipif(not ROOT, reason="control groups are made as root (CI is root)")
def test_a_group_of_the_tree_holds_memory_processes_and_cpu_at_their_limits():
    try:
        tree = CgroupTree.detect("nncourse-test-%d" % os.getpid())
    except ClassroomError as error:
        pytest.skip("this machine offers no control groups to limit with: %s" % error)
    limits = plan(Machine.detect(), 3, memory_per_user="256M", cpus_per_user=0.5, processes_per_user=40)
    try:
        tree.create(limits)
        tree.make_user("u", limits)
        hog = subprocess.run([sys.executable, "-c", "x = bytearray(1 << 30)"], preexec_fn=in_group(tree, "u"))
        assert hog.returncode == -9                                   # killed at its memory limit
        used = tree.usage("users", "u")
        assert used["oom_kills"] == 1 and used["memory_peak"] <= 256 * MiB
        # what the student's server reads from inside the group
        probe = subprocess.run([sys.executable, "-c", "from nncourse.hublimits import counters, own_groups; "
                                "print(counters(own_groups()))"], preexec_fn=in_group(tree, "u"),
                               capture_output=True, text=True, check=True)
        assert probe.stdout.strip() == "{'oom_kills': 1, 'tasks_refused': 0}"

        bomb = subprocess.Popen([sys.executable, "-c", BOMB, "3"], preexec_fn=in_group(tree, "u"))
        most = 0
        while bomb.poll() is None:
            most = max(most, tree.usage("users", "u")["tasks"])
            time.sleep(0.1)
        assert most <= 40 and tree.usage("users", "u")["tasks_refused"] > 0

        before = tree.usage("users", "u")
        begin = time.monotonic()
        spinners = [subprocess.Popen([sys.executable, "-c", SPIN], preexec_fn=in_group(tree, "u")) for _ in range(2)]
        for spinner in spinners:
            spinner.wait()
        after, wall = tree.usage("users", "u"), time.monotonic() - begin
        assert after["throttled"] > before["throttled"]
        assert after["cpu_seconds"] - before["cpu_seconds"] <= 0.5 * wall * 1.15    # half a core, for two spinners

        # the grading service's way in: root enters the group, then becomes the user
        entered = subprocess.run(Enforcement("cgroup v%d" % tree.version, "", limits, group_files=[
            str(p) for p in tree.procs_files("grading")]).service_command(["sh", "-c", "id -un; cat /proc/self/cgroup"],
                                                                           "nobody"),
            capture_output=True, text=True, cwd="/")
        assert entered.returncode == 0, entered.stderr
        assert entered.stdout.splitlines()[0] == "nobody" and "/%s/grading" % tree.name in entered.stdout

        sleeper = subprocess.Popen(["sleep", "60"], preexec_fn=in_group(tree, "u"), start_new_session=True)
        assert tree.processes("users", "u") >= {sleeper.pid}
        tree.remove_group("users", "u")                              # ends what is left, then removes the group
        assert sleeper.wait(timeout=10) == -9
        assert not any(folder.exists() for folder in tree.folders("users", "u"))
    finally:
        tree.remove()
    assert not any(folder.exists() for folder in tree.folders())
    assert own_groups()   # this process is where it was: in the machine's groups, none of the tree's
    assert counters(own_groups()).keys() == {"oom_kills", "tasks_refused"}


def test_each_classroom_has_a_tree_of_its_own():
    assert tree_name("/srv/nncourse-hub") == tree_name("/srv/../srv/nncourse-hub") != tree_name("/srv/other-hub")
    assert re.fullmatch(r"nncourse-[0-9a-f]{8}", tree_name("/srv/nncourse-hub"))


# ---------------------------------------------------------------- a real hub, real users, this machine
import test_classroom as classroom_test   # noqa: E402 (its helpers; a module import, so none of its tests is collected here)

TAG = classroom_test.TAG
INSTRUCTOR = "nnc-lteacher-%s" % TAG
HOG, BOMBER, SPINNER, WORKER = ("nnc-%s-%s" % (role, TAG) for role in ("hog", "bomb", "spin", "work"))
ASSIGNMENT, NOTEBOOK = classroom_test.ASSIGNMENT, classroom_test.NOTEBOOK
MEMORY = "1G"          # each user's memory here: gentler on the shared test machine than its default (4 GiB)
OFFENDER_SECONDS = 900  # the fork bomb and the spinner end by themselves after this (the test stops them sooner)

#: What each offender's notebook runs, in one cell.
OFFENCES = {
    HOG: "import numpy as np\nblocks = []\nfor _ in range(40):   # 40 x 256 MiB: 10 GiB, far past the limit\n"
         "    blocks.append(np.ones(32 << 20))\n",
    BOMBER: "import subprocess, sys, time\nBOMB = %r\n"
            "bomb = subprocess.Popen([sys.executable, '-c', BOMB, '%d'])   # a fork bomb, bounded in time\n"
            "time.sleep(10)\nsubprocess.run(['true'])   # and now this notebook wants a process too\n"
            % (BOMB, OFFENDER_SECONDS),
    SPINNER: "import multiprocessing, time\ndef spin(seconds):\n    end = time.time() + seconds\n"
             "    while time.time() < end:\n        pass\n"
             "with multiprocessing.Pool(4) as pool:   # every core, and more\n"
             "    pool.map(spin, [%d] * 4)\n" % OFFENDER_SECONDS,
}
#: How long each action of the others may take while the offenders run (seconds): a busy class must not starve them.
BOUNDS = {"the worker logs in (server starts)": 240, "the worker fetches the assignment": 90,
          "the worker runs a cell": 90, "the worker submits": 90, "the grading service grades it": 300,
          "the instructor's formgrader shows the score": 90, "the hub answers its API": 10}

hub_test = pytest.mark.skipif(not ROOT, reason="the classroom creates users and starts their servers: run as root "
                                              "(CI does)")


def put_notebook(user: str, name: str, code: str) -> None:
    """A notebook with one code cell in ``user``'s home, owned by them (as if they had written it)."""
    path = Path(pwd.getpwnam(user).pw_dir) / name
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)],
                                            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                     "language": "python"}}), str(path))
    account = pwd.getpwnam(user)
    os.chown(path, account.pw_uid, account.pw_gid)


def start_cell(page, user: str, name: str):
    """Open the notebook ``name`` in ``user``'s JupyterLab and run its cell (Shift+Enter); return the cell."""
    page.goto(page.url.split("/user/")[0] + "/user/%s/lab/tree/%s" % (user, name))
    cell = page.locator(".jp-NotebookPanel .jp-CodeCell").first
    cell.wait_for(timeout=classroom_test.UI_TIMEOUT)
    page.wait_for_function(
        "() => (document.querySelector('#jp-main-statusbar') || {}).innerText?.includes('| Idle')",
        timeout=classroom_test.UI_TIMEOUT)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    return cell


@pytest.fixture(scope="module")
def limited_hub(student_env):
    """A classroom with an instructor, three offenders and a worker, its hub running with limits; everything
    removed afterwards (servers, users, control groups, the state folder), also when the test fails."""
    from grader.classroom.accounts import run_as, user_environment
    from grader.classroom.hub_process import start, stop, wait_until_up
    from grader.classroom.instructor import as_instructor, instructor_env_vars
    from grader.classroom.settings import Classroom
    from grader.classroom.setup import remove, setup
    from grader.course import Course
    from browser_support import free_port

    state = Path(tempfile.mkdtemp(prefix="nncourse-limits-", dir="/var/tmp"))
    classroom = Classroom(state=state, instructor=INSTRUCTOR, students=[HOG, BOMBER, SPINNER, WORKER],
                          course_id=Course(REPO).config.CourseDirectory.course_id, port=free_port(),
                          hub_port=free_port(), proxy_api_port=free_port(), service_port=free_port(),
                          data_dir=os.environ.get("NNCOURSE_DATA_DIR", ""), student_env=student_env.env,
                          memory_per_user=MEMORY)
    process = None
    try:
        begin = time.perf_counter()
        passwords = setup(classroom, Course(REPO), [ASSIGNMENT], build_env=False, log=lambda _: None)
        for user, code in OFFENCES.items():
            put_notebook(user, "offence.ipynb", code)
        # released and its answer key built before the offenders start: the verdict's time is grading's alone
        run_as(INSTRUCTOR, [str(classroom.instructor_env / "bin" / "nbgrader"), "release_assignment", ASSIGNMENT],
               classroom.course_folder, user_environment(INSTRUCTOR, classroom.instructor_env / "bin",
                                                         instructor_env_vars(classroom)), timeout=600)
        as_instructor(classroom, ["keys", "--only", ASSIGNMENT], timeout=1200)
        set_up = time.perf_counter() - begin
        log = classroom.private / "jupyterhub.log"
        begin = time.perf_counter()
        process = start(classroom, log)
        wait_until_up(classroom, process, timeout=300, log_file=log)
        hub = classroom_test.Hub(classroom, passwords, log, set_up, time.perf_counter() - begin)
        hub.process = process
        yield hub
    finally:
        if process is not None:
            stop(process)
        remove(classroom, log=lambda _: None)


@pytest.mark.slow
@hub_test
@pytest.mark.skipif(not classroom_test.CHROMIUM.exists(), reason="no /usr/bin/chromium: install Debian's `chromium`")
@pytest.mark.skipif(shutil.which("bwrap") is None, reason="grading needs bubblewrap (apt-get install bubblewrap)")
def test_offenders_are_held_at_their_limits_while_the_class_works_on(limited_hub, capsys):
    from playwright.sync_api import expect

    from grader.authoring.solutions import instructor_solutions
    from grader.classroom.settings import home_of
    from grader.example_class import fill_in
    from grader.example_class.a1_numpy_basics import STUDENTS as EXAMPLE_STUDENTS
    from grader.processes import pids_of

    hub, classroom = limited_hub, limited_hub.classroom
    log = hub.log.read_text(errors="replace")
    assert "[nncourse limits] enforced by cgroup v" in log, log[-3000:]
    assert "each user's server with its kernels and programs: memory 1 GiB, CPU at most 1 core (default), " \
           "320 processes and threads (default)" in log, log[-3000:]
    tree = CgroupTree.detect(tree_name(classroom.state))
    service_pid, _ = classroom_test.service_process(hub)
    assert service_pid in tree.processes("grading")          # the grading service in its own group
    assert hub.process.pid in tree.processes("hub")          # the hub in its own
    assert pwd.getpwuid(Path("/proc/%d" % service_pid).stat().st_uid).pw_name == INSTRUCTOR

    steps = classroom_test.Steps()
    steps.times += [("set up (users, release, answer key)", hub.setup_seconds), ("start the hub", hub.start_seconds)]
    held = {}
    try:
        with classroom_test.chromium_browser() as browser:
            pages = {}
            with steps("the instructor logs in"):
                pages[INSTRUCTOR] = classroom_test.log_in(browser, hub, INSTRUCTOR)
            for user in (HOG, BOMBER, SPINNER):
                with steps("%s logs in" % user.split("-")[1]):
                    pages[user] = classroom_test.log_in(browser, hub, user)
                    held[user] = start_cell(pages[user], user, "offence.ipynb")

            # the memory hog: its kernel is killed at 1 GiB and restarted; the cell says which limit and what to do
            with steps("the hog's kernel is stopped at its memory limit"):
                expect(held[HOG].locator(".jp-OutputArea")).to_contain_text("more than 1 GiB of memory",
                                                                            timeout=classroom_test.UI_TIMEOUT)
            hog_text = held[HOG].locator(".jp-OutputArea").inner_text()
            assert "The hub stopped this kernel" in hog_text and "What to do:" in hog_text, hog_text
            hog_usage = tree.usage("users", HOG)
            assert hog_usage["oom_kills"] >= 1 and hog_usage["memory_peak"] <= parse_size(MEMORY), hog_usage
            assert classroom_test.server_environment(HOG)   # its server lives on: only the kernel was stopped
            classroom_test.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            pages[HOG].screenshot(path=str(classroom_test.SCREENSHOTS / "limits_memory.png"))

            # meanwhile the fork bomb and the spinner run; the worker and the instructor go about their work
            spin_before, bomb_most = tree.usage("users", SPINNER), 0
            wall_before = time.monotonic()
            worker = None
            with steps("the worker logs in (server starts)"):
                worker = pages[WORKER] = classroom_test.log_in(browser, hub, WORKER)
            bomb_most = max(bomb_most, tree.usage("users", BOMBER)["tasks"])
            with steps("the worker fetches the assignment"):
                classroom_test.open_assignments(worker)
                classroom_test.listed(worker, "released").get_by_role("button", name="Fetch").click()
                expect(classroom_test.listed(worker, "fetched")).to_contain_text("Submit",
                                                                                 timeout=classroom_test.UI_TIMEOUT)
            path = "%s/%s" % (ASSIGNMENT, NOTEBOOK)
            fetched = nbformat.from_dict(classroom_test.contents(worker, WORKER, "GET", path)["content"])
            solutions = instructor_solutions(REPO / "source" / ASSIGNMENT / NOTEBOOK)
            answered = fill_in(fetched, EXAMPLE_STUDENTS["correct"], solutions)
            classroom_test.contents(worker, WORKER, "PUT", path, {"type": "notebook", "format": "json",
                                                                  "content": answered})
            worker.goto(hub.url("user/%s/lab/tree/%s" % (WORKER, path)))
            worker.wait_for_selector(".jp-NotebookPanel .jp-CodeCell", timeout=classroom_test.UI_TIMEOUT)
            bomb_most = max(bomb_most, tree.usage("users", BOMBER)["tasks"])
            with steps("the worker runs a cell"):
                setup_cell = worker.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").filter(
                    has_text="from nncourse.checks import")
                expect(setup_cell).to_have_count(1, timeout=classroom_test.UI_TIMEOUT)   # rendered, on a busy machine
                classroom_test.run_cell(worker, classroom_test.code_cell(worker, "from nncourse.checks import"))
            with steps("the worker submits"):
                classroom_test.open_assignments(worker)
                classroom_test.listed(worker, "fetched").get_by_role("button", name="Submit").click()
                expect(classroom_test.listed(worker, "submitted")).to_contain_text("UTC",
                                                                                   timeout=classroom_test.UI_TIMEOUT)
            bomb_most = max(bomb_most, tree.usage("users", BOMBER)["tasks"])
            with steps("the grading service grades it"):
                classroom_test.wait_for_ledger(hub, classroom_test.graded(WORKER, 1), "the worker's verdict",
                                               timeout=BOUNDS["the grading service grades it"] + 60)
            with steps("the instructor's formgrader shows the score"):
                teacher = pages[INSTRUCTOR]
                teacher.goto(hub.url("user/%s/formgrader/manage_students" % INSTRUCTOR))
                expect(teacher.locator("tr", has_text=WORKER)).to_contain_text("80 / 80",
                                                                               timeout=classroom_test.UI_TIMEOUT)
            with steps("the hub answers its API"):
                with urllib.request.urlopen(hub.url("hub/api/"), timeout=BOUNDS["the hub answers its API"]) as answer:
                    assert answer.status == 200
            spin_after, wall = tree.usage("users", SPINNER), time.monotonic() - wall_before
            bomb_usage = tree.usage("users", BOMBER)
            bomb_most = max(bomb_most, bomb_usage["tasks"])

            # the fork bomb: never past its processes; the cell says which limit and what to do
            bomb_output = held[BOMBER].locator(".jp-OutputArea")
            expect(bomb_output).to_contain_text("reached 320 processes and threads", timeout=classroom_test.UI_TIMEOUT)
            pages[BOMBER].screenshot(path=str(classroom_test.SCREENSHOTS / "limits_processes.png"))
            assert bomb_most <= 320 and bomb_usage["tasks_refused"] > 0, (bomb_most, bomb_usage)
            # the spinner: held to its one core all along. When it got its core it was throttled at the cap; on a
            # machine this busy the CPU weights can give it less than its cap, and then nothing throttles it.
            spun = spin_after["cpu_seconds"] - spin_before["cpu_seconds"]
            throttled = spin_after["throttled"] - spin_before["throttled"]
            assert spun <= 1.0 * wall * 1.1 and (throttled > 0 or spun < 0.9 * wall), (spun, wall, throttled)

            # the offenders stop their servers (the hub's Stop My Server): nothing of theirs is left running
            for user in (BOMBER, SPINNER):
                with steps("%s stops their server; nothing of theirs is left" % user.split("-")[1]):
                    page = pages[user]
                    page.goto(hub.url("hub/home"))
                    page.locator("#stop").click()
                    uid, deadline = pwd.getpwnam(user).pw_uid, time.monotonic() + 120
                    while (pids_of(uid) or any(f.exists() for f in tree.folders("users", user))) \
                            and time.monotonic() < deadline:
                        time.sleep(0.5)
                    assert not pids_of(uid), "processes of %s still run: %s" % (user, pids_of(uid))
                    assert not any(f.exists() for f in tree.folders("users", user))
            assert (home_of(SPINNER) / "offence.ipynb").exists()    # their work stays in their home
    finally:
        with capsys.disabled():
            print("\n" + steps.table())
            print("fork bomb: at most %s processes and threads; spinner: %s" % (
                locals().get("bomb_most"), "%.1f CPU s in %.1f s" % (locals()["spun"], locals()["wall"])
                if "spun" in locals() else "-"))
            print("JupyterHub log: %s" % hub.log)
    slow = {name: seconds for name, seconds in steps.times if name in BOUNDS and seconds > BOUNDS[name]}
    assert not slow, "slower than their bounds while the offenders ran: %s" % slow
    assert hub.process.poll() is None and classroom_test.service_process(hub)[0] == service_pid
