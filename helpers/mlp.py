"""Lecture 01, the perceptron and the MLP: the playground widget and the exercise checks."""

import time

import matplotlib.pyplot as plt
import numpy as np

from . import plots
from .checking import numeric_gradient, report, unanswered
from .live import LiveFigure, choice_slider


def playground_view(train, X, y, hidden_units, learning_rate, lam, epochs):
    """Train ``train(X, y, hidden_units, learning_rate, lam, epochs) -> (predict, losses)`` and
    show the decision regions next to the loss curve. Returns ``(figure, text)``."""
    start = time.perf_counter()
    predict, losses = train(X, y, hidden_units=hidden_units, learning_rate=learning_rate, lam=lam, epochs=epochs)
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(predict(X) == y))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
    plots.decision_regions(predict, X, y, resolution=120, ax=left, title=f"{hidden_units} hidden units")
    plots.learning_curves({"training cost J": losses}, xlabel="epoch", ax=right, logy=True, title="cost")
    fig.tight_layout()
    text = (
        f"training accuracy <b>{accuracy:.1%}</b>, final cost {losses[-1]:.4f}, "
        f"trained in {seconds:.2f} s"
    )
    return fig, text


def playground(train, X, y):
    """Sliders for hidden units, learning rate, lambda and epochs over ``playground_view``."""
    controls = {
        "hidden_units": choice_slider("hidden units", [1, 2, 3, 5, 10, 20, 50, 100], 50),
        "learning_rate": choice_slider("learning rate α", [0.01, 0.03, 0.1, 0.3, 1.0], 0.3),
        "lam": choice_slider("λ (ridge)", [0.0, 1e-4, 1e-3, 1e-2, 1e-1], 1e-3),
        "epochs": choice_slider("epochs", [10, 30, 100, 300, 1000, 3000], 1000),
    }
    return LiveFigure(lambda **values: playground_view(train, X, y, **values), controls)


# Exercise checks --------------------------------------------------------------------------------


def check_tanh_output_delta(output_delta):
    """Exercise: the output delta of a tanh output layer with the squared-error cost.

    ``output_delta(Z, Y)`` takes pre-activations ``Z`` and targets ``Y``, both of shape (m, K),
    and returns each example's delta, shape (m, K): the derivative of that example's cost
    1/2 ||tanh(z) - y||^2 with respect to its z. Checked against finite differences.
    """
    hint = (
        "Apply the lecture's output-layer equation delta = -(y - a) * f'(z) with a = f(z) = tanh(z); "
        "what is the derivative of tanh?"
    )
    if unanswered(output_delta):
        return report(False, "", hint)
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(5, 3))
    Y = rng.uniform(-1.0, 1.0, size=(5, 3))
    expected = numeric_gradient(lambda Z_: 0.5 * np.sum((np.tanh(Z_) - Y) ** 2), Z.copy())
    try:
        got = output_delta(Z.copy(), Y.copy())
    except Exception as err:  # a student's function may fail in any way: say how
        return report(False, "", f"Calling your function raised {type(err).__name__}: {err}. {hint}")
    if unanswered(got):
        return report(False, "", f"Your function returns {got!r}: make it return the deltas. {hint}")
    got = np.asarray(got, dtype=np.float64)
    if got.shape != Z.shape:
        return report(False, "", f"The delta must have the shape of Z, {Z.shape}, not {got.shape}.")
    passed = np.allclose(got, expected, atol=1e-6)
    return report(passed, "Your delta matches finite differences of the squared-error cost.", hint)


def check_parameter_count(answer, layer_sizes):
    """Exercise: the number of weights and biases of a fully connected net with these layer sizes."""
    hint = (
        "Between a layer of n units and the next of n' units there is a weight matrix W "
        "of shape (n', n) and a bias vector of n' entries; the input layer has no biases."
    )
    if unanswered(answer):
        return report(False, "", hint)
    expected = sum(n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))
    return report(float(answer) == expected, f"{'-'.join(map(str, layer_sizes))} has {int(answer):,} parameters.", hint)


def check_weight_decay_factor(answer, learning_rate, lam):
    """Exercise: the factor that one gradient step with the ridge penalty multiplies W by
    before subtracting the data term (the lecture's 'weight decay')."""
    hint = "Write W - alpha * (grad_data + lambda * W) and collect the terms in W."
    if unanswered(answer):
        return report(False, "", hint)
    passed = np.isclose(float(answer), 1.0 - learning_rate * lam, rtol=1e-9, atol=1e-12)
    return report(passed, "Each step shrinks the weights by that factor, then follows the data gradient.", hint)


def check_identical_hidden_units(answer):
    """Exercise: how many different hidden units (distinct rows of W1) remain after training
    a network whose weights all started at zero."""
    hint = (
        "Train it, then count the distinct rows of W1, e.g. len(np.unique(W1.round(10), axis=0)); "
        "ask what makes one hidden unit's gradient differ from another's."
    )
    if unanswered(answer):
        return report(False, "", hint)
    passed = float(answer) == 1
    return report(passed, "Every hidden unit gets the same gradient, so they stay copies of one another.", hint)
