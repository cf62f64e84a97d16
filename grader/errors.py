"""The error every instructor command reports in one line: a job that cannot go on."""


class JobFailed(RuntimeError):
    """An instructor job that cannot go on (the message says why and what to do)."""
