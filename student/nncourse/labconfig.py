"""What nbgrader's Validate button says, made true: ``python -m nncourse.labconfig``.

When every visible check of a notebook passes, nbgrader's Validate dialog (its JupyterLab extension)
says "Success! Your notebook passes all the tests." Validate runs only the checks the notebook shows;
grading runs further checks on other inputs, so a student can read that sentence as a promise it is
not. The text is fixed in nbgrader's JavaScript (nbgrader 0.9.6 has no setting for it, nor for the
command line's copy of it), so this module replaces it where students see it, in JupyterLab, with a
style sheet: JupyterLab loads ``<Jupyter config dir>/custom/custom.css`` when the server option
``LabApp.custom_css`` is on. :func:`install` writes both (keeping whatever else is there).

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
%s
""" % (_BEGIN, SUCCESS_TEXT, _END)


def config_dir() -> Path:
    """The user's Jupyter config folder (``JUPYTER_CONFIG_DIR`` or ~/.jupyter)."""
    from jupyter_core.paths import jupyter_config_dir

    return Path(jupyter_config_dir())


def install(folder: Path | None = None) -> list[Path]:
    """Turn on the style sheet in the Jupyter config folder ``folder`` (default: the user's).

    Adds (or refreshes) this module's block in ``custom/custom.css`` and sets ``LabApp.custom_css`` in
    ``jupyter_server_config.json``, leaving every other line and setting alone. Returns the files written.
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
    return [css, settings_path]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m nncourse.labconfig", description=__doc__.splitlines()[0])
    parser.add_argument("--config-dir", type=Path, default=None,
                        help="the Jupyter config folder to write to (default: JUPYTER_CONFIG_DIR or ~/.jupyter)")
    for path in install(parser.parse_args(argv).config_dir):
        print("wrote %s" % path)


if __name__ == "__main__":
    main()
