"""The trusted side of grading: answer keys, comparison rules and verdicts.

Nothing in this package runs inside a student's kernel.
"""
