"""Run a module under an address-space limit: ``python -m grader.memlimit BYTES MODULE [ARGS...]``.

The grading of one submission (grader.grade_one: nbgrader, outside the sandbox) runs under this
limit (:func:`limit_address_space`, called first thing in the grading process that a worker forks,
grader.workers; or this command in a fresh interpreter), so that nothing a submission sends back
can take it past c.Sandbox.grader_memory_bytes: past the limit an allocation fails (MemoryError)
instead of the machine swapping. Only the soft limit is
set, so that the sandbox's launcher can still give its kernel the sandbox's own limit.
"""

from __future__ import annotations

import resource
import runpy
import sys


def limit_address_space(limit: int) -> None:
    """Set this process's soft RLIMIT_AS to ``limit`` bytes (never above the hard limit)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def main(argv: list[str]) -> None:
    limit, module, args = int(argv[0]), argv[1], argv[2:]
    limit_address_space(limit)
    sys.argv = [module] + args
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
