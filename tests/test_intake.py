"""Taking in an LMS download with nbgrader's zip_collect: every problem reported, nothing dropped silently."""

import shutil
import zipfile

import pytest

from conftest import copy_course
from grader.authoring.release import generate_release
from grader.intake.lms import FILENAME_PATTERN, intake

A1 = "a1_numpy_basics"


@pytest.fixture
def course(tmp_path):
    course = copy_course(tmp_path / "course")
    generate_release(course, [A1], log=lambda *_: None)
    return course


def make_download(course, folder):
    notebook = course.folder("release") / A1 / "numpy_basics.ipynb"
    folder.mkdir()
    for name in ("ada_numpy_basics.ipynb", "bob_20261121090000_numpy_basics.ipynb",
                 "bob_20261121100000_numpy_basics.ipynb", "carl_numpy_basics.ipynb",
                 "carl_2_numpy_basics.ipynb", "numpy_basics (1).ipynb", "ada_numpy_basic.ipynb",
                 "evan_numpy_basics.ipynb", "notes.txt"):
        shutil.copy(notebook, folder / name)
    with zipfile.ZipFile(folder / "batch.zip", "w") as archive:
        archive.write(notebook, "inner/dora_numpy_basics.ipynb")
        archive.write(notebook, "eve_numpy_basics.ipynb")
    return folder


def test_the_filename_pattern(course):
    import re

    match = re.match(FILENAME_PATTERN, "bob_20261121090000_numpy_basics.ipynb")
    assert match["student_id"] == "bob" and match["timestamp"] == "20261121090000"
    assert match["file_id"] == "numpy_basics.ipynb"
    assert re.match(FILENAME_PATTERN, "notebook.ipynb") is None   # no student id at all


def test_intake_collects_the_sound_files_and_reports_the_rest(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name\nada,Ada\nbob,Bob\ncarl,Carl\ndora,Dora\n")
    report = intake(course, A1, make_download(course, tmp_path / "download"), roster)
    assert sorted(report.collected) == ["ada", "bob", "carl", "dora"]
    submitted = sorted(p.relative_to(course.folder("submitted")).as_posix()
                       for p in course.folder("submitted").rglob("*.ipynb"))
    assert submitted == ["%s/%s/numpy_basics.ipynb" % (s, A1) for s in ("ada", "bob", "carl", "dora")]
    assert "10:00:00" in (course.folder("submitted") / "bob" / A1 / "timestamp.txt").read_text()
    text = "\n".join(report.lines())
    assert "numpy_basics (1).ipynb: basics (1).ipynb is not a notebook" in text
    assert "ada_numpy_basic.ipynb: numpy_basic.ipynb is not a notebook of a1_numpy_basics" in text
    assert "evan_numpy_basics.ipynb: student 'evan' is not on the roster" in text
    assert "notes.txt: does not follow" in text
    assert "batch.zip:eve_numpy_basics.ipynb: student 'eve' is not on the roster" in text
    assert "kept the newest, bob_20261121100000_numpy_basics.ipynb" in text
    # "carl_2_numpy_basics.ipynb" is student "carl" with the notebook "2_numpy_basics.ipynb": misnamed
    assert "carl_2_numpy_basics.ipynb: 2_numpy_basics.ipynb is not a notebook" in text


def test_duplicates_without_timestamps_are_not_guessed(course, tmp_path):
    download = tmp_path / "download"
    download.mkdir()
    notebook = course.folder("release") / A1 / "numpy_basics.ipynb"
    shutil.copy(notebook, download / "ada_numpy_basics.ipynb")
    with zipfile.ZipFile(download / "again.zip", "w") as archive:
        archive.write(notebook, "ada_numpy_basics.ipynb")
    shutil.copy(notebook, download / "bob_numpy_basics.ipynb")
    report = intake(course, A1, download)
    assert sorted(report.collected) == ["bob"]
    assert "ada / numpy_basics.ipynb" in "\n".join(report.duplicates)
    assert "none collected" in "\n".join(report.duplicates)
    assert "no roster" in report.roster_note
    assert not (course.folder("submitted") / "ada").exists()
