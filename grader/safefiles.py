"""Reading and copying what a student controls: regular files only, links never followed, sizes bounded.

The grader runs with more rights than the students (often as root), so every copy or read it makes
of student material goes through this module: intake of an LMS download, ``nbgrader collect`` from
the exchange, the grading workspace, merging results back into autograded/ and feedback/, and the
sandbox's staging copy. The rules:

* A **symbolic link** (to a file, to a folder, or dangling) is refused, never followed; so is a
  folder reached through one. Every name is looked up with ``lstat`` and opened with
  ``O_NOFOLLOW`` relative to its parent folder's descriptor, so a link swapped in mid-copy is
  caught too.
* **FIFOs, character and block devices and sockets** are refused without being opened (a FIFO
  blocks its reader forever, ``/dev/zero`` never ends). Regular files are opened with
  ``O_NONBLOCK | O_NOCTTY`` and checked again with ``fstat`` (same inode, still regular).
* A **hard link** (a regular file with more than one name, ``st_nlink > 1``) is refused in student
  material: its other name may be a course file the student cannot read (the solutions, an answer
  key), and copying its bytes would hand them over. A student who needs the file submits a copy.
  Trees the grader assembled itself (the sandbox's staging copy) may take them (``hard_links``).
* **Sizes are bounded while reading**: each file has a limit (a notebook at most
  :data:`NOTEBOOK_BYTES`, 20 MiB) checked on ``st_size`` first and again on the bytes actually read,
  and a whole copy has a budget; folders have a depth and an entry limit.

Each refusal names the file and the reason (:class:`Refused`), so callers can report it.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

NOTEBOOK_BYTES = 20 << 20       # a submitted notebook may be at most 20 MiB
FILE_BYTES = 100 << 20          # any other file of a submission (nbgrader's own default, 100 MB)
TREE_BYTES = 200 << 20          # everything one copy takes
MAX_ENTRIES = 10_000            # names looked at in one tree
MAX_DEPTH = 32                  # folder nesting
CHUNK = 1 << 20

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NOFOLLOW_DIR = _DIR | os.O_NOFOLLOW
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class Refused(Exception):
    """A file or folder that is not taken: ``name`` (as shown to the instructor) and ``why``
    ('is a symbolic link'); str() gives the whole line."""

    def __init__(self, name: str, why: str = ""):
        super().__init__(("%s %s" % (name, why)) if why else name)
        self.name, self.why = name, why


def size_text(n: int) -> str:
    """A byte count for people: 512 bytes, 3.2 KiB, 20 MiB, 1.5 GiB."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return ("%.1f %s" % (n / (1 << shift), unit)).replace(".0 ", " ")
    return "%d bytes" % n


def describe(mode: int) -> str:
    """What kind of file a mode is, for a refusal: 'is a symbolic link', 'is a FIFO (named pipe)', ..."""
    for test, text in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"), (stat.S_ISREG, "a file")):
        if test(mode):
            return "is " + text
    return "is not a regular file"


def _too_large(size: int, limit: int) -> str:
    return "is too large: %s, more than the limit of %s" % (size_text(size), size_text(limit))


# ---------------------------------------------------------------- opening without following
def open_folder(base: Path, relative: str | Path = "") -> int:
    """A descriptor of ``base/relative``; ``base`` is the grader's own folder (opened as is), every
    component of ``relative`` must be a real folder (never a link). Raises Refused or OSError."""
    fd = os.open(str(base), _DIR)
    shown = ""
    try:
        for part in Path(relative).parts:
            shown = os.path.join(shown, part)
            info = os.stat(part, dir_fd=fd, follow_symlinks=False)
            if not stat.S_ISDIR(info.st_mode):
                raise Refused(shown, describe(info.st_mode))
            try:
                child = os.open(part, _NOFOLLOW_DIR, dir_fd=fd)
            except OSError:     # ELOOP / ENOTDIR: swapped for something else since the lstat
                raise Refused(shown, "changed while being opened") from None
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_regular(name: str, dir_fd: int, shown: str, limit: int | None, hard_links: bool) -> int:
    info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if not stat.S_ISREG(info.st_mode):
        raise Refused(shown, describe(info.st_mode))
    if info.st_nlink > 1 and not hard_links:
        raise Refused(shown, "is a hard link (one of %d names of the same file; submit a copy instead)"
                      % info.st_nlink)
    if limit is not None and info.st_size > limit:
        raise Refused(shown, _too_large(info.st_size, limit))
    try:
        fd = os.open(name, _FILE, dir_fd=dir_fd)
    except OSError:
        raise Refused(shown, "changed while being opened") from None
    now = os.fstat(fd)
    if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
        os.close(fd)
        raise Refused(shown, "changed while being opened")
    return fd


def _chunks(fd: int, limit: int | None, shown: str) -> Iterator[bytes]:
    """The bytes of an open file, refusing it as soon as more than ``limit`` have been read."""
    total = 0
    while True:
        block = os.read(fd, CHUNK)
        if not block:
            return
        total += len(block)
        if limit is not None and total > limit:
            raise Refused(shown, _too_large(total, limit) + " (it grew while being read)")
        yield block


def open_file(path: Path, limit: int | None, base: Path | None = None, hard_links: bool = False):
    """A regular file opened for binary reading, of at most ``limit`` bytes when opened (a file that
    grows later is the reader's to bound). Folders between ``base`` (default: the file's own folder,
    which is then trusted) and the file must be real folders; the file itself must not be a link,
    FIFO, device or socket. Raises Refused or OSError."""
    base = path.parent if base is None else base
    folder = open_folder(base, path.parent.relative_to(base))
    try:
        fd = _open_regular(path.name, folder, str(path.relative_to(base)), limit, hard_links)
    finally:
        os.close(folder)
    return os.fdopen(fd, "rb")


def read_bytes(path: Path, limit: int, base: Path | None = None, hard_links: bool = False) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_file`)."""
    with open_file(path, limit, base, hard_links) as handle:
        return read_limited(handle, limit, str(path.relative_to(path.parent if base is None else base)))


def read_limited(handle, limit: int, shown: str) -> bytes:
    """Everything ``handle`` gives, refusing it (Refused) as soon as it gives more than ``limit`` bytes."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise Refused(shown, _too_large(len(data), limit))
    return data


# ---------------------------------------------------------------- walking and copying trees
@dataclass
class Entry:
    """One name in a tree: its path relative to the tree's root ('/'-separated), its lstat (never
    followed), the descriptor of its parent folder (valid until the walk moves on) and, for a
    folder the walk does not enter, why not."""

    path: str
    info: os.stat_result
    parent_fd: int
    not_entered: str = ""

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def is_dir(self) -> bool:
        return stat.S_ISDIR(self.info.st_mode)

    @property
    def is_regular(self) -> bool:
        return stat.S_ISREG(self.info.st_mode)


@dataclass(frozen=True)
class Policy:
    """What a copy takes.

    ``limit(path)`` gives the byte limit of the regular file at ``path`` (relative, '/'-separated),
    or None when the copy does not use it (it is listed as unused). ``descend`` says whether
    sub-folders are copied; ``ignore`` holds name globs skipped without a word (nbgrader's
    ``CourseDirectory.ignore``). ``total_bytes`` is the budget of the whole copy.
    """

    limit: Callable[[str], "int | None"] = lambda path: FILE_BYTES
    descend: bool = True
    ignore: tuple[str, ...] = ()
    total_bytes: int = TREE_BYTES
    hard_links: bool = False
    max_entries: int = MAX_ENTRIES
    max_depth: int = MAX_DEPTH


def _entries(fd: int, prefix: str, policy: Policy, depth: int, count: list[int]) -> Iterator[Entry]:
    """Every name below the open folder ``fd``, folders before their contents, links never followed."""
    for name in sorted(os.listdir(fd)):
        if any(fnmatch.fnmatch(name, glob) for glob in policy.ignore):
            continue
        count[0] += 1
        if count[0] > policy.max_entries:
            raise Refused(prefix.rstrip("/") or ".", "holds more than %d files and folders" % policy.max_entries)
        try:
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            continue
        entry = Entry(prefix + name, info, fd)
        if not entry.is_dir or not policy.descend:
            yield entry
            continue
        if depth >= policy.max_depth:
            entry.not_entered = "is nested more than %d folders deep" % policy.max_depth
            yield entry
            continue
        try:
            child = os.open(name, _NOFOLLOW_DIR, dir_fd=fd)
        except OSError:     # swapped for a link or a file since the lstat
            entry.not_entered = "changed while being opened"
            yield entry
            continue
        try:
            yield entry
            yield from _entries(child, entry.path + "/", policy, depth + 1, count)
        finally:
            os.close(child)


def walk(base: Path, relative: str | Path = "", policy: Policy = Policy()) -> Iterator[Entry]:
    """Every name of the folder ``base/relative`` (see :func:`open_folder`), never following a link.
    Raises Refused for that folder itself."""
    root = open_folder(base, relative)
    try:
        yield from _entries(root, "", policy, 0, [0])
    finally:
        os.close(root)


@dataclass
class Taken:
    """What a copy of student material did with each name."""

    files: list[str] = field(default_factory=list)          # copied
    refused: list[Refused] = field(default_factory=list)    # Refused("key.txt", "is a symbolic link")
    unused: list[str] = field(default_factory=list)         # regular files or folders the copy does not need
    bytes: int = 0

    def refusal_of(self, path: str) -> Refused | None:
        return next((refusal for refusal in self.refused if refusal.name == path), None)

    def notes(self) -> list[str]:
        """One line per refusal, then one for the names not used (for the instructor's table)."""
        lines = ["refused: %s" % item for item in self.refused]
        if self.unused:
            lines.append("not used: %s" % ", ".join(self.unused))
        return lines


def copy_tree(base: Path, relative: str | Path, dest: Path, policy: Policy = Policy()) -> Taken:
    """Copy the folder ``base/relative`` to ``dest`` (created; must not exist yet) by the rules above.

    ``base`` is the grader's own folder; ``relative`` (possibly empty) is the part a student may
    control, so none of its components may be a link. Raises Refused when that folder itself is
    refused; every refusal inside it is listed in the returned :class:`Taken` instead.
    """
    taken = Taken()
    root = open_folder(base, relative)
    try:
        dest.mkdir(parents=True)
        targets = {"": os.open(str(dest), _NOFOLLOW_DIR)}
    except BaseException:
        os.close(root)
        raise
    entries = _entries(root, "", policy, 0, [0])
    try:
        for entry in entries:
            parent = targets.get(entry.path.rpartition("/")[0])
            if parent is None:      # inside a folder that was not taken
                continue
            if entry.is_dir and not policy.descend:
                taken.unused.append(entry.path + "/")
            elif entry.is_dir and entry.not_entered:
                taken.refused.append(Refused(entry.path + "/", entry.not_entered))
            elif entry.is_dir:
                os.mkdir(entry.name, 0o755, dir_fd=parent)
                targets[entry.path] = os.open(entry.name, _NOFOLLOW_DIR, dir_fd=parent)
            else:
                _take_file(entry, parent, policy, taken)
    finally:
        entries.close()
        os.close(root)
        for fd in targets.values():
            os.close(fd)
    return taken


def _take_file(entry: Entry, dest_folder: int, policy: Policy, taken: Taken) -> None:
    if entry.is_regular and (entry.info.st_nlink == 1 or policy.hard_links):
        limit = policy.limit(entry.path)
        if limit is None:
            taken.unused.append(entry.path)
            return
    else:
        limit = 0   # refused below for what it is (a link, a FIFO, a hard link, ...), never opened
    budget = policy.total_bytes - taken.bytes
    try:
        if entry.is_regular and limit > budget and entry.info.st_size > budget:
            raise Refused(entry.path, "does not fit: the whole copy may take %s" % size_text(policy.total_bytes))
        source = _open_regular(entry.name, entry.parent_fd, entry.path, min(limit, budget), policy.hard_links)
        try:
            taken.bytes += _copy_open_file(source, entry, dest_folder, min(limit, budget))
        finally:
            os.close(source)
    except Refused as refusal:
        taken.refused.append(refusal)
        return
    taken.files.append(entry.path)


def _copy_open_file(source: int, entry: Entry, dest_folder: int, limit: int) -> int:
    out = os.open(entry.name, _NEW_FILE, 0o644, dir_fd=dest_folder)
    written = 0
    try:
        for block in _chunks(source, limit, entry.path):
            os.write(out, block)
            written += len(block)
        os.utime(out, ns=(entry.info.st_atime_ns, entry.info.st_mtime_ns))
    except BaseException:
        os.close(out)
        os.unlink(entry.name, dir_fd=dest_folder)
        raise
    os.close(out)
    return written


def hash_tree(digest, base: Path, relative: str | Path = "", limit: int = FILE_BYTES) -> None:
    """Feed ``digest`` with every name of ``base/relative`` and the bytes of its regular files, never
    following a link nor opening anything else, so that any change to a submission folder changes
    the digest. What is never read (links, special files, hard links, files over ``limit``) counts
    by name, kind, size and modification time."""
    try:
        for entry in walk(base, relative):
            info = entry.info
            digest.update(b"%s\0%o\0%d\0" % (entry.path.encode(errors="surrogateescape"),
                                               info.st_mode, info.st_size))
            if not entry.is_regular or info.st_nlink > 1 or info.st_size > limit:
                digest.update(b"%d\0%d\0" % (info.st_mtime_ns, info.st_nlink))
                continue
            try:
                fd = _open_regular(entry.name, entry.parent_fd, entry.path, limit, False)
                try:
                    for block in _chunks(fd, limit, entry.path):
                        digest.update(block)
                finally:
                    os.close(fd)
            except Refused as refusal:
                digest.update(str(refusal).encode(errors="surrogateescape"))
    except Refused as refusal:
        digest.update(b"refused\0" + str(refusal).encode(errors="surrogateescape"))
    except FileNotFoundError:
        digest.update(b"missing")
