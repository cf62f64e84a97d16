"""How long every cell of the instructor notebooks takes, as a student runs them: the basis of the
notebooks' timing statements ("on a 2-core server, about ...").

    NNCOURSE_DATA_DIR=/path/to/catvnoncat .venv/bin/python benchmarks/long_cells.py \
        [--only a2_logistic_regression,a5_deep_application] [--threshold 2] [--json times.json]

Each source notebook (solutions filled in, so that the trainings run) is executed top to bottom in a fresh
kernel, in a private copy of its assignment folder, the way a student's "Run All" does: NBGRADER_EXECUTION is
unset, so nothing is skipped. nbclient records when each cell started and finished; the script prints every cell
that took at least --threshold seconds (wall time), with the CPU time the kernel spent on it (all its threads)
and the text that identifies it, then the notebook's total, and the machine it ran on (CPU, cores, load average
before and after). On a busy machine the wall time grows and the CPU time stays about the same: on an otherwise
idle machine of the same kind, a cell takes about its CPU time (less when BLAS uses several cores).

The notebooks' timing statements give what this script measured, and on what machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grader.course import Course  # noqa: E402


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return "%s, %d cores, %s, Python %s" % (cpu, os.cpu_count() or 0, platform.system(),
                                           platform.python_version())


def _seconds(cell) -> float | None:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def _label(cell) -> str:
    """The first line of the cell that says what it does (skipping `if ...:` guards and comments)."""
    lines = [line.strip() for line in cell.source.splitlines() if line.strip()]
    for line in lines:
        if not line.startswith(("#", "if ", "else", "with ", "from ", "import ")):
            return line[:90]
    return (lines[0] if lines else "(empty)")[:90]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its threads (BLAS's included), from /proc."""
    fields = Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_notebook(source: Path, timeout: int) -> tuple[list[tuple[int, str, float, float | None]], float]:
    """[(cell index, label, wall seconds, CPU seconds)] for every code cell, and the wall time of the whole run.

    The CPU seconds are the kernel's (all its threads); on an otherwise idle machine a single-threaded cell's
    wall time is about its CPU time. None where /proc cannot tell (not Linux)."""
    cpu: dict[int, float] = {}

    with tempfile.TemporaryDirectory(prefix="long-cells-") as folder:
        copy = Path(folder) / source.parent.name
        shutil.copytree(source.parent, copy)
        nb = nbformat.read(str(copy / source.name), as_version=4)
        env_backup = os.environ.pop("NBGRADER_EXECUTION", None)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=True,
                                resources={"metadata": {"path": str(copy)}})

        def kernel_cpu():
            try:
                return _cpu_seconds(client.km.provisioner.process.pid)
            except (AttributeError, OSError, ValueError):
                return None

        def started(cell, cell_index, **_):
            cpu[cell_index] = kernel_cpu()

        def finished(cell, cell_index, **_):
            before, after = cpu.get(cell_index), kernel_cpu()
            cpu[cell_index] = None if before is None or after is None else after - before

        client.on_cell_execute, client.on_cell_executed = started, finished
        start = time.perf_counter()
        try:
            client.execute()
        finally:
            if env_backup is not None:
                os.environ["NBGRADER_EXECUTION"] = env_backup
        total = time.perf_counter() - start
    times = [(index, _label(cell), _seconds(cell) or 0.0, cpu.get(index))
             for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    return times, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", metavar="A1,A2", help="these assignments only (default: all)")
    parser.add_argument("--threshold", type=float, default=2.0, help="seconds; shorter cells are not listed")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds one cell may take")
    parser.add_argument("--json", type=Path, help="also write every cell's time to this file")
    args = parser.parse_args(argv)

    course = Course(REPO)
    assignments = args.only.split(",") if args.only else course.assignments
    print("machine: %s" % _machine())
    print("load average before: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
    print("data: NNCOURSE_DATA_DIR=%s" % (os.environ.get("NNCOURSE_DATA_DIR") or "(unset: the download cache)"))
    everything = {}
    for assignment in assignments:
        for source in course.source_notebooks(assignment):
            times, total = time_notebook(source, args.timeout)
            everything["%s/%s" % (assignment, source.name)] = {"total": total, "cells": times}
            print("\n%s/%s: %.0f s in all (kernel start included)" % (assignment, source.name, total))
            long_cells = [t for t in times if t[2] >= args.threshold]
            for index, label, seconds, cpu in long_cells:
                print("  cell %3d  %7.1f s  (CPU %s)  %s"
                      % (index, seconds, "%.1f s" % cpu if cpu is not None else "?", label))
            if not long_cells:
                print("  no cell takes %g s or more" % args.threshold)
    print("\nload average after: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
    if args.json:
        args.json.write_text(json.dumps({"machine": _machine(), "notebooks": everything}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
