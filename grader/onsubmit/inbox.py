"""Taking submissions from nbgrader's exchange as they arrive, by the guarded collect's rules.

Students write their submissions into the exchange's ``inbound/<student>+<assignment>+<timestamp>+<random>/``;
the service (running as the instructor) lists that folder every fraction of a second. A new folder is taken
once it is complete (nbgrader's submit writes ``submission_secret.txt`` last and then opens the folder's mode
to 0777; a folder made by hand is taken once nothing in it changed for ``quiet_seconds``):

* with the rules of ``nbgrader collect`` here (:mod:`grader.intake.exchange`): a readable name, a folder that
  is not a link and belongs to the student it names, regular files only, sizes bounded; a folder that breaks
  them is recorded as refused, with the reason, and never graded;
* copied into the service's store (``<course>/.nncourse/service/store/<key>/submitted/<student>/<assignment>/``),
  where it is kept whatever happens to the exchange: nothing is lost;
* received at a time the student cannot set: the latest change time (ctime) of the folder and its files,
  which the owner can move forward but never back. The time in the folder's name (chosen by the student's
  own process) is kept as claimed, and a disagreement of more than a minute is noted.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import pwd
import shutil
import stat
import time
from pathlib import Path

from ..course import Course
from ..intake.exchange import folder_problem, latest_change, name_problem, take_folder
from ..limits import GraderLimits
from ..safefiles import Refused
from .ledger import Ledger

#: How far the claimed time may be from the received one before the ledger notes it.
CLAIM_TOLERANCE = 60.0


def exchange_root(course: Course) -> Path:
    """The exchange's root folder, as nbgrader's commands of this course see it."""
    from nbgrader.exchange.default.exchange import Exchange

    return Path(Exchange(config=course.config, coursedir=course.api().coursedir).root)


def store_key(inbound: str) -> str:
    """The store's folder name for an inbound folder (the same every time: taking is idempotent)."""
    return hashlib.sha256(inbound.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _owner(info: os.stat_result) -> str | None:
    try:
        return pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        return None


class Inbox:
    """The exchange's inbound folder of one course, seen by the on-submit service."""

    def __init__(self, course: Course, ledger: Ledger, store: Path, quiet_seconds: float = 2.0, log=print):
        self.course, self.ledger, self.store, self.quiet, self.log = course, ledger, store, quiet_seconds, log
        coursedir = course.api().coursedir
        self.coursedir = coursedir
        self.inbound = exchange_root(course) / coursedir.course_id / "inbound"
        self.notebook_bytes = GraderLimits(config=course.config).notebook_bytes
        self.assignments = set(course.assignments)
        self.problem = ""   # why taking failed on the last scan (a full disk, say), for the status page

    def submission_folder(self, inbound: str) -> Path:
        """The store's folder of an inbound folder: ``<store>/<key>``, laid out as a course folder of its own
        (``submitted/<student>/<assignment>/``, and ``feedback/<student>/<assignment>/`` once graded)."""
        return self.store / store_key(inbound)

    def scan(self, now: float | None = None) -> list[int]:
        """Take every complete new folder; return the ledger ids of what was added (taken or refused)."""
        try:
            names = sorted(os.listdir(self.inbound))
        except OSError as exc:
            self.problem = "the exchange's inbound folder cannot be read: %s" % exc
            return []
        known = self.ledger.known()
        added, problems = [], []
        for name in names:
            if name not in known:
                try:
                    entry = self._take(name, time.time() if now is None else now)
                except OSError as exc:   # a full disk, say: the folder stays in the exchange, taken later
                    problems.append("%s could not be taken yet: %s" % (name, exc))
                    continue
                if entry is not None:
                    added.append(entry)
        problem = "; ".join(problems)
        if problem and problem != self.problem:
            self.log(problem)
        self.problem = problem
        return added

    def _ready(self, path: Path, now: float) -> bool:
        try:
            mode = stat.S_IMODE(path.lstat().st_mode)
            finished = (path / "submission_secret.txt").is_file() and mode == 0o777
            return finished or now - latest_change(path) >= self.quiet
        except OSError:
            return False

    def _take(self, name: str, now: float) -> int | None:
        path = self.inbound / name
        info = path.lstat()
        owner = _owner(info)
        problem = name_problem(name)
        parts = name.rsplit("+", 3)
        student = parts[0] if not problem else (owner or "?")
        assignment = parts[1] if not problem else ""
        claimed = parts[2] if not problem else ""
        if not problem:
            problem = folder_problem(str(path), student)
            if problem and owner:
                student = owner   # a folder in another student's name is its owner's doing, not theirs
        if not problem and assignment not in self.assignments:
            problem = "names %r, which is not an assignment of this course" % assignment
        if problem:
            self.log("refused: inbound/%s %s" % (name, problem))
            return self.ledger.add(name, student, assignment, claimed, now, "refused", reason=problem)
        if not self._ready(path, now):
            return None
        received = min(now, latest_change(path))
        folder = self.submission_folder(name)
        shutil.rmtree(folder, ignore_errors=True)
        try:
            notes = take_folder(self.inbound, name, folder / "submitted" / student / assignment, self.coursedir,
                                self.notebook_bytes, received)   # timestamp.txt: the course's time
        except Refused as refusal:
            shutil.rmtree(folder, ignore_errors=True)
            self.log("refused: inbound/%s" % refusal)
            return self.ledger.add(name, student, assignment, claimed, now, "refused",
                                   reason=refusal.why or str(refusal))
        refused = self._refused_notebooks(path, folder / "submitted" / student / assignment, notes)
        if refused:   # a notebook of the assignment was there but cannot be taken (too large, a link, ...)
            self.log("refused: inbound/%s: %s" % (name, refused))
            return self.ledger.add(name, student, assignment, claimed, received, "refused", reason=refused,
                                   notes=notes)
        claim = _claimed_seconds(claimed)
        if claim is not None and abs(claim - received) > CLAIM_TOLERANCE:
            notes.append("its name claims %s, but the course received it at %s"
                         % (claimed, time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(received))))
        entry = self.ledger.add(name, student, assignment, claimed, received, "queued", notes=notes)
        self.log("received inbound/%s (submission %d)" % (name, entry))
        return entry


    def _refused_notebooks(self, inbound: Path, copy: Path, notes: list[str]) -> str:
        """Why a notebook of the assignment that the folder holds was not taken ("" when all were)."""
        assignment = copy.name
        for notebook in self.course.source_notebooks(assignment):
            if os.path.lexists(inbound / notebook.name) and not (copy / notebook.name).is_file():
                prefix = "refused: %s " % notebook.name
                return next((note[len("refused: "):] for note in notes if note.startswith(prefix)),
                            "%s could not be taken" % notebook.name)
        return ""


def _claimed_seconds(claimed: str) -> float | None:
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(claimed).replace(tzinfo=datetime.timezone.utc).timestamp()
    except (ValueError, OverflowError, TypeError):
        return None
