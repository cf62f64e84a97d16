"""integrity: the grader's checks on how work was done, not on what it computes.

    tokens.py        Python source as normalised tokens (names, strings, comments and layout made alike)
    fingerprints.py  winnowed k-grams and line fingerprints of those tokens, each with its cell and lines
    own_code.py      each student's own lines of an assignment: solution cells minus the released template
    similarity.py    pairs of students too alike, scored and ranked (discounting the instructor's solution and
                     what many students share)

The pages that show the result are in :mod:`grader.outputs` (``similarity_page.py``, the class report).
"""
