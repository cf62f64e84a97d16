"""nbgrader configuration of the workbook: only the settings it uses, each with its reason."""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests,
                                    GetGrades, IgnorePattern, LimitOutput, SaveAutoGrades)

from grader.exchange import SafeCollect
from grader.grading.preprocessor import CompareWithKey
from grader.intake import COLLECTOR_REGEXP
from grader.sandbox.kernel import SandboxedExecute

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
HERE = os.path.dirname(os.path.abspath(__file__))

# The course folders (source/, release/, submitted/, autograded/, feedback/) sit next to this file,
# whatever the working directory of the command.
c.CourseDirectory.root = HERE
# One name for the gradebook and the exchange.
c.CourseDirectory.course_id = "nn-workbook"
# nbgrader's release/collect exchange lives in the course folder, not in a system-wide /usr/local/share.
c.Exchange.root = os.path.join(HERE, "exchange")
# Students can write to the exchange's inbound folder, and collect copies from it with the instructor's
# rights: take regular files only (links, FIFOs, devices and hard links are refused by name), and refuse
# submission folders that are links or that another user made in a student's name.
c.ExchangeFactory.collect = SafeCollect

# Student code runs in the bubblewrap sandbox kernel (SandboxedExecute forces it, whatever the
# notebook's metadata says), and verdicts are reached outside it: CompareWithKey runs right after
# execution and before SaveAutoGrades, replacing each test cell's outputs with its verdict.
c.Autograde.autograde_preprocessors = [
    SandboxedExecute, CompareWithKey, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
]
# Answer keys live outside every folder that nbgrader copies to students.
c.CompareWithKey.key_directory = os.path.join(HERE, "answer_keys")
# A student who deletes a graded cell gets it back (and scores 0 on it) rather than losing it silently.
c.OverwriteCells.add_missing_cells = True

# Feedback shows the verdicts but never the hidden tests' source.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# LMS downloads are named <student_id>_[<YYYYMMDDHHMMSS>_]<notebook>.ipynb; grader.intake checks every
# file against the same pattern before `nbgrader zip_collect` collects them.
c.FileNameCollectorPlugin.named_regexp = COLLECTOR_REGEXP
