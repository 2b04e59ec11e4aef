"""helpers.widgets, headless: build a widget, change a control, read what it shows."""

import re

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import data, widgets


class FakeRender:
    """Records every call; returns a small figure and a line of text naming the values."""

    def __init__(self):
        self.calls = []

    def __call__(self, **values):
        self.calls.append(values)
        fig, ax = plt.subplots(figsize=(1, 1))
        ax.plot([0, values["n"]])
        return fig, f"n is {values['n']}, mode {values['mode']}"


@pytest.fixture
def live():
    render = FakeRender()
    controls = {"n": W.IntSlider(value=3, min=0, max=10), "mode": W.Dropdown(options=["a", "b"], value="a")}
    return widgets.LiveFigure(render, controls), render, controls


def test_live_figure_renders_once_when_built(live):
    figure, render, _ = live
    assert render.calls == [{"n": 3, "mode": "a"}]
    assert figure.last_text == "n is 3, mode a"
    assert figure.status.value == "n is 3, mode a"
    assert figure.values() == {"n": 3, "mode": "a"}


def test_live_figure_rerenders_when_a_control_changes(live):
    figure, render, controls = live
    controls["n"].value = 7
    assert render.calls[-1] == {"n": 7, "mode": "a"}
    assert figure.status.value == figure.last_text == "n is 7, mode a"
    controls["mode"].value = "b"
    assert render.calls[-1] == {"n": 7, "mode": "b"}
    assert figure.status.value == "n is 7, mode b"
    assert len(render.calls) == 3


def test_live_figure_closes_its_figures(live):
    figure, _, controls = live
    controls["n"].value = 1
    assert plt.get_fignums() == []  # no figures pile up during a demo


def test_live_figure_layout(live):
    figure, _, controls = live
    assert isinstance(figure.widget, W.VBox)
    row, status, output = figure.widget.children
    assert list(row.children) == list(controls.values())
    assert status is figure.status and output is figure.output


# The playground with a fake trainer ----------------------------------------------------------


def fake_train(X, y, hidden_units, learning_rate, lam, epochs):
    """Perfect on ``halves`` with 10 or more hidden units, always class 0 below; three falling costs."""

    def predict(points):
        if hidden_units >= 10:
            return (points[:, 0] > 0).astype(int)
        return np.zeros(len(points), dtype=int)

    return predict, [1.0, 0.5, 0.25]


@pytest.fixture
def halves():
    """Points in the square, labelled by the sign of their first coordinate."""
    X = np.random.default_rng(0).uniform(-1.0, 1.0, size=(60, 2))
    return X, (X[:, 0] > 0).astype(int)


def accuracy_in(text):
    match = re.search(r"training accuracy <b>([\d.]+)%</b>", text)
    assert match, text
    return float(match.group(1))


def test_playground_controls(halves):
    demo = widgets.playground(fake_train, *halves)
    assert list(demo.controls) == ["hidden_units", "learning_rate", "lam", "epochs"]
    assert demo.values() == {"hidden_units": 50, "learning_rate": 0.3, "lam": 1e-3, "epochs": 1000}
    assert accuracy_in(demo.last_text) == 100.0
    assert "final cost 0.2500" in demo.last_text


def test_playground_retrains_when_hidden_units_change(halves):
    calls = []

    def train(X, y, **settings):
        calls.append(settings)
        return fake_train(X, y, **settings)

    demo = widgets.playground(train, *halves)
    demo.controls["hidden_units"].value = 5
    assert calls[-1] == {"hidden_units": 5, "learning_rate": 0.3, "lam": 1e-3, "epochs": 1000}
    assert accuracy_in(demo.status.value) == pytest.approx(100 * np.mean(halves[1] == 0), abs=0.05)  # always class 0
    demo.controls["epochs"].value = 30
    assert calls[-1]["epochs"] == 30


def test_playground_view_returns_figure_and_text(halves):
    fig, text = widgets.playground_view(fake_train, *halves, hidden_units=20, learning_rate=0.1, lam=0.0, epochs=3)
    assert isinstance(fig, Figure)
    assert isinstance(text, str)
    regions, curve = fig.axes[:2]
    assert "20 hidden units" in regions.get_title()
    assert curve.get_yscale() == "log"
    assert accuracy_in(text) == 100.0


# The real playground on the spiral, with a small numpy network ---------------------------------


def train_numpy_network(X, y, hidden_units, learning_rate, lam, epochs, seed=0):
    """A 2-hidden_units-K ReLU/softmax network, full-batch gradient descent on cross-entropy + ridge."""
    rng = np.random.default_rng(seed)
    n_classes = int(y.max()) + 1
    W1 = rng.normal(0.0, 1.0, (X.shape[1], hidden_units))
    b1 = np.zeros(hidden_units)
    W2 = rng.normal(0.0, 1.0 / np.sqrt(hidden_units), (hidden_units, n_classes))
    b2 = np.zeros(n_classes)
    Y = np.eye(n_classes)[y]
    costs = []
    for _ in range(epochs):
        H = np.maximum(0.0, X @ W1 + b1)
        Z = H @ W2 + b2
        A = np.exp(Z - Z.max(axis=1, keepdims=True))
        A /= A.sum(axis=1, keepdims=True)
        costs.append(-np.mean(np.log(A[np.arange(len(y)), y])) + lam / 2 * (np.sum(W1**2) + np.sum(W2**2)))
        dZ = (A - Y) / len(y)
        dH = (dZ @ W2.T) * (H > 0)
        W2 -= learning_rate * (H.T @ dZ + lam * W2)
        b2 -= learning_rate * dZ.sum(axis=0)
        W1 -= learning_rate * (X.T @ dH + lam * W1)
        b1 -= learning_rate * dH.sum(axis=0)

    def predict(points):
        return (np.maximum(0.0, points @ W1 + b1) @ W2 + b2).argmax(axis=1)

    return predict, costs


def test_playground_separates_the_spiral_with_50_hidden_units():
    X, y = data.make_spiral(n_per_class=100, n_classes=3, seed=0)
    demo = widgets.playground(train_numpy_network, X, y)  # built with 50 units, alpha 0.3, 1000 epochs
    assert accuracy_in(demo.last_text) > 90.0
    demo.controls["epochs"].value = 300
    demo.controls["learning_rate"].value = 1.0
    assert demo.values()["hidden_units"] == 50
    assert accuracy_in(demo.last_text) > 90.0
    demo.controls["hidden_units"].value = 1  # one ReLU unit cannot follow three arms
    assert accuracy_in(demo.last_text) < 70.0


# Notebook 02: gradient flow and loss comparison ------------------------------------------------


def fake_stack_statistics(activation, initialization, depth):
    """Activation std constant, gradients shrinking by 10 per layer towards the input for 'sigmoid'."""
    shrink = 10.0 if activation == "sigmoid" else 1.0
    return [0.5] * depth, [shrink ** -(depth - 1 - l) for l in range(depth)]


def test_gradient_flow_view_reports_the_ratio():
    fig, text = widgets.gradient_flow_view(fake_stack_statistics, depth=4, activation="sigmoid", initialization="x")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert "<b>0.001</b> times" in text
    left, right = fig.axes
    assert list(right.get_lines()[0].get_ydata()) == [1e-3, 1e-2, 1e-1, 1.0]


def test_gradient_flow_widget_follows_its_controls():
    calls = []

    def stats(activation, initialization, depth):
        calls.append((activation, initialization, depth))
        return fake_stack_statistics(activation, initialization, depth)

    demo = widgets.gradient_flow(stats, activations=["relu", "sigmoid"], initializations=["He", "Glorot"], depth=5)
    assert calls == [("relu", "He", 5)] and "<b>1</b> times" in demo.last_text
    demo.controls["activation"].value = "sigmoid"
    demo.controls["depth"].value = 3
    assert calls[-1] == ("sigmoid", "He", 3)
    assert "<b>0.01</b> times" in demo.last_text
    demo.controls["initialization"].value = "Glorot"
    assert calls[-1] == ("sigmoid", "Glorot", 3)


FAMILIES = {
    "regression": ("residual", {"L2": lambda x, delta: x**2, "scaled": lambda x, delta: delta * np.abs(x)}),
    "binary": ("margin", {"hinge": lambda x, delta: np.maximum(0, 1 - x)}),
}


def test_loss_view_draws_every_loss_of_the_family():
    fig, text = widgets.loss_view(FAMILIES, family="regression", delta=2.0)
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["L2", "scaled"]
    x, y = lines[1].get_data()
    assert np.allclose(y, 2.0 * np.abs(x))
    assert "regression" in text and "δ = 2" in text


def test_loss_comparison_widget_moves_delta_and_family():
    demo = widgets.loss_comparison(FAMILIES, delta=1.0)
    assert demo.values() == {"family": "regression", "delta": 1.0}
    demo.controls["delta"].value = 0.5
    assert "δ = 0.5" in demo.last_text
    demo.controls["family"].value = "binary"
    assert demo.last_text.startswith("binary: hinge")


# Notebook 04: reconstructions by code size ------------------------------------------------------


def test_compare_reconstructions_shows_only_models_with_that_size():
    originals = np.zeros((3, 16))
    reconstructions = {"PCA": {2: np.ones((3, 16)), 5: np.ones((3, 16))}, "deep": {2: np.full((3, 16), 0.5)}}
    errors = {"PCA": {2: 9.0, 5: 4.0}, "deep": {2: 3.0}}
    fig, text = widgets.compare_reconstructions_view(originals, reconstructions, errors, k=2)
    assert isinstance(fig, Figure)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["original", "PCA, K = 2", "deep, K = 2"]
    assert "PCA <b>9.00</b>" in text and "deep <b>3.00</b>" in text
    demo = widgets.compare_reconstructions(originals, reconstructions, errors, k_choices=[2, 5], k=2)
    demo.controls["k"].value = 5
    assert demo.last_text == "K = 5, test error per image: PCA <b>4.00</b>"
