"""Example students for assignment 0 (the concept quiz) and the scores they must get.

Scores follow from the hidden checks of each test cell (partial credit is points x passed checks /
checks, rounded down to 0.01):

* single choice (questions 1, 5, 7): one check, "answer to question N", worth the cell's 2 points;
* multiple choice (questions 2, 3, 4, 6 with 6, 4, 4, 4 options): one check per option, "whether
  option x is selected", each worth 1 point. An answer that is not a set (or list / tuple) of strings records
  None for every option and scores 0. Options count only when the answer is right both for some option to
  tick and for some option to leave out: ticking every option (or none) earns nothing (docs/authoring.md).
"""

from .model import (CHEAT_ALLCLOSE, CHEAT_INPUT_TRANSFORMER, SOLUTION, Submission, correct_and_untouched,
                   quiz_marks, solved)

POINTS = {"q1_relu_neuron": 2, "q2_network_types": 6, "q3_unstructured_data": 4, "q4_why_now": 4,
          "q5_relu_vs_sigmoid": 2, "q6_scale": 4, "q7_iteration_speed": 2}
QUESTIONS = list(POINTS)




# -- cheats (the same as in assignment 1) --------------------------------------------------------
STUDENTS = {
    **correct_and_untouched(solved(*QUESTIONS), quiz_marks(POINTS), "every question answered right"),
    "partial": Submission(
        "questions 1-4 answered, 5-7 not attempted: question 1 wrong (the weighted sum without the "
        "ReLU); question 2 misses the hybrid network for self-driving (5 of 6 options right); "
        "question 4 ticks every option, 'invented around 2010' too (right only where the key ticks, which "
        "earns nothing)",
        answers={"q1_relu_neuron": 'q1_answer = "a"',
                 "q2_network_types": 'q2_answers = {"a", "c", "e"}',
                 "q3_unstructured_data": SOLUTION,
                 "q4_why_now": 'q4_answers = {"a", "b", "c", "d"}'},
        expected=quiz_marks(POINTS, q1_relu_neuron=0, q2_network_types=5, q4_why_now=0,
                       q5_relu_vs_sigmoid=0, q6_scale=0, q7_iteration_speed=0)),
    "buggy": Submission(
        "answers in the wrong format: question 2 as one string \"a, c, e, f\" (0), question 5 as "
        "a set {\"b\"} (0), question 7 as \"c)\" (0). Accepted forms score: \" D \" (question 1), a "
        "list (question 3), a tuple (question 4), upper-case letters in a set (question 6)",
        answers={"q1_relu_neuron": 'q1_answer = " D "',
                 "q2_network_types": 'q2_answers = "a, c, e, f"',
                 "q3_unstructured_data": 'q3_answers = ["b", "d"]',
                 "q4_why_now": 'q4_answers = ("a", "b", "d")',
                 "q5_relu_vs_sigmoid": 'q5_answer = {"b"}',
                 "q6_scale": 'q6_answers = {"A", "D"}',
                 "q7_iteration_speed": 'q7_answer = "c)"'},
        expected=quiz_marks(POINTS, q2_network_types=0, q5_relu_vs_sigmoid=0, q7_iteration_speed=0)),
    "cheat_allclose": Submission(
        "replaces np.allclose / np.isclose / assert_allclose with always-true versions (nothing "
        "here uses them); question 1 wrong and question 6 with every option flipped",
        answers={**solved(*QUESTIONS), "q1_relu_neuron": 'q1_answer = "c"',
                 "q6_scale": 'q6_answers = {"b", "c"}'},
        extra_cells=[CHEAT_ALLCLOSE],
        expected=quiz_marks(POINTS, q1_relu_neuron=0, q6_scale=0)),
    "cheat_transformer": Submission(
        "an IPython input transformer blanks every cell containing 'assert' (all test cells), and "
        "question 5 is wrong: blanked tests record nothing, so every cell scores 0",
        answers={**solved(*QUESTIONS), "q5_relu_vs_sigmoid": 'q5_answer = "a"'},
        extra_cells=[CHEAT_INPUT_TRANSFORMER],
        expected={question + "_test": 0 for question in QUESTIONS}),
    "broken_json": Submission(
        "a file that is not notebook JSON at all",
        raw_text='{"cells": [ this is not JSON\n'),
}
