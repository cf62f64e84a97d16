"""The service's page, reached through the hub (``/services/grading/``): a student's own submissions only.

Everyone who opens it logs in through JupyterHub's OAuth (the service's ``access:services!service=...``
scope, granted to the class's users in hub/jupyterhub_config.py); the page then shows the rows of the ledger
whose student is that user, and nothing of anyone else. The instructor (the user the service runs as) sees
every row. The page is made from a template that escapes every value, sent with a Content-Security-Policy
that allows no script. ``status.json`` gives the same rows as data.
"""

from __future__ import annotations

import json
import os
import pwd
import time
from urllib.parse import urlparse

from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler, authenticated

from ..outputs.pages import CSP, service_status
from .ledger import Entry
from .wording import limit_line, student_reason, utc


def _row(entry: Entry, waiting_until: dict[int, float], now: float, everyone: bool) -> dict:
    if entry.state == "refused":
        state, tone = "refused: %s" % (entry.reason if everyone else student_reason(entry.reason)), "problem"
    elif entry.state == "queued":
        start = waiting_until.get(entry.id, now)
        state = "waiting for a grading slot until %s" % utc(start) if start > now + 1 else "in the queue"
        tone = "waiting"
    elif entry.state in ("grading", "merging"):
        state, tone = "being graded", "waiting"
    elif not entry.ok:
        state = "not graded: %s" % (entry.reason if everyone else student_reason(entry.reason))
        tone = "problem"
    else:
        held = entry.released is None and entry.verdicts == "after_due"
        state = "graded %s%s%s" % (utc(entry.finished), ", counts for the grade" if entry.counted else "",
                                   "; the verdict comes back at the due date" if held else "")
        tone = "done"
    shows_score = entry.state == "graded" and entry.ok and (everyone or entry.verdicts != "after_due"
                                                            or entry.released is not None)
    score = "%g / %g" % (entry.score or 0, entry.max_score or 0) if shows_score else ""
    return {"number": entry.number, "student": entry.student, "received": utc(entry.received), "state": state,
            "tone": tone, "score": score}


def status_rows(service, user: str, everyone: bool) -> list[dict]:
    """The page's data: per assignment, the limit and the rows the user may see."""
    now = time.time()
    entries = service.ledger.all() if everyone else service.ledger.of_student(user)
    waiting = service.waiting_until(now)
    out = []
    for assignment in sorted({e.assignment for e in entries if e.assignment}):
        try:
            limit = limit_line(service.rules(assignment))
        except Exception:   # an assignment the course no longer has
            limit = ""
        rows = [_row(e, waiting, now, everyone) for e in entries if e.assignment == assignment]
        out.append({"name": assignment, "limit": limit, "rows": rows})
    refused = [_row(e, waiting, now, everyone) for e in entries if not e.assignment]
    if refused:
        out.append({"name": "(folders the grader could not read)", "limit": "", "rows": refused})
    return out


def make_app(service, prefix: str, instructor: str):
    from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated

    class Page(HubOAuthenticated, RequestHandler):
        def set_default_headers(self):
            self.set_header("Content-Security-Policy", CSP)
            self.set_header("X-Content-Type-Options", "nosniff")
            self.set_header("Referrer-Policy", "no-referrer")
            self.set_header("Cache-Control", "no-store")

        def _who(self) -> tuple[str, bool]:
            name = self.current_user["name"]
            return name, name == instructor

    class StatusPage(Page):
        @authenticated
        def get(self):
            user, everyone = self._who()
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.write(service_status(assignments=status_rows(service, user, everyone), everyone=everyone,
                                      problem="; ".join(filter(None, [service.inbox.problem,
                                                                      *service.problems.values()]))
                                      if everyone else ""))

    class StatusData(Page):
        @authenticated
        def get(self):
            user, everyone = self._who()
            self.set_header("Content-Type", "application/json")
            self.write(json.dumps({"user": user, "assignments": status_rows(service, user, everyone)}))

    return Application([
        (prefix, StatusPage),
        (prefix + "status.json", StatusData),
        (prefix + "oauth_callback", HubOAuthCallbackHandler),
    ], cookie_secret=os.urandom(32))


def listen(service) -> HTTPServer | None:
    """Serve the page where the hub says (JUPYTERHUB_SERVICE_URL); None when the service runs without a hub."""
    url = os.environ.get("JUPYTERHUB_SERVICE_URL")
    if not url:
        return None
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    if not prefix.endswith("/"):
        prefix += "/"
    instructor = pwd.getpwuid(os.getuid()).pw_name
    server = HTTPServer(make_app(service, prefix, instructor), xheaders=True)
    address = urlparse(url)
    server.listen(address.port, address.hostname)
    return server
