"""Pages in the grader's own words, from Jinja2 templates that escape every value (``outputs/templates/``).

Every HTML page the grader writes is made here, through one environment (:func:`environment`, autoescape on,
undefined values an error): the feedback pages (:mod:`grader.outputs.feedback_page`, ``feedback.html.j2``), the
class report (:mod:`grader.outputs.report`, ``class_report.html.j2``), and the on-submit service's pages:

* :func:`submission_status`: what stands in for a submission's feedback until it is ready ("received;
  queued; graded about 14:05 UTC"), released through nbgrader's feedback exchange like a feedback page;
* :func:`service_status`: the on-submit service's page, one student's submissions (or everyone's, for the
  instructor).

Each holds no script and forbids all script with a Content-Security-Policy ``<meta>``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
#: What every page that stands in for feedback not ready yet says (and a final page never does).
PROVISIONAL = "This page stands in for your feedback until it is ready."
TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def render(template: str, *, csp: str = CSP, **values) -> str:
    """``template`` filled with ``values`` (each escaped, unless the caller made it ``markupsafe.Markup``: HTML
    the grader made itself), under the Content-Security-Policy ``csp``."""
    return environment().get_template(template).render(csp=Markup(csp), **values)   # the policy is ours: as written


def submission_status(*, course: str, assignment: str, student: str, notebook: str, headline: str, state: str,
                      tone: str, lines: list[str], final: bool = False) -> str:
    """The page that stands in for one notebook's feedback (``tone``: waiting, done or problem; ``final``: no
    feedback page will replace it)."""
    return render("submission_status.html.j2", title="%s: %s" % (notebook, headline), course=course,
                  assignment=assignment, student=student, notebook=notebook, headline=headline, state=state,
                  tone=tone, lines=lines, final=final, provisional=PROVISIONAL)


def service_status(*, assignments: list[dict], everyone: bool, problem: str = "") -> str:
    """The service's page: per assignment a line on the limit and one row per submission
    (``{"name", "limit", "rows": [{"number", "student", "received", "state", "tone", "score"}]}``)."""
    return render("service_status.html.j2", title="Your submissions", assignments=assignments, everyone=everyone,
                  problem=problem, rows=[row for a in assignments for row in a["rows"]])
