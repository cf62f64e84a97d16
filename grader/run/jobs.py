"""What crosses a process boundary when a submission is graded: a :class:`Job` in, a :class:`GradeResult` out.

Both are plain data (strings, numbers, lists and dicts of them), so that any engine can carry them: a thread
handing a job to a grading worker (JSON over a pipe, :mod:`grader.run.worker`), a Dask task on another machine
(:mod:`grader.run.dask_engine`), or a batch job that shares the course folder. The class grader
(:mod:`grader.run.classgrade`) makes the jobs and merges the results; nothing else builds either.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path


@dataclass(frozen=True)
class Job:
    """One submission to grade: whose, of which assignment, where, and within what."""

    course: str          # the course folder (read only: config, source/, answer keys, submitted/)
    student: str
    assignment: str
    snapshot: str        # the copy of the course gradebook that the job's workspace starts from
    workspaces: str      # the folder in which the job makes its workspace (the merging process reads it)
    seconds: int         # outer time limit of the submission's grading process (c.GraderLimits.submission_seconds)
    memory_bytes: int    # address-space limit of that process (c.GraderLimits.grader_memory_bytes)
    submitted: str = ""  # the folder holding <student>/<assignment> to grade ("": the course's submitted/)
    verdicts: str = "full"   # what the feedback page shows: "full" (every check) or "score" (the scores only)
    about: tuple[str, ...] = ()   # lines the feedback page shows under its title (the on-submit service's)

    @property
    def workspace(self) -> Path:
        """The job's own course folder: one submission, a copy of the gradebook, links to source/ and the keys."""
        return Path(self.workspaces) / ("%s--%s" % (self.student, self.assignment))

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Job":
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        if "about" in values:
            values["about"] = tuple(values["about"])
        return cls(**values)


@dataclass
class GradeResult:
    """What happened to one student's submission of one assignment."""

    student: str
    assignment: str
    ok: bool
    reason: str = ""        # why it was not graded (empty when it was)
    seconds: float = 0.0
    unsandboxed: str = ""   # why student code ran without the sandbox (allowed by the instructor)
    skipped: bool = False   # unchanged since it was last graded: the earlier result was kept
    notes: list[str] = field(default_factory=list)   # files of the submission refused or not used
    phases: dict[str, float] = field(default_factory=dict)   # where the time went, by phase (grader.timing)
    retry: bool = False     # not graded for a reason of the grader's own (a full disk, a lost worker): try again

    @classmethod
    def failed(cls, job: Job, reason: str, **more) -> "GradeResult":
        """The result of a job that could not be graded, and why."""
        return cls(job.student, job.assignment, False, reason, **more)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "GradeResult":
        """A result read back from another process; raises ValueError when ``data`` is not one."""
        try:
            result = cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})
        except (TypeError, KeyError) as exc:
            raise ValueError("not a grading result: %s" % exc) from None
        if not isinstance(result.ok, bool) or not isinstance(result.reason, str):
            raise ValueError("not a grading result: ok=%r, reason=%r" % (result.ok, result.reason))
        return result
