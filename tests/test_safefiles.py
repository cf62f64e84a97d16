"""Copies and reads of student material take regular files only, never follow a link and stay bounded.

Fast tests on real files of every kind (links to files and folders, dangling links, FIFOs, a
character device, a socket, hard links), the timestamp rules of intake and the archive checks.
The same code is exercised end to end, with grading, in tests/test_perimeter.py.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import zipfile

import pytest

from grader.intake.exchange import name_problem
from grader.intake.lms import Download, IntakeReport, timestamp_problem
from grader.safefiles import Policy, Refused, copy_tree, hash_tree, read_bytes

SECRET = b"the instructor's secret"


@pytest.fixture
def hostile(tmp_path):
    """A student folder holding one of everything, next to a secret it must not reach."""
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    course_file = tmp_path / "answer_key.json"
    course_file.write_bytes(SECRET)
    folder = tmp_path / "base" / "student"
    (folder / "sub").mkdir(parents=True)
    (folder / "ok.txt").write_text("mine")
    (folder / "sub" / "deep.txt").write_text("mine too")
    (folder / "big.bin").write_bytes(b"x" * 3000)
    os.symlink(secret, folder / "link.txt")
    os.symlink(tmp_path, folder / "dirlink")
    os.symlink("/nonexistent/file", folder / "dangling")
    os.link(course_file, folder / "hard.txt")
    os.mkfifo(folder / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock"))
    if os.geteuid() == 0:
        os.mknod(folder / "zero", 0o600 | 0o020000, os.makedev(1, 5))   # /dev/zero's numbers
    yield folder
    sock.close()


def test_copy_takes_regular_files_and_names_every_refusal(hostile, tmp_path):
    taken = copy_tree(hostile.parent, "student", tmp_path / "out", Policy(limit=lambda path: 2000))
    assert sorted(taken.files) == ["ok.txt", "sub/deep.txt"]
    refused = "\n".join(map(str, taken.refused))
    for line in ("link.txt is a symbolic link", "dirlink is a symbolic link", "dangling is a symbolic link",
                 "hard.txt is a hard link", "pipe is a FIFO (named pipe)", "sock is a socket",
                 "big.bin is too large: 2.9 KiB, more than the limit of 2 KiB"):
        assert line in refused
    if os.geteuid() == 0:
        assert "zero is a character device" in refused
    copied = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*")}
    assert copied == {"ok.txt", "sub", "sub/deep.txt"}
    assert not any(SECRET in p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())


def test_a_copy_can_keep_only_what_it_needs_and_say_what_it_left(hostile, tmp_path):
    policy = Policy(limit=lambda path: 100 if path == "ok.txt" else None, descend=False)
    taken = copy_tree(hostile.parent, "student", tmp_path / "out", policy)
    assert taken.files == ["ok.txt"]
    assert "big.bin" in taken.unused and "sub/" in taken.unused
    assert taken.notes()[-1].startswith("not used: ")


def test_a_linked_folder_is_refused_without_reading_through_it(hostile, tmp_path):
    os.symlink(hostile, hostile.parent / "linked")
    with pytest.raises(Refused, match="linked is a symbolic link"):
        copy_tree(hostile.parent, "linked", tmp_path / "out")
    with pytest.raises(Refused, match="student/dirlink is a symbolic link"):
        copy_tree(hostile.parent, "student/dirlink", tmp_path / "out2")
    assert not (tmp_path / "out").exists()


def test_reads_never_follow_links_never_block_and_stop_at_the_limit(hostile):
    base = hostile.parent
    assert read_bytes(hostile / "ok.txt", 100, base) == b"mine"
    for name, why in (("link.txt", "symbolic link"), ("pipe", "FIFO"), ("hard.txt", "hard link"),
                      ("sock", "socket"), ("big.bin", "too large")):
        with pytest.raises(Refused, match=why):
            read_bytes(hostile / name, 2000, base)
    with pytest.raises(Refused, match="dirlink is a symbolic link"):
        read_bytes(hostile / "dirlink" / "secret.txt", 2000, base)


def test_a_fifo_with_a_writer_is_still_never_opened(hostile):
    """Opening a FIFO for reading blocks until a writer comes; the check happens before any open."""
    done = threading.Event()

    def read():
        with pytest.raises(Refused):
            read_bytes(hostile / "pipe", 100, hostile.parent)
        done.set()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(5)
    assert done.is_set()


def test_the_fingerprint_sees_every_change_without_following_links(hostile):
    def digest():
        value = hashlib.sha256()
        hash_tree(value, hostile.parent, "student")
        return value.hexdigest()

    first = digest()
    assert digest() == first
    (hostile / "sub" / "deep.txt").write_text("changed")
    second = digest()
    assert second != first
    (hostile.parent.parent / "secret.txt").write_bytes(b"the target changed, not the link")
    assert digest() == second     # a link's target is never read


@pytest.mark.parametrize("stamp, problem", [
    ("20261121093000", None),
    ("20261340093000", "not a real date"),
    ("20260230120000", "not a real date"),
    ("２０２６１１２１０９３０００", "not 14 ASCII digits"),
    ("20991231235959", "in the future"),
])
def test_timestamps_must_be_ascii_digits_of_a_real_past_date(stamp, problem):
    found = timestamp_problem(stamp)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize("name, problem", [
    ("ada+a1+2026-11-21 09:30:00.000000 UTC+xyz", None),
    ("ada+a1+garbage+xyz", "not a date"),
    ("ada+a1", "does not read"),
    ("ada+a1+２０２６-11-21 09:30:00 UTC+xyz", "not ASCII"),
    ("ada+a1+2099-12-31 23:59:59.000000 UTC+xyz", "in the future"),
])
def test_exchange_folder_names_are_checked(name, problem):
    found = name_problem(name)
    assert (found is None) if problem is None else (problem in found)


def _download(tmp_path, notebooks=("numpy_basics.ipynb",)):
    report = IntakeReport()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    return Download("a1_numpy_basics", set(notebooks), None, 1 << 20, scratch, report), report


def test_archives_are_checked_before_anything_is_extracted(tmp_path):
    folder = tmp_path / "download"
    folder.mkdir()
    with zipfile.ZipFile(folder / "ada_20261120100000_bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("numpy_basics.ipynb", "w", force_zip64=True) as member:
            for _ in range(210):
                member.write(bytes(1 << 20))
    with zipfile.ZipFile(folder / "bob_20261120100000_ratio.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", bytes(5 << 20))
    with zipfile.ZipFile(folder / "cat_20261120100000_many.zip", "w") as archive:
        for i in range(1001):
            archive.writestr("f%d.txt" % i, "x")
    with zipfile.ZipFile(folder / "dan_20261120100000_evil.zip", "w") as archive:
        archive.writestr("../../numpy_basics.ipynb", "{}")
    link = zipfile.ZipInfo("numpy_basics.ipynb")
    link.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(folder / "eve_20261120100000_link.zip", "w") as archive:
        archive.writestr(link, "/etc/shadow")
    found, report = _download(tmp_path)
    found.read_folder(folder)
    refused = "\n".join(report.refused)
    assert "bomb.zip: archive rejected as a whole: it would unpack to 210 MiB" in refused
    assert "ratio.zip: archive rejected as a whole: it has a member notes.txt compressed" in refused
    assert "many.zip: archive rejected as a whole: it holds 1001 members" in refused
    assert "evil.zip: archive rejected as a whole: it has a member with an unsafe path" in refused
    assert "link.zip: archive rejected as a whole: it has a member that is a symbolic link" in refused
    assert found.candidates == []
    assert list((tmp_path / "scratch").iterdir()) == []     # nothing was extracted


def test_an_upload_speaks_only_for_its_owner(tmp_path):
    folder = tmp_path / "download"
    folder.mkdir()
    with zipfile.ZipFile(folder / "ada_20261120100000_work.zip", "w") as archive:
        archive.writestr("work/numpy_basics.ipynb", "{}")
        archive.writestr("bob_20251231235959_numpy_basics.ipynb", "{}")
        archive.writestr("ada_20251231235959_numpy_basics.ipynb", "{}")
        archive.writestr("inner.zip", b"PK")
        archive.writestr("README.md", "hello")
    (folder / "bob_20261120090000_numpy_basics.ipynb").write_text("{}")
    found, report = _download(tmp_path)
    found.read_folder(folder)
    owners = sorted((c.student, c.stamp, c.label) for c in found.candidates)
    assert owners == [
        ("ada", "20261120100000", "ada_20261120100000_work.zip:ada_20251231235959_numpy_basics.ipynb"),
        ("ada", "20261120100000", "ada_20261120100000_work.zip:work/numpy_basics.ipynb"),
        ("bob", "20261120090000", "bob_20261120090000_numpy_basics.ipynb")]
    assert report.others == ["ada_20261120100000_work.zip:bob_20251231235959_numpy_basics.ipynb: inside "
                             "ada's upload but named for student 'bob'; ignored"]
    assert "inner.zip: an archive inside ada's upload; not opened" in "\n".join(report.refused)
    assert report.unused == ["ada_20261120100000_work.zip:README.md"]
    assert "timestamp inside ada's upload is ignored" in "\n".join(report.timestamps)


# ---------------------------------------------------------------- what a grading workspace takes
def test_a_submission_keeps_nbgraders_files_and_is_silent_about_what_the_assignment_handed_out(tmp_path):
    """The workspace takes the notebooks, timestamp.txt and submission_secret.txt (release_feedback names the
    student's feedback with it); the files that came with the release (images/ here) are replaced by the
    course's own copies, so they are neither taken nor reported; anything else is reported as not used."""
    import shutil

    from conftest import copy_course
    from grader.run.submission import take_submission

    course = copy_course(tmp_path / "course")
    folder = course.folder("submitted") / "ann" / "a1_numpy_basics"
    shutil.copytree(course.root / "release" / "a1_numpy_basics", folder)
    assert (folder / "images").is_dir()
    (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    (folder / "submission_secret.txt").write_text("a secret of nbgrader's")
    (folder / "numpy.py").write_text("x = 1\n")
    workspace = tmp_path / "workspace"
    notes = take_submission(course, "ann", "a1_numpy_basics", workspace)
    assert sorted(p.name for p in workspace.iterdir()) == ["numpy_basics.ipynb", "submission_secret.txt",
                                                          "timestamp.txt"]
    assert notes == ["not used: numpy.py"]
