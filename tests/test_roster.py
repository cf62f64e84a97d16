"""Rosters from the LMS into nbgrader's gradebook (grader.intake.roster): Canvas's gradebook export and Moodle's
exports as those LMSs write them; bad rows reported by file and line, never guessed; nothing recorded lost."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import copy_course
from grader.intake.roster import RosterError, import_roster, read_export

CANVAS = """\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Python basics (4021),Current Score
    Points Possible,,,,,80,
"Lovelace, Ada",1001,S1001,ada,Section A,72,90
"Hopper, Grace",1002,S1002,grace,Section A,,
"Student, Test",1099,,,Section A,,
"Noether, Emmy",1004,S1004,,Section A,,
"Turing, Alan",1003,S1003,alan,Section B,,
"Turing, Alan (again)",1005,S1005,alan,Section B,,
"Franklin, Rosalind",1006,S1006,ros lind,Section B,,
"""

MOODLE = """First name,Last name,Username,ID number,Institution,Department,Email address,Roles
Ada,Lovelace,ada,A-1,Uni,CS,ada@example.edu,Student
Grace,Hopper,grace,A-2,Uni,CS,grace.example.edu,Student
Rosalind,Franklin,rfranklin,,Uni,CS,rosalind@example.edu,"Teacher, Non-editing teacher"
Emmy,Noether,emmy,A-2,Uni,CS,emmy@example.edu,Student
"""


@pytest.fixture
def course(tmp_path):
    return copy_course(tmp_path / "course")


def test_canvas_export_rows_become_students_and_every_bad_row_is_one_line(course, tmp_path):
    path = tmp_path / "canvas.csv"
    path.write_text(CANVAS, encoding="utf-8")
    report = import_roster(course, path, "canvas")
    assert sorted(report.added) == ["ada", "grace"]
    assert report.problems == [
        "canvas.csv:6: no student id (column 'SIS Login ID' is empty)",
        "canvas.csv:9: student id 'ros lind' is not usable (letters, digits, '.', '_', '-', starting with a letter "
        "or digit, at most 64)",
        "canvas.csv: lines 7, 8 have the same student id 'alan'; none of them imported"]
    assert report.skipped == ["canvas.csv:2: Points Possible (not a student)", "canvas.csv:5: Canvas's Test Student"]
    with course.gradebook() as gb:
        ada = gb.find_student("ada")
        assert (ada.first_name, ada.last_name, ada.lms_user_id) == ("Ada", "Lovelace", "1001")
        assert {s.id for s in gb.students} == {"ada", "grace"}


def test_moodle_export_with_roles_and_emails_and_nothing_recorded_is_lost(course, tmp_path):
    canvas = tmp_path / "canvas.csv"
    canvas.write_text(CANVAS)
    import_roster(course, canvas, "canvas")
    path = tmp_path / "moodle.csv"
    path.write_text(MOODLE)
    report = import_roster(course, path, "moodle")
    assert "moodle.csv:3: email 'grace.example.edu' of grace is not an email address" in report.problems
    assert any(line.startswith("moodle.csv:4: Rosalind Franklin has the roles") for line in report.skipped)
    # ada has Canvas's LMS id 1001 in the gradebook; Moodle says A-1: not changed, and said so
    assert "moodle.csv:2: ada has the LMS id '1001' in the gradebook, 'A-1' here; not changed" in report.problems
    assert report.added == ["emmy"] and report.missing == ["grace"]   # grace's row was refused
    with course.gradebook() as gb:
        assert gb.find_student("ada").lms_user_id == "1001"
        assert gb.find_student("emmy").email == "emmy@example.edu"
        assert {s.id for s in gb.students} == {"ada", "grace", "emmy"}   # nobody removed


def test_duplicate_lms_ids_are_refused_and_a_file_of_another_kind_is_one_line(tmp_path):
    path = tmp_path / "moodle.csv"
    path.write_text(MOODLE.replace("grace.example.edu", "grace@example.edu"))
    people, report = read_export(path, "moodle")
    assert [p.id for p in people] == ["ada"]
    assert "moodle.csv: lines 3, 5 have the same LMS id 'A-2'; none of them imported" in report.problems
    with pytest.raises(RosterError) as caught:
        read_export(path, "canvas")
    assert str(caught.value).startswith("%s is not a Canvas export with the columns needed: Student, ID, SIS Login "
                                        "ID missing" % path)
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(RosterError, match="is not UTF-8 text"):
        read_export(path, "moodle")


def test_the_roster_command_reports_and_fails_on_rows_not_imported(course, tmp_path):
    path = tmp_path / "canvas.csv"
    path.write_text(CANVAS)
    done = subprocess.run([sys.executable, "-m", "grader", "roster", "--lms", "canvas", "--from", str(path)],
                          cwd=course.root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout.startswith("%s: 2 students added, 0 updated, 0 unchanged, 3 rows not imported" % path)
    done = subprocess.run([sys.executable, "-m", "grader", "roster", "--lms", "moodle", "--from", str(path)],
                          cwd=course.root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.startswith("error: %s is not a Moodle export" % path)
