"""nncourse: shared code of the neural-network workbook.

* ``nncourse.record``: what hidden tests call inside a kernel to record results.
* ``nncourse.checks``: friendly visible checks for students.
* ``nncourse.grading``: the trusted grader (answer keys, comparison, verdicts).
* ``nncourse.course`` and ``nncourse.pipeline``: the instructor's commands.
"""

__version__ = "0.1.0"
