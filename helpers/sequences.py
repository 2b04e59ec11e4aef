"""Plumbing for notebook 06 (recurrent networks): a long-range memory task, the minimal gated
unit as a Keras cell, and training with a compact summary line.

The cells themselves (RNN, LSTM, GRU, MGU) are written out in numpy in the notebook, next to
their equations; ``MinimalGatedUnitCell`` is the Keras twin of the notebook's ``mgu_step``
(Keras has no such cell), with the same weight layout, so that one can be loaded into the other.
"""

import time

import keras
import numpy as np
from keras import ops


def marked_recall_task(n, lag, n_symbols=8, lead=10, seed=0):
    """Sequences for "recall the marked symbol, seen ``lag`` steps ago".

    Each sequence holds ``lead + lag`` symbols drawn at random from ``n_symbols``, one-hot
    encoded, plus one marker channel that is 1 at step ``lead`` (counting from 0) and 0
    elsewhere. The target is the marked symbol: a model must store it when the marker says so,
    over whatever it held before, and keep it through ``lag - 1`` distractors from the same
    alphabet. Returns ``x`` (float32, ``(n, lead + lag, n_symbols + 1)``) and ``y`` (int,
    ``(n,)``). Guessing scores ``1 / n_symbols``.
    """
    for name, value, least in (("n", n, 1), ("lag", lag, 1), ("n_symbols", n_symbols, 2), ("lead", lead, 0)):
        if int(value) != value or value < least:
            raise ValueError(f"{name} must be a whole number of at least {least}, got {value!r}")
    n, lag, lead = int(n), int(lag), int(lead)
    rng = np.random.default_rng(seed)
    symbols = rng.integers(0, n_symbols, size=(n, lead + lag))
    x = np.zeros((n, lead + lag, n_symbols + 1), dtype=np.float32)
    x[..., :n_symbols] = np.eye(n_symbols, dtype=np.float32)[symbols]
    x[:, lead, n_symbols] = 1.0
    return x, symbols[:, lead].copy()


@keras.saving.register_keras_serializable(package="course")
class MinimalGatedUnitCell(keras.layers.Layer):
    """The minimal gated unit of Zhou et al. (2016) as a cell for ``keras.layers.RNN``:

        f_t = sigmoid(x_t W_f + h_{t-1} U_f + b_f)
        h~_t = tanh(x_t W_h + (f_t * h_{t-1}) U_h + b_h)
        h_t = (1 - f_t) * h_{t-1} + f_t * h~_t

    Weights as in Keras' own cells, gates side by side in the order f, h: ``kernel`` (d, 2n),
    ``recurrent_kernel`` (n, 2n), ``bias`` (2n,).
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        if int(units) != units or units < 1:
            raise ValueError(f"units must be a positive whole number, got {units!r}")
        self.units = int(units)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        n = self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], 2 * n), initializer="glorot_uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(n, 2 * n), initializer="orthogonal", name="recurrent_kernel")
        self.bias = self.add_weight(shape=(2 * n,), initializer="zeros", name="bias")

    def call(self, inputs, states):
        h = states[0] if isinstance(states, (list, tuple)) else states
        n = self.units
        x = ops.matmul(inputs, self.kernel) + self.bias
        f = ops.sigmoid(x[:, :n] + ops.matmul(h, self.recurrent_kernel[:, :n]))
        candidate = ops.tanh(x[:, n:] + ops.matmul(f * h, self.recurrent_kernel[:, n:]))
        h = (1 - f) * h + f * candidate
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def fit_classifier(model, x, y, x_test, y_test, *, epochs, batch_size=128, learning_rate=1e-3, decay=False,
                   validation=None):
    """Compile ``model`` (Adam, sparse cross-entropy), train it quietly and measure it.

    With ``decay=True`` the learning rate falls from ``learning_rate`` to 0 along a cosine over
    the whole run, which settles the last epochs (a few tenths of a percent on MNIST).

    Returns a dict: ``accuracy`` on ``(x_test, y_test)``, ``params``, ``seconds`` of training,
    ``epochs`` and ``history`` (Keras' per-epoch numbers).
    """
    if len(x) != len(y) or len(x_test) != len(y_test):
        raise ValueError(f"x and y must have as many rows: got {len(x)} and {len(y)}, "
                         f"{len(x_test)} and {len(y_test)} for the test set")
    if decay:
        steps = epochs * int(np.ceil(len(x) / batch_size))
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(steps, 1))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, validation_data=validation)
    seconds = time.perf_counter() - start
    accuracy = float(model.evaluate(x_test, y_test, verbose=0, batch_size=1024)[1])
    return {"accuracy": accuracy, "params": int(model.count_params()), "seconds": seconds, "epochs": epochs,
            "history": history.history}


def summary_line(name, result):
    """One line for a result of ``fit_classifier``: name, test accuracy, parameters, time."""
    return (f"{name:<24s} test accuracy {result['accuracy']:7.2%}   {result['params']:>8,d} parameters   "
            f"{result['seconds']:6.1f} s for {result['epochs']} epochs")
