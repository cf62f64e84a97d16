"""nncourse: the student runtime of the neural-network workbook.

What the released notebooks import, and nothing else:

* ``nncourse.checks``: friendly visible checks (they teach; they never grade);
* ``nncourse.record``: what hidden tests call in the grading kernel to record results;
* ``nncourse.datasets`` and ``nncourse.digits``: the data sets, downloaded or read with checked hashes;
* ``nncourse.pictures`` and ``nncourse.plotting``: pictures, cost curves and broadcasting diagrams, and
  "try your own picture" with messages that say what to fix;
* ``nncourse.grading_run``: whether the notebook is being graded;
* ``nncourse.progress``: progress bars for long loops and trainings;
* ``nncourse.quiz``: the concept quizzes' format checks and what their hidden tests record (no answer).

No function that an assignment grades is defined here. Helpers that one assignment hands out (the
activations of assignment 4, the planar data of assignment 3, ...) travel with that assignment's
folder instead. The instructor's tools are the separate package ``grader``.
"""

__version__ = "0.2.0"
