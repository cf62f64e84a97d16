"""Whether this run of the notebook is a grading run, and which cells it skips.

The notebooks' cells that train for long, need the data set or only draw its pictures carry the cell tag
:data:`SKIP_TAG`; nbgrader skips them when it runs a notebook to grade it, to build its answer key or to
validate it (``c.Execute.skip_cells_with_tag``, set in the course's nbgrader_config.py and, for a student's
Validate, by ``python -m nncourse.labconfig``), since the graded checks bring their own small inputs. So no
cell a student reads holds a grading switch. :func:`grading` is True during those runs, for the student
runtime's own helpers (progress bars stay silent, the data set is not downloaded).
"""

from __future__ import annotations

import os

__all__ = ["SKIP_TAG", "grading"]

GRADING_VARIABLE = "NBGRADER_EXECUTION"
#: The cell tag of the cells that grading, answer keys and Validate skip (nbclient's skip_cells_with_tag).
SKIP_TAG = "skip-when-graded"


def grading() -> bool:
    """True while nbgrader executes the notebook to grade it or to build its answer key.

    nbgrader sets the environment variable NBGRADER_EXECUTION for that run; a student's own run (in
    JupyterLab, or "Restart Kernel and Run All Cells") never has it.
    """
    return bool(os.environ.get(GRADING_VARIABLE))
