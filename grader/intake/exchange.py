"""``nbgrader collect`` that takes regular files only (``c.ExchangeFactory.collect`` in nbgrader_config.py).

nbgrader's collect copies each student's folder from the exchange's inbound folder with the
instructor's rights, and students can write there: plain ``shutil.copytree`` follows a link to the
answer keys, blocks on a FIFO and reads a device without end. :class:`SafeCollect` keeps nbgrader's
choice of submissions and its ``--update`` / ``--before-duedate`` rules, and changes what is taken:

* a submission folder whose name nbgrader cannot read (``<student>+<assignment>+<timestamp>[+<random>]``
  with a real, ASCII, not future timestamp) is skipped with a warning instead of stopping the whole
  collect;
* a submission folder that is a link, or (with ``CollectApp.check_owner``, nbgrader's default) that
  is owned by another user than the student it names and than the instructor running collect, is
  refused: it does not speak for that student;
* inside, only regular files are copied (grader.safefiles): links, FIFOs, devices, sockets and hard
  links are refused by name; a notebook may be at most c.GraderLimits.notebook_bytes, any other file
  ``CourseDirectory.max_file_size``, the folder ``CourseDirectory.max_dir_size`` in all; nbgrader's
  ``ignore`` and ``include`` globs apply as usual;
* ``timestamp.txt`` holds the course's time of the submission: the folder's latest change time, which the
  student cannot set back, never the time in its name or in the student's own ``timestamp.txt`` (both written
  by the student's process); a name that claims another time is logged. (nbgrader still chooses the newest
  folder of each student by the names' times.)

Every refusal is logged as a warning naming the file.
"""

from __future__ import annotations

import datetime
import fnmatch
import os
import pwd
import stat
from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import parse_utc

from ..limits import GraderLimits
from ..safefiles import FILE_BYTES, Policy, Refused, copy_tree, describe


def name_problem(filename: str) -> str | None:
    """Why an inbound folder's name cannot be read as <student>+<assignment>+<timestamp>[+<random>], or None."""
    parts = filename.rsplit("+", 3)
    if len(parts) < 3:
        return "does not read <student>+<assignment>+<timestamp>"
    stamp = parts[2]
    if not stamp.isascii():
        return "its timestamp %r is not ASCII" % stamp
    try:
        when = parse_utc(stamp)
    except (ValueError, OverflowError):
        return "its timestamp %r is not a date" % stamp
    if when > datetime.datetime.utcnow() + datetime.timedelta(days=1):
        return "its timestamp %r is in the future" % stamp
    return None


def folder_problem(path: str, student: str, check_owner: bool = True) -> str | None:
    """Why the inbound folder at ``path`` does not speak for ``student`` (a link, a special file, or a folder
    that another user made in the student's name), or None. Never follows a link."""
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        return "is a symbolic link" if stat.S_ISLNK(info.st_mode) else describe(info.st_mode)
    if not check_owner or info.st_uid == os.geteuid():
        return None
    try:
        owner = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        return None     # an account unknown here: nbgrader's own warning applies
    if owner != student:
        return "is owned by %s, not by %s: it does not speak for %s" % (owner, student, student)
    return None


def latest_change(path: Path) -> float:
    """The latest change time (ctime) of a folder and of the entries directly in it, none followed: when the
    course last saw it change. Its owner can move a ctime forward (by changing the file) but never back."""
    latest = path.lstat().st_ctime
    with os.scandir(path) as entries:
        for entry in entries:
            try:
                latest = max(latest, entry.stat(follow_symlinks=False).st_ctime)
            except FileNotFoundError:
                continue
    return latest


def course_time(seconds: float) -> str:
    """An epoch time in nbgrader's timestamp format (UTC)."""
    when = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def claim_note(name: str, received: float, tolerance: float = 60.0) -> str | None:
    """A note when the time in an inbound folder's name (the student's process chose it) is more than
    ``tolerance`` seconds from when the course received the folder; None when they agree."""
    try:
        claimed = parse_utc(name.rsplit("+", 3)[2]).replace(tzinfo=datetime.timezone.utc).timestamp()
    except (ValueError, OverflowError, TypeError, IndexError):
        return None
    if abs(claimed - received) <= tolerance:
        return None
    return "its name claims %s, but the course received it at %s" % (
        name.rsplit("+", 3)[2], course_time(received).split(".")[0] + " UTC")


def take_folder(inbound: Path, name: str, dest: Path, coursedir, notebook_bytes: int,
                received: float | None = None) -> list[str]:
    """Copy the inbound folder ``name`` to ``dest`` by the rules of the module's docstring and write its
    ``timestamp.txt``: the course's time of the submission, ``received`` (by default the folder's latest change
    time, read before copying), never the time its name claims; return the notes on files refused or not used.
    Raises Refused when the folder itself cannot be taken."""
    if received is None:
        received = latest_change(inbound / name)
    other = min(FILE_BYTES, 1000 * coursedir.max_file_size)

    def limit(path: str) -> int | None:
        base = path.rpartition("/")[2]
        if coursedir.include and not any(fnmatch.fnmatch(base, glob) for glob in coursedir.include):
            return None
        return notebook_bytes if base.endswith(".ipynb") else other

    policy = Policy(limit=limit, ignore=tuple(coursedir.ignore), total_bytes=1000 * coursedir.max_dir_size)
    taken = copy_tree(inbound, name, dest, policy)
    with open(dest / "timestamp.txt", "w") as handle:
        handle.write(course_time(received))
    return taken.notes()


class SafeCollect(ExchangeCollect):
    """nbgrader's collect, copying regular files only and refusing folders that speak for others."""

    def _path_to_record(self, path):
        filename = os.path.basename(path)
        problem = name_problem(filename) or folder_problem(path, filename.split("+", 1)[0], self.check_owner)
        if problem is None:
            return super()._path_to_record(path)
        self.log.warning("refused: inbound/%s %s; not collected", filename, problem)
        # kept so that nbgrader's choice runs unchanged, but never chosen over a sound one
        return {"username": filename.split("+", 1)[0], "filename": filename,
                "timestamp": datetime.datetime.min, "problem": problem}

    def _sort_by_timestamp(self, records):
        """Newest first, as nbgrader's; refused folders only when a student has nothing else."""
        sound = [record for record in records if "problem" not in record]
        return super()._sort_by_timestamp(sound or records)

    def copy_files(self):
        self.src_records = [record for record in self.src_records if "problem" not in record]
        super().copy_files()

    def do_copy(self, src, dest, log=None):
        """Copy one submission folder (see the module's docstring); never raises for a bad file."""
        name = os.path.basename(src)
        try:
            received = latest_change(Path(self.inbound_path) / name)
            notes = take_folder(Path(self.inbound_path), name, Path(dest), self.coursedir,
                                GraderLimits(config=self.config).notebook_bytes, received)
        except Refused as refusal:
            self.log.warning("refused: inbound/%s; not collected", refusal)
            return
        claim = claim_note(name, received)
        for note in notes + ([claim] if claim else []):
            self.log.warning("%s / %s: %s", Path(dest).parent.name, self.coursedir.assignment_id, note)
