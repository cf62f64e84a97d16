"""The class report and the feedback pages, served by the instructor's Jupyter server: the report works from a hub.

Opened from disk, ``reports/class_report.html`` links to ``../feedback/<student>/<assignment>/<notebook>.html``
and those links just work. Opened through a Jupyter server they do not: its file handler (``/files/``) serves HTML
sandboxed, and refuses a page that a sandboxed page links to (no Referer, and no ``_xsrf`` in a relative link);
JupyterLab's HTML viewer shows the report from a ``blob:`` address that sends no Referer either. So the
workbook's server extension (enabled with :mod:`grader.outputs.formgrader`) serves those pages itself, to the
signed-in instructor, at::

    <server>/nncourse/course/reports/class_report.html
    <server>/nncourse/course/feedback/<student>/<assignment>/<notebook>.html
    <server>/nncourse/course/reports/similarity/<assignment>/<first>--<second>.html   (a similar pair)

(on a hub, <server> is ``/user/<instructor>``), the same relative links working between them. Only those
kinds of file of the course folder are served, regular files only (links never followed, :mod:`grader.safefiles`),
each with a Content-Security-Policy that runs no script (the pages hold none) and gives them no origin.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..safefiles import Refused, read_bytes

ROUTE = (r"/nncourse/course/(reports/class_report\.html|reports/similarity/[^/]+/[^/]+\.html"
         r"|feedback/[^/]+/[^/]+/[^/]+\.html)")
#: Where a report or feedback page is served from, below the server's base URL.
PREFIX = "nncourse/course/"
PAGE_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'self'")
MAX_PAGE_BYTES = 64 << 20
_NAME = re.compile(r"^[^/\\\x00]+$")


def page_path(course_root: Path, relative: str) -> Path | None:
    """The file a request for ``relative`` names (one of the kinds of page served), or None."""
    if not re.fullmatch(ROUTE[len("/nncourse/course/"):], relative):
        return None
    parts = relative.split("/")
    if not all(_NAME.match(p) and p not in (".", "..") for p in parts):
        return None
    return course_root.joinpath(*parts)


def report_handler():
    """The handler class (made on demand: it needs jupyter_server and tornado)."""
    from jupyter_server.base.handlers import JupyterHandler
    from tornado import web

    class ReportPageHandler(JupyterHandler):
        """A class report or feedback page of the course, for the signed-in instructor."""

        @property
        def content_security_policy(self) -> str:
            return PAGE_CSP

        @web.authenticated
        def get(self, relative: str):
            formgrader = self.settings.get("nbgrader_formgrader")
            root = Path(formgrader.coursedir.root) if formgrader is not None else Path(self.settings["server_root_dir"])
            path = page_path(root, relative)
            if path is None:
                raise web.HTTPError(404)
            try:
                body = read_bytes(path, MAX_PAGE_BYTES, base=root)
            except (Refused, OSError):
                raise web.HTTPError(404) from None
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Referrer-Policy", "no-referrer")
            self.finish(body)

    return ReportPageHandler


def add_report_route(serverapp) -> str:
    """Serve the report and the feedback pages from ``serverapp``; returns the report's address there."""
    from jupyter_server.utils import url_path_join

    base = serverapp.web_app.settings.get("base_url", "/")
    serverapp.web_app.add_handlers(".*$", [(url_path_join(base, ROUTE), report_handler())])
    return url_path_join(base, PREFIX, "reports/class_report.html")
