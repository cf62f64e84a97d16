"""The grading sandbox: student code runs under bubblewrap, seeing and using almost nothing.

What the grading kernel gets (see :mod:`grader.sandbox.launch` for how):

* a read-only view of /usr (the interpreter and system libraries), the course's
  virtual environment and the student runtime ``nncourse`` (the instructor's package
  ``grader`` is not there);
* a private, size-capped copy of the submission folder as its working
  directory (the real folder is mounted read-only and never written);
* a size-capped private /tmp and home, no network (only its own loopback),
  its own process and IPC namespaces, an empty environment apart from a few
  harmless variables, no capabilities, a seccomp filter, and limits on
  processes, address space, CPU seconds, file size and open files;
* when the grader runs as root, an unprivileged uid first (bubblewrap never
  runs with root's powers);
* nothing of the host to write to: the kernel's sockets live on a small tmpfs inside the
  sandbox (see :mod:`grader.sandbox.kernel`), everything else it sees of the host is read-only.

It does not see source/, the answer keys, gradebook.db, the course config or
other students' folders. Settings come from nbgrader_config.py
(``c.Sandbox.<name>``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from traitlets import Bool, Integer, Unicode
from traitlets.config import Configurable

from ..limits import refuse_renamed


class SandboxUnavailable(RuntimeError):
    """Autograding refuses to run student code without the sandbox (unless allowed)."""


class Sandbox(Configurable):
    """Settings of the grading sandbox (``c.Sandbox.*`` in nbgrader_config.py)."""

    allow_unsandboxed = Bool(
        False, help="Grade without the sandbox where bubblewrap or user namespaces are missing. "
                    "Every report then says so. Also set by NNCOURSE_ALLOW_UNSANDBOXED=1."
    ).tag(config=True)
    bwrap = Unicode("bwrap", help="The bubblewrap executable (a name on PATH or a path)").tag(config=True)
    uid = Integer(200000, help="When the grader is root, each sandbox runs as an unprivileged uid (and gid) "
                              "from uid to uid + 4999, one per kernel launcher, so that concurrent "
                              "sandboxes never share a process count").tag(config=True)
    memory_bytes = Integer(8 << 30, help="Address-space limit of each sandboxed process (RLIMIT_AS)").tag(config=True)
    processes = Integer(512, help="Processes and threads the sandbox may run at once (RLIMIT_NPROC)").tag(config=True)
    cpu_seconds = Integer(600, help="CPU seconds per process (RLIMIT_CPU)").tag(config=True)
    file_bytes = Integer(64 << 20, help="Largest file a sandboxed process may write (RLIMIT_FSIZE)").tag(config=True)
    open_files = Integer(1024, help="Open files per process (RLIMIT_NOFILE)").tag(config=True)
    tmp_bytes = Integer(128 << 20, help="Size of the private /tmp").tag(config=True)
    home_bytes = Integer(512 << 20, help="Size of the private home, which holds the working copy").tag(config=True)
    output_bytes = Integer(
        64 << 20, help="Most output the grader accepts from one notebook's execution (and the largest "
                       "single message from its kernel); past it the notebook is reported as too large"
    ).tag(config=True)

    def __init__(self, **kwargs):
        # the grader's own limits moved to c.GraderLimits: refused before traitlets warns of an unknown setting
        # (and suggests a wrong one)
        refuse_renamed(kwargs.get("config") or getattr(kwargs.get("parent"), "config", None))
        super().__init__(**kwargs)
        refuse_renamed(self.config)

    @property
    def unsandboxed_allowed(self) -> bool:
        return self.allow_unsandboxed or os.environ.get("NNCOURSE_ALLOW_UNSANDBOXED") == "1"


def student_runtime() -> str:
    """The folder of the student runtime package ``nncourse`` (where the grading kernel imports it from)."""
    import nncourse

    return os.path.dirname(os.path.abspath(nncourse.__file__))


def exposed_paths() -> list[str]:
    """What the sandbox sees read-only besides /usr: the Python environment and the student runtime
    (never the instructor's package ``grader``). Grading needs no data: hidden tests bring their inputs."""
    runtime = student_runtime()
    return [sys.prefix] + ([] if runtime.startswith(sys.prefix + os.sep) else [runtime])


FIX = ("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and allow unprivileged user "
       "namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 also "
       "kernel.apparmor_restrict_unprivileged_userns=0); or, knowingly, grade without it: "
       "NNCOURSE_ALLOW_UNSANDBOXED=1 (c.Sandbox.allow_unsandboxed = True)")


#: Outcomes of :func:`probe` in this process, by (uid, bwrap).
_PROBED: dict[tuple[int, str], str | None] = {}


def probe(uid: int, bwrap: str = "bwrap") -> str | None:
    """None when a bubblewrap sandbox starts here; otherwise why not (one line).

    Starts a test sandbox the first time (about 0.1 s), then answers from memory.
    """
    if (uid, bwrap) not in _PROBED:
        _PROBED[uid, bwrap] = _probe(uid, bwrap)
    return _PROBED[uid, bwrap]


def probed() -> dict[tuple[int, str], str | None]:
    """What this process found out so far (to hand to the processes it starts)."""
    return dict(_PROBED)


def trust_probes(outcomes: dict[tuple[int, str], str | None]) -> None:
    """Take the outcomes of :func:`probe` from the process that started this one (the class grader
    checked the sandbox once for the whole run): a grading process need not start a test sandbox
    of its own. A wrong "works" costs nothing: the kernel then fails to start, and the submission
    is reported as not graded."""
    _PROBED.update(outcomes)


def _probe(uid: int, bwrap: str) -> str | None:
    from .launch import bwrap_prefix
    from .seccomp import SeccompUnsupported, filter_program

    if os.uname().sysname != "Linux":
        return "the sandbox needs Linux (bubblewrap); this is %s" % os.uname().sysname
    if shutil.which(bwrap) is None:
        return "bubblewrap (%s) is not installed" % bwrap
    try:
        filter_program()   # another architecture, or no libseccomp: said here, before any kernel starts
    except SeccompUnsupported as exc:
        return str(exc)
    command = bwrap_prefix(uid, bwrap) + ["--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin",
                                          "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64"]
    for path in exposed_paths():
        command += ["--ro-bind", path, path]
    command += ["--", sys.executable, "-c", "import nncourse.record"]
    try:
        done = subprocess.run(command, env={}, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "bubblewrap could not start: %s" % exc
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["?"])[-1]
        if "Permission denied" in why or "No such file" in why:
            why += (" (the sandbox's user, uid %d, must be able to read the course's Python "
                    "environment and the student runtime: %s)" % (uid, ", ".join(exposed_paths())))
        return "bubblewrap could not start a sandbox: %s" % why
    return None


def check(config=None) -> str | None:
    """Raise SandboxUnavailable with the fix, or return None (sandboxed) or a warning (allowed unsandboxed)."""
    settings = Sandbox(config=config)
    problem = probe(settings.uid, settings.bwrap)
    if problem is None:
        return None
    if settings.unsandboxed_allowed:
        return "UNSANDBOXED: %s; student code runs without the sandbox, as allowed" % problem
    raise SandboxUnavailable("autograding refuses to run student code without its sandbox: %s. Fix: %s"
                             % (problem, FIX))
