"""Choose notebook 01's MNIST recipe (epochs, step size) on a validation split, never on the test set.

    python benchmarks/mlp_recipe.py               # every configuration (10 to 30 s each on 2 cores)
    python benchmarks/mlp_recipe.py baseline e40  # chosen ones
    python benchmarks/mlp_recipe.py --list        # what each configuration changes

Each configuration trains the notebook's from-scratch 784-256-10 ReLU MLP (its own code: the cells
that define ``init_params``, ``backprop``, ``gradient_descent`` and ``cross_entropy_cost`` are run
from the notebook, so the two cannot drift apart) with minibatch gradient descent on the first
50,000 training images, and measures its accuracy on the last 10,000 after every epoch. The test
images are not loaded. One table row per configuration, with its training time, goes to stdout and
is appended to benchmarks/mlp_recipe.md under a heading for the run.
"""

import sys
import time
from pathlib import Path

import numpy as np

from helpers import data, setup

import recipes  # benchmarks/recipes.py, next to this script

RESULTS = Path(__file__).resolve().parent / "mlp_recipe.md"
N_VALIDATION = 10_000
DEFINITIONS = ("def sigmoid(", "def init_params(", "def backprop(", "def gradient_descent(", "def softmax(")
"""The notebook's code cells that define the network, its gradients and its training, found by their text."""

BASELINE = {"epochs": 20, "learning_rate": 0.1, "hidden": 256, "lam": 1e-4, "batch_size": 64}
CONFIGURATIONS = {
    "baseline": ("the notebook's recipe until 2026-12-07", {}),
    "e30": ("30 epochs", {"epochs": 30}),
    "e40": ("40 epochs", {"epochs": 40}),
    "lr0.2": ("step size 0.2", {"learning_rate": 0.2}),
    "lr0.2-e30": ("step size 0.2, 30 epochs", {"learning_rate": 0.2, "epochs": 30}),
    "lr0.2-e40": ("step size 0.2, 40 epochs", {"learning_rate": 0.2, "epochs": 40}),
}


def run(settings, nb, x_train, y_train, x_val, y_val):
    """Train one configuration; (final validation accuracy, best one and its epoch, seconds)."""
    rng = np.random.default_rng(0)
    params = nb["init_params"]([784, settings["hidden"], 10], rng, dtype=np.float32)
    Y_train = data.one_hot(y_train)
    curve, start = [], time.perf_counter()
    for _ in range(settings["epochs"]):
        nb["gradient_descent"](params, nb["cross_entropy_cost"], x_train, Y_train, settings["learning_rate"],
                               np.float32(settings["lam"]), epochs=1, batch_size=settings["batch_size"], rng=rng)
        curve.append(np.mean(nb["predict_classes"](params, x_val) == y_val))
    return curve[-1], max(curve), int(np.argmax(curve)) + 1, time.perf_counter() - start


def main(argv=None):
    args, names = recipes.chosen(recipes.command_line(__doc__, CONFIGURATIONS), CONFIGURATIONS, argv)
    if not names:
        return 0
    setup(seed=0)
    nb = recipes.notebook_definitions("01", DEFINITIONS)
    (x, y), _ = data.load_mnist(flatten=True, n_test=1)  # the test images are not used
    x_train, y_train, x_val, y_val = x[:-N_VALIDATION], y[:-N_VALIDATION], x[-N_VALIDATION:], y[-N_VALIDATION:]
    table = recipes.ResultsTable(RESULTS, f"{len(x_train):,} training and {len(x_val):,} validation images",
                                 ["configuration", "what it changes", "epochs", "step size", "validation accuracy",
                                  "best epoch (its accuracy)", "training time"])
    for name in names:
        settings = {**BASELINE, **CONFIGURATIONS[name][1]}
        final, best, best_epoch, seconds = run(settings, nb, x_train, y_train, x_val, y_val)
        table.row(name, CONFIGURATIONS[name][0], settings["epochs"], f"{settings['learning_rate']:g}", f"{final:.2%}",
                  f"{best_epoch} ({best:.2%})", f"{seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
