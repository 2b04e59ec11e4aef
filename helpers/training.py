"""Lecture 02, training deep networks (initialization, losses, regularizers): the gradient-flow and
loss widgets and the exercise checks."""


import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .checking import call_student, close, read_array, read_number, report, unanswered
from .live import FigureView, LiveFigure
from .progress import ProgressLine


class GradientFlowView(FigureView):
    """Per-layer activation spread and gradient norm of a deep stack, side by side.

    ``stack_statistics(activation, initialization, depth)`` returns two sequences of length
    ``depth``: the standard deviation of each layer's activations (forward pass) and the norm
    of the gradient of the cost with respect to each layer's weights (backward pass). One figure
    serves every setting: a new one only moves its lines and axes. Calling
    ``view(depth=..., activation=..., initialization=...)`` returns ``(figure, text)``.
    """

    def __init__(self, stack_statistics):
        super().__init__()
        self.stack_statistics = stack_statistics

    def build(self, **values):
        fig = Figure(figsize=(9, 3.3))
        left, right = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.16, top=0.8, wspace=0.3)
        lines = [left.semilogy([1], [1], "o-")[0], right.semilogy([1], [1], "o-", color="C3")[0]]
        left.set(xlabel="layer", ylabel="std of activations", title="forward: activations")
        right.set(xlabel="layer", ylabel="‖∂J/∂W‖", title="backward: weight gradients")
        for ax in (left, right):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        return fig, {"lines": lines, "title": fig.suptitle("")}

    def show(self, fig, artists, depth, activation, initialization):
        activation_std, gradient_norm = self.stack_statistics(activation, initialization, depth)
        layers = np.arange(1, depth + 1)
        for line, values in zip(artists["lines"], (activation_std, gradient_norm)):
            line.set_data(layers, values)
            line.axes.set_xlim(0.5, depth + 0.5)
            line.axes.set_ylim(*_log_limits(values))
        artists["title"].set_text(f"{depth} layers, {activation}, {initialization}")
        largest = max(gradient_norm)
        if largest < VANISHED:
            text = (f"the gradients have <b>vanished</b> at every layer (the largest is {largest:.1g}): "
                    f"no layer can learn")
        else:
            ratio = gradient_norm[0] / gradient_norm[-1]
            text = f"gradient norm at layer 1 is <b>{ratio:.2g}</b> times that at layer {depth}"
        last = activation_std[-1]
        state = " (vanished)" if last < VANISHED else " (exploded)" if last > 1 / VANISHED else ""
        text += f"; activation std goes from {activation_std[0]:.2g} to {last:.2g}{state}"
        return text


def gradient_flow_view(stack_statistics, depth, activation, initialization):
    """``GradientFlowView(stack_statistics)`` for one setting: ``(figure, text)``."""
    return GradientFlowView(stack_statistics)(depth=depth, activation=activation, initialization=initialization)


VANISHED = 1e-12
"""Below this, an activation spread or a gradient norm counts as vanished (float64 keeps ~16 digits)."""


def _log_limits(values, decades=4):
    """Log-axis limits around ``values`` spanning at least ``decades`` powers of ten, so that tiny
    relative differences do not fill the axis as if they were large swings."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return 1e-3, 1e1
    low, high = np.log10(values.min()), np.log10(values.max())
    middle, half = (low + high) / 2, max((high - low) / 2 + 0.3, decades / 2)
    return 10 ** (middle - half), 10 ** (middle + half)


def gradient_flow(stack_statistics, activations, initializations, depth=10):
    """Controls for depth, activation and initialization over ``gradient_flow_view``."""
    if isinstance(depth, (bool, np.bool_)) or not isinstance(depth, (int, np.integer)) or not 2 <= depth <= 30:
        raise ValueError(f"depth must be a whole number from 2 to 30 (the slider's range), got {depth!r}.")
    if not list(activations) or not list(initializations):
        raise ValueError("activations and initializations must each name at least one choice.")
    if not callable(stack_statistics):
        raise ValueError("stack_statistics must be a function (activation, initialization, depth) -> (stds, norms).")
    controls = {
        "depth": W.IntSlider(description="depth", min=2, max=30, value=depth, continuous_update=False),
        "activation": W.Dropdown(description="activation", options=list(activations)),
        "initialization": W.Dropdown(description="initialization", options=list(initializations)),
    }
    return LiveFigure(GradientFlowView(stack_statistics), controls)


def loss_view(families, family, delta):
    """Plot every loss of one family against its argument for the given ``delta``.

    ``families`` maps a family name to ``(xlabel, {loss name: f(x, delta)})``, where ``x`` is a
    1-d array (a margin or a residual). Returns ``(figure, text)``.
    """
    xlabel, losses = families[family]
    x = np.linspace(-3, 3, 601)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.91)
    styles = ["-", "--", "-.", ":"]
    for i, (name, loss) in enumerate(losses.items()):  # a line style each: overlapping curves stay visible
        ax.plot(x, loss(x, delta), styles[i % len(styles)], lw=2.4 - 0.4 * (i % len(styles)), label=name)
    ax.set(xlabel=xlabel, ylabel="loss", ylim=(-0.1, 4.0), title=family)
    ax.legend()
    if uses_delta(losses):
        text = f"{family}: {', '.join(losses)}, with δ = {delta:g}"
    else:
        text = f"{family}: {', '.join(losses)}; no loss of this family has a δ, so the slider changes nothing"
    return fig, text


def uses_delta(losses):
    """True when some loss of ``losses`` (name -> f(x, delta)) changes with its ``delta``."""
    x = np.linspace(-3, 3, 61)
    return any(not np.allclose(loss(x, 0.5), loss(x, 2.0)) for loss in losses.values())


def loss_comparison(families, delta=1.0, family=None):
    """A family dropdown and a δ slider (off for a family without δ) over ``loss_view``."""
    if not families:
        raise ValueError("families must map at least one family name to (xlabel, {loss name: function}).")
    if isinstance(delta, (bool, np.bool_)) or not isinstance(delta, (int, float, np.integer, np.floating)) \
            or not 0.1 <= delta <= 3.0:
        raise ValueError(f"delta must be a number from 0.1 to 3.0 (the slider's range), got {delta!r}.")
    if family is not None and family not in families:
        raise ValueError(f"family must be one of {list(families)}, got {family!r}.")
    family = family or next(iter(families))
    controls = {
        "family": W.Dropdown(description="family", options=list(families), value=family,
                             style={"description_width": "initial"}, layout=W.Layout(width="max-content")),
        "delta": W.FloatSlider(description="δ", min=0.1, max=3.0, step=0.1, value=delta, continuous_update=False),
    }

    def switch_delta(change=None):
        controls["delta"].disabled = not uses_delta(families[controls["family"].value][1])

    controls["family"].observe(switch_delta, names="value")
    switch_delta()
    return LiveFigure(lambda **values: loss_view(families, **values), controls)


# Exercise checks --------------------------------------------------------------------------------


def check_glorot_limit(answer, n_in, n_out):
    """Exercise: the r for which U[-r, r] has Glorot's variance 2 / (n_in + n_out)."""
    hint = "what is the variance of U[-r, r]? Set it equal to Glorot's variance and solve for r."
    if unanswered(answer):
        return report(False, "", hint)
    r, problem = read_number(answer, "The limit r")
    if problem:
        return report(False, "", f"{problem} {hint}")
    variance = 2.0 / (n_in + n_out)
    if close(r, np.sqrt(3.0 * variance)):
        return report(True, f"U[-r, r] with that r has variance 2 / ({n_in} + {n_out}).", hint)
    if close(r, np.sqrt(variance)):
        return report(False, "", "that r would be the standard deviation; the limit of a uniform distribution is "
                                 "larger than its standard deviation. What is the variance of U[-r, r]?")
    if close(abs(r), variance) or close(r, 3 * variance):
        return report(False, "", f"r is a limit, not a variance: take a square root somewhere. {hint}")
    if r <= 0:
        return report(False, "", f"the limit r of U[-r, r] is positive. {hint}")
    return report(False, "", hint)


def check_multiclass_hinge(answer, scores, label):
    """Exercise: the K-class hinge loss sum_{j != y} max(0, s_j - s_y + 1) of one example."""
    hint = "for every wrong class j, add how far s_j comes within a margin of 1 of the true score s_y (if at all)."
    if unanswered(answer):
        return report(False, "", hint)
    loss, problem = read_number(answer, "The hinge loss")
    if problem:
        return report(False, "", f"{problem} {hint}")
    scores = np.asarray(scores, dtype=np.float64)
    margins = np.maximum(0.0, scores - scores[label] + 1.0)
    margins[label] = 0.0
    expected = margins.sum()
    if close(loss, expected, atol=1e-6):
        return report(True, "only the classes inside the margin contribute.", hint)
    if close(loss, expected + 1.0, atol=1e-6):
        return report(False, "", "the true class itself is not one of the wrong classes: leave j = y out of the sum.")
    if loss < 0:
        return report(False, "", f"each term is a max with 0, so the loss is never negative. {hint}")
    return report(False, "", hint)


def check_inverted_dropout_scale(answer, rate):
    """Exercise: the value, during training, of a kept unit whose activation is 1 under
    inverted dropout with drop probability ``rate``."""
    hint = "the expected output must equal the input: a unit is kept with probability 1 - rate."
    if unanswered(answer):
        return report(False, "", hint)
    value, problem = read_number(answer, "The kept unit's value")
    if problem:
        return report(False, "", f"{problem} {hint}")
    if close(value, 1.0 / (1.0 - rate)):
        return report(True, "scaling the kept units keeps the expected activation unchanged.", hint)
    if close(value, 1.0 - rate):
        return report(False, "", "multiplying by the keep probability makes the expected output smaller; inverted "
                                 "dropout makes up for the dropped units instead.")
    if close(value, 1.0 / rate) or close(value, rate):
        return report(False, "", f"the scale depends on the probability of keeping a unit, not of dropping it. {hint}")
    return report(False, "", hint)


def check_layers_to_explode(answer, factor, threshold):
    """Exercise: the fewest layers after which a gradient multiplied by ``factor`` per layer
    exceeds ``threshold`` times its size."""
    hint = "solve factor^L > threshold for the whole number L: take logarithms."
    if unanswered(answer):
        return report(False, "", hint)
    layers, problem = read_number(answer, "The number of layers", whole=True)
    if problem:
        return report(False, "", f"{problem} {hint}")
    expected = max(1, int(np.floor(np.log(threshold) / np.log(factor))) - 1)  # then exactly, without rounding:
    while float(factor) ** expected <= threshold:
        expected += 1
    if layers == expected:
        return report(True, f"{factor}^{expected} > {threshold}: growth per layer compounds quickly.", hint)
    if 0 < layers < expected:
        return report(False, "", "after that many layers the growth has not passed the threshold yet: it must "
                                 "exceed it, not come close.")
    if layers > expected:
        return report(False, "", "fewer layers already exceed the threshold: the question asks for the fewest.")
    return report(False, "", f"a number of layers is at least 1. {hint}")


# Exercise checks added for the teaching review ----------------------------------------------------


def _keras_adam_path(w0, gradients, learning_rate):
    """The weights after each step of keras.optimizers.Adam fed ``gradients`` in turn (float64)."""
    import keras  # here, not at import time: the module must import without TensorFlow's start-up

    w = keras.Variable(w0, dtype="float64")
    optimizer = keras.optimizers.Adam(learning_rate)
    path = []
    for g in gradients:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), w)])
        path.append(np.array(w.numpy()))
    return path


def _adam_variant(w, m, v, g, t, learning_rate, bias_correction=True, root=True):
    """Adam, or a typical slip in it (no bias correction, no square root), for diagnosing answers."""
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g**2
    m_hat, v_hat = (m / (1 - 0.9**t), v / (1 - 0.999**t)) if bias_correction else (m, v)
    scale = np.sqrt(v_hat) if root else v_hat
    return w - learning_rate * m_hat / (scale + 1e-7), m, v


def check_adam_step(adam_step, steps=12):
    """Exercise: one Adam step ``adam_step(w, g, m, v, t) -> (w, m, v)`` with the default
    learning rate 0.001; run for ``steps`` steps on the same gradients as keras.optimizers.Adam."""
    hint = ("compare your function with the equations, term by term: the two running averages, their "
            "correction for starting at zero, and the step itself.")
    rng = np.random.default_rng(3)
    w0 = rng.normal(size=(3, 4))
    gradients = rng.choice([-1.0, 1.0], size=(steps, 3, 4)) * rng.uniform(0.2, 2.0, size=(steps, 3, 4))
    expected = _keras_adam_path(w0, gradients, 0.001)
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    slips = {"bias": (w0.copy(), np.zeros_like(w0), np.zeros_like(w0)),
             "root": (w0.copy(), np.zeros_like(w0), np.zeros_like(w0))}
    for t, (g, w_keras) in enumerate(zip(gradients, expected), start=1):
        result, problem = call_student(adam_step, w.copy(), g.copy(), m.copy(), v.copy(), t)
        if problem:
            return report(False, "", f"{problem} {hint}")
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            return report(False, "", "return three things, the new (w, m, v), so that the next step can continue "
                                     "from the running averages.")
        arrays = []
        for value, name in zip(result, ("w", "m", "v")):
            array, problem = read_array(value, f"The new {name}", shape=w0.shape)
            if problem:
                return report(False, "", problem)
            arrays.append(array)
        slips = {name: _adam_variant(*slips[name], g, t, 0.001, bias_correction=name != "bias", root=name != "root")
                 for name in slips}
        if not close(arrays[0], w_keras, rtol=1e-6, atol=1e-7):
            if close(arrays[0] - w, w - w_keras, rtol=1e-4, atol=1e-9):
                return report(False, "", f"step {t} goes uphill: a descent step moves against the average gradient.")
            if close(arrays[0], slips["bias"][0], rtol=1e-6, atol=1e-9):
                return report(False, "", f"step {t} has the wrong size: both running averages start at zero, and "
                                         "the step must correct for that, most of all in the first steps.")
            if close(arrays[0], slips["root"][0], rtol=1e-6, atol=1e-9):
                return report(False, "", f"step {t} has the wrong size: the second moment is an average of squared "
                                         "gradients, so it must be brought back to the scale of a gradient.")
            which = "first" if t == 1 else f"{t}th"
            return report(False, "", f"the {which} step differs from keras.optimizers.Adam's. {hint}")
        w, m, v = arrays
    return report(True, f"your Adam steps match keras.optimizers.Adam for {steps} steps.", hint)


def progress_line(total_epochs):
    """The course's progress line (``helpers.progress.ProgressLine``) showing the loss, over
    ``total_epochs`` epochs of all runs together: ``.start(label, epochs)`` before each ``fit``,
    ``.done(summary)`` at the end."""
    return ProgressLine(total_epochs)
