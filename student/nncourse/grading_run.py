"""Whether this run of the notebook is a grading run.

:func:`grading` is True while nbgrader runs a notebook to grade it (and to build its answer key): long
trainings, data downloads and their pictures are skipped then, since the graded checks bring their own small
inputs.
"""

from __future__ import annotations

import os

__all__ = ["grading"]

GRADING_VARIABLE = "NBGRADER_EXECUTION"


def grading() -> bool:
    """True while nbgrader executes the notebook to grade it or to build its answer key.

    nbgrader sets the environment variable NBGRADER_EXECUTION for that run; a student's own run (in
    JupyterLab, or "Restart Kernel and Run All Cells") never has it.
    """
    return bool(os.environ.get(GRADING_VARIABLE))
