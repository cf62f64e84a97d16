"""The figures of the notebooks: SVG files drawn by scripts/draw_figures.py, released with their assignment.

* The committed files are exactly what the script draws today (one source of truth, like release/).
* Every figure is referenced by a notebook of its assignment, every image a notebook references exists in the
  assignment's folder, and nbgrader copies them to release/ (tests/test_release.py compares the file lists).
* Each figure is plain, self-contained SVG: well-formed, titled for screen readers, no script, no external
  reference, and it carries the names and shapes its notebook's text uses.
* The markup that sets sub- and superscripts is parsed correctly.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET

import nbformat
import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))

import draw_figures  # noqa: E402
import svg  # noqa: E402

SVG_NS = "{http://www.w3.org/2000/svg}"
DRAWN = draw_figures.render_all()
COMMITTED = sorted((p.parent.parent.name, p.name) for p in (REPO / "source").glob("*/images/*.svg"))

#: what each figure must say, as its text reads once the sub- and superscripts are flattened ("W[1]: (4, 2)")
LABELS = {
    ("a0_concepts_quiz", "relu_neuron.svg"): ["z = w x + b", "max(0, z)", "ŷ"],
    ("a1_numpy_basics", "image_to_vector.svg"): ["image: shape (a, b, c)", "v: shape (a · b · c, 1)",
                                                 "image[0, 0, 0]", "image[0, 0, 1]", "image[0, 1, 0]"],
    ("a2_logistic_regression", "pictures_to_matrix.svg"): ["(64, 64, 3)", "(12288, 1)", "X: (12288, m)",
                                                           "(12288, 209)", "(12288, 50)", "÷ 255"],
    ("a2_logistic_regression", "logistic_unit.svg"): ["z = wT x + b", "a = σ(z)", "x: (12288, 1)",
                                                      "w: (12288, 1)", "ℒ(a, y)"],
    ("a3_planar_data", "one_hidden_layer.svg"): ["x: (2, 1)", "W[1]: (4, 2), b[1]: (4, 1)",
                                                 "W[2]: (1, 4), b[2]: (1, 1)", "X (2, m)", "A[1] (4, m)",
                                                 "A[2] (1, m)", "nh = 4 units"],
    ("a4_deep_network", "l_layer_outline.svg"): ["LINEAR → RELU", "LINEAR → SIGMOID", "(n[0], m)",
                                                 "W[l]: (n[l], n[l−1])", "b[l]: (n[l], 1)", "(1, m)"],
    ("a4_deep_network", "forward_backward.svg"): ["cache 1", "((A[0], W[1], b[1]), Z[1])", "((A[2], W[3], b[3]), Z[3])",
                                                  "dA[3]", "dW[1], db[1]", "cost J"],
    ("a4_deep_network", "linear_backward.svg"): ["cache: (A[l−1], W[l], b[l])", "dZ[l]", "(n[l], m)",
                                                 "= W[l]T dZ[l]", "(n[l−1], m)", "dW[l] = (1/m) dZ[l] A[l−1]T",
                                                 "(n[l], n[l−1])", "(n[l], 1)"],
    ("a5_deep_application", "pictures_to_matrix.svg"): ["(12288, 209)", "(12288, 50)"],
    ("a5_deep_application", "two_layer_model.svg"): ["W[1]: (7, 12288)", "b[1]: (7, 1)", "a[1]: (7, 1)",
                                                     "W[2]: (1, 7)", "b[2]: (1, 1)", "(12288, 7, 1)"],
    ("a5_deep_application", "l_layer_model.svg"): ["W[1]: (20, 12288)", "W[2]: (7, 20)", "W[3]: (5, 7)",
                                                   "W[4]: (1, 5)", "b[4]: (1, 1)", "20 units"],
    ("a6_digits", "digits_network.svg"): ["x: (400,)", "W[1]: (400, 25)", "b[1]: (25,)", "W[2]: (25, 15)",
                                          "b[2]: (15,)", "W[3]: (15, 1)", "b[3]: (1,)", "X (m, 400)"],
    ("a3_shallow_networks_quiz", "shallow_network.svg"): ["nx = 3 inputs", "nh = 5 units"],
    ("a5_deep_networks_quiz", "deep_network.svg"): ["layer_dims = [4, 5, 3, 1]", "n[1] = 5"],
}
#: what a quiz figure must not show: the shapes its questions ask for
SECRETS = {
    ("a3_shallow_networks_quiz", "shallow_network.svg"): ["(5, 3)", "(5, 1)", "(1, 5)", "(5, m)"],
    ("a5_deep_networks_quiz", "deep_network.svg"): ["(5, 4)", "(3, 5)", "(3, 1)", "47"],
}


def _texts(svg_text: str) -> list[str]:
    root = ET.fromstring(svg_text)
    return ["".join(element.itertext()) for element in root.iter(SVG_NS + "text")]


def _markdown_images(assignment: str) -> set[str]:
    found = set()
    for path in (REPO / "source" / assignment).glob("*.ipynb"):
        for cell in nbformat.read(str(path), as_version=4).cells:
            if cell.cell_type == "markdown":
                found |= set(re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", cell.source))
    return found


def test_the_committed_figures_are_what_the_script_draws():
    assert COMMITTED == sorted(DRAWN), "run scripts/draw_figures.py and commit source/*/images/"
    for (assignment, name), text in DRAWN.items():
        path = draw_figures.figure_path(assignment, name)
        assert path.read_text() == text, "%s is out of date: run scripts/draw_figures.py" % path


def test_every_figure_is_shown_and_every_image_shown_exists():
    for assignment in sorted({a for a, _ in DRAWN}):
        referenced = _markdown_images(assignment)
        drawn = {"images/" + name for a, name in DRAWN if a == assignment}
        assert drawn <= referenced, (assignment, drawn - referenced)
        for target in referenced:
            assert not re.match(r"\w+:", target), "%s: %s is not a relative path" % (assignment, target)
            assert (REPO / "source" / assignment / target).is_file(), (assignment, target)


def test_every_notebook_figure_is_an_svg_of_this_workbook():
    """Notebooks show no picture from elsewhere: every markdown image is one of the drawn figures."""
    for assignment in (p.name for p in (REPO / "source").iterdir() if p.is_dir()):
        for target in _markdown_images(assignment):
            assert (assignment, target.removeprefix("images/")) in DRAWN, (assignment, target)


@pytest.mark.parametrize("key", sorted(DRAWN), ids=lambda k: "%s/%s" % k)
def test_each_figure_is_self_contained_titled_svg(key):
    text = DRAWN[key]
    root = ET.fromstring(text)
    assert root.tag == SVG_NS + "svg" and root.get("viewBox") and root.get("role") == "img"
    title = root.find(SVG_NS + "title")
    assert title is not None and len(title.text) > 30
    for forbidden in ("<script", "href", "url(", "@import", "<image", "<foreignObject"):
        assert forbidden not in text, forbidden


@pytest.mark.parametrize("key", sorted(LABELS), ids=lambda k: "%s/%s" % k)
def test_each_figure_is_labelled_with_the_shapes_its_notebook_uses(key):
    everything = "\n".join(_texts(DRAWN[key]))
    for label in LABELS[key]:
        assert label in everything, (key, label)
    for secret in SECRETS.get(key, []):
        assert secret not in everything, (key, secret)
    assert set(LABELS) == set(DRAWN)


def test_the_text_markup_raises_and_lowers_and_italicises():
    assert svg._runs("W^{[1]}: (4, 2)") == [("W", 0, False), ("[1]", 1, False), (": (4, 2)", 0, False)]
    assert svg._runs("*x*_{1}") == [("x", 0, True), ("1", -1, False)]
    assert svg._runs("dZ^{[*l*](*i*)}") == [("dZ", 0, False), ("[", 1, False), ("l", 1, True), ("](", 1, False),
                                             ("i", 1, True), (")", 1, False)]
    for broken in ("W^{[1]", "*x", "a}"):
        with pytest.raises(ValueError):
            svg._runs(broken)


@pytest.mark.slow
def test_the_feedback_shows_the_figures_too(demo_run):
    """A feedback page carries its notebook's figures inside it (data URIs made from the assignment's own
    images/ folder, never from the submission's), so that it stands alone wherever a student opens it."""
    import base64

    from conftest import selected

    course, _ = demo_run
    checked = 0
    for assignment in selected(sorted({a for a, _ in DRAWN})):
        for page in (course.root / "feedback").glob("*/%s/*.html" % assignment):
            html = page.read_text()
            for a, name in DRAWN:
                if a == assignment:
                    encoded = base64.b64encode(DRAWN[(a, name)].encode()).decode("ascii")
                    assert 'src="data:image/svg+xml;base64,%s"' % encoded in html, (page, name)
                    checked += 1
    assert checked or not selected(sorted({a for a, _ in DRAWN}))
