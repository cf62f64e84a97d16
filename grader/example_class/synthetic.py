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
