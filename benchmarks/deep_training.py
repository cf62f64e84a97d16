"""Speed of assignment 5's 4-layer training against the matrix products it cannot avoid.

    NNCOURSE_DATA_DIR=/path/to/catvnoncat .venv/bin/python benchmarks/deep_training.py \
        [--iterations 2500] [--repeat 1] [--threads 1]

Times the instructor's `L_layer_model` (the solution cell of source/a5_deep_application, which trains with
the building blocks that assignment 5 hands out: dnn_blocks.py, made from assignment 4's solutions, and
dnn_app_utils.py) on the real training set: layers [12288, 20, 7, 5, 1], 209 pictures,
learning rate 0.0075, float64. In the same run it times the matrix products that such a training cannot
avoid at these shapes and dtype, as many times as the training does them:

* forward, every layer l:  W{l} @ A{l-1}
* backward, every layer l: dZ{l} @ A{l-1}.T  (for dW{l})
* backward, layers 2..L:   W{l}.T @ dZ{l}    (for dA{l-1}; the first layer's dA0, the gradient with respect to
  the pixels, is never used by training, so it is not counted)

and prints training time / product time. The training computes dA0 as well, because its backward pass is
assignment 4's (whose L_model_backward returns dA0, as the course's does): one source of truth for the
blocks costs that one product per step (issue 5 measured 1.15 with a private backward pass that skipped it;
about 1.5 is expected now). The products use the training's own array layouts (the pictures are a
transposed, Fortran-ordered view, as the notebook makes them).

BLAS runs with --threads threads (default 1, through threadpoolctl): on a small shared machine more
threads mostly measure the contention between them, for the training and the products alike.

It prints the cost at iteration 0 and at the last iteration and the training accuracy too, so that a
speed-up that changed the numbers would show; tests/test_a5_deep_application.py checks them against the
course's published values.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "source" / "a5_deep_application" / "deep_application.ipynb"
LAYERS = [12288, 20, 7, 5, 1]
LEARNING_RATE = 0.0075


def handouts():
    """Assignment 5's handed-out modules (dnn_blocks, dnn_app_utils), imported from its source folder."""
    sys.path.insert(0, str(SOURCE.parent))
    import dnn_app_utils
    import dnn_blocks

    return dnn_blocks, dnn_app_utils


def instructor_L_layer_model():
    """The instructor's L_layer_model, compiled from the source notebook with the notebook's imports."""
    from grader.authoring.solutions import instructor_solutions

    namespace = {"np": np, **{name: getattr(module, name) for module in handouts()
                              for name in dir(module) if not name.startswith("_")}}
    exec(compile(instructor_solutions(SOURCE)["L_layer_model"], str(SOURCE), "exec"), namespace)
    return namespace["L_layer_model"]


def unavoidable_products(X, layers_dims, iterations):
    """Seconds for `iterations` rounds of the products a training step cannot avoid (see the docstring)."""
    parameters = handouts()[1].initialize_parameters_deep(layers_dims)
    rng = np.random.default_rng(0)
    m = X.shape[1]
    L = len(layers_dims) - 1
    W = [parameters["W%d" % l] for l in range(1, L + 1)]
    A = [X] + [np.abs(rng.standard_normal((layers_dims[l], m))) for l in range(1, L)]  # inputs of each layer
    dZ = [rng.standard_normal((layers_dims[l], m)) for l in range(1, L + 1)]
    start = time.perf_counter()
    for _ in range(iterations):
        for l in range(L):
            np.dot(W[l], A[l])
        for l in reversed(range(L)):
            np.dot(dZ[l], A[l].T)
            if l > 0:
                np.dot(W[l].T, dZ[l])
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2500)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each timing; the fastest counts")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    args = parser.parse_args()

    from threadpoolctl import threadpool_limits

    from nncourse.datasets import DatasetError, load_catvnoncat

    try:
        train_x_orig, train_y, _, _, _ = load_catvnoncat()
    except DatasetError as err:
        print("cannot run without the cat / non-cat data: %s" % err, file=sys.stderr)
        return 1
    train_x = train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.   # exactly as the notebook
    L_layer_model = instructor_L_layer_model()

    print("4-layer training %s, %d iterations, float64, BLAS threads: %d"
          % (LAYERS, args.iterations, args.threads))
    runs = {"training": [], "products": []}
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for _ in range(args.repeat):
            time_one_round(args, train_x, train_y, L_layer_model, runs)
    report(args, runs, train_x, train_y)
    return 0


def time_one_round(args, train_x, train_y, L_layer_model, runs):
    """Time the products and the instructor training once."""
    runs["products"].append(unavoidable_products(train_x, LAYERS, args.iterations))
    start = time.perf_counter()
    parameters, costs = L_layer_model(train_x, train_y, LAYERS, learning_rate=LEARNING_RATE,
                                      num_iterations=args.iterations)
    runs["training"].append(time.perf_counter() - start)
    runs["parameters"], runs["costs"] = parameters, costs


def report(args, runs, train_x, train_y):
    accuracy, predict = handouts()[1].accuracy, handouts()[1].predict
    parameters, costs = runs.pop("parameters"), runs.pop("costs")
    best = {name: min(times) for name, times in runs.items() if times}
    per_step = lambda seconds: 1000 * seconds / args.iterations  # noqa: E731
    print("%-40s %9s %12s" % ("", "seconds", "ms per step"))
    print("%-40s %9.1f %12.2f" % ("instructor training (handed-out blocks)", best["training"],
                                  per_step(best["training"])))
    print("%-40s %9.1f %12.2f" % ("unavoidable matrix products", best["products"], per_step(best["products"])))
    print("ratio training / products: %.2f (dA0 included in the training, not in the products)"
          % (best["training"] / best["products"]))
    if args.repeat > 1:
        print("(fastest of %d runs; medians: training %.1f s, products %.1f s)"
              % (args.repeat, statistics.median(runs["training"]), statistics.median(runs["products"])))
    print("cost at iteration 0: %r; cost recorded last (iteration %d): %r"
          % (float(costs[0]), 100 * (len(costs) - 1), float(costs[-1])))
    print("training accuracy: %r" % accuracy(predict(train_x, train_y, parameters, print_accuracy=False), train_y))


if __name__ == "__main__":
    sys.exit(main())
