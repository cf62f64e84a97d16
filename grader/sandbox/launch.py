"""Kernel launcher of the grading sandbox (the argv of the sandbox's kernel spec).

Started by :class:`grader.sandbox.kernel.SandboxKernelManager` as
``python -m grader.sandbox.launch -f CONNECTION_FILE [kernel args]``, with the
sandbox settings in the environment variable ``NNCOURSE_SANDBOX`` (JSON). It
prepares the limits, the seccomp filter and the folders, then *replaces itself*
(exec, empty environment) with::

    [setpriv --reuid UID ...]  bwrap ...  /bin/sh -c 'copy the submission; exec python -m ipykernel_launcher ...'

so that the kernel dies with the grader (bubblewrap's --die-with-parent) and no
grader process keeps the sandbox's secrets-free environment company.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
from pathlib import Path

from ..processes import die_with_parent, pids_of
from .seccomp import filter_program

HOME = "/home/student"
WORK = HOME + "/work"
SUBMISSION = HOME + "/submission"
PASSED_THROUGH = ("NBGRADER_EXECUTION",)
FIXED_ENV = {
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "MPLCONFIGDIR": HOME + "/.config/matplotlib",
    # one thread each: fair when several submissions are graded at once, and the same
    # arithmetic order as when the answer key was built
    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}


def bwrap_prefix(uid: int, bwrap: str = "bwrap") -> list[str]:
    """The command that starts bubblewrap with every namespace new and no privileges.

    As root, setpriv first switches to ``uid`` with no groups and no capabilities,
    so bubblewrap itself never holds root's powers.
    """
    bwrap = shutil.which(bwrap) or bwrap
    prefix = []
    if os.geteuid() == 0:
        prefix = [shutil.which("setpriv") or "setpriv", "--reuid", str(uid), "--regid", str(uid),
                  "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]
    return prefix + [bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                     "--new-session", "--cap-drop", "ALL", "--hostname", "grading",
                     "--proc", "/proc", "--dev", "/dev"]


def set_limits(settings: dict, uid: int) -> None:
    """Resource limits, inherited by everything the sandbox starts."""
    processes = settings["processes"]
    if os.geteuid() != 0:   # the count is per real uid: leave room for the user's own processes
        processes += len(pids_of(uid))
    for limit, value in ((resource.RLIMIT_AS, settings["memory_bytes"]),
                         (resource.RLIMIT_NPROC, processes),
                         (resource.RLIMIT_CPU, settings["cpu_seconds"]),
                         (resource.RLIMIT_FSIZE, settings["file_bytes"]),
                         (resource.RLIMIT_NOFILE, settings["open_files"]),
                         (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))


def _seccomp_fd() -> int:
    fd = os.memfd_create("nncourse-seccomp", 0)
    os.write(fd, filter_program())
    os.lseek(fd, 0, os.SEEK_SET)
    os.set_inheritable(fd, True)
    return fd


def _stage_submission(cwd: str, staging: str, uid: int, budget: int) -> None:
    """Copy the notebook's folder to where the sandbox's user can read it.

    The grader's folders may be closed to that user (a course under a private home, pytest's 0700
    temporary folders). The copy takes regular files only (grader.safefiles): links, FIFOs and
    devices are left out and named on stderr, so the grader reads nothing on a student's behalf.
    Hard links are copied: this folder was assembled by the grader (nbgrader's autograded/ copy of
    a checked submission, or the instructor's source/ when building keys).
    """
    from ..safefiles import NOTEBOOK_BYTES, Policy, copy_tree

    taken = copy_tree(Path(cwd), "", Path(staging),
                      Policy(limit=lambda path: max(budget, NOTEBOOK_BYTES), total_bytes=budget, hard_links=True))
    for note in taken.refused:
        print("grading sandbox: not staged: %s" % note, file=sys.stderr)
    for folder, dirs, files in os.walk(staging):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    if os.geteuid() == 0:
        for folder, dirs, files in os.walk(staging):
            for name in [folder] + [os.path.join(folder, n) for n in dirs + files]:
                os.chown(name, uid, uid, follow_symlinks=False)


UID_RANGE = 5000


def sandbox_uid(settings: dict) -> int:
    """The uid the sandbox runs as: as root, one of a range, chosen by this launcher's pid
    (unique among running launchers); otherwise the user's own."""
    return settings["uid"] + os.getpid() % UID_RANGE if os.geteuid() == 0 else os.getuid()


def _inside_connection(connection_file: str, host_dir: str, inside_ipc: str, uid: int) -> str:
    """The kernel's connection file as the sandbox sees it: the same keys and ports, the sockets on
    the sandbox's own tmpfs. Written into the host folder, readable by the sandbox's uid only."""
    with open(connection_file) as handle:
        info = json.load(handle)
    info["ip"] = inside_ipc + "/k"
    path = os.path.join(host_dir, "connection.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o400)
    with os.fdopen(fd, "w") as handle:
        json.dump(info, handle)
    if os.geteuid() == 0:
        os.chown(path, uid, uid)
    return path


def sandbox_command(settings: dict, connection_file: str, kernel_args: list[str], cwd: str) -> list[str]:
    """The full bubblewrap command line for one kernel.

    Nothing of the host is writable inside: the host folder of this kernel (made and removed by
    the kernel manager) is not mounted; only its connection file and staged copy are, read-only.
    The kernel binds its sockets on a 1 MiB tmpfs of its own, where the grader reaches them
    through /proc/<pid>/root.
    """
    uid = sandbox_uid(settings)
    host_dir, inside_ipc = settings["host_dir"], settings["inside_ipc"]
    connection = _inside_connection(connection_file, host_dir, inside_ipc, uid)
    staging = os.path.join(host_dir, "submission")
    _stage_submission(cwd, staging, uid, settings["home_bytes"] // 2)

    args = bwrap_prefix(uid, settings["bwrap"])
    args += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        args += ["--symlink", "usr/" + name, "/" + name]
    for path in ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts"):
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    for path in settings["expose"]:
        args += ["--ro-bind", path, path]
    args += ["--size", str(settings["tmp_bytes"]), "--tmpfs", "/tmp",
             "--size", str(settings["home_bytes"]), "--tmpfs", HOME,
             "--size", str(1 << 20), "--tmpfs", inside_ipc,
             "--ro-bind", connection, inside_ipc + "/connection.json",
             "--dir", WORK,
             "--ro-bind", staging, SUBMISSION,
             "--chdir", WORK,
             "--seccomp", str(_seccomp_fd())]
    env = dict(FIXED_ENV, HOME=HOME, PATH="%s:/usr/bin:/bin" % os.path.dirname(settings["python"]))
    env.update({k: os.environ[k] for k in PASSED_THROUGH if k in os.environ})
    for key, value in sorted(env.items()):
        args += ["--setenv", key, value]
    # log level CRITICAL: no "connect another client" banner on the grader's terminal
    kernel = [settings["python"], "-m", "ipykernel_launcher", "-f", inside_ipc + "/connection.json",
              "--IPKernelApp.log_level=CRITICAL"] + kernel_args
    copy_then_run = 'cp -R %s/. %s/ && exec "$@"' % (SUBMISSION, WORK)
    return args + ["--", "/bin/sh", "-c", copy_then_run, "sh"] + kernel


def main(argv: list[str]) -> None:
    settings = json.loads(os.environ["NNCOURSE_SANDBOX"])
    if argv[:1] != ["-f"] or len(argv) < 2:
        sys.exit("usage: python -m grader.sandbox.launch -f CONNECTION_FILE [kernel args]")
    connection_file, kernel_args = argv[1], argv[2:]
    uid = sandbox_uid(settings)
    if not settings["sandboxed"]:
        # Allowed by the instructor: no namespaces, but still the limits and death with the grader.
        set_limits(settings, uid)
        die_with_parent()
        env = dict(FIXED_ENV, HOME=os.environ.get("HOME", "/tmp"), PATH=os.environ.get("PATH", ""))
        env.update({k: os.environ[k] for k in PASSED_THROUGH if k in os.environ})
        python = settings["python"]
        os.execve(python, [python, "-m", "ipykernel_launcher", "-f", connection_file] + kernel_args, env)
    command = sandbox_command(settings, connection_file, kernel_args, os.getcwd())
    set_limits(settings, uid)
    os.execve(command[0], command, {})   # an empty environment: bubblewrap's pid 1 inherits it


if __name__ == "__main__":
    main(sys.argv[1:])
