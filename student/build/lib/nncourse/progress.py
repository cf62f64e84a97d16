"""Progress bars for the notebooks' long loops and trainings.

* :func:`progress` wraps a loop of the notebook (``for n_h in progress(hidden_sizes, "hidden sizes"):``)
  in a progress bar.
* :func:`training_progress` shows the progress of a training function that prints its cost every so
  many iterations (``Cost after iteration 100: 0.58``): it follows those lines as they are printed, so
  the training function itself needs no change::

      with training_progress(2500, "2-layer network"):
          parameters, costs = two_layer_model(X, Y, layers_dims, num_iterations=2500, print_cost=True)

The bars are tqdm's: a widget in JupyterLab (tqdm.auto picks it when ipywidgets is installed), a text bar
in a terminal. While grading (:func:`nncourse.grading_run.grading`) they are switched off, and nothing is
shown.
"""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from typing import Iterable, Iterator, TextIO

from .grading_run import grading

__all__ = ["progress", "training_progress"]

#: A printed line that reports an iteration, and (optionally) its cost: "Cost after iteration 100: 0.58".
_ITERATION_LINE = re.compile(r"iteration\s+(\d+)\s*:?\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)?")


def _bar(total: int | None, desc: str | None, unit: str, iterable=None):
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=grading(), dynamic_ncols=True)


def progress(iterable: Iterable, desc: str | None = None, *, total: int | None = None,
             unit: str = "it") -> Iterator:
    """Iterate over ``iterable`` showing a progress bar (none while grading).

    Args:
        iterable: what the loop goes through (a list, a range, ...).
        desc: a few words shown before the bar, e.g. "learning rates".
        total: the number of items, when ``len(iterable)`` cannot tell.
        unit: what one item is, e.g. "model".
    """
    return iter(_bar(total, desc, unit, iterable))


class _LineWatcher:
    """A stand-in for sys.stdout that passes everything on to ``stream`` and tells ``on_line`` each
    complete line; ``on_line`` returns True when it moved the bar, and ``refresh`` then redraws it. With
    ``bar`` (tqdm's terminal bar, which shares the terminal with print), whole lines are written at once,
    the bar cleared before and redrawn after, so the two never mix."""

    def __init__(self, stream: TextIO, on_line, refresh, bar=None):
        self._stream, self._on_line, self._refresh, self._bar = stream, on_line, refresh, bar
        self._line = ""        # the line being printed, for on_line
        self._unwritten = ""   # with a terminal bar: text held back until its line is complete

    def write(self, text: str) -> int:
        text = str(text)
        *complete, self._line = (self._line + text).split("\n")
        if self._bar is None:
            self._stream.write(text)
        else:
            *lines, self._unwritten = (self._unwritten + text).split("\n")
            if lines:
                self._bar.clear()
                self._stream.write("".join(line + "\n" for line in lines))
        moved = [self._on_line(line) for line in complete]
        if any(moved) or (self._bar is not None and complete):
            self._refresh()
        return len(text)

    def flush(self) -> None:
        if self._bar is not None and self._unwritten:   # a partial line asked to be shown now
            self._bar.clear()
            self._stream.write(self._unwritten)
            self._unwritten = ""
        self._stream.flush()

    def __getattr__(self, name):   # encoding, isatty, fileno, ...: those of the real stream
        return getattr(self._stream, name)


@contextmanager
def training_progress(num_iterations: int, desc: str = "training") -> Iterator[None]:
    """A progress bar for a training that prints ``... iteration <i>: <cost>`` lines.

    Inside the ``with`` block, everything printed still appears as usual; each line that names an
    iteration moves the bar to that iteration and shows its cost. When the block ends normally the bar
    is full; when it ends with an error, the bar stays where the training stopped.

    Args:
        num_iterations: how many iterations the training runs (the bar's length).
        desc: a few words shown before the bar, e.g. "4-layer network".
    """
    if grading():
        yield
        return
    bar = _bar(num_iterations, desc, "iteration")
    text_bar = not hasattr(bar, "container")   # tqdm's terminal bar shares the terminal with print()

    def on_line(line: str) -> bool:
        found = _ITERATION_LINE.search(line)
        if not found:
            return False
        if found.group(2):
            bar.set_postfix_str("cost %.6f" % float(found.group(2)), refresh=False)
        bar.n = max(bar.n, min(int(found.group(1)) + 1, num_iterations))   # iteration i done: i + 1 of them
        return True

    watcher = _LineWatcher(sys.stdout, on_line, bar.refresh, bar if text_bar else None)
    original, sys.stdout = sys.stdout, watcher
    finished = False
    try:
        yield
        finished = True
    finally:
        watcher.flush()
        sys.stdout = original
        if finished:
            bar.update(max(0, num_iterations - bar.n))
        bar.close()
