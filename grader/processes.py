"""Linux process helpers shared by the sandbox, the grading workers and the classroom.

* :func:`limit_address_space`: the grading process of one submission runs under
  ``c.GraderLimits.grader_memory_bytes`` of address space, so that nothing a submission sends back can take
  it past that (an allocation fails with MemoryError instead of the machine swapping);
* :func:`die_with_parent`: a process that must not outlive the one that started it (a grading process, the
  sandbox's launcher) gets SIGKILL when its parent dies;
* :func:`pids_of`: the processes of a user, read from /proc.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal

PR_SET_PDEATHSIG = 1


def limit_address_space(limit: int) -> None:
    """Set this process's soft RLIMIT_AS to ``limit`` bytes (never above the hard limit). Only the soft
    limit is set, so that the sandbox's launcher can still give its kernel the sandbox's own limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def die_with_parent() -> None:
    """SIGKILL this process when the one that started it dies (Linux, kept across exec; elsewhere a no-op)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def pids_of(uid: int) -> list[int]:
    """The processes whose real uid is ``uid`` (what RLIMIT_NPROC counts), read from /proc."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/status" % entry) as status:
                for line in status:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            pids.append(int(entry))
                        break
        except OSError:   # it ended meanwhile
            continue
    return pids
