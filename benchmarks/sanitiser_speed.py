"""How long the HTML sanitiser (grader.outputs.safe_html.sanitize) takes on the largest feedback page.

    .venv/bin/python benchmarks/sanitiser_speed.py [--repeat 30]

Every assignment's release notebook is rendered as the feedback page of a student who handed it in
untouched (grader.outputs.feedback_page.render_feedback, with the assignment's own pictures embedded as data: URIs, as
grading makes them). The page with the most HTML is the largest feedback page. While it is rendered, every
fragment handed to ``sanitize`` (one per Markdown cell: the cell's Markdown rendered, MathML and data:
images included) is kept; the script then times ``sanitize`` on all of them, page after page, ``--repeat``
times, and prints the median and the fastest page (milliseconds), beside the time of the whole page.

Only ``sanitize(fragment) -> str`` is used, so the same script measures any version of the sanitiser.
The machine's load average is printed before and after: on a shared machine, compare numbers measured
under similar load only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import nbformat

from grader.outputs import safe_html
from grader.outputs.feedback_page import Grades, render_feedback
from grader.outputs.images import image_resolver

REPO = Path(__file__).resolve().parents[1]


def load() -> str:
    return "load average %.2f %.2f %.2f on %d cores" % (*os.getloadavg(), os.cpu_count())


def pages() -> list[tuple[str, str, list[str]]]:
    """(assignment/notebook, page, the fragments sanitize received) for every release notebook."""
    out = []
    sanitize = safe_html.sanitize
    for path in sorted(REPO.glob("release/a*/*.ipynb")):
        source = REPO / "source" / path.parent.name / path.name
        if not source.exists():
            continue
        fragments: list[str] = []

        def recording(fragment: str, _seen=fragments) -> str:
            _seen.append(fragment)
            return sanitize(fragment)

        submitted = nbformat.read(path, as_version=4)
        safe_html.sanitize = recording
        try:
            page = render_feedback(submitted, submitted, nbformat.read(source, as_version=4), Grades(),
                                   student="student", assignment=path.parent.name, notebook=path.stem,
                                   images=image_resolver(path.parent))
        finally:
            safe_html.sanitize = sanitize
        out.append(("%s/%s" % (path.parent.name, path.name), page, fragments))
    return out


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    print(load())
    print("sanitiser: %s" % (safe_html.sanitize.__doc__ or "").strip().splitlines()[0])
    name, page, fragments = max(pages(), key=lambda item: len(item[1]))
    path = REPO / "release" / name
    submitted = nbformat.read(path, as_version=4)
    instructor = nbformat.read(REPO / "source" / name, as_version=4)
    images = image_resolver(path.parent)
    sanitize = safe_html.sanitize

    def sanitise_page():
        for fragment in fragments:
            sanitize(fragment)

    def whole_page():
        render_feedback(submitted, submitted, instructor, Grades(), student="student",
                        assignment=path.parent.name, notebook=path.stem, images=images)

    sanitise_page()   # warm up (imports, caches)
    sanitising, rendering = timed(sanitise_page, args.repeat), timed(whole_page, args.repeat)
    print("largest feedback page: %s, %d characters, %d fragments sanitised (%d characters)"
          % (name, len(page), len(fragments), sum(map(len, fragments))))
    print("sanitize, the whole page: median %.2f ms, fastest %.2f ms (%d runs)"
          % (1000 * statistics.median(sanitising), 1000 * min(sanitising), args.repeat))
    print("render_feedback, the whole page (for scale): median %.2f ms, fastest %.2f ms"
          % (1000 * statistics.median(rendering), 1000 * min(rendering)))
    print(load())


if __name__ == "__main__":
    main(sys.argv[1:])
