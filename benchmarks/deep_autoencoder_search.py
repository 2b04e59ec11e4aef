"""Choose notebook 04's deep autoencoder recipe on a validation split, never on the test set.

    python benchmarks/deep_autoencoder_search.py                  # every configuration (about 6 min each on 2 cores)
    python benchmarks/deep_autoencoder_search.py baseline ema     # chosen ones
    python benchmarks/deep_autoencoder_search.py --list           # what each configuration changes

Each configuration trains the paper's 784-1000-500-250-30 autoencoder (the notebook's model: ReLU
hidden layers with batch normalization, a linear code, a sigmoid output, the pixel-wise
cross-entropy, Adam with a cosine-decaying step size) on the first 50,000 training images and
measures the paper's error (squared error summed over the 784 pixels, averaged over images) on
the last 10,000. The test images are not loaded. One table row per configuration, with its
training time, goes to stdout and is appended to benchmarks/deep_autoencoder_search.md.
"""

import sys
import time
from pathlib import Path

import numpy as np

from helpers import data, setup

import recipes  # benchmarks/recipes.py, next to this script

RESULTS = Path(__file__).resolve().parent / "deep_autoencoder_search.md"
N_VALIDATION = 10_000
HIDDEN_SIZES = (1000, 500, 250)

# name -> (what it changes, settings). Every setting not named keeps the baseline's value.
BASELINE = {"epochs": 40, "batch_size": 256, "learning_rate": 4e-3, "ema": False, "input_noise": 0.0,
            "weight_decay": 0.0, "batch_norm": True}
CONFIGURATIONS = {
    "baseline": ("where the search started: 40 epochs of minibatches of 256 at step size 4e-3", {}),
    "ema": ("average of the weights along the way (Adam's use_ema, momentum 0.999)", {"ema": True}),
    "longer": ("60 epochs instead of 40", {"epochs": 60}),
    "noise": ("Gaussian input noise σ = 0.1 while training (denoising)", {"input_noise": 0.1}),
    "weight-decay": ("AdamW, decoupled weight decay 1e-4", {"weight_decay": 1e-4}),
    "small-batch": ("minibatches of 128 at step size 2e-3, 30 epochs", {"batch_size": 128, "learning_rate": 2e-3,
                                                                        "epochs": 30}),
    # Recipes that train in about 5 minutes on 2 cores, so that notebook 04 runs in under 10:
    "short-20": ("20 epochs instead of 40", {"epochs": 20}),
    "short-b128": ("minibatches of 128 at step size 2e-3, 15 epochs", {"batch_size": 128, "learning_rate": 2e-3,
                                                                      "epochs": 15}),
    "short-no-bn": ("no batch normalization (biases instead; a third less time per epoch), step size 2e-3, "
                    "27 epochs", {"batch_norm": False, "learning_rate": 2e-3, "epochs": 27}),
    # What more training buys, beyond the notebook's budget:
    "long-b128": ("minibatches of 128 at step size 2e-3, 60 epochs (four times the notebook's 15)",
                  {"batch_size": 128, "learning_rate": 2e-3, "epochs": 60}),
}


def deep_autoencoder(code_size=30, batch_norm=True):
    """784-1000-500-250-code and its mirror image: notebook 04's ``deep_autoencoder`` as one Sequential
    (the notebook writes it out for students to read; change both together). Without ``batch_norm`` each
    hidden layer is a plain ReLU layer with biases."""
    import keras

    def hidden_layer(units):
        if not batch_norm:
            return [keras.layers.Dense(units, activation="relu")]
        return [keras.layers.Dense(units, use_bias=False), keras.layers.BatchNormalization(),
                keras.layers.Activation("relu")]

    layers = [keras.Input(shape=(784,))]
    layers += [layer for n in HIDDEN_SIZES for layer in hidden_layer(n)] + [keras.layers.Dense(code_size)]
    layers += [layer for n in HIDDEN_SIZES[::-1] for layer in hidden_layer(n)]
    layers += [keras.layers.Dense(784, activation="sigmoid")]
    return keras.Sequential(layers)


def reconstruction_error(x, x_hat):
    """The paper's measure: squared error summed over the pixels, averaged over the images."""
    return float(np.mean(np.sum((np.asarray(x_hat, np.float64) - x) ** 2, axis=1)))


def train_and_validate(settings, x_fit, x_val, seed=0):
    """Train one configuration on ``x_fit`` (n, 784); return (validation error, training seconds)."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    model = deep_autoencoder(batch_norm=settings["batch_norm"])
    steps = settings["epochs"] * int(np.ceil(len(x_fit) / settings["batch_size"]))
    schedule = keras.optimizers.schedules.CosineDecay(settings["learning_rate"], steps)
    options = {"use_ema": settings["ema"], "ema_momentum": 0.999}
    if settings["weight_decay"]:
        optimizer = keras.optimizers.AdamW(schedule, weight_decay=settings["weight_decay"], **options)
    else:
        optimizer = keras.optimizers.Adam(schedule, **options)
    model.compile(optimizer, loss="binary_crossentropy")
    if settings["input_noise"]:  # fresh noise on every pass, clean images as targets
        noise = settings["input_noise"]
        batches = tf.data.Dataset.from_tensor_slices(x_fit).shuffle(len(x_fit), seed=seed).batch(settings["batch_size"])
        noisy = batches.map(lambda x: (tf.clip_by_value(x + noise * tf.random.normal(tf.shape(x)), 0.0, 1.0), x))
        data_for_fit = {"x": noisy}
    else:
        data_for_fit = {"x": x_fit, "y": x_fit, "batch_size": settings["batch_size"]}
    start = time.perf_counter()
    model.fit(**data_for_fit, epochs=settings["epochs"], verbose=0)
    seconds = time.perf_counter() - start
    if settings["ema"]:
        optimizer.finalize_variable_values(model.trainable_variables)  # the averaged weights
    return reconstruction_error(x_val, model.predict(x_val, batch_size=1000, verbose=0)), seconds


def main(argv=None):
    args, names = recipes.chosen(recipes.command_line(__doc__, CONFIGURATIONS), CONFIGURATIONS, argv)
    if not names:
        return 0
    setup(seed=0)
    (x_train, _), _ = data.load_mnist(flatten=True, n_test=1)  # the test images are not used
    x_fit, x_val = x_train[:-N_VALIDATION], x_train[-N_VALIDATION:]
    table = recipes.ResultsTable(RESULTS, f"{len(x_fit):,} training and {len(x_val):,} validation images",
                                 ["configuration", "what it changes", "validation error", "training time"])
    for name in names:
        what, changes = CONFIGURATIONS[name]
        error, seconds = train_and_validate({**BASELINE, **changes}, x_fit, x_val)
        table.row(name, what, f"{error:.2f}", f"{seconds / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
