"""nbgrader configuration of the workbook: only the settings it uses, each with its reason."""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds,
                                    IgnorePattern, LimitOutput, OverwriteCells, OverwriteKernelspec,
                                    SaveAutoGrades)

from grader.grading.preprocessor import CompareWithKey
from grader.grading.structure import RestoreStructure
from grader.intake.exchange import SafeCollect
from grader.intake.lms import COLLECTOR_REGEXP
from grader.lms.release import PassbackReleaseFeedback
from grader.outputs.feedback import FeedbackExporter
from grader.schedule.apply import ApplySchedule
from grader.schedule.late import LatePolicy
from grader.sandbox.kernel import SandboxedExecute
from nncourse.grading_run import SKIP_TAG

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
HERE = os.path.dirname(os.path.abspath(__file__))

# The course folders (source/, release/, submitted/, autograded/, feedback/) sit next to this file,
# whatever the working directory of the command.
c.CourseDirectory.root = HERE
# One name for the gradebook and the exchange.
c.CourseDirectory.course_id = "nn-workbook"
# nbgrader's release/collect exchange: in the course folder, not a system-wide /usr/local/share; a
# classroom hub points it at its shared folder with NNCOURSE_EXCHANGE (docs/classroom.md).
c.Exchange.root = os.environ.get("NNCOURSE_EXCHANGE") or os.path.join(HERE, "exchange")
# Students can write to the exchange's inbound folder, and collect copies from it with the instructor's
# rights: take regular files only (links, FIFOs, devices and hard links are refused by name), and refuse
# submission folders that are links or that another user made in a student's name.
c.ExchangeFactory.collect = SafeCollect
# Releasing feedback (nbgrader release_feedback, the formgrader's button) also posts the released students' counted
# scores to the LMS when the course has an LTI registration (grader.lms, docs/lms.md); without one it is nbgrader's.
c.ExchangeFactory.release_feedback = PassbackReleaseFeedback

# Student code runs in the bubblewrap sandbox kernel (SandboxedExecute forces it, whatever the
# notebook's metadata says), and verdicts are reached outside it: CompareWithKey runs right after
# execution and before SaveAutoGrades, replacing each test cell's outputs with its verdict.
c.Autograde.autograde_preprocessors = [
    SandboxedExecute, CompareWithKey, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    SaveAutoGrades, ApplySchedule, AssignLatePenalties, CheckCellMetadata,
]
# Dates and late work: the due dates and per-student extensions of schedule.toml (grader.schedule.dates) are put
# into the grading's gradebook by ApplySchedule, then nbgrader's AssignLatePenalties asks the course's late
# policy through its plugin interface. The policy's settings (none: nothing is taken off), e.g.
#   c.LatePolicy.grace_minutes = 15; c.LatePolicy.penalty_percent = 10; c.LatePolicy.per = "day"
#   c.LatePolicy.cap_percent = 50; c.LatePolicy.zero_after_hours = 168
c.AssignLatePenalties.plugin_class = LatePolicy
# nbgrader fails a whole submission when a cell's outputs trail the kernel's reply by more than iopub_timeout
# (4 s by default): on a machine busy grading a class that happens to honest, heavy cells. Wait longer.
c.Execute.iopub_timeout = 30
# Cells tagged skip-when-graded (long trainings, the data set and its pictures) are not run to grade, to build
# the answer keys or to validate: the graded checks bring their own small inputs (nncourse.grading_run).
c.Execute.skip_cells_with_tag = SKIP_TAG
# Before nbgrader's own checks, the submission gets the instructor's structure back: deleted graded cells
# return (and score 0), copies and added cells claiming grade metadata run as ordinary cells, flipped
# flags are restored; each change becomes a note in the feedback and the reports (grader.grading.structure).
c.Autograde.sanitize_preprocessors = [
    RestoreStructure, ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata,
]
# Answer keys live outside every folder that nbgrader copies to students.
c.CompareWithKey.key_directory = os.path.join(HERE, "answer_keys")
# A student who deletes a graded cell gets it back (and scores 0 on it) rather than losing it silently.
c.OverwriteCells.add_missing_cells = True

# Feedback is made from trusted parts only (grader.outputs.feedback): the cells as submitted, the grader's verdicts,
# the gradebook's scores and comments; never an output of the grading run. The page runs no script.
c.GenerateFeedback.exporter_class = FeedbackExporter
c.GenerateFeedback.preprocessors = []

# LMS downloads are named <student_id>_[<YYYYMMDDHHMMSS>_]<notebook>.ipynb; grader.intake.lms checks every
# file against the same pattern before `nbgrader zip_collect` collects them.
c.FileNameCollectorPlugin.named_regexp = COLLECTOR_REGEXP
