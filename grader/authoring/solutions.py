"""The instructor's solution cells of a source notebook, with nbgrader's solution markers removed."""

from __future__ import annotations

from pathlib import Path

import nbformat


def strip_solution_markers(source: str) -> str:
    """``source`` without its ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines."""
    return "\n".join(line for line in source.split("\n")
                     if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def instructor_solutions(notebook: Path) -> dict[str, str]:
    """grade_id -> solution cell source (markers removed) of a source notebook."""
    cells = nbformat.read(str(notebook), as_version=4).cells
    return {c.metadata.nbgrader["grade_id"]: strip_solution_markers(c.source) for c in cells
            if c.metadata.get("nbgrader", {}).get("solution")}
