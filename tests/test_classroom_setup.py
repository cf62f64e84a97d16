"""The classroom's pieces that need neither root nor a hub (tests/test_classroom.py runs the real thing).

* The settings survive the trip through <state>/classroom.json that hub/jupyterhub_config.py reads.
* The students' nbgrader settings name the course and the shared exchange, and nothing else.
* The warning about a course repository whose solutions other users of the machine can read: given
  for a readable source/ (with every folder above it searchable), not for one closed to others.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

from grader.classroom.instructor import exposed_to_students, repository_warning
from grader.classroom.settings import Classroom
from grader.classroom.student_env import student_nbgrader_config

def test_the_classroom_settings_round_trip(tmp_path):
    classroom = Classroom(state=tmp_path, instructor="alice", students=["bob", "carol"], course_id="nn-workbook",
                          port=8123, data_dir="/srv/data", created_users=["bob"])
    classroom.save()
    again = Classroom.load(tmp_path)
    assert again == classroom
    assert again.student_env == tmp_path / "student-env" and again.exchange == tmp_path / "exchange"
    assert again.users == ["alice", "bob", "carol"] and again.url == "http://127.0.0.1:8123/"


def test_loading_a_classroom_that_was_never_set_up_says_what_to_do(tmp_path):
    with pytest.raises(RuntimeError, match=r"classroom.json not found: set the classroom up first"):
        Classroom.load(tmp_path)


def test_the_students_nbgrader_config_names_the_course_and_the_exchange(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(student_nbgrader_config("nn-workbook", Path("/srv/hub/exchange")))
    config = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config()
    assert config.CourseDirectory.course_id == "nn-workbook"
    assert config.Exchange.root == "/srv/hub/exchange"
    assert config.ExchangeFactory.fetch_feedback == "nncourse.feedback.FetchFeedback"   # feedback within reach
    assert set(config.keys()) == {"CourseDirectory", "Exchange", "ExchangeFactory"}


@pytest.fixture
def repository():
    """A folder outside pytest's private temporary folders, so that 'other users' can reach it."""
    root = Path(tempfile.mkdtemp(prefix="nncourse-repo-", dir="/var/tmp"))
    os.chmod(root, 0o755)
    (root / "source").mkdir(mode=0o755)
    (root / "release").mkdir(mode=0o755)
    yield root
    shutil.rmtree(root)


def test_a_repository_whose_solutions_others_can_read_is_warned_about(repository):
    os.chmod(repository / "source", 0o755)
    assert exposed_to_students(repository) == [repository / "source"]
    warning = repository_warning(repository)
    assert "can read %s" % (repository / "source") in warning and "chmod -R o-rwx" in warning


def test_a_repository_closed_to_others_is_not(repository):
    os.chmod(repository, 0o750)
    assert exposed_to_students(repository) == [] and repository_warning(repository) == ""
    os.chmod(repository, 0o755)
    os.chmod(repository / "source", 0o750)
    assert exposed_to_students(repository) == []
