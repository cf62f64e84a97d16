"""Example students for the week-3 quiz (networks with one hidden layer) and the scores they must get.

As in the week-1 quiz (a0_concepts_quiz.py): a single-choice question (1, 3, 5, 7) is one check worth its 2
points; a multiple-choice question (2, 4, 6 with 5, 4, 5 options) has one check per option, 1 point each. An
answer that is not a set (list, tuple) of strings records None for every option and scores 0.
"""

from .model import (CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, SOLUTION, Submission, correct_and_untouched,
                   quiz_marks, solved)

POINTS = {"q1_nonlinear": 2, "q2_activations": 5, "q3_tanh_derivative": 2, "q4_symmetry": 4,
          "q5_small_weights": 2, "q6_dimensions": 5, "q7_vectorized_forward": 2}
QUESTIONS = list(POINTS)

STUDENTS = {
    **correct_and_untouched(solved(*QUESTIONS), quiz_marks(POINTS), "every question answered right"),
    "partial": Submission(
        "questions 1-4 answered, 5-7 not attempted: question 1 wrong (linear units 'keep more information'); "
        "question 2 also picks the leaky ReLU with slope 0 (4 of 5); question 4 ticks every option: right on 3 "
        "of 4, but a blanket answer never counts (0)",
        answers={"q1_nonlinear": 'q1_answer = "a"',
                 "q2_activations": 'q2_answers = {"a", "b", "c", "d"}',
                 "q3_tanh_derivative": SOLUTION,
                 "q4_symmetry": 'q4_answers = {"a", "b", "c", "d"}'},
        expected=quiz_marks(POINTS, q1_nonlinear=0, q2_activations=4, q4_symmetry=0,
                       q5_small_weights=0, q6_dimensions=0, q7_vectorized_forward=0)),
    "buggy": Submission(
        "answers in the wrong format: question 2 as one string \"abc\" (0), question 3 as the number 4 (0), "
        "question 5 as a set {\"b\"} (0), question 7 as \"b.\" (0). Accepted forms score: \"c \" (question 1), "
        "a list (question 4), a frozenset (question 6)",
        answers={"q1_nonlinear": 'q1_answer = "c "',
                 "q2_activations": 'q2_answers = "abc"',
                 "q3_tanh_derivative": "q3_answer = 4",
                 "q4_symmetry": 'q4_answers = ["a", "c", "d"]',
                 "q5_small_weights": 'q5_answer = {"b"}',
                 "q6_dimensions": 'q6_answers = frozenset("abd")',
                 "q7_vectorized_forward": 'q7_answer = "b."'},
        expected=quiz_marks(POINTS, q2_activations=0, q3_tanh_derivative=0, q5_small_weights=0, q7_vectorized_forward=0)),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions (nothing here uses "
        "them); question 3 wrong and question 6 with every option flipped",
        answers={**solved(*QUESTIONS), "q3_tanh_derivative": 'q3_answer = "a"',
                 "q6_dimensions": 'q6_answers = {"c", "e"}'},
        extra_cells=[CHEAT_ALLCLOSE],
        expected=quiz_marks(POINTS, q3_tanh_derivative=0, q6_dimensions=0)),
    "cheat_transformer": Submission(
        "an IPython input transformer blanks every cell containing 'assert' (all test cells), and question 1 "
        "is wrong: blanked tests record nothing, so every cell scores 0",
        answers={**solved(*QUESTIONS), "q1_nonlinear": 'q1_answer = "d"'},
        extra_cells=[CHEAT_INPUT_TRANSFORMER],
        expected={question + "_test": 0 for question in QUESTIONS}),
    "broken_json": Submission(
        "a file that is not notebook JSON at all",
        raw_text='{"cells": [ this is not JSON\n'),
}
