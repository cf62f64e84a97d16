"""Example students for the week-4 quiz (deep networks) and the scores they must get.

As in the week-1 quiz (a0_concepts_quiz.py): a single-choice question (2, 4, 5, 7) is one check worth its 2
points; a multiple-choice question (1, 3, 6 with 5, 6, 4 options) has one check per option, 1 point each. An
answer that is not a set (list, tuple) of strings records None for every option and scores 0.
"""

from .model import (CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, SOLUTION, Submission, correct_and_untouched,
                   quiz_marks, solved)

POINTS = {"q1_dimensions": 5, "q2_caches": 2, "q3_hyperparameters": 6, "q4_why_deep": 2, "q5_layer_loop": 2,
          "q6_backward_step": 4, "q7_parameter_count": 2}
QUESTIONS = list(POINTS)




STUDENTS = {
    **correct_and_untouched(solved(*QUESTIONS), quiz_marks(POINTS), "every question answered right"),
    "partial": Submission(
        "questions 1-4 answered, 5-7 not attempted: question 1 ticks every option, the transposed W2 too: right "
        "on 4 of 5, but a blanket answer never counts (0); question 3 "
        "misses the depth and the widths (4 of 6); question 4 wrong (deeper trains faster)",
        answers={"q1_dimensions": 'q1_answers = {"a", "b", "c", "d", "e"}',
                 "q2_caches": SOLUTION,
                 "q3_hyperparameters": 'q3_answers = {"a", "b"}',
                 "q4_why_deep": 'q4_answer = "a"'},
        expected=quiz_marks(POINTS, q1_dimensions=0, q3_hyperparameters=4, q4_why_deep=0,
                       q5_layer_loop=0, q6_backward_step=0, q7_parameter_count=0)),
    "buggy": Submission(
        "answers in the wrong format: question 3 as one string \"a, b, d, e\" (0), question 4 as a list [\"b\"] "
        "(0), question 6 with a number among the letters (0), question 7 as the number 47 (0). Accepted forms "
        "score: a tuple (question 1), \"D\" (question 2), \" c\" (question 5)",
        answers={"q1_dimensions": 'q1_answers = ("a", "c", "d", "e")',
                 "q2_caches": 'q2_answer = "D"',
                 "q3_hyperparameters": 'q3_answers = "a, b, d, e"',
                 "q4_why_deep": 'q4_answer = ["b"]',
                 "q5_layer_loop": 'q5_answer = " c"',
                 "q6_backward_step": 'q6_answers = {"a", "b", "c", 3}',
                 "q7_parameter_count": "q7_answer = 47"},
        expected=quiz_marks(POINTS, q3_hyperparameters=0, q4_why_deep=0, q6_backward_step=0, q7_parameter_count=0)),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions (nothing here uses "
        "them); question 1 with every option flipped and question 7 wrong",
        answers={**solved(*QUESTIONS), "q1_dimensions": 'q1_answers = {"b"}',
                 "q7_parameter_count": 'q7_answer = "a"'},
        extra_cells=[CHEAT_ALLCLOSE],
        expected=quiz_marks(POINTS, q1_dimensions=0, q7_parameter_count=0)),
    "cheat_transformer": Submission(
        "an IPython input transformer blanks every cell containing 'assert' (all test cells), and question 2 "
        "is wrong: blanked tests record nothing, so every cell scores 0",
        answers={**solved(*QUESTIONS), "q2_caches": 'q2_answer = "a"'},
        extra_cells=[CHEAT_INPUT_TRANSFORMER],
        expected={question + "_test": 0 for question in QUESTIONS}),
    "broken_json": Submission(
        "a file that is not notebook JSON at all",
        raw_text='{"cells": [ this is not JSON\n'),
}
