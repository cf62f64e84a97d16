"""The student runtime's helpers for the notebooks' long cells, pictures and data (nncourse.grading_run,
nncourse.progress, nncourse.pictures, nncourse.datasets.try_load_catvnoncat), used the way the notebooks use them.

* grading() is what nbgrader's NBGRADER_EXECUTION says; while grading, the progress bars show nothing and
  change nothing (the printed costs still reach the notebook).
* training_progress follows the "iteration i: cost" lines a training prints: every line still reaches the
  output unchanged, the bar ends full when the training ends, and stays where the training stopped when it
  fails. In a terminal it draws tqdm's text bar on stderr; in a notebook kernel tqdm's widget (checked in a
  real kernel).
* "Try your own picture": the file name is read relative to the notebook's folder; a missing file, a folder,
  a file that is not a picture, or a value that is not a name each give a message that says what to do.
* try_load_catvnoncat says why the data set is not loaded (grading, or the files missing) instead of failing.
"""

from __future__ import annotations

import io
import sys

import numpy as np
import pytest

from nncourse import grading_run, pictures, progress
from nncourse.datasets import try_load_catvnoncat
from nncourse.pictures import PictureError, load_your_picture, picture_to_classify


def _training(iterations: int, fail_at: int | None = None):
    for i in range(iterations):
        if i == fail_at:
            raise FloatingPointError("diverged at iteration %d" % i)
        if i % 100 == 0 or i == iterations - 1:
            print("Cost after iteration %i: %f" % (i, 1 / (i + 1)))
    return "trained"


class _Captured:
    """sys.stdout and sys.stderr replaced by buffers; tqdm writes to sys.stderr as it finds it."""

    def __enter__(self):
        self.out, self.err = io.StringIO(), io.StringIO()
        self._saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self.out, self.err
        return self

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self._saved


def test_grading_is_what_nbgrader_says(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert grading_run.grading() is False
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert grading_run.grading() is True
    monkeypatch.setenv("NBGRADER_EXECUTION", "")
    assert grading_run.grading() is False


def test_training_progress_passes_every_line_through_and_ends_full(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with _Captured() as captured:
        with progress.training_progress(550, "demo"):
            result = _training(550)
        print("after")
    expected = "".join("Cost after iteration %i: %f\n" % (i, 1 / (i + 1)) for i in (0, 100, 200, 300, 400, 500, 549))
    assert captured.out.getvalue() == expected + "after\n"
    assert result == "trained" and sys.stdout is not captured.out   # restored after the capture, too
    bar = captured.err.getvalue()
    assert "demo:" in bar and "550/550" in bar and "cost 0.001818" in bar
    assert "101/550" in bar                          # moved when iteration 100 was printed


def test_training_progress_stays_where_a_failing_training_stopped(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with _Captured() as captured:
        saved = sys.stdout
        with pytest.raises(FloatingPointError):
            with progress.training_progress(1000, "failing"):
                _training(1000, fail_at=250)
        assert sys.stdout is saved
    bar = captured.err.getvalue()
    assert "201/1000" in bar and "1000/1000" not in bar


def test_a_training_that_prints_nothing_still_gets_a_full_bar(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with _Captured() as captured:
        with progress.training_progress(30, "quiet"):
            pass
    assert "30/30" in captured.err.getvalue() and captured.out.getvalue() == ""


def test_progress_bars_are_silent_while_grading(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with _Captured() as captured:
        with progress.training_progress(300, "graded"):
            _training(300)
        items = list(progress.progress([1, 2, 3], "loop"))
    assert items == [1, 2, 3]
    assert captured.err.getvalue() == ""
    assert captured.out.getvalue().count("Cost after iteration") == 4


def test_progress_wraps_a_loop(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with _Captured() as captured:
        items = [x * 2 for x in progress.progress(range(4), "doubling", unit="number")]
    assert items == [0, 2, 4, 6] and "4/4" in captured.err.getvalue() and "doubling" in captured.err.getvalue()


@pytest.mark.slow
def test_in_a_notebook_kernel_the_bar_is_a_widget_and_the_costs_are_printed(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    code = ("from nncourse.progress import training_progress\n"
            "def train(n):\n"
            "    for i in range(n):\n"
            "        if i % 100 == 0:\n"
            "            print('Cost after iteration %i: %f' % (i, 1 / (i + 1)))\n"
            "with training_progress(300, 'widget'):\n"
            "    train(300)\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets) == 1 and "widget:" in widgets[0]["data"]["text/plain"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stdout")
    assert text == "Cost after iteration 0: 1.000000\nCost after iteration 100: 0.009901\n" \
                   "Cost after iteration 200: 0.004975\n"
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]


# ---------------------------------------------------------------- try your own picture
def test_an_empty_name_gives_the_drawn_cat_as_the_notebooks_did(tmp_path):
    drawn = picture_to_classify("", 64)
    saved = pictures.load_picture(pictures.make_example_picture(tmp_path / "cat.png", np.random.default_rng(3)), 64)
    assert drawn.shape == (64, 64, 3) and drawn.dtype == np.uint8
    assert np.array_equal(drawn, saved)
    assert np.array_equal(picture_to_classify("  "), drawn)


def test_your_picture_is_read_from_the_notebooks_folder(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (120, 80), (200, 30, 40)).save(tmp_path / "my_cat.jpg")
    picture = picture_to_classify(" my_cat.jpg ", 64)
    assert picture.shape == (64, 64, 3) and abs(int(picture[32, 32, 0]) - 200) < 10
    assert load_your_picture(tmp_path / "my_cat.jpg", 16).shape == (16, 16, 3)


def test_a_photo_taken_sideways_is_turned_upright(tmp_path):
    from PIL import Image

    photo = Image.new("RGB", (40, 20), (0, 0, 0))
    photo.paste((255, 255, 255), (0, 0, 20, 20))        # white on the left half
    exif = Image.Exif()
    exif[0x0112] = 6                                     # "rotate 90 degrees clockwise to view"
    photo.save(tmp_path / "sideways.jpg", exif=exif)
    upright = load_your_picture(tmp_path / "sideways.jpg", 20)
    assert upright[2, 10].mean() > 200 and upright[17, 10].mean() < 60   # white on top once turned


@pytest.mark.parametrize("make, name, message", [
    (lambda folder: None, "my_cat.jpg", "There is no file 'my_cat.jpg' in the folder"),
    (lambda folder: (folder / "photos").mkdir(), "photos", "'photos' is a folder, not a picture"),
    (lambda folder: (folder / "notes.jpg").write_text("not a picture"), "notes.jpg",
     "'notes.jpg' is not a picture this notebook can read"),
    (lambda folder: None, 42, 'my_picture should be a file name in quotes, such as "my_cat.jpg", not 42'),
])
def test_a_picture_that_cannot_be_used_gets_a_message_saying_what_to_do(tmp_path, monkeypatch, make, name,
                                                                         message):
    monkeypatch.chdir(tmp_path)
    make(tmp_path)
    with pytest.raises(PictureError) as caught:
        picture_to_classify(name)
    text = str(caught.value)
    assert message in text
    if name == "my_cat.jpg":
        assert str(tmp_path) in text and "Upload" in text and "holds no picture yet" in text
    if name == "notes.jpg":
        assert "JPEG" in text and "PNG" in text and "HEIC" in text


def test_a_missing_picture_lists_the_pictures_that_are_there(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (8, 8)).save(tmp_path / "My Cat.PNG")
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(PictureError, match=r"Pictures in that folder now: My Cat\.PNG\.$"):
        picture_to_classify("my_cat.png")


# ---------------------------------------------------------------- the data cell
def test_the_data_set_is_not_loaded_while_grading(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setenv("NNCOURSE_DATA_DIR", str(tmp_path / "nothing here"))
    assert try_load_catvnoncat() is None
    assert capsys.readouterr().out.startswith("Grading run: the data set is not loaded")


def test_missing_data_files_are_explained_not_raised(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("NNCOURSE_DATA_DIR", str(tmp_path))
    assert try_load_catvnoncat() is None
    out = capsys.readouterr().out
    assert "The data set is not available" in out and "train_catvnoncat.h5" in out
