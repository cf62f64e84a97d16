"""The on-submit grading service: the classroom grades each submission as it arrives (``python -m grader serve``).

* :mod:`.service`: the service's loop (take, schedule, grade, merge, release) and its settings
  (``c.GradingService``);
* :mod:`.policy`: when verdicts come back, how many graded submissions a student gets per period, which one
  counts (``c.SubmitPolicy``);
* :mod:`.inbox`: taking submissions from nbgrader's exchange by the guarded collect's rules;
* :mod:`.ledger`: the durable record of every submission and every step (SQLite, write-ahead log);
* :mod:`.schedule`: the rate limit's slots and the fair order at a deadline;
* :mod:`.release`: feedback and status pages, through nbgrader's feedback exchange;
* :mod:`.wording`: what a student reads, in the grader's own words;
* :mod:`.web`: the service's page through the hub (each student sees only their own submissions);
* :mod:`.main`: starting and stopping it.

It grades with the class grader's own parts (``grader.run``: jobs, workspaces, workers, the sandbox, the
answer keys) and merges into the course under the same lock, so ``python -m grader grade`` can run beside it.
"""
