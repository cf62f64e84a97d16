"""Jupyter server extension: the formgrader shows student work inert.

nbgrader's formgrader renders a submission (the autograded notebook) as an HTML
page served from the Jupyter server's own origin, in the instructor's session.
Student Markdown and outputs were part of that page: a ``<script>``, an
``<img onerror>``, ``display(Javascript(...))`` ran there with the instructor's
cookies and ``_xsrf`` token, and could, say, write files through
``/api/contents``. This extension (enabled for the course's environment by
``jupyter-config/jupyter_server_config.d/nncourse_grader.json``) swaps two of
the formgrader's handlers for guarded ones:

* ``/formgrader/submissions/<id>/``: rendered by :class:`FormgradeExporter`
  (template ``grader/outputs/web_templates/nncourse_formgrade``): Markdown through
  :func:`grader.outputs.safe_html.markdown_html` (raw HTML shown as text, maths as
  MathML, so no MathJax and no CDN), outputs reduced to text and checked PNG/JPEG
  by :class:`InertOutputs` (:mod:`grader.outputs.saved_outputs`), every value escaped; and sent with a strict
  Content-Security-Policy: only the page's own scripts run (they carry a nonce
  made for each response), no inline event handler, no ``javascript:`` URL, no
  plugin, no frame, no form posting elsewhere, no remote image.
* ``/formgrader/submissions/<id>/<file>`` (files of the submission folder, e.g.
  an ``.html`` file a student handed in): served with ``sandbox`` and no script
  allowed, so the browser gives such a page no origin and runs nothing in it.
* ``/nncourse/course/reports/class_report.html`` and ``/nncourse/course/feedback/...``: the class report
  and the feedback pages, so that the report's links work through the server too (from a hub), not only
  from disk (:mod:`grader.outputs.report_pages`).

The formgrader's list pages render their data with jQuery's ``.text()`` and keep
nbgrader's own headers; JupyterLab itself is unchanged (it renders an untrusted
notebook's outputs sanitised and runs none of its scripts).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from nbconvert.exporters import HTMLExporter
from nbformat import from_dict
from nbconvert.preprocessors import Preprocessor
from traitlets import Any, default

from .images import cell_images, image_resolver
from .safe_html import MATH_FONTS, markdown_html
from .saved_outputs import inert_output

TEMPLATES = Path(__file__).resolve().parent / "web_templates"
SUBMISSION_CSP = ("default-src 'none'; script-src 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
                  "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                  "form-action 'self'; frame-ancestors 'self'; object-src 'none'")
FILES_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
class InertOutputs(Preprocessor):
    """Keep only outputs that cannot act (:func:`grader.outputs.saved_outputs.inert_output`): stream text,
    errors, and ``text/plain`` or base64 PNG/JPEG data; drop every other MIME type and all output metadata
    (widths, filenames, alt texts)."""

    enabled = True

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        kept = [inert_output(output) for output in cell.get("outputs", [])]
        cell.outputs = [from_dict(output) for output in kept if output is not None]
        return cell, resources


class FormgradeExporter(HTMLExporter):
    """The formgrader's exporter for one submission page, with student content inert."""

    csp_nonce = Any(None)
    coursedir = Any(None)

    @default("template_name")
    def _template_name_default(self):
        return "nncourse_formgrade"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        from nbgrader.server_extensions.formgrader import handlers

        return [str(TEMPLATES), handlers.template_path]

    @default("extra_template_paths")
    def _extra_template_paths_default(self):
        from nbgrader.server_extensions.formgrader import handlers

        return [handlers.template_path]   # where 'formgrade/index.html.j2' is found

    @default("preprocessors")
    def _preprocessors_default(self):
        return [InertOutputs]

    def default_filters(self):
        yield from super().default_filters()
        yield ("nncourse_markdown", self._markdown)

    def _markdown(self, cell) -> str:
        return markdown_html(cell.source, cell_images(cell, self._images))

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = dict(resources or {})
        resources["csp_nonce"] = self.csp_nonce
        resources["math_fonts"] = MATH_FONTS
        folder = None
        if self.coursedir is not None and resources.get("assignment_id"):
            folder = Path(self.coursedir.format_path(self.coursedir.source_directory, ".",
                                                     resources["assignment_id"]))
        self._images = image_resolver(folder)
        return super().from_notebook_node(nb, resources, **kw)


def _exporter_config(settings):
    from traitlets.config import Config

    config = Config(settings["nbgrader_exporter"].config)
    config.FormgradeExporter.template_name = "nncourse_formgrade"
    from nbgrader.server_extensions.formgrader import handlers

    config.FormgradeExporter.extra_template_basedirs = [str(TEMPLATES), handlers.template_path]
    config.FormgradeExporter.extra_template_paths = [handlers.template_path]
    return config


def guarded_handlers():
    """The guarded subclasses of nbgrader's two handlers that show student files."""
    from nbgrader.server_extensions.formgrader import handlers

    class GuardedSubmissionHandler(handlers.SubmissionHandler):
        @property
        def _nonce(self) -> str:
            if not hasattr(self, "_nncourse_nonce"):
                self._nncourse_nonce = secrets.token_urlsafe(18)
            return self._nncourse_nonce

        @property
        def content_security_policy(self) -> str:
            return SUBMISSION_CSP.format(nonce=self._nonce)

        @property
        def exporter(self):
            exporter = self.settings.get("nncourse_formgrade_exporter")
            if exporter is None:
                exporter = FormgradeExporter(config=_exporter_config(self.settings))
                self.settings["nncourse_formgrade_exporter"] = exporter
            exporter.csp_nonce = self._nonce    # the request is rendered synchronously, right after
            exporter.coursedir = self.coursedir
            return exporter

    class GuardedSubmissionFilesHandler(handlers.SubmissionFilesHandler):
        @property
        def content_security_policy(self) -> str:
            return FILES_CSP

    return {handlers.SubmissionHandler: GuardedSubmissionHandler,
            handlers.SubmissionFilesHandler: GuardedSubmissionFilesHandler}


def _swap_routes(webapp, swaps: dict) -> int:
    """Point routes already registered for nbgrader's handlers at the guarded ones."""
    swapped = 0
    for host_rule in webapp.default_router.rules:
        for rule in getattr(host_rule.target, "rules", []):
            if rule.target in swaps:
                rule.target = swaps[rule.target]
                swapped += 1
    return swapped


def _load_jupyter_server_extension(serverapp):
    from nbgrader.server_extensions.formgrader import handlers

    swaps = guarded_handlers()
    # nbgrader's formgrader reads this list when it loads (after this extension: they load in
    # alphabetical order); if it has loaded already, its routes are changed in place.
    handlers.default_handlers[:] = [(route, swaps.get(target, target), *rest)
                                    for route, target, *rest in handlers.default_handlers]
    swapped = _swap_routes(serverapp.web_app, swaps)
    serverapp.log.info("nncourse: formgrader submission pages are shown inert (strict CSP)%s",
                       " (%d routes swapped)" % swapped if swapped else "")
    from .report_pages import add_report_route

    serverapp.log.info("nncourse: the class report, its links to feedback working, at %s", add_report_route(serverapp))


def _jupyter_server_extension_points():
    return [{"module": "grader.outputs.formgrader"}]
