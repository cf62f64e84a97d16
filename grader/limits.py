"""The grader's own limits (``c.GraderLimits.*`` in nbgrader_config.py), outside the sandbox.

The sandbox limits what student code may do inside it (``c.Sandbox.*``). These limits bound what the
grader itself takes and spends on one submission, wherever that happens: intake of an LMS download,
``nbgrader collect`` from the exchange, the grading workspace and the process that grades it.
"""

from __future__ import annotations

from traitlets import Float, Integer
from traitlets.config import Configurable

from .errors import JobFailed

#: Settings that moved here: their old place -> their new one. Setting an old one is refused by name.
RENAMED = {
    ("Sandbox", "notebook_bytes"): "GraderLimits.notebook_bytes",
    ("Sandbox", "grader_memory_bytes"): "GraderLimits.grader_memory_bytes",
    ("Sandbox", "submission_seconds"): "GraderLimits.submission_seconds",
}


class RenamedSetting(JobFailed):
    """The configuration sets a limit under the name it had before (the message names the new one)."""


def refuse_renamed(config) -> None:
    """Raise RenamedSetting when ``config`` (a traitlets Config) sets a limit under its old name."""
    if config is None:
        return
    for (section, name), new in RENAMED.items():
        if section in config and name in config[section]:
            raise RenamedSetting("c.%s.%s is now c.%s: rename it in nbgrader_config.py" % (section, name, new))


class GraderLimits(Configurable):
    """What the grader takes and spends on one submission (``c.GraderLimits.*`` in nbgrader_config.py)."""

    notebook_bytes = Integer(
        20 << 20, help="Largest notebook the grader reads (intake, collect, grading); a larger one is "
                       "reported as too large and not graded").tag(config=True)
    grader_memory_bytes = Integer(
        4 << 30, help="Address-space limit (RLIMIT_AS) of the process that grades one submission "
                      "(nbgrader, outside the sandbox)").tag(config=True)
    submission_seconds = Integer(
        600, help="Most time one submission's whole autograde may take, whatever its assignment; past its "
                  "time bound a submission is reported as not graded").tag(config=True)
    time_factor = Float(
        10.0, help="A submission's time bound is this many times the sandboxed run of its instructor "
                   "notebook (measured when the answer key is built), at least time_floor_seconds and at "
                   "most submission_seconds").tag(config=True)
    time_floor_seconds = Integer(
        60, help="The least time bound of a submission, however quick its instructor notebook runs"
    ).tag(config=True)

    def __init__(self, **kwargs):
        # before traitlets warns of an unknown setting (and suggests a wrong one)
        refuse_renamed(kwargs.get("config") or getattr(kwargs.get("parent"), "config", None))
        super().__init__(**kwargs)
        refuse_renamed(self.config)
