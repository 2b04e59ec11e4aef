"""Lecture 02, training deep networks (initialization, losses, regularizers): the gradient-flow and
loss widgets and the exercise checks."""


import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from .checking import report, unanswered
from .live import LiveFigure


def gradient_flow_view(stack_statistics, depth, activation, initialization):
    """Per-layer activation spread and gradient norm of a deep stack, side by side.

    ``stack_statistics(activation, initialization, depth)`` returns two sequences of length
    ``depth``: the standard deviation of each layer's activations (forward pass) and the norm
    of the gradient of the cost with respect to each layer's weights (backward pass).
    Returns ``(figure, text)``.
    """
    activation_std, gradient_norm = stack_statistics(activation, initialization, depth)
    layers = np.arange(1, depth + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.3))
    left.semilogy(layers, activation_std, "o-")
    left.set(xlabel="layer", ylabel="std of activations", title="forward: activations")
    right.semilogy(layers, gradient_norm, "o-", color="C3")
    right.set(xlabel="layer", ylabel="‖∂J/∂W‖", title="backward: weight gradients")
    for ax in (left, right):
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    fig.suptitle(f"{depth} layers, {activation}, {initialization}")
    fig.tight_layout()
    ratio = gradient_norm[0] / gradient_norm[-1]
    text = (
        f"gradient norm at layer 1 is <b>{ratio:.2g}</b> times that at layer {depth}; "
        f"activation std goes from {activation_std[0]:.2g} to {activation_std[-1]:.2g}"
    )
    return fig, text


def gradient_flow(stack_statistics, activations, initializations, depth=10):
    """Controls for depth, activation and initialization over ``gradient_flow_view``."""
    controls = {
        "depth": W.IntSlider(description="depth", min=2, max=30, value=depth, continuous_update=False),
        "activation": W.Dropdown(description="activation", options=list(activations)),
        "initialization": W.Dropdown(description="initialization", options=list(initializations)),
    }
    return LiveFigure(lambda **values: gradient_flow_view(stack_statistics, **values), controls)


def loss_view(families, family, delta):
    """Plot every loss of one family against its argument for the given ``delta``.

    ``families`` maps a family name to ``(xlabel, {loss name: f(x, delta)})``, where ``x`` is a
    1-d array (a margin or a residual). Returns ``(figure, text)``.
    """
    xlabel, losses = families[family]
    x = np.linspace(-3, 3, 601)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for name, loss in losses.items():
        ax.plot(x, loss(x, delta), label=name)
    ax.set(xlabel=xlabel, ylabel="loss", ylim=(-0.1, 4.0), title=family)
    ax.legend()
    text = f"{family}: {', '.join(losses)} (δ = {delta:g} where a loss uses it)"
    return fig, text


def loss_comparison(families, delta=1.0):
    """A family dropdown and a δ slider over ``loss_view``."""
    controls = {
        "family": W.Dropdown(description="family", options=list(families)),
        "delta": W.FloatSlider(description="δ", min=0.1, max=3.0, step=0.1, value=delta, continuous_update=True),
    }
    return LiveFigure(lambda **values: loss_view(families, **values), controls)


# Exercise checks --------------------------------------------------------------------------------


def check_glorot_limit(answer, n_in, n_out):
    """Exercise: the r for which U[-r, r] has Glorot's variance 2 / (n_in + n_out)."""
    hint = "the variance of U[-r, r] is r^2 / 3; set it equal to 2 / (n_in + n_out) and solve for r."
    if unanswered(answer):
        return report(False, "", hint)
    passed = np.isclose(float(answer), np.sqrt(6.0 / (n_in + n_out)), rtol=1e-6)
    return report(passed, f"U[-r, r] with that r has variance 2 / ({n_in} + {n_out}).", hint)


def check_multiclass_hinge(answer, scores, label):
    """Exercise: the K-class hinge loss sum_{j != y} max(0, s_j - s_y + 1) of one example."""
    hint = "for every wrong class j, add how far s_j comes within a margin of 1 of the true score s_y (if at all)."
    if unanswered(answer):
        return report(False, "", hint)
    scores = np.asarray(scores, dtype=np.float64)
    margins = np.maximum(0.0, scores - scores[label] + 1.0)
    margins[label] = 0.0
    passed = np.isclose(float(answer), margins.sum(), atol=1e-6)
    return report(passed, "only the classes inside the margin contribute.", hint)


def check_inverted_dropout_scale(answer, rate):
    """Exercise: the value, during training, of a kept unit whose activation is 1 under
    inverted dropout with drop probability ``rate``."""
    hint = "the expected output must equal the input: a unit is kept with probability 1 - rate."
    if unanswered(answer):
        return report(False, "", hint)
    passed = np.isclose(float(answer), 1.0 / (1.0 - rate), rtol=1e-9)
    return report(passed, "scaling the kept units keeps the expected activation unchanged.", hint)


def check_layers_to_explode(answer, factor, threshold):
    """Exercise: the fewest layers after which a gradient multiplied by ``factor`` per layer
    exceeds ``threshold`` times its size."""
    hint = "solve factor^L > threshold for the whole number L: take logarithms."
    if unanswered(answer):
        return report(False, "", hint)
    expected = int(np.floor(np.log(threshold) / np.log(factor))) + 1
    passed = float(answer) == expected
    return report(passed, f"{factor}^{int(answer)} > {threshold}: growth per layer compounds quickly.", hint)
