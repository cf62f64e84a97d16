"""Example students for the week-2 quiz (logistic regression and vectorisation) and the scores they must get.

As in the week-1 quiz (a0_concepts_quiz.py): a single-choice question (1, 3, 5, 7) is one check worth its 2
points; a multiple-choice question (2, 4, 6 with 4, 5, 4 options) has one check per option, 1 point each. An
answer that is not a set (list, tuple) of strings records None for every option and scores 0.
"""

from .model import (CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, SOLUTION, Submission, correct_and_untouched,
                   quiz_marks, solved)

POINTS = {"q1_shapes": 2, "q2_log_loss": 4, "q3_gradient": 2, "q4_vectorization": 5, "q5_broadcasting": 2,
          "q6_products": 4, "q7_why_vectorize": 2}
QUESTIONS = list(POINTS)




STUDENTS = {
    **correct_and_untouched(solved(*QUESTIONS), quiz_marks(POINTS), "every question answered right"),
    "partial": Submission(
        "questions 1-4 answered, 5-7 not attempted: question 1 wrong (examples in rows); question 2 misses that "
        "the squared error makes the cost non-convex (3 of 4); question 4 also picks np.dot(X, w) (4 of 5)",
        answers={"q1_shapes": 'q1_answer = "a"',
                 "q2_log_loss": 'q2_answers = {"a", "c"}',
                 "q3_gradient": SOLUTION,
                 "q4_vectorization": 'q4_answers = {"a", "b", "c", "e"}'},
        expected=quiz_marks(POINTS, q1_shapes=0, q2_log_loss=3, q4_vectorization=4,
                       q5_broadcasting=0, q6_products=0, q7_why_vectorize=0)),
    "buggy": Submission(
        "answers in the wrong format: question 2 as one string \"a, c, d\" (0), question 3 as a list [\"d\"] (0), "
        "question 5 as \"c)\" (0). Accepted forms score: \" C \" (question 1), a tuple (question 4), upper-case "
        "letters in a set (question 6), \"B\" (question 7)",
        answers={"q1_shapes": 'q1_answer = " C "',
                 "q2_log_loss": 'q2_answers = "a, c, d"',
                 "q3_gradient": 'q3_answer = ["d"]',
                 "q4_vectorization": 'q4_answers = ("a", "b", "e")',
                 "q5_broadcasting": 'q5_answer = "c)"',
                 "q6_products": 'q6_answers = {"A", "C"}',
                 "q7_why_vectorize": 'q7_answer = "B"'},
        expected=quiz_marks(POINTS, q2_log_loss=0, q3_gradient=0, q5_broadcasting=0)),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions (nothing here uses "
        "them); question 2 with every option flipped and question 5 wrong",
        answers={**solved(*QUESTIONS), "q2_log_loss": 'q2_answers = {"b"}', "q5_broadcasting": 'q5_answer = "a"'},
        extra_cells=[CHEAT_ALLCLOSE],
        expected=quiz_marks(POINTS, q2_log_loss=0, q5_broadcasting=0)),
    "cheat_transformer": Submission(
        "an IPython input transformer blanks every cell containing 'assert' (all test cells), and question 7 "
        "is wrong: blanked tests record nothing, so every cell scores 0",
        answers={**solved(*QUESTIONS), "q7_why_vectorize": 'q7_answer = "a"'},
        extra_cells=[CHEAT_INPUT_TRANSFORMER],
        expected={question + "_test": 0 for question in QUESTIONS}),
    "broken_json": Submission(
        "a file that is not notebook JSON at all",
        raw_text='{"cells": [ this is not JSON\n'),
}
