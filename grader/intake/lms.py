"""Taking in submissions from an LMS download, through nbgrader's zip_collect.

**The convention relied on: the LMS names every upload after its uploader.** An LMS download is a
folder (or the LMS's own zip of one) of files whose names the LMS wrote, starting with the id of
the student who uploaded them, then optionally the LMS's time of the upload, then the student's own
file name (:data:`FILENAME_PATTERN`, also nbgrader_config.py's ``FileNameCollectorPlugin.named_regexp``)::

    <student_id>_<notebook>.ipynb                        ada_numpy_basics.ipynb
    <student_id>_<YYYYMMDDHHMMSS>_<notebook>.ipynb       ada_20261121093000_numpy_basics.ipynb
    <student_id>_[<YYYYMMDDHHMMSS>_]<anything>.zip       ada_20261121093000_my_work.zip

This is nbgrader's own zip_collect convention (a regular expression over each file name yields the
``student_id``, an optional ``timestamp`` and the ``file_id``), and the shape the common LMSs use:
Canvas writes ``<name>_<user id>_<submission id>_<file>``, Blackboard
``<assignment>_<user>_attempt_<date>_<file>``, Moodle a folder ``<full name>_<participant id>_...``
per student; where an LMS writes another shape, rename to this one (or adapt the pattern).
Only the LMS writes that prefix, so it is the one thing in a download that a student cannot forge:

* a notebook speaks for the student its name starts with;
* a zip whose name starts with a student's id (one on the roster, when there is a roster) is that
  student's upload: it may only carry **that student's** notebooks (named ``<notebook>.ipynb``, or
  with the owner's own prefix); a member named after another student is reported and ignored, and
  timestamps written inside it are ignored (the upload's own time counts);
* any other zip (``submissions.zip``, the LMS's bulk download) is read as if it were a folder of
  the download; zips inside it are student uploads and are opened, nothing deeper is;
* folders of the download are just containers; links, FIFOs, devices, sockets and hard links are
  refused without being opened (grader.safefiles).

**Checks.** A timestamp must be 14 ASCII digits forming a real date, not in the future (a bad one
rejects that file only). A notebook may be at most c.GraderLimits.notebook_bytes (20 MiB). An archive is
checked before anything is extracted, from its directory: at most :data:`MAX_MEMBERS` members,
:data:`MAX_TOTAL_BYTES` uncompressed in all, no member over its size limit, no member compressed
more than :data:`MAX_RATIO` times, no absolute or ``..`` paths, no link members; an archive that
fails is rejected as a whole with one line. Only the notebooks taken are ever extracted.

Then the usual rules: names that do not follow the pattern or name no notebook of the assignment
are listed as misnamed; ids not on the roster (the gradebook's students, or a CSV with an ``id``
column) as unknown; two files for the same student and notebook as duplicates (with timestamps the
newest wins; without, none is taken). **Everything skipped is listed in the report.** The accepted
files are then collected into submitted/ by the real ``nbgrader zip_collect --strict``.
"""

from __future__ import annotations

import csv
import datetime
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from ..course import Course
from ..errors import JobFailed
from ..limits import GraderLimits
from ..nbgrader_calls import last_line
from ..safefiles import (FILE_BYTES, TREE_BYTES, Policy, Refused, describe, open_file, read_limited,
                        size_text, walk)

ID = r"[A-Za-z0-9][A-Za-z0-9.\-]*"
FILENAME_PATTERN = (r"^(?P<student_id>" + ID + r")_(?:(?P<timestamp>\d{14})_)?"
                    r"(?P<file_id>[^_/][^/]*\.ipynb)$")
#: The same pattern for nbgrader's FileNameCollectorPlugin, which matches whole paths (ASCII digits only:
#: it only ever sees names that intake wrote).
COLLECTOR_REGEXP = r"^(?:.*/)?" + FILENAME_PATTERN[1:].replace(r"\d{14}", "[0-9]{14}")
UPLOAD_PATTERN = r"^(?P<student_id>" + ID + r")_(?:(?P<timestamp>\d{14})_)?(?P<rest>.*)\.zip$"

MAX_MEMBERS = 1000                 # members of one archive
MAX_TOTAL_BYTES = TREE_BYTES       # uncompressed size of one archive, all members together (200 MiB)
MAX_MEMBER_BYTES = FILE_BYTES      # any one member that is not a notebook (100 MiB)
MAX_RATIO = 100                    # uncompressed / compressed, for members over 1 MiB
OTHER_ARCHIVES = (".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar")


@dataclass
class IntakeReport:
    """What happened to every file of a download."""

    collected: dict[str, list[str]] = field(default_factory=dict)   # student -> notebooks
    misnamed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)       # in one student's upload, naming another student
    timestamps: list[str] = field(default_factory=list)   # invalid (file rejected) or ignored timestamps
    refused: list[str] = field(default_factory=list)      # links, special files, too large, unsafe archives
    unused: list[str] = field(default_factory=list)       # other files inside uploads
    roster_note: str = ""

    def lines(self) -> list[str]:
        out = ["collected %d files for %d students into submitted/"
               % (sum(map(len, self.collected.values())), len(self.collected))]
        if self.roster_note:
            out.append(self.roster_note)
        for title, items in (("misnamed (not collected)", self.misnamed),
                             ("unknown students (not collected)", self.unknown),
                             ("duplicates", self.duplicates),
                             ("naming another student than the uploader (ignored)", self.others),
                             ("timestamps", self.timestamps),
                             ("refused (not collected)", self.refused),
                             ("not used (not notebooks of the assignment)", self.unused)):
            if items:
                out.append("%s:" % title)
                out += ["  " + item for item in items]
        return out


@dataclass
class Candidate:
    """A notebook of a student found in the download, not read yet."""

    label: str                      # as shown in the report: "batch.zip:inner/ada_numpy_basics.ipynb"
    student: str
    stamp: str                      # the LMS's time of the upload, '' when the name has none
    notebook: str
    read: Callable[[], bytes]       # its bytes, within the notebook limit (raises Refused)


def timestamp_problem(stamp: str, now: datetime.datetime | None = None) -> str | None:
    """Why a YYYYMMDDHHMMSS timestamp is not acceptable (non-ASCII digits, no such date, in the
    future), or None when it is."""
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) == 14):
        return "timestamp %r is not 14 ASCII digits (YYYYMMDDHHMMSS)" % stamp
    try:
        when = datetime.datetime.strptime(stamp, "%Y%m%d%H%M%S")
    except ValueError:
        return "timestamp %s is not a real date and time (YYYYMMDDHHMMSS)" % stamp
    now = now or datetime.datetime.now()
    if when > now + datetime.timedelta(days=1):
        return "timestamp %s is in the future" % stamp
    return None


def roster(course: Course, roster_csv: Path | None) -> set[str] | None:
    """Known student ids: from a roster CSV (column 'id'), else the gradebook; None when neither has any."""
    if roster_csv is not None:
        with open(roster_csv, newline="") as handle:
            return {row["id"].strip() for row in csv.DictReader(handle) if row.get("id", "").strip()}
    with course.gradebook() as gb:
        ids = {student.id for student in gb.students}
    return ids or None


class Download:
    """Walks an LMS download and turns it into candidates and report lines (nothing is written)."""

    def __init__(self, assignment: str, notebooks: set[str], known: set[str] | None, notebook_bytes: int,
                 scratch: Path, report: IntakeReport):
        self.assignment, self.notebooks, self.known, self.limit = assignment, notebooks, known, notebook_bytes
        self.scratch, self.report = scratch, report
        self.candidates: list[Candidate] = []
        self.archives_open = 0
        self.pattern = re.compile(FILENAME_PATTERN)
        self.upload_pattern = re.compile(UPLOAD_PATTERN)

    # -------------------------------------------------------------- the folder
    def read_folder(self, download: Path) -> None:
        try:
            for entry in walk(download, "", Policy(ignore=())):
                if entry.is_dir:
                    if entry.not_entered:
                        self.report.refused.append("%s/ %s" % (entry.path, entry.not_entered))
                    continue
                if not entry.is_regular:
                    self.report.refused.append("%s %s" % (entry.path, describe(entry.info.st_mode)))
                    continue
                if entry.info.st_nlink > 1:
                    self.report.refused.append("%s is a hard link (one of %d names of the same file)"
                                               % (entry.path, entry.info.st_nlink))
                    continue
                self.read_file(entry.path, lambda path=entry.path: open_file(download / path, None, download),
                               entry.info.st_size)
        except Refused as refusal:
            raise JobFailed("the download folder %s" % refusal) from None

    def read_file(self, label: str, opener, size: int, in_bulk: str = "") -> None:
        """One file of the download (``in_bulk``: the LMS zip it came from, which may hold uploads)."""
        name = PurePosixPath(label.rpartition(":")[2]).name
        lower = name.lower()
        if lower.endswith(".zip"):
            if in_bulk and not self._upload_owner(name):
                self.report.refused.append("%s: an archive inside %s that is not named for a student "
                                           "(<student_id>_...zip, on the roster); not opened" % (label, in_bulk))
                return
            self.read_archive(label, opener)
        elif lower.endswith(OTHER_ARCHIVES):
            self.report.refused.append("%s: only zip archives are opened" % label)
        elif self._stamp_ok(label, name):
            self._add_named(label, name, lambda: self._read_opened(label, opener), size)

    def _stamp_ok(self, label: str, name: str) -> bool:
        match = self.pattern.match(name) or self.upload_pattern.match(name)
        problem = match and match["timestamp"] and timestamp_problem(match["timestamp"])
        if problem:
            self.report.timestamps.append("%s: %s; not collected" % (label, problem))
        return not problem

    def _add_named(self, label: str, name: str, read: Callable[[], bytes], size: int) -> None:
        """A notebook whose name says whose it is (the LMS named it)."""
        match = self.pattern.match(name)
        if not match:
            self.report.misnamed.append("%s: does not follow <student_id>_[<YYYYMMDDHHMMSS>_]<notebook>.ipynb"
                                        % label)
        elif match["file_id"] not in self.notebooks:
            self.report.misnamed.append("%s: %s is not a notebook of %s (%s)"
                                        % (label, match["file_id"], self.assignment, ", ".join(sorted(self.notebooks))))
        elif size > self.limit:
            self.report.refused.append("%s is too large: %s, more than the limit of %s (c.GraderLimits.notebook_bytes)"
                                       % (label, size_text(size), size_text(self.limit)))
        else:
            self._add(Candidate(label, match["student_id"], match["timestamp"] or "", match["file_id"], read))

    def _add(self, candidate: Candidate) -> None:
        """Keep a candidate; one from inside an archive is extracted now (within its limit) to the
        scratch folder, since the archive is closed before the candidates are chosen."""
        if self.archives_open:
            try:
                data = candidate.read()
            except Refused as refusal:
                self.report.refused.append(str(refusal))
                return
            kept = self.scratch / ("%d.ipynb" % len(self.candidates))
            kept.write_bytes(data)
            candidate.read = kept.read_bytes
        self.candidates.append(candidate)

    def _read_opened(self, label: str, opener) -> bytes:
        with opener() as handle:
            return read_limited(handle, self.limit, label)

    def _upload_owner(self, name: str):
        match = self.upload_pattern.match(name)
        if match and (self.known is None or match["student_id"] in self.known):
            return match
        return None

    # -------------------------------------------------------------- archives
    def read_archive(self, label: str, opener) -> None:
        """A zip: a student's upload when its name starts with a student's id, else the LMS's bulk zip."""
        name = PurePosixPath(label.rpartition(":")[2]).name
        owner = self._upload_owner(name)
        if owner and owner["timestamp"] and not self._stamp_ok(label, name):
            return
        try:
            with opener() as handle:
                members = self._checked_members(label, handle)
                if members is None:
                    return
                with zipfile.ZipFile(handle) as archive:
                    self.archives_open += 1
                    try:
                        for member in members:
                            self._read_member(label, archive, member, owner)
                    finally:
                        self.archives_open -= 1
        except zipfile.BadZipFile as exc:
            self.report.refused.append("%s: not a readable zip archive (%s)" % (label, exc))
        except Refused as refusal:
            self.report.refused.append(str(refusal))

    def _checked_members(self, label: str, handle) -> list[zipfile.ZipInfo] | None:
        """The archive's file members, or None (with a report line) when it is refused as a whole."""
        end = zipfile._EndRecData(handle)    # the end record, read before the directory is parsed
        if end is None:
            raise zipfile.BadZipFile("no end of central directory")
        if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_MEMBERS:
            return self._reject(label, "holds %d members, more than %d" % (end[zipfile._ECD_ENTRIES_TOTAL],
                                                                          MAX_MEMBERS))
        handle.seek(0)
        infos = zipfile.ZipFile(handle).infolist()
        for info in infos:
            path = PurePosixPath(info.filename.replace("\\", "/"))
            if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", info.filename):
                return self._reject(label, "has a member with an unsafe path (%r)" % info.filename)
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                return self._reject(label, "has a member that is a symbolic link (%r)" % info.filename)
        files = [info for info in infos if not info.is_dir()]
        total = sum(info.file_size for info in files)
        if total > MAX_TOTAL_BYTES:
            return self._reject(label, "would unpack to %s, more than the limit of %s"
                                % (size_text(total), size_text(MAX_TOTAL_BYTES)))
        for info in files:
            limit = self.limit if info.filename.lower().endswith(".ipynb") else MAX_MEMBER_BYTES
            if info.file_size > limit:
                return self._reject(label, "has a member %s of %s, more than the limit of %s"
                                    % (info.filename, size_text(info.file_size), size_text(limit)))
            if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                return self._reject(label, "has a member %s compressed %d times (more than %d: a zip bomb?)"
                                    % (info.filename, info.file_size // max(info.compress_size, 1), MAX_RATIO))
        handle.seek(0)
        return files

    def _reject(self, label: str, why: str) -> None:
        self.report.refused.append("%s: archive rejected as a whole: it %s; nothing in it was extracted"
                                   % (label, why))
        return None

    def _read_member(self, label: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, owner) -> None:
        shown = "%s:%s" % (label, info.filename)
        name = PurePosixPath(info.filename.replace("\\", "/")).name
        if (info.external_attr >> 16) & 0o170000 not in (0, 0o100000):
            self.report.refused.append("%s is not a regular file in the archive" % shown)
            return
        if info.flag_bits & 0x1:
            self.report.refused.append("%s is encrypted" % shown)
            return

        def read() -> bytes:
            with archive.open(info) as member:
                return read_limited(member, self.limit, shown)

        if owner is not None and name.lower().endswith((".zip",) + OTHER_ARCHIVES):
            self.report.refused.append("%s: an archive inside %s's upload; not opened" % (shown, owner["student_id"]))
        elif owner is not None:
            self._add_owned(shown, name, read, info.file_size, owner)
        elif name.lower().endswith(".zip"):     # in the LMS's bulk zip: maybe a student's upload
            self.read_file(shown, lambda: self._spooled(archive, info), info.file_size, in_bulk=label)
        else:                                   # in the LMS's bulk zip: named by the LMS
            self.read_file(shown, lambda: archive.open(info), info.file_size, in_bulk=label)

    def _spooled(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
        """A member archive copied to a scratch file (zipfile needs to seek), within its size limit."""
        handle = tempfile.TemporaryFile(dir=self.scratch)
        with archive.open(info) as member:
            shutil.copyfileobj(member, handle)
        handle.seek(0)
        return handle

    def _add_owned(self, shown: str, name: str, read, size: int, owner) -> None:
        """A member of a student's upload: that student's notebook, or reported."""
        student, stamp = owner["student_id"], owner["timestamp"] or ""
        match = self.pattern.match(name)
        if name in self.notebooks:
            notebook = name
        elif match and match["file_id"] in self.notebooks and match["student_id"] == student:
            notebook = match["file_id"]
            if match["timestamp"]:
                self.report.timestamps.append("%s: the timestamp inside %s's upload is ignored; the upload's "
                                              "own time counts" % (shown, student))
        elif match and match["file_id"] in self.notebooks:
            self.report.others.append("%s: inside %s's upload but named for student %r; ignored"
                                      % (shown, student, match["student_id"]))
            return
        else:
            self.report.unused.append(shown)
            return
        if size > self.limit:
            self.report.refused.append("%s is too large: %s, more than the limit of %s" % (
                shown, size_text(size), size_text(self.limit)))
            return
        self._add(Candidate(shown, student, stamp, notebook, read))


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
    with tempfile.TemporaryDirectory() as scratch:
        limit = GraderLimits(config=course.config).notebook_bytes
        found = Download(assignment, notebooks, known, limit, Path(scratch), report)
        found.read_folder(download)
        chosen = _choose(found.candidates, known, report)
        archive = course.folder("downloaded") / assignment / "archive"
        shutil.rmtree(archive.parent, ignore_errors=True)
        archive.mkdir(parents=True)
        for (student, notebook), candidate in sorted(chosen.items()):
            try:
                data = candidate.read()
            except Refused as refusal:
                report.refused.append(str(refusal))
                continue
            name = "%s_%s%s" % (student, candidate.stamp + "_" if candidate.stamp else "", notebook)
            (archive / name).write_bytes(data)
            report.collected.setdefault(student, []).append(notebook)

    if report.collected:
        done = subprocess.run([sys.executable, "-m", "nbgrader", "zip_collect", assignment, "--force", "--strict"],
                              cwd=course.root, capture_output=True, text=True)
        if done.returncode != 0:
            raise JobFailed("nbgrader zip_collect failed: %s" % last_line(done.stderr))
    return report


def _choose(candidates: list[Candidate], known: set[str] | None,
            report: IntakeReport) -> dict[tuple[str, str], Candidate]:
    """One candidate per (student, notebook): roster checked, duplicates settled by the LMS's timestamps."""
    by_key: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        if known is not None and candidate.student not in known:
            report.unknown.append("%s: student %r is not on the roster" % (candidate.label, candidate.student))
            continue
        by_key.setdefault((candidate.student, candidate.notebook), []).append(candidate)
    chosen = {}
    for (student, notebook), group in sorted(by_key.items()):
        if len(group) > 1:
            labels = ", ".join(c.label for c in group)
            if any(not c.stamp for c in group):
                report.duplicates.append("%s / %s: %s; no timestamps to choose by, none collected"
                                         % (student, notebook, labels))
                continue
            group.sort(key=lambda c: c.stamp)
            report.duplicates.append("%s / %s: %s; kept the newest, %s" % (student, notebook, labels, group[-1].label))
        chosen[student, notebook] = group[-1]
    return chosen
