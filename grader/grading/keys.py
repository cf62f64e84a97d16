"""Answer keys: what the instructor's solution records, cell by cell.

A key is built by executing the instructor notebook in source/ through the same
nbgrader execution that autograding uses (same kernel settings, and
``NBGRADER_EXECUTION=autograde`` so that long demonstrations are skipped the
same way), then collecting every graded test cell's records.

Keys live in ``answer_keys/<assignment>/<notebook>.json`` (configurable), a
folder that nbgrader never copies to students, that git ignores, and that the
grading sandbox does not expose. A key file holds, per grade_id, a fingerprint
of the test cell's source: grading refuses a key whose fingerprints no longer
match the test cells it grades (the key is stale and must be rebuilt).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import nbformat
from nbgrader import utils as nbutils

from .compare import compare_record, MalformedRecord
from .verdict import records_in

KEY_FORMAT = 1


class AnswerKeyError(RuntimeError):
    """Base class for answer-key problems."""


class KeyBuildError(AnswerKeyError):
    """The instructor notebook does not yield a usable key."""


class StaleKeyError(AnswerKeyError):
    """The key on disk is missing or does not match the tests being graded."""


def fingerprint(source: str) -> str:
    """Hash of a cell's source, insensitive to line endings and trailing blanks."""
    text = "\n".join(line.rstrip() for line in source.replace("\r\n", "\n").split("\n")).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_graded_test(cell) -> bool:
    """A code cell that nbgrader grades automatically (a test cell)."""
    return cell.cell_type == "code" and nbutils.is_grade(cell) and not nbutils.is_solution(cell)


def key_path(key_directory: str | os.PathLike, assignment: str, notebook: str) -> Path:
    return Path(key_directory) / assignment / ("%s.json" % notebook)


def collect_key(executed_nb, source_sha256: str, assignment: str, notebook: str) -> dict:
    """Turn an executed instructor notebook into a key, checking it is usable."""
    label = "%s/%s.ipynb" % (assignment, notebook)
    for index, cell in enumerate(executed_nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise KeyBuildError("%s: cell %d raised %s: %s (the instructor solution must run "
                                    "without errors)" % (label, index, out.get("ename"),
                                                         str(out.get("evalue"))[:200]))
    cells = {}
    for cell in executed_nb.cells:
        if not is_graded_test(cell):
            continue
        grade_id = cell.metadata.nbgrader["grade_id"]
        payloads, _ = records_in(cell.outputs)
        if not payloads:
            raise KeyBuildError("%s: test cell %r records nothing; its hidden tests must call "
                                "record() or record_call()" % (label, grade_id))
        names = [p["name"] for p in payloads]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise KeyBuildError("%s: test cell %r records %r twice" % (label, grade_id, duplicated[0]))
        for p in payloads:
            for value in [p["value"]] + ([p["alt"]] if "alt" in p else []):
                try:
                    problems = compare_record(value, value, p["spec"])
                except MalformedRecord as exc:
                    raise KeyBuildError("%s: record %r of %r cannot be compared (%s)"
                                        % (label, p["name"], grade_id, exc)) from None
                if problems or value["t"] == "object":
                    raise KeyBuildError("%s: record %r of %r holds a value that cannot be compared "
                                        "(%s)" % (label, p["name"], grade_id, value.get("type")))
        cells[grade_id] = {
            "fingerprint": fingerprint(cell.source),
            "points": float(cell.metadata.nbgrader["points"]),
            "records": [key_record(p) for p in payloads],
        }
    if not cells:
        raise KeyBuildError("%s has no graded test cells" % label)
    return {"format": KEY_FORMAT, "assignment": assignment, "notebook": notebook,
            "source_sha256": source_sha256, "cells": cells}


def key_record(payload: dict) -> dict:
    """What the key keeps of one record of the instructor's run: its name, value, settings and, for a
    check made with stand-ins, the value of the call with stand-ins."""
    record = {"name": payload["name"], "value": payload["value"], "spec": payload["spec"]}
    if "alt" in payload:
        record["alt"] = payload["alt"]
    return record


def autograde_executor(config):
    """The Execute step that autograde is configured with (the sandboxed one in this course)."""
    from nbgrader.preprocessors import Execute

    configured = config.Autograde.get("autograde_preprocessors", [])
    return next((p for p in configured if isinstance(p, type) and issubclass(p, Execute)), Execute)


def helpers_sha256(folder: Path) -> str:
    """Hash of the files that the assignment hands out next to its notebooks (its helper modules):
    the key depends on them as much as on the notebook."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".ipynb"
                       and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_key(source_notebook: Path, assignment: str, config) -> dict:
    """Execute ``source_notebook`` the way autograde does and return its key. The key keeps how long the
    sandboxed run took (``seconds``): a submission's time bound follows from it (grader.run.bounds)."""
    raw = source_notebook.read_bytes()
    nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    start = time.perf_counter()
    with nbutils.setenv(NBGRADER_EXECUTION="autograde"):
        executor = autograde_executor(config)(config=config)
        nb, _ = executor.preprocess(nb, {"metadata": {"path": str(source_notebook.parent)}})
    seconds = time.perf_counter() - start
    key = collect_key(nb, hashlib.sha256(raw).hexdigest(), assignment, source_notebook.stem)
    key["helpers_sha256"] = helpers_sha256(source_notebook.parent)
    key["seconds"] = round(seconds, 2)
    return key


def write_key(key: dict, key_directory: str | os.PathLike) -> Path:
    path = key_path(key_directory, key["assignment"], key["notebook"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(key, indent=1, sort_keys=True))
    os.replace(tmp, path)
    return path


def load_key(key_directory: str | os.PathLike, assignment: str, notebook: str) -> dict:
    path = key_path(key_directory, assignment, notebook)
    try:
        key = json.loads(path.read_text())
    except FileNotFoundError:
        raise StaleKeyError("no answer key for %s/%s at %s: build the keys first "
                            "(python -m grader keys)" % (assignment, notebook, path)) from None
    except (OSError, ValueError) as exc:
        raise StaleKeyError("answer key %s cannot be read (%s): rebuild it "
                            "(python -m grader keys)" % (path, exc)) from None
    if key.get("format") != KEY_FORMAT:
        raise StaleKeyError("answer key %s has format %r, expected %d: rebuild it"
                            % (path, key.get("format"), KEY_FORMAT))
    return key


def key_is_current(key_directory: str | os.PathLike, source_notebook: Path, assignment: str) -> bool:
    """True when the key on disk was built from this exact source notebook and helper files."""
    try:
        key = load_key(key_directory, assignment, source_notebook.stem)
    except StaleKeyError:
        return False
    return (key.get("source_sha256") == hashlib.sha256(source_notebook.read_bytes()).hexdigest()
            and key.get("helpers_sha256") == helpers_sha256(source_notebook.parent))
