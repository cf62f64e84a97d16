"""What nbgrader's Validate button says, made true and plain: ``python -m nncourse.labconfig``.

When every visible check of a notebook passes, nbgrader's Validate dialog (its JupyterLab extension)
says "Success! Your notebook passes all the tests." Validate runs only the checks the notebook shows;
grading runs further checks on other inputs, so a student can read that sentence as a promise it is
not. When checks fail, the dialog shows each failed cell's source and its traceback. Its texts are fixed
in nbgrader's JavaScript (nbgrader 0.9.6 has no setting for them), so this module changes what students
see, in JupyterLab, with a style sheet: JupyterLab loads ``<Jupyter config dir>/custom/custom.css`` when
the server option ``LabApp.custom_css`` is on. It replaces the success sentence, and on failure it hides
the cells' sources and nbgrader's "The following cell failed:" lines, leaving the errors, which the
notebook's kernel makes one line per exercise while Validate runs (:func:`nncourse.checks.validate_line`).
:func:`install` writes both (keeping whatever else is there).

The student's environment runs it once (a JupyterHub image at build time, or a student on their own
machine); see the README ("For students").
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

#: What the dialog says instead, when every visible check passes.
SUCCESS_TEXT = ("The visible checks pass. Grading runs further checks, on inputs this notebook does not show: "
                "make sure your code is right in general, not only for the examples.")
#: What the dialog says above the failing exercises' lines.
FAILED_TEXT = ("These exercises do not pass their visible checks yet (run each one's check cell to see more); "
               "grading then runs further checks on other inputs:")
_BEGIN, _END = "/* nncourse: Validate text - begin */", "/* nncourse: Validate text - end */"
STYLE = """%s
/* nbgrader's Validate dialog says "Success! Your notebook passes all the tests." when the visible checks
   pass; grading uses other inputs, so it says exactly that instead. */
#validation-message.validation-success p {
  font-size: 0;
}
#validation-message.validation-success p::after {
  content: "%s";
  font-size: var(--jp-content-font-size1, 14px);
}
/* When visible checks fail, the dialog lists per failed cell: a "The following cell failed:" line, the
   cell's source, its error. The kernel makes each error one line naming the exercise: show only those. */
#validation-message.validation-failed > div:nth-child(3n+1),
#validation-message.validation-failed > div:nth-child(3n+2) {
  display: none;
}
#validation-message.validation-failed::before {
  content: "%s";
  display: block;
  margin-bottom: 8px;
  font-size: var(--jp-content-font-size1, 14px);
}
#validation-message.validation-failed pre {
  margin: 2px 0;
  white-space: pre-wrap;
}
%s
""" % (_BEGIN, SUCCESS_TEXT, FAILED_TEXT, _END)


def config_dir() -> Path:
    """The user's Jupyter config folder (``JUPYTER_CONFIG_DIR`` or ~/.jupyter)."""
    from jupyter_core.paths import jupyter_config_dir

    return Path(jupyter_config_dir())


#: JupyterLab's HTML viewer, without its "Trust HTML" button: the workbook's feedback pages hold no script and
#: read the same untrusted, so nothing asks the student to trust one.
HTML_VIEWER_SETTINGS = ("@jupyterlab", "htmlviewer-extension", "plugin.jupyterlab-settings")


def _html_viewer_without_trust(folder: Path) -> Path | None:
    """Turn off the HTML viewer's "Trust HTML" button in the user settings under ``folder`` (a settings file of
    the student's own that cannot be read as JSON is left alone: None)."""
    path = folder.joinpath("lab", "user-settings", *HTML_VIEWER_SETTINGS)
    try:
        settings = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        return None
    toolbar = [item for item in settings.get("toolbar", []) if item.get("name") != "trust"]
    settings["toolbar"] = toolbar + [{"name": "trust", "disabled": True}]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n")
    return path


def _validate_skips_what_grading_skips(folder: Path) -> Path:
    """nbgrader's Validate (the student's own nbgrader, reading ``nbgrader_config.json`` in ``folder``) skips the
    cells grading skips: long trainings and the data set (:data:`nncourse.grading_run.SKIP_TAG`)."""
    from .grading_run import SKIP_TAG

    path = folder / "nbgrader_config.json"
    try:
        settings = json.loads(path.read_text()) if path.exists() else {}
    except ValueError:
        raise SystemExit("%s is not valid JSON: fix or remove it, then run this again" % path) from None
    settings.setdefault("Execute", {})["skip_cells_with_tag"] = SKIP_TAG
    path.write_text(json.dumps(settings, indent=2) + "\n")
    return path


def install(folder: Path | None = None) -> list[Path]:
    """Turn on the style sheet in the Jupyter config folder ``folder`` (default: the user's).

    Adds (or refreshes) this module's block in ``custom/custom.css``, sets ``LabApp.custom_css`` in
    ``jupyter_server_config.json``, makes Validate skip what grading skips (``nbgrader_config.json``) and turns
    off the HTML viewer's "Trust HTML" button (feedback pages need no trust), leaving every other line and
    setting alone. Returns the files written.
    """
    folder = Path(folder) if folder is not None else config_dir()
    css = folder / "custom" / "custom.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    old = css.read_text() if css.exists() else ""
    kept = re.sub(re.escape(_BEGIN) + r".*?" + re.escape(_END) + r"\n?", "", old, flags=re.S)
    css.write_text((kept.rstrip("\n") + "\n\n" if kept.strip() else "") + STYLE)
    settings_path = folder / "jupyter_server_config.json"
    try:
        settings = json.loads(settings_path.read_text()) if settings_path.exists() else {}
    except ValueError:
        raise SystemExit("%s is not valid JSON: fix or remove it, then run this again" % settings_path) from None
    settings.setdefault("LabApp", {})["custom_css"] = True
    settings_path.write_text(json.dumps(settings, indent=2) + "\n")
    validate = _validate_skips_what_grading_skips(folder)
    viewer = _html_viewer_without_trust(folder)
    return [css, settings_path, validate] + ([viewer] if viewer else [])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m nncourse.labconfig", description=__doc__.splitlines()[0])
    parser.add_argument("--config-dir", type=Path, default=None,
                        help="the Jupyter config folder to write to (default: JUPYTER_CONFIG_DIR or ~/.jupyter)")
    for path in install(parser.parse_args(argv).config_dir):
        print("wrote %s" % path)


if __name__ == "__main__":
    main()
