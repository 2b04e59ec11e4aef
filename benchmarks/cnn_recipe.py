"""Choose notebook 05's MNIST CNN recipe (epochs, step size, shifted copies) on a validation split.

    python benchmarks/cnn_recipe.py               # every configuration (1 to 3 min each on 2 cores)
    python benchmarks/cnn_recipe.py baseline e8   # chosen ones
    python benchmarks/cnn_recipe.py --list        # what each configuration changes

Each configuration trains the notebook's CNN (its layers come from the notebook's own cell, so the
two cannot drift apart; ``helpers.cnn.fit_classifier``, as in the notebook)
on the first 55,000 training images and measures its accuracy on the last 5,000, the notebook's own
validation split. The test images are not loaded. One table row per configuration, with its
training time, goes to stdout and is appended to benchmarks/cnn_recipe.md under a heading for the run.
"""

import sys
import time
from pathlib import Path

from helpers import cnn, data, setup

import recipes  # benchmarks/recipes.py, next to this script

RESULTS = Path(__file__).resolve().parent / "cnn_recipe.md"
N_VALIDATION = 5_000

BASELINE = {"epochs": 5, "batch_size": 128, "learning_rate": 2e-3, "shift": 0}
CONFIGURATIONS = {
    "baseline": ("the notebook's recipe until 2026-12-07", {}),
    "e8": ("8 epochs", {"epochs": 8}),
    "e12": ("12 epochs", {"epochs": 12}),
    "lr3e-3": ("step size 3e-3", {"learning_rate": 3e-3}),
    "shift2-e8": ("every batch shifted by up to 2 pixels each way, 8 epochs", {"shift": 2, "epochs": 8}),
    "shift2-e12": ("every batch shifted by up to 2 pixels each way, 12 epochs", {"shift": 2, "epochs": 12}),
}


def run(settings, layers, x_train, y_train, x_val, y_val):
    """Train one configuration (``helpers.cnn.fit_classifier``, as the notebook); (validation accuracy
    after each epoch, seconds)."""
    import keras

    keras.utils.set_random_seed(0)
    model = cnn.to_keras((28, 28, 1), layers)
    start = time.perf_counter()
    history = cnn.fit_classifier(model, x_train, y_train, epochs=settings["epochs"], validation=(x_val, y_val),
                                 shift=settings["shift"], batch_size=settings["batch_size"],
                                 learning_rate=settings["learning_rate"])
    return history["val_accuracy"], time.perf_counter() - start


def main(argv=None):
    args, names = recipes.chosen(recipes.command_line(__doc__, CONFIGURATIONS), CONFIGURATIONS, argv)
    if not names:
        return 0
    setup(seed=0)
    layers = recipes.notebook_definitions("05", ("mnist_layers = cnn.pattern(",))["mnist_layers"]
    (x, y), _ = data.load_mnist(n_test=1)  # the test images are not used
    x = x[..., None]
    x_train, y_train, x_val, y_val = x[:-N_VALIDATION], y[:-N_VALIDATION], x[-N_VALIDATION:], y[-N_VALIDATION:]
    table = recipes.ResultsTable(RESULTS, f"{len(x_train):,} training and {len(x_val):,} validation images",
                                 ["configuration", "what it changes", "epochs", "validation accuracy",
                                  "best epoch (its accuracy)", "training time"])
    for name in names:
        settings = {**BASELINE, **CONFIGURATIONS[name][1]}
        curve, seconds = run(settings, layers, x_train, y_train, x_val, y_val)
        best = max(range(len(curve)), key=curve.__getitem__)
        table.row(name, CONFIGURATIONS[name][0], settings["epochs"], f"{curve[-1]:.2%}",
                  f"{best + 1} ({curve[best]:.2%})", f"{seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
