"""The folders a grading run makes, and the removal of what a killed run left behind.

A class run keeps its workspaces in ``.grading-*`` beside the course (shared with remote workers, if any), and
each job has a scratch folder ``nncourse-run-*`` in the temporary folder (the kernels' folders, Jupyter's
connection files, the grading process's log). A run removes them when it ends, however it ends, but a run that
is killed (SIGKILL, a machine that loses power) cannot. So each folder holds a lock file, locked with
``flock`` for as long as its run uses it: the kernel releases the lock when the process dies, whatever killed
it. The next run (:func:`remove_stale`) removes every such folder whose lock it can take, and leaves alone
those of runs still going (an instructor's ``grade`` beside the on-submit service, say).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

LOCK_NAME = ".in-use"
RUN_PREFIX = ".grading-"
SCRATCH_PREFIX = "nncourse-run-"
#: A folder without its lock file yet is being made: it is left alone for this long.
YOUNG_SECONDS = 120


@contextmanager
def held_folder(parent: Path, prefix: str, mode: int = 0o700) -> Iterator[Path]:
    """A new folder ``parent/prefix*``, locked while the block runs, then removed."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(folder, mode)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def _abandoned(folder: Path) -> bool:
    """Whether no live process holds ``folder``'s lock (a folder still being made is not abandoned)."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        try:
            return time.time() - folder.lstat().st_mtime > YOUNG_SECONDS
        except FileNotFoundError:
            return False
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def remove_stale(course_root: Path, temporary: Path | None = None) -> list[Path]:
    """Remove the run folders beside the course and the job scratch folders that killed runs left; return them.
    Only folders of this user are touched (the temporary folder is shared)."""
    removed = []
    places = [(course_root, RUN_PREFIX), (Path(temporary or tempfile.gettempdir()), SCRATCH_PREFIX)]
    for parent, prefix in places:
        try:
            candidates = [p for p in parent.iterdir() if p.name.startswith(prefix)]
        except OSError:
            continue
        for folder in candidates:
            try:
                info = folder.lstat()
            except FileNotFoundError:
                continue
            if not folder.is_dir() or folder.is_symlink() or info.st_uid != os.geteuid():
                continue
            if _abandoned(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed
