"""Taking in submissions from an LMS download, through nbgrader's zip_collect.

An LMS download is a folder of notebooks and/or zip archives whose file names
carry the student id. The names must follow :data:`FILENAME_PATTERN`::

    <student_id>_<notebook>.ipynb                       ada_numpy_basics.ipynb
    <student_id>_<YYYYMMDDHHMMSS>_<notebook>.ipynb      ada_20261121093000_numpy_basics.ipynb

(the same pattern is nbgrader_config.py's ``FileNameCollectorPlugin.named_regexp``).
Archives are unpacked first, anywhere inside them. Before anything is collected
every file is checked, and every problem is *reported*, never dropped silently:

* misnamed: the name does not follow the pattern, or names no notebook of the
  assignment;
* unknown student: an id that is not on the roster (the gradebook's students,
  or a roster CSV); not collected, so a typo never becomes a phantom student;
* duplicates: two files for the same student and notebook. With timestamps in
  the names the newest is kept and the others are listed; without, none is
  collected and the instructor decides.

The accepted files are then collected into submitted/ by the real
``nbgrader zip_collect --strict``.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .course import Course
from .pipeline import JobFailed, _last_line

FILENAME_PATTERN = (r"^(?P<student_id>[A-Za-z0-9][A-Za-z0-9.\-]*)_(?:(?P<timestamp>\d{14})_)?"
                    r"(?P<file_id>[^_/][^/]*\.ipynb)$")
#: The same pattern for nbgrader's FileNameCollectorPlugin, which matches whole paths.
COLLECTOR_REGEXP = r"^(?:.*/)?" + FILENAME_PATTERN[1:]


@dataclass
class IntakeReport:
    """What happened to every file of a download."""

    collected: dict[str, list[str]] = field(default_factory=dict)   # student -> notebooks
    misnamed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    roster_note: str = ""

    def lines(self) -> list[str]:
        out = ["collected %d files for %d students into submitted/"
               % (sum(map(len, self.collected.values())), len(self.collected))]
        if self.roster_note:
            out.append(self.roster_note)
        for title, items in (("misnamed (not collected)", self.misnamed),
                             ("unknown students (not collected)", self.unknown),
                             ("duplicates", self.duplicates)):
            if items:
                out.append("%s:" % title)
                out += ["  " + item for item in items]
        return out


def _unpack(download: Path, into: Path) -> list[tuple[str, Path]]:
    """(name shown in the report, file on disk) for every file of the download, archives unpacked."""
    files = []
    for path in sorted(p for p in download.rglob("*") if p.is_file()):
        label = str(path.relative_to(download))
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    for member in archive.infolist():
                        name = Path(member.filename).name
                        if member.is_dir() or not name or name.startswith("."):
                            continue
                        target = into / ("%d-%s" % (len(files), name))
                        with archive.open(member) as src, open(target, "wb") as dest:
                            shutil.copyfileobj(src, dest)
                        files.append(("%s:%s" % (label, member.filename), target))
            except zipfile.BadZipFile:
                files.append((label, path))   # reported as misnamed below: not a notebook
        else:
            files.append((label, path))
    return files


def roster(course: Course, roster_csv: Path | None) -> set[str] | None:
    """Known student ids: from a roster CSV (column 'id'), else the gradebook; None when neither has any."""
    if roster_csv is not None:
        with open(roster_csv, newline="") as handle:
            return {row["id"].strip() for row in csv.DictReader(handle) if row.get("id", "").strip()}
    with course.gradebook() as gb:
        ids = {student.id for student in gb.students}
    return ids or None


def intake(course: Course, assignment: str, download: Path, roster_csv: Path | None = None) -> IntakeReport:
    """Check a download, then collect what is sound into submitted/ with nbgrader zip_collect."""
    if assignment not in course.assignments:
        raise JobFailed("unknown assignment %r; the course has %s" % (assignment, ", ".join(course.assignments)))
    if not download.is_dir():
        raise JobFailed("%s is not a folder of downloaded submissions" % download)
    notebooks = {p.name for p in (course.folder("release") / assignment).glob("*.ipynb")}
    known = roster(course, roster_csv)
    report = IntakeReport()
    if known is None:
        report.roster_note = "no roster (gradebook students or --roster CSV): every student id accepted"
    pattern = re.compile(FILENAME_PATTERN)
    with tempfile.TemporaryDirectory() as tmp:
        chosen: dict[tuple[str, str], list[tuple[str, str, Path]]] = {}
        for label, path in _unpack(download, Path(tmp)):
            name = label.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
            match = pattern.match(name)
            if not match:
                report.misnamed.append("%s: does not follow <student_id>_[<YYYYMMDDHHMMSS>_]<notebook>.ipynb"
                                       % label)
                continue
            student, stamp, notebook = match["student_id"], match["timestamp"] or "", match["file_id"]
            if notebook not in notebooks:
                report.misnamed.append("%s: %s is not a notebook of %s (%s)"
                                       % (label, notebook, assignment, ", ".join(sorted(notebooks))))
                continue
            if known is not None and student not in known:
                report.unknown.append("%s: student %r is not on the roster" % (label, student))
                continue
            chosen.setdefault((student, notebook), []).append((stamp, label, path))

        archive = course.folder("downloaded") / assignment / "archive"
        shutil.rmtree(archive.parent, ignore_errors=True)
        archive.mkdir(parents=True)
        for (student, notebook), candidates in sorted(chosen.items()):
            if len(candidates) > 1:
                labels = ", ".join(label for _, label, _ in candidates)
                if any(not stamp for stamp, _, _ in candidates):
                    report.duplicates.append("%s / %s: %s; no timestamps to choose by, none collected"
                                             % (student, notebook, labels))
                    continue
                candidates.sort()
                report.duplicates.append("%s / %s: %s; kept the newest, %s"
                                         % (student, notebook, labels, candidates[-1][1]))
            stamp, _, path = candidates[-1]
            name = "%s_%s%s" % (student, stamp + "_" if stamp else "", notebook)
            shutil.copy2(path, archive / name)
            report.collected.setdefault(student, []).append(notebook)

    if report.collected:
        done = subprocess.run([sys.executable, "-m", "nbgrader", "zip_collect", assignment, "--force", "--strict"],
                              cwd=course.root, capture_output=True, text=True)
        if done.returncode != 0:
            raise JobFailed("nbgrader zip_collect failed: %s" % _last_line(done.stderr))
    return report
