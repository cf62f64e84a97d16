"""One submission's rows in nbgrader's gradebook, removed or copied in one transaction.

A submission is a ``submitted_assignment`` row (student, assignment, timestamp, extension), one
``submitted_notebook`` row per notebook (flagged, late penalty), and a ``grade`` and a ``comment``
row per cell (scores, comments). nbgrader's Gradebook API removes and re-creates them object by
object, committing a dozen times; here the same rows are deleted or copied with SQLAlchemy Core
on nbgrader's own table definitions (``nbgrader.api.Base.metadata``), in one transaction, in a
few milliseconds. Any database nbgrader supports works (SQLite, PostgreSQL).

Copies keep the rows' ids (nbgrader's random uuids). The assignment, notebooks and cells they
refer to must be the target's own: a workspace's gradebook is a snapshot of the course's, so they
are; a copy whose references are missing in the target (the assignment was generated again
meanwhile) raises MergeError and changes nothing.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager

from sqlalchemy import create_engine, delete, inspect, select


class MergeError(RuntimeError):
    """A submission's rows cannot be copied (the message says why)."""


@functools.lru_cache(maxsize=None)
def _tables():
    from nbgrader.api import Base

    return Base.metadata.tables


@contextmanager
def _engine(db_url: str):
    engine = create_engine(db_url, future=True)
    try:
        yield engine
    finally:
        engine.dispose()


def _submissions(connection, student: str, assignment: str) -> list[str]:
    t = _tables()
    sa, a = t["submitted_assignment"], t["assignment"]
    return list(connection.execute(select(sa.c.id).join(a, a.c.id == sa.c.assignment_id)
                                   .where(a.c.name == assignment, sa.c.student_id == student)).scalars())


def _delete(connection, submission_ids: list[str]) -> None:
    t = _tables()
    notebooks = select(t["submitted_notebook"].c.id).where(t["submitted_notebook"].c.assignment_id.in_(submission_ids))
    for name in ("grade", "comment"):
        connection.execute(delete(t[name]).where(t[name].c.notebook_id.in_(notebooks)))
    connection.execute(delete(t["submitted_notebook"]).where(t["submitted_notebook"].c.assignment_id.in_(submission_ids)))
    connection.execute(delete(t["submitted_assignment"]).where(t["submitted_assignment"].c.id.in_(submission_ids)))


def delete_submission(db_url: str, student: str, assignment: str) -> bool:
    """Remove one submission's rows (not the student's); True if there were any."""
    with _engine(db_url) as engine, engine.begin() as connection:
        if not inspect(connection).has_table("submitted_assignment"):
            return False   # a gradebook that nbgrader has not made yet
        found = _submissions(connection, student, assignment)
        if found:
            _delete(connection, found)
    return bool(found)


def copy_submission(source_url: str, target_url: str, student: str, assignment: str) -> None:
    """Replace the target's rows of one submission (and the student's row) with the source's."""
    t = _tables()
    with _engine(source_url) as engine, engine.connect() as reading:
        (submission,) = _submissions(reading, student, assignment) or [None]
        if submission is None:
            raise MergeError("%s has no submission of %s to copy" % (student, assignment))
        rows = {"student": reading.execute(select(t["student"]).where(t["student"].c.id == student)).all(),
                "submitted_assignment": reading.execute(
                    select(t["submitted_assignment"]).where(t["submitted_assignment"].c.id == submission)).all(),
                "submitted_notebook": reading.execute(
                    select(t["submitted_notebook"]).where(t["submitted_notebook"].c.assignment_id == submission)).all()}
        notebooks = [row.id for row in rows["submitted_notebook"]]
        for name in ("grade", "comment"):
            rows[name] = reading.execute(select(t[name]).where(t[name].c.notebook_id.in_(notebooks))).all()
    references = [("assignment", {r.assignment_id for r in rows["submitted_assignment"]}),
                  ("notebook", {r.notebook_id for r in rows["submitted_notebook"]}),
                  ("base_cell", {r.cell_id for r in rows["grade"] + rows["comment"]})]
    with _engine(target_url) as engine, engine.begin() as writing:
        for table, ids in references:
            known = set(writing.execute(select(t[table].c.id).where(t[table].c.id.in_(ids))).scalars())
            if known != ids:
                raise MergeError("the gradebook's %s rows changed since grading began (was the assignment "
                                 "generated again?): grade %s/%s again" % (table, student, assignment))
        _delete(writing, _submissions(writing, student, assignment))
        person = t["student"]
        for row in rows["student"]:   # other submissions refer to the student: update, never re-create
            if writing.execute(select(person.c.id).where(person.c.id == student)).first():
                writing.execute(person.update().where(person.c.id == student).values(**row._asdict()))
            else:
                writing.execute(person.insert().values(**row._asdict()))
        for name in ("submitted_assignment", "submitted_notebook", "grade", "comment"):
            if rows[name]:
                writing.execute(t[name].insert(), [row._asdict() for row in rows[name]])
