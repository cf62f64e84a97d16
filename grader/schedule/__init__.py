"""The course's dates and its late policy: one schedule file, applied everywhere the same way.

``schedule.toml`` beside nbgrader_config.py (:mod:`grader.schedule.dates`) holds each assignment's due date and
each student's extension, in the course's time zone. ``python -m grader schedule`` checks it and writes it into
nbgrader's gradebook (the formgrader, ``nbgrader export`` and the students' index show it); ``release``, ``grade``
and the on-submit service apply the same file. While a submission is graded, :class:`~grader.schedule.apply.
ApplySchedule` puts its student's due date into the grading's gradebook, and nbgrader's late-submission plugin
interface (``c.AssignLatePenalties.plugin_class``) charges :class:`~grader.schedule.late.LatePolicy`'s penalty.

The time of a submission is the course's: when the course saw it arrive (the service's clock, or the change
time of the exchange folder, which its owner cannot set back), never the time the student's process wrote into
the folder's name or ``timestamp.txt``.
"""
