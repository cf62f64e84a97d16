"""Pairs of students whose own code of one assignment is too alike to be written apart.

For every submitting student (:mod:`grader.integrity.own_code`), the fingerprints of their own lines
(:mod:`grader.integrity.fingerprints`). A fingerprint does not count when

* the instructor's solution has it: the code every right answer shares (``return 1 / (1 + np.exp(-z))``);
* more than :func:`common_limit` students have it (10 % of the class, at least 4): an idiom, or the one
  natural way to write a short line, is no evidence.

A counted fingerprint weighs ``log(1 + students / holders)``: one only two students have is strong evidence, one
a tenth of the class has is weak. The **score** of a pair is the weight of the fingerprints they share divided
by the weight of the counted fingerprints of the one who has less: 1.0 when one's own code is wholly inside
the other's. A pair is reported when its score is at least :data:`THRESHOLD` and it shares at least
:data:`MIN_SHARED` fingerprints (so two students who wrote three lines each are not a pair).

Both were chosen on synthetic classes of 300 (``benchmarks/similarity_speed.py``, seeds 0 to 4): every planted
copy scored 0.80 or more (renamed variables, reordered statements, one function of ten rewritten), and the best
independently written pair 0.63. An assignment whose exercises are one-liners (assignment 1) leaves too little
own code to tell anyone apart, and reports nothing.

Copies are not proven by a score: the report ranks pairs for an instructor to read side by side.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from ..course import Course
from .own_code import OwnCode, Template, instructor_code, load_template, read_class

#: The score at or above which a pair is reported (shared / the smaller student's counted fingerprints).
THRESHOLD = 0.7
#: The fewest counted fingerprints a reported pair shares.
MIN_SHARED = 10
#: A fingerprint more students than max(COMMON_MIN, COMMON_SHARE x class size) have does not count.
COMMON_SHARE = 0.1
COMMON_MIN = 4


def common_limit(students: int) -> int:
    """How many students may share a fingerprint before it stops counting."""
    return max(COMMON_MIN, int(COMMON_SHARE * students))


@dataclass
class Pair:
    """Two students (``first`` < ``second``), their ``score`` (0..1), the ``shared`` fingerprints, each one's
    ``counted`` fingerprints, and ``lines``: {student: {grade_id: lines covered by shared fingerprints}}."""

    first: str
    second: str
    score: float
    shared: int
    counted: tuple[int, int]
    lines: dict[str, dict[str, set[int]]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return "Pair(%s, %s, score=%.2f, shared=%d)" % (self.first, self.second, self.score, self.shared)


@dataclass
class Similarity:
    """The similarity of one assignment's class: the reported ``pairs`` (most alike first), every pair that
    shares at least MIN_SHARED fingerprints as ``scored`` (the same order), everyone's own code ``codes``
    {student: OwnCode}, the ``template``, and the ``problems`` met reading submissions (one line each)."""

    assignment: str
    pairs: list[Pair]
    scored: list[Pair]
    codes: dict[str, OwnCode]
    template: Template
    problems: list[str]
    threshold: float = THRESHOLD

    @property
    def students(self) -> int:
        return len(self.codes)


def counted_fingerprints(codes: list[OwnCode], instructor: OwnCode) -> tuple[dict[str, set[int]], dict[int, float]]:
    """{student: the hashes of their fingerprints that count} (the instructor's and common ones left out), and
    each counted hash's weight, ``log(1 + students / holders)``: the rarer, the stronger the evidence."""
    known = {f.hash for f in instructor.fingerprints}
    holders = Counter(h for code in codes for h in {f.hash for f in code.fingerprints})
    limit = common_limit(len(codes))
    counted = {code.author: {f.hash for f in code.fingerprints if f.hash not in known and holders[f.hash] <= limit}
               for code in codes}
    weights = {h: math.log(1 + len(codes) / n) for h, n in holders.items() if n <= limit and h not in known}
    return counted, weights


def shared_lines(code: OwnCode, hashes: set[int]) -> dict[str, set[int]]:
    """{grade_id: the own lines of ``code`` that fingerprints in ``hashes`` cover}."""
    lines: dict[str, set[int]] = {}
    for f in code.fingerprints:
        if f.hash in hashes:
            lines.setdefault(f.cell, set()).update(i for i in range(f.first, f.last + 1) if i in code.own[f.cell])
    return lines


def score_pairs(counted: dict[str, set[int]], weights: dict[int, float]) -> list[Pair]:
    """Every pair sharing at least MIN_SHARED counted fingerprints, most alike first (no lines yet).

    An index from fingerprint to students keeps this near linear: only students who share something meet,
    and no counted fingerprint has more than :func:`common_limit` holders.
    """
    holders: dict[int, list[str]] = {}
    for author in sorted(counted):
        for h in counted[author]:
            holders.setdefault(h, []).append(author)
    together: Counter = Counter()
    evidence: Counter = Counter()
    for h, authors in holders.items():
        if len(authors) > 1:
            for pair in combinations(authors, 2):
                together[pair] += 1
                evidence[pair] += weights[h]
    mass = {author: sum(weights[h] for h in hashes) for author, hashes in counted.items()}
    pairs = []
    for (first, second), shared in together.items():
        if shared >= MIN_SHARED:
            score = evidence[first, second] / min(mass[first], mass[second])
            pairs.append(Pair(first, second, score, shared, (len(counted[first]), len(counted[second]))))
    return sorted(pairs, key=lambda p: (-p.score, -p.shared, p.first, p.second))


def compare_class(course: Course, assignment: str, threshold: float = THRESHOLD) -> Similarity:
    """The similarity report's data for ``assignment`` (its submissions in submitted/, its release/ template,
    its instructor's solution in source/)."""
    template = load_template(course, assignment)
    codes, problems = read_class(course, assignment, template)
    counted, weights = counted_fingerprints(codes, instructor_code(course, assignment, template))
    scored = score_pairs(counted, weights)
    by_author = {code.author: code for code in codes}
    pairs = [p for p in scored if p.score >= threshold]
    for pair in pairs:
        common = counted[pair.first] & counted[pair.second]
        pair.lines = {s: shared_lines(by_author[s], common) for s in (pair.first, pair.second)}
    return Similarity(assignment, pairs, scored, by_author, template, problems, threshold)
