"""Assignment 5: the trained networks reproduce the course's published numbers on the real pictures.

The parity tests read the outputs of the source notebook executed once per session (the `executed_source`
fixture, shared with nbval, whose re-run skips the cells tagged nbval-skip: the trainings and what uses
them). They need the cat / non-cat files and skip, saying so, when those are not available (CI has them:
tests/conftest.py points NNCOURSE_DATA_DIR at the shared copy).

Exact: the cost at iteration 0, the accuracies, the misclassified test pictures. The later costs are
compared with a relative tolerance of 1e-12: the training is float64 throughout, in the course's order of
operations, but the last bits of a cost depend on the machine's SIMD exp/log and BLAS kernels (here the
2-layer run leaves the published trajectory in the 16th digit after about 800 steps; at most 1e-13 relative
by step 2500), and the published values came from another machine.
"""

import re
import shutil

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from conftest import REPO, handout, selected

deep = handout("a5_deep_application", "dnn_blocks")   # assignment 4's solutions, as handed out here
app = handout("a5_deep_application", "dnn_app_utils")
from nncourse.datasets import data_available
from nncourse.grading_run import SKIP_TAG
from grader.authoring.solutions import instructor_solutions

SOURCE = REPO / "source" / "a5_deep_application" / "deep_application.ipynb"
COST_RTOL = 1e-12

PUBLISHED = {
    "2-layer": {
        "training_cell": "parameters_2, costs_2 = two_layer_model(",
        "costs": [0.693049735659989, 0.6464320953428849, 0.6325140647912677, 0.6015024920354665,
                  0.5601966311605747, 0.5158304772764729, 0.4754901313943325, 0.4339163151225749,
                  0.4007977536203889, 0.3580705011323798, 0.3394281538366412, 0.3052753636196265,
                  0.27491377282130164, 0.24681768210614832, 0.19850735037466102, 0.1744831811255665,
                  0.1708076297809593, 0.11306524562164734, 0.09629426845937145, 0.08342617959726863,
                  0.07439078704319081, 0.06630748132267927, 0.05919329501038168, 0.05336140348560552,
                  0.04855478562877017],
        "last": 0.04421498215868951,
        "train": "0.9999999999999998", "test": "0.72"},
    "4-layer": {
        "training_cell": "parameters_4, costs_4 = L_layer_model(",
        "costs": [0.7717493284237686, 0.6720534400822914, 0.6482632048575212, 0.6115068816101356,
                  0.5670473268366111, 0.5401376634547801, 0.5279299569455267, 0.4654773771766851,
                  0.36912585249592794, 0.39174697434805356, 0.3151869888600615, 0.2726998441789385,
                  0.23741853400268137, 0.19960120532208644, 0.18926300388463305, 0.16118854665827753,
                  0.14821389662363316, 0.13777487812972944, 0.12974017549190123, 0.12122535068005211,
                  0.1138206066863371, 0.10783928526254132, 0.10285466069352679, 0.10089745445261786,
                  0.09287821526472395],
        "last": 0.088439943441702,
        "train": "0.9856459330143539", "test": "0.8"},
}
MISCLASSIFIED = [5, 11, 13, 19, 28, 29, 34, 38, 44, 45]


def _cell(nb, marker):
    found = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(found) == 1, "expected one code cell containing %r, found %d" % (marker, len(found))
    return found[0]


def _text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def _has_picture(cell):
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def skip_unless_selected():
    if not selected(["a5_deep_application"]):
        pytest.skip("NNCOURSE_ONLY leaves out a5_deep_application")


@pytest.fixture(scope="module")
def executed(executed_source):
    skip_unless_selected()
    if not data_available():
        pytest.skip("the cat / non-cat files are not available: set NNCOURSE_DATA_DIR to a folder holding "
                    "train_catvnoncat.h5 and test_catvnoncat.h5 to run the parity tests")
    _, nb = executed_source(SOURCE)
    return nb


# ---------------------------------------------------------------- parity on the real pictures (slow)
@pytest.mark.slow
@pytest.mark.parametrize("network", sorted(PUBLISHED))
def test_training_reproduces_the_published_costs(executed, network):
    published = PUBLISHED[network]
    printed = {int(i): float(v) for i, v in
               re.findall(r"Cost after iteration (\d+): (\S+)", _text(_cell(executed, published["training_cell"])))}
    assert sorted(printed) == list(range(0, 2500, 100)) + [2499]
    assert printed[0] == published["costs"][0]
    for index, expected in enumerate(published["costs"]):
        assert printed[100 * index] == pytest.approx(expected, rel=COST_RTOL, abs=0), 100 * index
    assert printed[2499] == pytest.approx(published["last"], rel=COST_RTOL, abs=0)


@pytest.mark.slow
@pytest.mark.parametrize("network", sorted(PUBLISHED))
def test_accuracies_are_the_published_ones(executed, network):
    published = PUBLISHED[network]
    text = "".join(_text(c) for c in executed.cells if c.cell_type == "code")
    assert "%s network, training set: Accuracy: %s\n" % (network, published["train"]) in text
    assert "%s network, test set: Accuracy: %s\n" % (network, published["test"]) in text


@pytest.mark.slow
def test_the_misclassified_pictures_are_listed_and_shown(executed):
    cell = _cell(executed, "misclassified = np.flatnonzero(")
    assert "misclassified test pictures: %s" % MISCLASSIFIED in _text(cell)
    assert _has_picture(cell)
    assert _has_picture(_cell(executed, 'plot_costs({"2-layer network": costs_2, "4-layer network": costs_4}'))
    own = _cell(executed, "my_picture = ")
    assert _has_picture(own) and "The 4-layer network says this is a" in _text(own)


@pytest.mark.slow
def test_without_the_data_the_data_cell_says_what_to_do_and_the_exercises_still_run(tmp_path):
    """A student without the files: the cell that loads them says which files and what to do; only the cells
    that use the data (tagged skip-when-graded) fail; every exercise and its check still runs."""
    skip_unless_selected()
    folder = tmp_path / SOURCE.parent.name   # the notebook with the files it imports, as students get it
    shutil.copytree(SOURCE.parent, folder)
    nb = nbformat.read(str(folder / SOURCE.name), as_version=4)
    empty = tmp_path / "no_data"
    empty.mkdir()
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NNCOURSE_DATA_DIR", str(empty))
        patch.delenv("NBGRADER_EXECUTION", raising=False)
        client.execute()
    failed = [c for c in nb.cells if any(o.output_type == "error" for o in c.get("outputs", []))]
    assert failed and all(SKIP_TAG in c.metadata.get("tags", []) for c in failed), [c.source[:80] for c in failed]
    (first,) = [o for o in failed[0].outputs if o.output_type == "error"]
    assert "load_catvnoncat()" in failed[0].source and first.ename == "DatasetUnavailable"
    assert "does not hold" in first.evalue and "What to do" in first.evalue


# ---------------------------------------------------------------- the instructor solutions (fast)
@pytest.fixture(scope="module")
def solutions():
    namespace = {"np": np, **{name: getattr(module, name) for module in (deep, app)
                              for name in dir(module) if not name.startswith("_")}}
    for name, code in instructor_solutions(SOURCE).items():
        exec(compile(code, "%s:%s" % (SOURCE.name, name), "exec"), namespace)
    return namespace


def test_the_notebook_takes_its_building_blocks_from_the_handed_out_modules():
    code = "\n".join(c.source for c in nbformat.read(str(SOURCE), as_version=4).cells if c.cell_type == "code")
    for name in ("initialize_parameters", "linear_activation_forward", "L_model_forward", "compute_cost",
                 "linear_activation_backward", "L_model_backward", "update_parameters", "predict"):
        assert "def %s(" % name not in code, "%s should come from dnn_blocks / dnn_app_utils, not be pasted" % name
    assert "from dnn_blocks import" in code and "from dnn_app_utils import" in code


def test_two_layer_model_reproduces_the_course_test_case(solutions):
    rs = np.random.RandomState(1)
    X, Y = rs.randn(10, 10), rs.randn(1, 10)
    parameters, costs = solutions["two_layer_model"](X, Y, (10, 4, 1), num_iterations=2, learning_rate=0.0075)
    np.testing.assert_allclose(costs, [0.69315968], atol=1e-8)
    np.testing.assert_allclose(parameters["b1"].ravel(), [1.10437111e-05, 1.78437869e-05, 3.74879549e-05,
                                                          -4.42988824e-05], rtol=1e-7)
    np.testing.assert_allclose(parameters["b2"], [[-0.00689018]], atol=1e-8)
    parameters, _ = solutions["two_layer_model"](X, Y, (10, 4, 1), num_iterations=3, learning_rate=0.1)
    np.testing.assert_allclose(parameters["b2"], [[-0.13451354]], atol=1e-8)


def test_L_layer_model_reproduces_the_course_test_case_and_prints_as_the_course(solutions, capsys):
    rs = np.random.RandomState(1)
    X = rs.randn(10, 10)
    Y = np.array([[1, 1, 1, 1, 0, 0, 0, 1, 1, 0]])
    parameters, costs = solutions["L_layer_model"](X, Y, [10, 5, 6, 1], num_iterations=2, learning_rate=0.0075)
    np.testing.assert_allclose(costs, [0.70723944], atol=1e-8)
    np.testing.assert_allclose(parameters["W3"], [[-0.09079199, -0.08117381, 0.07667568, 0.16665535,
                                                   0.08029575, 0.04805811]], atol=1e-8)
    parameters, costs = solutions["L_layer_model"](X, Y, [10, 5, 6, 1], num_iterations=201, learning_rate=0.02,
                                                   print_cost=True)
    printed = re.findall(r"Cost after iteration (\d+): ", capsys.readouterr().out)
    assert printed == ["0", "100", "200"] and len(costs) == 3


def test_the_lean_backward_pass_trains_bit_for_bit_like_the_textbook_one(solutions):
    rng = np.random.default_rng(0)
    X = rng.random((300, 40))
    Y = (rng.random((1, 40)) > 0.5).astype(np.int64)
    dims = [300, 8, 5, 1]
    parameters, costs = solutions["L_layer_model"](X, Y, dims, num_iterations=150, learning_rate=0.05)
    textbook = app.initialize_parameters_deep(dims)
    textbook_costs = []
    for i in range(150):
        AL, caches = deep.L_model_forward(X, textbook)
        cost = deep.compute_cost(AL, Y)
        textbook = deep.update_parameters(textbook, deep.L_model_backward(AL, Y, caches), 0.05)
        if i % 100 == 0:
            textbook_costs.append(cost)
    assert all(np.array_equal(parameters[k], textbook[k]) for k in textbook)
    assert [float(c) for c in costs] == [float(c) for c in textbook_costs]
