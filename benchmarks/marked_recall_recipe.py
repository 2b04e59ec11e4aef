"""Choose the training budget of notebook 06's marked-recall task on validation sequences.

    python benchmarks/marked_recall_recipe.py                  # every configuration
    python benchmarks/marked_recall_recipe.py baseline b128    # chosen ones
    python benchmarks/marked_recall_recipe.py --list           # what each configuration changes

The notebook's results that a cheaper budget could break are the hard cases: the LSTM and the
bidirectional RNN at a lag of 60, the GRU at 40, the MGU at 20. Each configuration trains those four
models (32 units, Adam, ``helpers.rnn.fit_classifier``) on the notebook's 3,000 training sequences
(seed 1) and measures them on 1,000 validation sequences drawn with seed 3: neither the training
sequences nor the notebook's test sequences (seed 2). One table row per configuration and model,
with its training time, goes to stdout and is appended to benchmarks/marked_recall_recipe.md.
"""

import sys
from pathlib import Path

from helpers import rnn, setup

import recipes  # benchmarks/recipes.py, next to this script

RESULTS = Path(__file__).resolve().parent / "marked_recall_recipe.md"
N_SEQUENCES, N_VALIDATION = 3000, 1000
HARD_CASES = (("LSTM", 60), ("bidirectional RNN", 60), ("GRU", 40), ("MGU", 20))

# As in the notebook: at most 18 epochs, and a model stops after an epoch without a training mistake
# (the runs recorded before 2026-12-06 23:00 trained every model for all its epochs).
BASELINE = {"epochs": 18, "batch_size": 64, "learning_rate": 3e-3, "stop_when_solved": True}
CONFIGURATIONS = {
    "baseline": ("the notebook's budget", {}),
    "b128": ("minibatches of 128 at step size 5e-3 (half the steps)", {"batch_size": 128, "learning_rate": 5e-3}),
    "e14": ("14 epochs instead of 18", {"epochs": 14}),
}


def recurrent_model(name, units=32):
    """The notebook's memory model: one recurrent layer (or a bidirectional pair), then a softmax over 8 symbols."""
    import keras

    layer = {"LSTM": lambda: keras.layers.LSTM(units), "GRU": lambda: keras.layers.GRU(units),
             "MGU": lambda: keras.layers.RNN(rnn.MinimalGatedUnitCell(units)),
             "bidirectional RNN": lambda: keras.layers.Bidirectional(keras.layers.SimpleRNN(units))}[name]()
    return keras.Sequential([keras.Input((None, 9)), layer, keras.layers.Dense(8, activation="softmax")])


def main(argv=None):
    args, names = recipes.chosen(recipes.command_line(__doc__, CONFIGURATIONS), CONFIGURATIONS, argv)
    if not names:
        return 0
    setup(seed=0)
    import keras

    table = recipes.ResultsTable(RESULTS, f"{N_SEQUENCES:,} training and {N_VALIDATION:,} validation sequences",
                                 ["configuration", "what it changes", "model", "lag", "validation accuracy",
                                  "training time"])
    for name in names:
        what, changes = CONFIGURATIONS[name]
        for model_name, lag in HARD_CASES:
            x, y = rnn.marked_recall_task(N_SEQUENCES, lag, seed=1)
            x_val, y_val = rnn.marked_recall_task(N_VALIDATION, lag, seed=3)
            keras.utils.set_random_seed(0)
            result = rnn.fit_classifier(recurrent_model(model_name), x, y, x_val, y_val, **{**BASELINE, **changes})
            table.row(name, what, model_name, lag, f"{result['accuracy']:.1%}", f"{result['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
