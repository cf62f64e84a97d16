"""Students reach the hub from the LMS: JupyterHub's LTI 1.3 authenticator, kept to the class roster.

:class:`CourseLTI13Authenticator` is ltiauthenticator's ``LTI13Authenticator`` (the OIDC login initiation, the
id_token's signature checked against the platform's JWKS, its nonce, state, audience, issuer and LTI claims),
with two changes:

* the hub user is the **student of the roster** that the launch names, never a name made up from a claim: by
  ``match`` (the registration's), the launch's ``email`` equals the student's email in the gradebook, or its
  ``sub`` their LMS id, or a custom claim (``custom_<name>``) their student id; a launch that names no student,
  or more than one, is refused (HTTP 403, one line saying why). The instructor is matched by
  ``instructor_email``;
* every accepted launch is recorded for passback (:mod:`grader.lms.launches`): the LMS's id of the student and
  the course's line items container, in the instructor's course folder, owned by the instructor.

:func:`configure_hub` sets it up in the hub's configuration when the course has a registration
(:mod:`grader.lms.registration`); without one the hub keeps its own login.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ltiauthenticator.lti13.auth import LTI13Authenticator
from tornado.web import HTTPError
from traitlets import Unicode

from .launches import launch_record, write_launch
from .registration import load_registration

CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"


def roster_rows(course_folder: Path) -> list[tuple[str, str, str]]:
    """(student id, email, LMS id) of every student of the course's gradebook, read only."""
    db = course_folder / "gradebook.db"
    if not db.is_file():
        return []
    connection = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return [(row[0], row[1] or "", row[2] or "") for row in
                connection.execute("SELECT id, email, lms_user_id FROM student ORDER BY id")]
    finally:
        connection.close()


def match_student(rows: list[tuple[str, str, str]], match: str, claims: dict) -> tuple[str | None, str]:
    """The roster's student that the launch ``claims`` name by ``match``, or (None, why not)."""
    if match == "email":
        value = str(claims.get("email") or "").strip().lower()
        found = [sid for sid, email, _ in rows if value and email.strip().lower() == value]
    elif match == "sub":
        value = str(claims.get("sub") or "")
        found = [sid for sid, _, lms in rows if value and lms == value]
    elif match.startswith("custom_"):
        value = str((claims.get(CUSTOM_CLAIM) or {}).get(match[len("custom_"):]) or "")
        found = [sid for sid, _, _ in rows if value and sid == value]
    else:
        return None, "the registration's match %r is not email, sub or custom_<name>" % match
    if len(found) == 1:
        return found[0], ""
    if not value:
        return None, "the launch has no %s to find you on the class roster by" % match
    if not found:
        return None, "%s %r is not on the class roster of this course" % (match, value)
    return None, "%s %r names %d students of the roster; ask your instructor" % (match, value, len(found))


class CourseLTI13Authenticator(LTI13Authenticator):
    """LTI 1.3 launches log in the roster's students (see the module's docstring)."""

    course_folder = Unicode(config=True, help="The instructor's course folder (its gradebook is the roster)")
    match = Unicode("email", config=True, help="How a launch names a student: email, sub or custom_<name>")
    instructor = Unicode("", config=True, help="The instructor's hub user name")
    instructor_email = Unicode("", config=True, help="The launch email that logs in the instructor")

    async def authenticate(self, handler, data=None):
        claims = data or {}
        folder = Path(self.course_folder)
        email = str(claims.get("email") or "").strip().lower()
        if self.instructor and self.instructor_email and email == self.instructor_email.strip().lower():
            return {"name": self.instructor, "auth_state": None}
        student, why = match_student(roster_rows(folder), self.match, claims)
        if student is None:
            self.log.warning("LTI launch refused: %s", why)
            raise HTTPError(403, why)
        info = folder.stat()
        write_launch(folder, student, launch_record(claims), owner=(info.st_uid, info.st_gid)
                     if os.geteuid() == 0 else None)
        self.log.info("LTI launch: %s (LMS user %s)", student, claims.get("sub"))
        return {"name": student, "auth_state": None}


def configure_hub(c, course_folder: Path, instructor: str, registration_file: Path | None = None) -> bool:
    """Log users in with LTI 1.3 when the course has a registration; True when it does."""
    registration = load_registration(registration_file or course_folder / ".nncourse" / "lti" / "registration.toml")
    if registration is None:
        return False
    c.JupyterHub.authenticator_class = CourseLTI13Authenticator
    c.CourseLTI13Authenticator.issuer = registration.issuer
    c.CourseLTI13Authenticator.client_id = {registration.client_id}
    c.CourseLTI13Authenticator.authorize_url = registration.authorize_url
    c.CourseLTI13Authenticator.jwks_endpoint = registration.jwks_url
    c.CourseLTI13Authenticator.course_folder = str(course_folder)
    c.CourseLTI13Authenticator.match = registration.match
    c.CourseLTI13Authenticator.instructor = instructor
    c.CourseLTI13Authenticator.instructor_email = registration.instructor_email
    return True
