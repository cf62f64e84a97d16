"""The class list from the LMS into nbgrader's gradebook: ``python -m grader roster --from export.csv``.

Two exports are read, as their LMSs write them (UTF-8, with or without a byte-order mark):

* **Canvas**, the gradebook export (*Grades -> Export -> Export Entire Gradebook*): columns ``Student`` ("Last,
  First"), ``ID`` (Canvas's user id), ``SIS User ID``, ``SIS Login ID``, ``Section``, then one per assignment;
  a second row ``Points Possible`` (and, in some versions, rows of muted or read-only flags) holds no student;
  Canvas's *Test Student* is not a student of the class.
* **Moodle**, the gradebook's plain-text export (*Grades -> Export -> Plain text file*) or the participants
  table's CSV download: columns ``First name``, ``Last name``, ``Email address``, and, as the site shows them,
  ``Username``, ``ID number``, ``Roles`` (when there is a Roles column, only rows whose roles include Student
  are taken).

Each row becomes a gradebook student (``Student.id``, names, email, ``lms_user_id``) that the formgrader, the
reports, intake (its roster), the schedule's extensions and the LMS files use. The student id is the column
that names the course's accounts: by default Canvas's ``SIS Login ID`` and Moodle's ``Username``
(``--id-column`` chooses another). The LMS's id kept with it: Canvas's ``ID``, Moodle's ``ID number``.

Nothing is guessed: a row with an empty or unusable id, a malformed email, an id (or LMS id) that appears twice
in the file, or an LMS id that differs from the one the gradebook already holds for that student is not
imported, and each gets one line of the report naming the file and its line. Students already in the gradebook
are never removed; those missing from the export are listed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..course import Course
from ..errors import JobFailed

FORMATS = ("canvas", "moodle")
#: A student id the course can use: an account name, a folder name, nbgrader's id.
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
DEFAULT_ID = {"canvas": "SIS Login ID", "moodle": "Username"}
REQUIRED = {"canvas": ("Student", "ID", "SIS Login ID"), "moodle": ("First name", "Last name", "Email address")}


class RosterError(JobFailed):
    """The export cannot be read at all (the message names the file and why)."""


@dataclass
class Person:
    """One student of the export."""

    line: int
    id: str
    first_name: str
    last_name: str
    email: str
    lms_user_id: str


@dataclass
class RosterReport:
    """What the import did with every row."""

    source: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)      # rows not imported, one line each
    skipped: list[str] = field(default_factory=list)       # rows that are not students (Points Possible, ...)
    missing: list[str] = field(default_factory=list)       # in the gradebook, not in the export (kept)

    def lines(self) -> list[str]:
        out = ["%s: %d students added, %d updated, %d unchanged, %d rows not imported"
               % (self.source, len(self.added), len(self.updated), len(self.unchanged), len(self.problems))]
        for title, items in (("not imported", self.problems), ("not students (skipped)", self.skipped),
                             ("in the gradebook but not in this export (kept)", self.missing)):
            if items:
                out.append("%s:" % title)
                out += ["  " + item for item in items]
        return out


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RosterError("%s cannot be read: %s" % (path, exc.strerror or exc)) from None
    except UnicodeDecodeError:
        raise RosterError("%s is not UTF-8 text (save the LMS export as CSV UTF-8)" % path) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise RosterError("%s is empty" % path) from None
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            rows.append((number, {"\0": "has %d fields, the header %d" % (len(values), len(header))}))
            continue
        rows.append((number, {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)}))
    return header, rows


def read_export(path: Path, kind: str, id_column: str | None = None) -> tuple[list[Person], RosterReport]:
    """The students of an LMS export, and the report of the rows that are not (nothing written)."""
    if kind not in FORMATS:
        raise RosterError("unknown roster format %r (use %s)" % (kind, " or ".join(FORMATS)))
    header, rows = _read_rows(path)
    id_column = id_column or DEFAULT_ID[kind]
    needed = REQUIRED[kind] + (id_column,)
    absent = [name for name in dict.fromkeys(needed) if name not in header]
    if absent:
        raise RosterError("%s is not a %s export with the columns needed: %s missing (its columns: %s)%s" % (
            path, kind.capitalize(), ", ".join(absent), ", ".join(header),
            "; --id-column names the column of the student ids" if id_column in absent else ""))
    report = RosterReport(str(path))
    people = []
    for number, row in rows:
        where = "%s:%d" % (path.name, number)
        if "\0" in row:
            report.problems.append("%s: %s" % (where, row["\0"]))
            continue
        if kind == "canvas":
            name = row["Student"]
            if name.strip().lower() == "points possible" or (not row["ID"] and not row[id_column]):
                report.skipped.append("%s: %s (not a student)" % (where, name or "empty row"))
                continue
            if name == "Student, Test":
                report.skipped.append("%s: Canvas's Test Student" % where)
                continue
            last, _, first = name.partition(",")
            person = Person(number, row[id_column], first.strip(), last.strip(), "", row["ID"])
        else:
            roles = row.get("Roles")
            if roles is not None and "student" not in roles.lower():
                report.skipped.append("%s: %s %s has the roles %r, not Student" % (
                    where, row["First name"], row["Last name"], roles))
                continue
            person = Person(number, row[id_column], row["First name"], row["Last name"], row["Email address"],
                            row.get("ID number", ""))
        problem = _row_problem(person, id_column)
        if problem:
            report.problems.append("%s: %s" % (where, problem))
            continue
        people.append(person)
    for label, key in (("student id", lambda p: p.id), ("LMS id", lambda p: p.lms_user_id)):
        seen: dict[str, list[Person]] = {}
        for person in people:
            if key(person):
                seen.setdefault(key(person), []).append(person)
        for value, group in seen.items():
            if len(group) > 1:
                report.problems.append("%s: lines %s have the same %s %r; none of them imported" % (
                    path.name, ", ".join(str(p.line) for p in group), label, value))
        people = [p for p in people if not key(p) or len(seen[key(p)]) == 1]
    return people, report


def _row_problem(person: Person, id_column: str) -> str | None:
    if not person.id:
        return "no student id (column %r is empty)" % id_column
    if not STUDENT_ID.match(person.id):
        return ("student id %r is not usable (letters, digits, '.', '_', '-', starting with a letter or digit, at "
                "most 64)" % person.id)
    if person.email and not EMAIL.match(person.email):
        return "email %r of %s is not an email address" % (person.email, person.id)
    return None


def import_roster(course: Course, path: Path, kind: str, id_column: str | None = None) -> RosterReport:
    """Read the export and write its students into the course gradebook (see the module's docstring)."""
    from ..nbgrader_calls import quiet_gradebook

    people, report = read_export(path, kind, id_column)
    with quiet_gradebook(), course.gradebook() as gb:
        known = {student.id: student for student in gb.students}
        for person in people:
            record = known.get(person.id)
            if record is not None and record.lms_user_id and person.lms_user_id \
                    and record.lms_user_id != person.lms_user_id:
                report.problems.append("%s:%d: %s has the LMS id %r in the gradebook, %r here; not changed" % (
                    path.name, person.line, person.id, record.lms_user_id, person.lms_user_id))
                continue
            values = {"first_name": person.first_name or None, "last_name": person.last_name or None,
                      "email": person.email or (record.email if record else None),
                      "lms_user_id": person.lms_user_id or (record.lms_user_id if record else None)}
            if record is None:
                gb.add_student(person.id, **values)
                report.added.append(person.id)
            elif any(getattr(record, k) != v for k, v in values.items()):
                gb.update_or_create_student(person.id, **values)
                report.updated.append(person.id)
            else:
                report.unchanged.append(person.id)
        exported = {p.id for p in people}
        report.missing = sorted(set(known) - exported)
    return report


def roster_names(course: Course) -> dict[str, str]:
    """Student id -> 'Last, First' (the id when the gradebook has no name), for reports."""
    from ..nbgrader_calls import quiet_gradebook

    with quiet_gradebook(), course.gradebook() as gb:
        return {s.id: ", ".join(n for n in (s.last_name, s.first_name) if n) or s.id for s in gb.students}
