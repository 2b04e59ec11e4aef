"""Lecture 06, recurrent networks: a long-range memory task, the minimal gated unit as a Keras
cell, training with a compact summary line, the gate-explorer widget and the exercise checks.

The cells themselves (RNN, LSTM, GRU, MGU) are written out in numpy in the notebook, next to
their equations; ``MinimalGatedUnitCell`` is the Keras twin of the notebook's ``mgu_step``
(Keras has no such cell), with the same weight layout, so that one can be loaded into the other.
"""

import time

import ipywidgets as W
import keras
import numpy as np
from keras import ops
from matplotlib.figure import Figure

from .checking import call_student, close, numeric_gradient, read_array, read_number, read_numbers, report, unanswered
from .live import FigureView, LiveFigure
from .progress import ProgressLine  # noqa: F401  (notebook 06 uses rnn.ProgressLine)


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


class StopWhenSolved(keras.callbacks.Callback):
    """Stop training after the first epoch without a single mistake on the training examples.

    Keras measures an epoch's training ``accuracy`` along the way, minibatch by minibatch, so
    1.0 means that every example of the epoch was classified correctly when its minibatch came.
    """

    def on_epoch_end(self, epoch, logs=None):
        if (logs or {}).get("accuracy", 0.0) >= 1.0:
            self.model.stop_training = True


def fit_classifier(model, x, y, x_test, y_test, *, epochs, batch_size=128, learning_rate=1e-3, decay=False,
                   stop_when_solved=False, validation=None, callbacks=()):
    """Compile ``model`` (Adam, sparse cross-entropy), train it quietly and measure it.

    With ``decay=True`` the learning rate falls from ``learning_rate`` to 0 along a cosine over
    the whole run, which settles the last epochs (a few tenths of a percent on MNIST). With
    ``stop_when_solved=True`` training ends early after an epoch without a training mistake
    (``StopWhenSolved``): ``epochs`` is then the most it may take.

    Returns a dict: ``accuracy`` on ``(x_test, y_test)``, ``params``, ``seconds`` of training,
    ``epochs`` (the number trained) and ``history`` (Keras' per-epoch numbers).
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
    callbacks = [*callbacks, StopWhenSolved()] if stop_when_solved else list(callbacks)
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, validation_data=validation,
                        callbacks=callbacks)
    seconds = time.perf_counter() - start
    accuracy = float(model.evaluate(x_test, y_test, verbose=0, batch_size=1024)[1])
    return {"accuracy": accuracy, "params": int(model.count_params()), "seconds": seconds,
            "epochs": len(history.history["loss"]), "history": history.history}


def summary_line(name, result):
    """One line for a result of ``fit_classifier``: name, test accuracy, parameters, time."""
    return (f"{name:<24s} test accuracy {result['accuracy']:7.2%}   {result['params']:>8,d} parameters   "
            f"{result['seconds']:6.1f} s for {result['epochs']} epochs")


# Widget: --------------------------------------------------------------------------------


class GateView(FigureView):
    """A cell's gates and state over the first ``t`` steps of one input ``sequence`` (T, d).

    ``runs[cell]`` is ``{"h": (T, n) hidden states, "trace": {gate or state name: (T, n)}}``,
    as the notebook's ``run_cell`` returns them for one sequence; it may also hold ``"label"``,
    a line about that run (its prediction, say). Gates are drawn on [0, 1], ``tanh`` values and
    states on [-1, 1] (a cell state c on its own symmetric range). Each cell's figure is built
    once; moving t only blanks the steps after it. Calling ``view(cell=..., t=...)`` returns
    ``(figure, text)``.
    """

    def __init__(self, sequence, runs):
        super().__init__()
        self.sequence = np.asarray(sequence)
        if self.sequence.ndim != 2:
            raise ValueError(f"sequence must be one sequence of shape (T, d), got shape {self.sequence.shape}")
        self.runs = runs

    def panels(self, cell):
        """{panel name: (T, units) values} for ``cell``, checked against the sequence's length."""
        if cell not in self.runs:
            raise ValueError(f"no run for cell {cell!r}: choose one of {list(self.runs)}")
        run = self.runs[cell]
        panels = {"input x": self.sequence, **run["trace"], "hidden state h": run["h"]}
        for name, values in panels.items():
            if np.shape(values)[0] != len(self.sequence):
                raise ValueError(f"{name!r} of {cell!r} has {np.shape(values)[0]} steps, "
                                 f"the sequence {len(self.sequence)}")
        return panels

    def layout(self, cell, t):
        return cell

    def build(self, cell, t):
        panels, length = self.panels(cell), len(self.sequence)
        # One size for every cell, so that the page does not jump as the cell changes; it fits a laptop's screen.
        fig = Figure(figsize=(8.5, 5.2))
        axes = np.atleast_1d(fig.subplots(len(panels), 1, sharex=True))
        images = []
        for ax, (name, values) in zip(axes, panels.items()):
            if name == "input x":
                limits, cmap = (float(np.min(values)), float(np.max(values)) or 1.0), "gray_r"
            elif "gate" in name:
                limits, cmap = (0.0, 1.0), "viridis"
            elif name.startswith("cell state"):
                top = float(np.max(np.abs(values))) or 1.0
                limits, cmap = (-top, top), "RdBu_r"
            else:
                limits, cmap = (-1.0, 1.0), "RdBu_r"
            units = np.shape(values)[1]
            images.append(ax.imshow(np.asarray(values, dtype=np.float64).T, aspect="auto", interpolation="nearest",
                                    cmap=cmap, vmin=limits[0], vmax=limits[1],
                                    extent=(0.5, length + 0.5, units - 0.5, -0.5)))
            ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
            ax.set_yticks([])
            ax.grid(False)
            fig.colorbar(images[-1], ax=ax, pad=0.01, fraction=0.03)
        axes[-1].set_xlabel("time step t")
        title = fig.suptitle(f"{cell}: steps 1 to {length} of {length}")
        fig.tight_layout()
        lines = [ax.axvline(length, color="tab:red", lw=1) for ax in axes]
        self.freeze_ticks(fig)
        return fig, {"images": images, "values": list(panels.values()), "lines": lines, "title": title}

    def show(self, fig, artists, cell, t):
        length = len(self.sequence)
        if not 1 <= t <= length:
            raise ValueError(f"t must be a step from 1 to {length}, got {t}")
        for image, values in zip(artists["images"], artists["values"]):
            shown = np.array(values, dtype=np.float64).T  # rows: units (or input channels), columns: steps
            shown[:, t:] = np.nan
            image.set_data(shown)
        for line in artists["lines"]:
            line.set_xdata([t, t])
        artists["title"].set_text(f"{cell}: steps 1 to {t} of {length}")
        run = self.runs[cell]
        means = ", ".join(f"{name} {float(np.mean(values[t - 1])):.2f}" for name, values in run["trace"].items()
                          if "gate" in name)
        text = f"<b>{cell}</b>, step {t} of {length}: " + (f"mean {means}; " if means else "no gates; ")
        text += f"|h| = {float(np.linalg.norm(run['h'][t - 1])):.2f}"
        if run.get("label"):
            text += f". {run['label']}"
        return text


def gate_view(sequence, runs, cell, t):
    """``GateView(sequence, runs)`` for one state: ``(figure, text)``."""
    return GateView(sequence, runs)(cell=cell, t=t)


def gate_explorer(sequence, runs, cell=None, t=None):
    """A choice of cell and a time slider over ``gate_view``: watch the gates as the sequence runs."""
    if not isinstance(runs, dict) or not runs:
        raise ValueError("runs must be a dict with one run per cell, e.g. {'LSTM': ..., 'GRU': ...}.")
    if np.ndim(sequence) != 2 or np.shape(sequence)[0] < 1:
        raise ValueError(f"sequence must be one sequence of shape (T, d), got shape {np.shape(sequence)}.")
    length = np.shape(sequence)[0]
    if cell is not None and cell not in runs:
        raise ValueError(f"cell must be one of {list(runs)}, got {cell!r}.")
    if t is not None and (isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer))
                          or not 1 <= t <= length):
        raise ValueError(f"t must be a step from 1 to {length}, got {t!r}.")
    controls = {
        "cell": W.Dropdown(description="cell", options=list(runs), value=cell or list(runs)[0]),
        "t": W.IntSlider(description="time step t", min=1, max=length, value=t or length, continuous_update=False),
    }
    return LiveFigure(GateView(sequence, runs), controls)


# Exercise checks --------------------------------------------------------------------------------


_RECURRENT_BLOCKS = {"RNN": 1, "LSTM": 4, "GRU": 3, "MGU": 2}


def check_recurrent_parameters(answer, cell, n_inputs, n_units):
    """Exercise: the parameters of a Keras recurrent layer (``cell`` one of RNN, LSTM, GRU with
    ``reset_after=True``, MGU) with ``n_units`` units on ``n_inputs`` inputs per step."""
    if cell not in _RECURRENT_BLOCKS:
        raise ValueError(f"cell must be one of {list(_RECURRENT_BLOCKS)}, got {cell!r}")
    blocks = _RECURRENT_BLOCKS[cell]
    hint = (f"count block by block: how many blocks of weights (gates and candidate) does a {cell} have, and what "
            f"does one block hold: an input matrix, a recurrent matrix and biases, of which sizes?"
            + (" Keras' GRU (reset_after=True) has a second set of biases." if cell == "GRU" else ""))
    if unanswered(answer):
        return report(False, "", hint)
    count, problem = read_number(answer, "The number of parameters", whole=True)
    if problem:
        return report(False, "", f"{problem} {hint}")
    biases = 2 if cell == "GRU" else 1
    expected = blocks * n_units * (n_inputs + n_units + biases)
    if count == expected:
        return report(True, f"{expected:,d} parameters, {blocks} times a plain RNN of the same size.", hint)
    if cell == "GRU" and count == blocks * n_units * (n_inputs + n_units + 1):
        return report(False, "", "that is the GRU with reset_after=False: Keras' default has two biases per gate.")
    if blocks > 1 and count == n_units * (n_inputs + n_units + biases):
        return report(False, "", f"that is one block of weights; a {cell} has one per gate and one for the "
                                 f"candidate.")
    if count == blocks * n_units * (n_inputs + n_units):
        return report(False, "", "the weights are all there; the biases are missing.")
    if count == blocks * n_units * (n_inputs + biases):
        return report(False, "", "the recurrent matrix (from the previous hidden state) is missing.")
    return report(False, "", hint)


def check_forget_fraction(answer, forget, steps):
    """Exercise: the fraction of an LSTM cell state left after ``steps`` steps with a closed input
    gate and a constant forget gate ``forget``."""
    hint = ("with the input gate closed nothing new is written to c: what does the forget gate do to c in one "
            "step, and how does that compound over the steps?")
    if unanswered(answer):
        return report(False, "", hint)
    fraction, problem = read_number(answer, "The fraction")
    if problem:
        return report(False, "", f"{problem} {hint}")
    expected = float(forget) ** steps
    if close(fraction, expected, rtol=1e-6, atol=0):
        return report(True, f"{expected:.3f}: the memory fades like f^t; f = 0.99 would keep {0.99 ** steps:.0%}.",
                      hint)
    if close(fraction, float(forget) * steps) or close(fraction, 1 - (1 - float(forget)) * steps):
        return report(False, "", "the forget gate does not subtract a fixed amount: it multiplies c, step after "
                                 "step.")
    if close(fraction, float(forget) ** (steps - 1)) or close(fraction, float(forget) ** (steps + 1)):
        return report(False, "", "count the steps again: one multiplication per step.")
    if not 0 <= fraction <= 1:
        return report(False, "", f"a fraction of what was stored lies between 0 and 1. {hint}")
    return report(False, "", hint)


def check_recurrent_output_shape(answer, input_shape, units, return_sequences, bidirectional):
    """Exercise: the output shape of a Keras recurrent layer with ``units`` units on a batch of
    ``input_shape = (N, T, d)``, with or without ``return_sequences`` and ``Bidirectional``."""
    hint = ("return_sequences keeps one output per step (N, T, ...), otherwise one per sequence (N, ...); "
            "Bidirectional concatenates the forward and backward outputs.")
    if unanswered(answer):
        return report(False, "", hint)
    n, t, _ = input_shape
    features = units * (2 if bidirectional else 1)
    expected = (n, t, features) if return_sequences else (n, features)
    try:
        length = len(answer) if not isinstance(answer, (str, bytes, dict)) else None
    except TypeError:
        length = None
    got, problem = (None, "") if length is None else read_numbers(answer, length, "The shape", whole=True)
    if problem is not None:
        return report(False, "", f"answer with a tuple of whole numbers, like (16, 28, 28). {problem} {hint}")
    if got == expected:
        return report(True, f"{expected}: the batch, {'the steps, ' if return_sequences else ''}and "
                            f"{features} features per {'step' if return_sequences else 'sequence'}.", hint)
    if len(got) != len(expected):
        return report(False, "", f"the number of axes is not right: does this layer keep one output per step? "
                                 f"{hint}")
    if got[:-1] == expected[:-1]:
        return report(False, "", f"the batch{' and the steps' if return_sequences else ''} are right; the number "
                                 f"of features is not. {hint}")
    return report(False, "", hint)


def check_rnn_step_jacobian(rnn_step_jacobian):
    """Exercise: ``rnn_step_jacobian(h_new, U)`` returns A with A[j, k] = dh_t[k] / dh_{t-1}[j] for
    the vanilla RNN h_t = tanh(x_t W + h_{t-1} U + b), given h_t (shape (n,)) and U (n, n)."""
    hint = ("A[j, k] says how much h_t[k] moves when h_{t-1}[j] moves: follow the chain rule through the tanh "
            "(whose slope you can write with h_t itself) and the product with U; build the whole matrix at once "
            "with broadcasting.")
    if unanswered(rnn_step_jacobian):
        return report(False, "", hint)
    rng = np.random.default_rng(6)
    for n in (3, 5):
        U = rng.normal(size=(n, n))
        h_prev, x_part = rng.normal(size=n), rng.normal(size=n)

        def step(h, U=U, x_part=x_part):
            return np.tanh(x_part + h @ U)

        h_new = step(h_prev)
        expected = np.stack([numeric_gradient(lambda h, k=k: step(h)[k], h_prev.copy()) for k in range(n)], axis=1)
        got, problem = call_student(rnn_step_jacobian, h_new.copy(), U.copy())
        if problem:
            return report(False, "", f"{problem} {hint}")
        got, problem = read_array(got, "The Jacobian")
        if problem:
            return report(False, "", f"{problem} {hint}")
        if got.shape != (n, n):
            return report(False, "", f"for n = {n} the Jacobian is {n} x {n}, yours has shape {got.shape}. {hint}")
        if close(got, expected.T, rtol=1e-5, atol=1e-6) and not close(got, expected, rtol=1e-5, atol=1e-6):
            return report(False, "", "that is the transpose: rows index h_{t-1}[j], columns h_t[k].")
        if close(got, U):
            return report(False, "", "that is U alone: the tanh between h_{t-1} and h_t contributes its slope too.")
        slope = 1 - h_new**2
        if close(got, slope[:, None] * U) and not close(got, expected, rtol=1e-5, atol=1e-6):
            return report(False, "", "the slope of the tanh belongs to the unit it acts on, h_t[k] (a column), not "
                                     "to h_{t-1}[j] (a row).")
        if close(got, (1 - h_new)[None, :] * U) or close(got, (1 - np.tanh(h_new) ** 2)[None, :] * U):
            return report(False, "", "check the slope of the tanh: h_t is already tanh of something.")
        if not close(got, expected, rtol=1e-5, atol=1e-6):
            return report(False, "", hint)
    return report(True, "multiplying T - t of these is what makes the RNN's gradient vanish (or explode).", hint)


# Exercise checks added for the teaching review ----------------------------------------------------


def fit_classifier_live(model, x, y, x_test, y_test, *, progress, label, epochs, **options):
    """``fit_classifier`` that reports each epoch on ``progress`` (a ``ProgressLine``) as ``label``."""
    progress.start(label, epochs)
    return fit_classifier(model, x, y, x_test, y_test, epochs=epochs, callbacks=[progress], **options)


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _lstm_step(x, h_prev, c_prev, W, U, b, frozen_c=None):
    # The notebook's lstm_step (gate order i, f, g, o), returning (h_t, c_t). With frozen_c, h_t
    # takes tanh of that constant instead of c_t: the step a backward pass without the path
    # c_t -> h_t differentiates.
    i, f, g, o = np.split(x @ W + h_prev @ U + b, 4, axis=-1)
    i, f, g, o = _sigmoid(i), _sigmoid(f), np.tanh(g), _sigmoid(o)
    c = f * c_prev + i * g
    return o * np.tanh(c if frozen_c is None else frozen_c), c


def _lstm_gradients_by_differences(inputs, dh, dc, frozen_c=None):
    # Central differences of L = sum(dh * h_t) + sum(dc * c_t) with respect to each of ``inputs``
    # (x, h_prev, c_prev, W, U, b), in that order
    def loss(values):
        h, c = _lstm_step(**values, frozen_c=frozen_c)
        return float(np.sum(dh * h) + np.sum(dc * c))

    gradients = []
    for name in inputs:
        values = {k: v.copy() for k, v in inputs.items()}

        def moved(a, name=name, values=values):
            return loss({**values, name: a})

        gradients.append(numeric_gradient(moved, values[name].copy()))
    return gradients


_LSTM_BACKWARD_NAMES = ("dx", "dh_prev", "dc_prev", "dW", "dU", "db")


def check_lstm_step_backward(lstm_step_backward):
    """Exercise: ``lstm_step_backward(x, h_prev, c_prev, W, U, b, dh, dc)`` returns
    ``(dx, dh_prev, dc_prev, dW, dU, db)``, the gradients of a loss L through one step of the LSTM
    with forget gate, given ``dh = dL/dh_t`` and ``dc = dL/dc_t``. Compared with central finite
    differences of L = sum(dh * h_t) + sum(dc * c_t) on two sets of sizes."""
    from .checking import describe, read_array

    hint = ("Run the step forward again and keep its gates; then go back through h_t = o * tanh(c_t), "
            "through c_t = f * c_{t-1} + i * g, through each gate's sigmoid or tanh to the pre-activations, "
            "and from them to x, h_{t-1}, W, U and b (the weights' gradients sum over the batch).")
    if unanswered(lstm_step_backward) or not callable(lstm_step_backward):
        return report(False, "", f"Define a function lstm_step_backward(x, h_prev, c_prev, W, U, b, dh, dc). {hint}")
    rng = np.random.default_rng(16)
    for N, d, n in ((2, 3, 4), (3, 2, 5)):
        inputs = {"x": rng.normal(size=(N, d)), "h_prev": rng.normal(size=(N, n)), "c_prev": rng.normal(size=(N, n)),
                  "W": rng.normal(0, 0.5, (d, 4 * n)), "U": rng.normal(0, 0.5, (n, 4 * n)),
                  "b": rng.normal(0, 0.5, 4 * n)}
        dh, dc = rng.normal(size=(N, n)), rng.normal(size=(N, n))
        names = list(inputs)
        expected = _lstm_gradients_by_differences(inputs, dh, dc)
        without_h_path = _lstm_gradients_by_differences(inputs, dh, dc, frozen_c=_lstm_step(**inputs)[1])
        got, problem = call_student(lstm_step_backward, *(inputs[k].copy() for k in names), dh.copy(), dc.copy())
        if problem:
            return report(False, "", f"{problem} {hint}")
        if isinstance(got, (str, bytes, dict)) or not hasattr(got, "__len__") or len(got) != 6:
            return report(False, "", f"Return six arrays, ({', '.join(_LSTM_BACKWARD_NAMES)}); yours returned "
                                     f"{describe(got)}.")
        arrays = []
        for name, value, reference in zip(_LSTM_BACKWARD_NAMES, got, expected):
            array, problem = read_array(value, what=name, shape=reference.shape)
            if problem:
                return report(False, "", f"With x of shape {(N, d)} and {n} units: {problem} {hint}")
            arrays.append(array)
        wrong = [name for name, a, e in zip(_LSTM_BACKWARD_NAMES, arrays, expected)
                 if not np.allclose(a, e, rtol=1e-5, atol=1e-7)]
        if not wrong:
            continue
        if all(np.allclose(a, e, rtol=1e-5, atol=1e-7) for a, e in zip(arrays, without_h_path)):
            return report(False, "", "c_t reaches the loss two ways: directly (dc) and through h_t = o * tanh(c_t) "
                                     "(dh). Your gradients follow only the first.")
        return report(False, "", f"With x of shape {(N, d)} and {n} units, {', '.join(wrong)} "
                                 f"differ{'s' if len(wrong) == 1 else ''} from finite differences; "
                                 f"{', '.join(n_ for n_ in _LSTM_BACKWARD_NAMES if n_ not in wrong) or 'none'} "
                                 f"agree. {hint}")
    return report(True, "your backward step agrees with finite differences for every input and weight; applied "
                        "from t = T down to 1, it is backpropagation through time for the LSTM.", hint)
