"""How submissions come in: an LMS download (lms.py, ``python -m grader intake``) and nbgrader's exchange
(exchange.py, the guarded ``nbgrader collect`` that the on-submit service follows too)."""
