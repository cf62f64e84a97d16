"""A synthetic class, for demos, tests and benchmarks: many students with varied mistakes.

Each synthetic student answers every exercise the way one of the example
students does (grader.example_class): mostly right, sometimes with one of
their plausible bugs, sometimes not at all; a few add a cheat, and a few hand in
a broken file. The choices come from a seeded generator, so the same seed
always gives the same class.
"""

from __future__ import annotations

import random
import shutil

import nbformat

from ..authoring.solutions import instructor_solutions
from ..course import Course
from . import PROFILES, SOLUTION, fill_in
from .model import Submission

P_RIGHT, P_BUGGY, P_CHEAT, P_BROKEN = 0.70, 0.15, 0.05, 0.025


def _variants(assignment: str) -> tuple[dict[str, list], list[str]]:
    """Per solution cell, the wrong answers the example students give; and their extra cells."""
    wrong: dict[str, list] = {}
    extras: list[str] = []
    for profile in PROFILES.get(assignment, {}).values():
        for grade_id, answer in profile.answers.items():
            if answer is not SOLUTION and answer not in wrong.setdefault(grade_id, []):
                wrong[grade_id].append(answer)
        extras += [c for c in profile.extra_cells if c not in extras]
    return wrong, extras


def write_synthetic_class(course: Course, students: int, seed: int = 0,
                          assignments: list[str] | None = None) -> list[str]:
    """Write ``students`` synthetic students (student001, ...) into submitted/; return their ids."""
    rng = random.Random(seed)
    ids = ["student%03d" % (i + 1) for i in range(students)]
    for assignment in assignments or course.assignments:
        wrong, extras = _variants(assignment)
        for notebook in course.source_notebooks(assignment):
            release = nbformat.read(str(course.folder("release") / assignment / notebook.name), as_version=4)
            solutions = instructor_solutions(notebook)
            for student in ids:
                folder = course.folder("submitted") / student / assignment
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                if rng.random() < P_BROKEN:
                    (folder / notebook.name).write_text('{"cells": [')   # a truncated upload
                    continue
                answers = {}
                for grade_id in solutions:
                    roll = rng.random()
                    if roll < P_RIGHT:
                        answers[grade_id] = SOLUTION
                    elif roll < P_RIGHT + P_BUGGY and wrong.get(grade_id):
                        answers[grade_id] = rng.choice(wrong[grade_id])
                cheat = [rng.choice(extras)] if extras and rng.random() < P_CHEAT else []
                submission = Submission("synthetic", answers=answers, extra_cells=cheat)
                nbformat.write(fill_in(release, submission, solutions), str(folder / notebook.name))
    return ids


# ---------------------------------------------------------------- a class for the similarity report
#: How each planted copy is disguised (grader.example_class.rewrite).
PLANTED_KINDS = ("renamed variables", "reordered statements", "one function changed")
P_UNTOUCHED = 0.08   # an exercise an honest student leaves as released


def marked_solutions(notebook) -> dict[str, str]:
    """grade_id -> solution cell source of a source notebook, solution markers kept."""
    cells = nbformat.read(str(notebook), as_version=4).cells
    return {c.metadata.nbgrader["grade_id"]: c.source for c in cells if c.metadata.get("nbgrader", {}).get("solution")}


def _copy_of(original: dict[str, str], kind: str, marked: dict[str, str], template: dict[str, str],
             rng: random.Random) -> dict[str, str]:
    """A copy of ``original`` ({grade_id: cell source}) disguised as ``kind`` says."""
    from .rewrite import honest, renamed, reordered

    if kind == "renamed variables":
        return {g: renamed(s, template[g], rng) for g, s in original.items()}
    if kind == "reordered statements":
        return {g: reordered(s, template[g]) for g, s in original.items()}
    copy = dict(original)
    changed = rng.choice(sorted(g for g in original if original[g] != template[g]))
    copy[changed] = honest(marked[changed], rng)
    return copy


def write_similarity_class(course: Course, assignment: str, students: int = 300, seed: int = 0,
                           copies_per_kind: int = 2) -> list[tuple[str, str, str]]:
    """Write a class of ``students`` into submitted/ for ``assignment``: honest students who each write their
    own version of every exercise (:func:`grader.example_class.rewrite.honest`), some exercises left as
    released, and ``copies_per_kind`` planted copies of each kind in :data:`PLANTED_KINDS` (the copier's id
    is an ordinary student id, drawn at random). Returns the planted pairs as (original, copier, kind)."""
    from .rewrite import honest

    rng = random.Random(seed)
    ids = ["student%03d" % (i + 1) for i in range(students)]
    copiers = rng.sample(ids, len(PLANTED_KINDS) * copies_per_kind)
    planted = []
    for notebook in course.source_notebooks(assignment):
        release = nbformat.read(str(course.folder("release") / assignment / notebook.name), as_version=4)
        marked = marked_solutions(notebook)
        template = {c.metadata.nbgrader["grade_id"]: c.source for c in release.cells
                    if c.metadata.get("nbgrader", {}).get("solution")}
        answers: dict[str, dict[str, str]] = {}
        for student in ids:
            if student not in copiers:
                answers[student] = {g: template[g] if rng.random() < P_UNTOUCHED else honest(s, rng)
                                    for g, s in marked.items()}
        honest_ids = sorted(answers)
        for index, copier in enumerate(copiers):
            kind = PLANTED_KINDS[index // copies_per_kind]
            original = rng.choice(honest_ids)
            answers[copier] = _copy_of(answers[original], kind, marked, template, rng)
            planted.append((original, copier, kind))
        for student, cells in answers.items():
            folder = course.folder("submitted") / student / assignment
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            nbformat.write(fill_in(release, Submission("similarity", answers=cells), {}),
                           str(folder / notebook.name))
    return planted
