"""grader: the instructor's tools of the neural-network workbook (never installed by students).

The folders name the stages a submission goes through and the tools an instructor uses::

    __main__.py    the command line: python -m grader VERB (each verb's code is in the folder of its concept)
    course.py      a course folder: its folders, its config, nbgrader's API bound to it
    limits.py      c.GraderLimits: what the grader takes and spends on one submission (outside the sandbox)
    safefiles.py   reading and copying student material: regular files only, links never followed, sizes bounded
    processes.py   Linux process helpers: address-space limit, death with the parent, a user's processes
    timing.py      where the time of one submission goes (named phases)
    nbgrader_calls.py  calling nbgrader: its gradebook's warnings silenced, the real cause of its failures
    errors.py      JobFailed, the one-line error of every instructor command

    authoring/     before students get an assignment: release/, answer keys, contents lines, the index,
                   the helpers one assignment hands out from another's solutions
    intake/        how submissions and students come in: an LMS download (lms.py), nbgrader's exchange
                   (exchange.py), the class list from a Canvas or Moodle export (roster.py)
    schedule/      the course's dates: schedule.toml (due dates, extensions, time zone), the late policy
                   (nbgrader's late-submission plugin), both applied to the gradebook and to each grading
    run/           grading a class: jobs and results (jobs.py), workspaces, grading workers, engines,
                   the class grader that merges every result into the one gradebook (classgrade.py)
    sandbox/       the bubblewrap sandbox every grading kernel runs in            (trusted core)
    grading/       answer keys, the comparison with them, verdicts, the nbgrader steps   (trusted core)
    integrity/     how work was done: pairs of submissions too alike (students' own lines as normalised
                   tokens, winnowed fingerprints, the instructor's solution and common code discounted)
    outputs/       what people read: feedback pages, the formgrader's inert view, the class report (with the
                   similar pairs' side-by-side pages), CSVs, the files Canvas's and Moodle's gradebook imports
                   take (lms_files.py)
    lms/           grades back to the LMS over LTI 1.3: the tool's registration and keys, the hub's LTI login
                   kept to the roster, the AGS client and passback with its record
    onsubmit/      the grading service: each submission graded as it reaches the exchange, within limits
    classroom/     the JupyterHub classroom (users, exchange, the two environments) and, for courses
                   without a hub, the student wheel and zips (bundle.py)
    example_class/ example students with the scores they must get, and synthetic classes

The path of one submission, top to bottom: ``python -m grader grade`` (``__main__.py``) ->
``run/classgrade.py`` (which submissions, a :class:`~grader.run.jobs.Job` each) -> ``run/engines.py``
(``grade_job``) -> ``run/workspace.py`` and ``run/submission.py`` (a private course folder holding that
submission's notebooks) -> ``run/pool.py`` and ``run/worker.py`` (a grading process forked for it) ->
``run/grade_one.py`` (nbgrader's autograde, configured in nbgrader_config.py) -> ``grading/structure.py``
(the instructor's cells back) -> ``sandbox/kernel.py`` and ``sandbox/launch.py`` (the cells run in the
sandbox) -> ``grading/preprocessor.py``, ``verdict.py``, ``compare.py`` (records against the answer key) ->
``outputs/feedback.py`` (the feedback page) -> back in ``run/classgrade.py``: ``run/workspace.py`` and
``run/gradebook_rows.py`` merge it into the course -> ``outputs/results.py``, ``report.py``,
``score_table.py`` (what the instructor reads). A :class:`~grader.run.jobs.GradeResult` carries the outcome
back at every step. On submit, ``onsubmit/service.py`` takes the place of ``run/classgrade.py``: it takes the
submission from the exchange (``onsubmit/inbox.py``), schedules it (``onsubmit/schedule.py``), runs the same
``grade_job`` and merges the same way, then releases the verdict (``onsubmit/release.py``).

The trusted core (``grading/``, ``sandbox/``) and the modules at the top of the package use no other folder,
there is no import circle, and every import between the two packages points from here to the student runtime
(``nncourse``), never back (tests/test_audiences.py checks all three).
"""

__version__ = "0.2.0"
