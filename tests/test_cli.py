"""The instructor's command line: every verb has its own options and its own --help, and nothing else's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO
from grader.__main__ import VERBS, build_parser

#: Each verb's own options (besides --help).
OPTIONS = {
    "demo": {"--only", "--workers"},
    "release": {"--only"},
    "keys": {"--only", "--force"},
    "example-class": {"--only"},
    "synthetic-class": {"--only", "--students", "--seed"},
    "intake": {"--assignment", "--from", "--roster"},
    "grade": {"--only", "--workers", "--force"},
    "bundle": {"--only", "--dist"},
    "similarity": {"--only"},
    "serve": {"--no-web"},
    "schedule": {"--check"},
    "roster": {"--from", "--lms", "--id-column"},
    "lms-export": {"--lms", "--to", "--only"},
    "lti-keys": {"--key-id"},
    "lti-passback": {"--only"},
    "hub": {"--state", "--instructor", "--students", "--students-file", "--ip", "--port", "--data-dir", "--only"},
}
EVERY_OPTION = set().union(*OPTIONS.values())


def _options(help_text: str) -> set[str]:
    return {word.rstrip(",") for word in help_text.split() if word.startswith("--") and word != "--help"} \
        & EVERY_OPTION


def test_every_verb_is_listed_and_has_its_own_options():
    assert set(VERBS) == set(OPTIONS)
    verbs = next(a for a in build_parser()._actions if a.dest == "verb").choices
    for verb, parser in verbs.items():
        assert _options(parser.format_help()) == OPTIONS[verb], verb


@pytest.mark.parametrize("verb", ["grade", "hub", "similarity"])
def test_help_of_a_verb_from_the_shell(verb):
    done = subprocess.run([sys.executable, "-m", "grader", verb, "--help"], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m grader %s" % verb)
    assert _options(done.stdout) == OPTIONS[verb]


def test_the_top_help_names_every_verb():
    text = build_parser().format_help()
    assert all(verb in text for verb in VERBS)


def test_a_missing_required_option_is_named(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["intake", "--assignment", "a1_numpy_basics"])
    assert "--from" in capsys.readouterr().err
