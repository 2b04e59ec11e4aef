"""Choose notebook 06's row-by-row MNIST recipe on a validation split, never on the test set.

    python benchmarks/rnn_mnist_recipe.py                      # every configuration, every cell
    python benchmarks/rnn_mnist_recipe.py baseline b256 --cells LSTM GRU
    python benchmarks/rnn_mnist_recipe.py --list               # what each configuration changes

Each configuration trains the notebook's classifier (one recurrent layer of 128 units reading the
28 rows of a digit, then a softmax over the 10 classes; Adam with a cosine-decaying step size,
``helpers.rnn.fit_classifier`` as in the notebook) on the first 50,000 training images and measures
its accuracy on the last 10,000. The test images are not loaded. One table row per configuration
and cell, with its training time, goes to stdout and is appended to benchmarks/rnn_mnist_recipe.md.
"""

import sys
from pathlib import Path

from helpers import data, rnn, setup

import recipes  # benchmarks/recipes.py, next to this script

RESULTS = Path(__file__).resolve().parent / "rnn_mnist_recipe.md"
N_VALIDATION = 10_000
CELLS = ("RNN", "LSTM", "GRU", "MGU")

BASELINE = {"epochs": 6, "batch_size": 128, "learning_rate": 2e-3}
CONFIGURATIONS = {
    "baseline": ("the notebook's recipe", {}),
    "b256": ("minibatches of 256 at step size 3e-3 (half the steps)", {"batch_size": 256, "learning_rate": 3e-3}),
    "b256-lr2e-3": ("minibatches of 256 at step size 2e-3", {"batch_size": 256}),
    "e5": ("5 epochs instead of 6", {"epochs": 5}),
}


def classifier(cell, units=128):
    """Notebook 06's row-by-row classifier: (N, 28, 28) -> 10 class probabilities."""
    import keras

    if cell == "MGU":
        recurrent = keras.layers.RNN(rnn.MinimalGatedUnitCell(units))
    else:
        recurrent = {"RNN": keras.layers.SimpleRNN, "LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}[cell](units)
    return keras.Sequential([keras.Input((28, 28)), recurrent, keras.layers.Dense(10, activation="softmax")])


def main(argv=None):
    parser = recipes.command_line(__doc__, CONFIGURATIONS)
    parser.add_argument("--cells", nargs="+", choices=CELLS, default=list(CELLS), help="recurrent cells to train")
    args, names = recipes.chosen(parser, CONFIGURATIONS, argv)
    if not names:
        return 0
    setup(seed=0)
    import keras

    (x_train, y_train), _ = data.load_mnist(n_test=1)  # the test images are not used
    x_fit, y_fit = x_train[:-N_VALIDATION], y_train[:-N_VALIDATION]
    x_val, y_val = x_train[-N_VALIDATION:], y_train[-N_VALIDATION:]
    table = recipes.ResultsTable(RESULTS, f"{len(x_fit):,} training and {len(x_val):,} validation images",
                                 ["configuration", "what it changes", "cell", "validation accuracy", "training time"])
    for name in names:
        what, changes = CONFIGURATIONS[name]
        for cell in args.cells:
            keras.utils.set_random_seed(0)
            result = rnn.fit_classifier(classifier(cell), x_fit, y_fit, x_val, y_val, decay=True,
                                        **{**BASELINE, **changes})
            table.row(name, what, cell, f"{result['accuracy']:.2%}", f"{result['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
