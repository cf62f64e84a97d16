"""Grading a class: a Job per submission and its GradeResult (jobs.py), workspaces, grading workers and the
processes they fork, engines, and the class grader that merges every result into the one gradebook
(classgrade.py)."""
