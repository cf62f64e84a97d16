"""What an LTI launch told the course about a student: their LMS user id and where the course's line items are.

The hub's authenticator (:mod:`grader.lms.hub_auth`) writes one JSON file per student,
``<course>/.nncourse/lti/launches/<student>.json``, at every launch (the newest wins), owned by the instructor
who runs the grader: the LMS's ``sub`` (AGS's ``userId``), the issuer and deployment, the context, and the AGS
endpoint claim (``lineitems``, the container where the course's line items are). Passback reads them.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from ..intake.roster import STUDENT_ID

LAUNCHES = Path(".nncourse") / "lti" / "launches"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"


def launch_record(claims: dict) -> dict:
    """The parts of a validated launch's id_token that passback needs."""
    ags = claims.get(AGS_CLAIM) or {}
    return {"sub": claims.get("sub"), "iss": claims.get("iss"), "deployment_id": claims.get(DEPLOYMENT_CLAIM),
            "context_id": (claims.get(CONTEXT_CLAIM) or {}).get("id"), "lineitems": ags.get("lineitems"),
            "lineitem": ags.get("lineitem"), "scope": ags.get("scope") or [], "at": time.time()}


def write_launch(course_root: Path, student: str, record: dict, owner: tuple[int, int] | None = None) -> Path:
    """Keep ``record`` as the student's latest launch (atomically; owned by ``owner`` (uid, gid) if given)."""
    if not STUDENT_ID.match(student):
        raise ValueError("not a student id: %r" % student)
    folder = course_root / LAUNCHES
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("%s.json" % student)
    tmp = folder / (".%s.json.tmp" % student)
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True))
    os.chmod(tmp, 0o600)
    if owner is not None:
        for made in (course_root / ".nncourse", course_root / ".nncourse" / "lti", folder, tmp):
            os.chown(made, *owner)
    os.replace(tmp, path)
    return path


def read_launch(course_root: Path, student: str) -> dict | None:
    """The student's latest launch, or None when they never came from the LMS."""
    try:
        return json.loads((course_root / LAUNCHES / ("%s.json" % student)).read_text())
    except (OSError, ValueError):
        return None
