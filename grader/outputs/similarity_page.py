"""The side-by-side view of a pair of similar submissions, and the list of pairs the class report shows.

One page per reported pair (:mod:`grader.integrity.similarity`), at
``reports/similarity/<assignment>/<first>--<second>.html``: per exercise, both students' solution cells side by
side, line by line, each line marked as

* ``shared``: covered by a fingerprint both have that counts (the regions the score is made of);
* ``given``: a line of the released template (not the student's);
* ``own``: the student's own, not shared.

Student code is shown as text: the page comes from ``templates/similarity_pair.html.j2`` through
:mod:`grader.outputs.pages` (autoescape), holds no script and carries the report's Content-Security-Policy.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..integrity.own_code import OwnCode
from ..integrity.similarity import MIN_SHARED, Pair, Similarity, common_limit
from . import pages

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
FOLDER = "similarity"


def page_name(pair: Pair) -> str:
    """The file name of a pair's page: both ids, anything but letters, digits, '_', '.' and '-' as '_'."""
    return "%s--%s.html" % tuple(re.sub(r"[^A-Za-z0-9_.-]", "_", s) for s in (pair.first, pair.second))


def _lines(code: OwnCode, grade_id: str, shared: set[int]) -> list[dict]:
    """One cell of one student as lines: ``{"number", "text", "kind"}`` (kind: shared, given or own)."""
    if grade_id not in code.cells:
        return []
    own = code.own[grade_id]
    return [{"number": i + 1, "text": line, "kind": "shared" if i in shared else "own" if i in own else "given"}
            for i, line in enumerate(code.cells[grade_id].splitlines())]


def pair_view(similarity: Similarity, pair: Pair) -> dict:
    """What the side-by-side page shows of ``pair``: both students and, per exercise where one of them wrote
    something, their lines."""
    first, second = similarity.codes[pair.first], similarity.codes[pair.second]
    cells = []
    for grade_id in similarity.template.order:
        left = _lines(first, grade_id, pair.lines.get(pair.first, {}).get(grade_id, set()))
        right = _lines(second, grade_id, pair.lines.get(pair.second, {}).get(grade_id, set()))
        if any(x["kind"] != "given" for x in left + right):
            cells.append({"id": grade_id, "left": left, "right": right,
                          "shared": sum(x["kind"] == "shared" for x in left + right)})
    return {"first": pair.first, "second": pair.second, "score": "%.2f" % pair.score, "shared": pair.shared,
            "counted": pair.counted, "cells": cells}


def about(similarity: Similarity) -> str:
    """How the pairs were found, in one paragraph (the report and every pair page say it)."""
    return ("Compared: the solution cells of %d students, their own lines only (the released template left out), "
            "as normalised tokens (names, strings, comments and layout made alike). Fingerprints of the "
            "instructor's solution, and those more than %d students share, do not count. Score: the weighted "
            "share of the smaller submission's counted fingerprints that the other has too (rarer fingerprints "
            "weigh more); pairs scoring at least %.2f and sharing at least %d fingerprints are listed. A score is "
            "a reason to read both, not a proof." % (similarity.students, common_limit(similarity.students),
                                                      similarity.threshold, MIN_SHARED))


def write_pair_pages(similarity: Similarity, reports: Path) -> dict[tuple[str, str], Path]:
    """Write one page per reported pair below ``reports/similarity/<assignment>/`` (earlier pages of the
    assignment removed); return {(first, second): path}."""
    folder = reports / FOLDER / similarity.assignment
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.html"):
        old.unlink()
    written = {}
    for rank, pair in enumerate(similarity.pairs, start=1):
        path = folder / page_name(pair)
        path.write_text(pages.render("similarity_pair.html.j2", csp=CSP, title="%s: %s and %s" % (
            similarity.assignment, pair.first, pair.second), assignment=similarity.assignment, rank=rank,
            pair=pair_view(similarity, pair), about=about(similarity)))
        written[pair.first, pair.second] = path
    return written


def pairs_view(similarity: Similarity, written: dict[tuple[str, str], Path], relative_to: Path) -> dict:
    """The class report's section on one assignment: the pairs ranked, each linking to its page."""
    return {"threshold": "%.2f" % similarity.threshold, "students": similarity.students,
            "about": about(similarity), "problems": similarity.problems,
            "pairs": [{"rank": rank, "first": p.first, "second": p.second, "score": "%.2f" % p.score,
                       "shared": p.shared,
                       "href": written[p.first, p.second].relative_to(relative_to).as_posix()}
                      for rank, p in enumerate(similarity.pairs, start=1)]}
