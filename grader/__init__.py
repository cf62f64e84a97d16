"""grader: the instructor's tools of the neural-network workbook (never installed by students).

* ``grader.grading``: the trusted grader (answer keys, comparison, verdicts, the nbgrader step);
* ``grader.sandbox``: the bubblewrap sandbox that every grading kernel runs in;
* ``grader.course``, ``grader.pipeline``, ``grader.handouts``: release, keys and what each assignment
  hands out;
* ``grader.classgrade``, ``grader.intake``, ``grader.report``: grading a whole class, LMS intake, reports;
* ``grader.example_class`` and ``grader.synthetic``: example and synthetic classes;
* ``python -m grader``: the command line.

Every import points from here to the student runtime (``nncourse``), never back.
"""

__version__ = "0.2.0"
