"""Where the time of one submission goes: named phases, timed where they happen.

A phase's time is *exclusive*: a phase nested in another is subtracted from the outer one, so
the phases of one submission add up to its whole time. The grading process of a submission
times its own steps (``with phase("comparison"): ...``) and hands :func:`collect` back with its
outcome; the class grader adds what happens outside that process (workspace, merge). Timing costs
two ``perf_counter`` calls per phase: it is always on.

Phase names used by the grader, in the order a submission meets them (see ``ORDER``).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

ORDER = (
    "start of the grading process",   # fork of a ready worker (or a fresh interpreter and its imports)
    "workspace",                       # the submission's private course folder
    "nbgrader setup and saving",       # nbgrader's autograde less the parts below: gradebook, sanitising, writing
    "sandbox check",
    "kernel start",                    # the sandboxed kernel, until it answers
    "execution",                       # every cell of the notebook
    "kernel shutdown",
    "comparison",                      # records against the answer key (CompareWithKey)
    "feedback",
    "merge",                           # grades and folders into the course
    "class bookkeeping",               # fingerprints, readability check, state file
)

_local = threading.local()


def _state():
    if not hasattr(_local, "totals"):
        _local.totals, _local.stack = {}, []
    return _local


@contextmanager
def phase(name: str):
    """Time the block as phase ``name`` (less any phase nested in it)."""
    state = _state()
    start = time.perf_counter()
    state.stack.append(0.0)
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        nested = state.stack.pop()
        state.totals[name] = state.totals.get(name, 0.0) + elapsed - nested
        if state.stack:
            state.stack[-1] += elapsed


def add(name: str, seconds: float) -> None:
    """Count ``seconds`` measured elsewhere towards phase ``name``."""
    state = _state()
    state.totals[name] = state.totals.get(name, 0.0) + seconds


def collect() -> dict[str, float]:
    """The phases timed so far in this thread (name -> seconds), and start afresh."""
    state = _state()
    totals, state.totals = state.totals, {}
    return totals


def ordered(phases: dict[str, float]) -> list[tuple[str, float]]:
    """``phases`` in the order of ``ORDER`` (unknown names last, by name)."""
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(phases.items(), key=lambda item: (rank.get(item[0], len(ORDER)), item[0]))
