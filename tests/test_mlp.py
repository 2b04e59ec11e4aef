"""helpers.mlp (lecture 01): the playground widget and the exercise checks."""

import re
import time

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import data, mlp

from verdicts import assert_hint, assert_passed

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
    demo = mlp.playground(fake_train, *halves)
    assert list(demo.controls) == ["hidden_units", "learning_rate", "lam", "epochs"]
    assert demo.values() == {"hidden_units": 50, "learning_rate": 1.0, "lam": 1e-3, "epochs": 300}
    assert accuracy_in(demo.last_text) == 100.0
    assert "final cost 0.2500" in demo.last_text


@pytest.fixture
def recorded():
    """``(train, calls)``: ``fake_train`` that appends the settings of every call to ``calls``."""
    calls = []

    def train(X, y, **settings):
        calls.append(settings)
        return fake_train(X, y, **settings)

    return train, calls


def test_playground_retrains_when_hidden_units_change(halves, recorded):
    train, calls = recorded
    demo = mlp.playground(train, *halves)
    demo.controls["hidden_units"].value = 5
    assert {"hidden_units": 5, "learning_rate": 1.0, "lam": 1e-3, "epochs": 300} in calls
    assert accuracy_in(demo.status.value) == pytest.approx(100 * np.mean(halves[1] == 0), abs=0.05)  # always class 0
    demo.controls["epochs"].value = 30
    assert {"hidden_units": 5, "learning_rate": 1.0, "lam": 1e-3, "epochs": 30} in calls


def test_playground_trains_the_next_settings_in_the_background(halves, recorded):
    train, calls = recorded
    demo = mlp.playground(train, *halves)
    assert demo.render.settle() and len(calls) == 1  # nothing ahead until someone moves a control
    demo.controls["epochs"].value = 1000
    assert demo.render.settle()
    # Every setting one slider move away from the new one, and nothing else: 7 + 4 + 4 + 4 besides the two shown.
    assert len(calls) == 2 + 7 + 4 + 4 + 4
    assert len({tuple(sorted(c.items())) for c in calls}) == len(calls)  # none trained twice
    assert all(sum(c[name] != calls[1][name] for name in c) == 1 for c in calls[2:])
    demo.controls["hidden_units"].value = 1  # trained ahead: shown from memory, and its neighbours trained next
    assert demo.render.settle()
    # Every number of hidden units was trained before: 4 + 4 + 5 new.
    assert len({tuple(sorted(c.items())) for c in calls}) == len(calls) == 21 + 4 + 4 + 5
    assert {"hidden_units": 1, "learning_rate": 1.0, "lam": 1e-3, "epochs": 1000} in calls[2:21]


def test_playground_neighbours_come_nearest_first():
    view = mlp.PlaygroundView(fake_train, np.zeros((2, 2)), np.array([0, 1]),
                              options={"hidden_units": [1, 2, 3], "epochs": [10, 30]})
    assert view.neighbours({"hidden_units": 1, "epochs": 30}) == [
        {"hidden_units": 2, "epochs": 30}, {"hidden_units": 1, "epochs": 10}, {"hidden_units": 3, "epochs": 30}]


def test_playground_trains_a_setting_once_when_it_is_shown_before_the_thread_gets_to_it(halves):
    calls = []

    def slow_train(X, y, **settings):
        calls.append(settings)
        time.sleep(0.6 if settings["hidden_units"] == 1 else 0.1)
        return fake_train(X, y, **settings)

    view = mlp.PlaygroundView(slow_train, *halves, options={"hidden_units": [1, 2, 3]})
    view.train_ahead({"hidden_units": 2, "learning_rate": 0.1, "lam": 0.0, "epochs": 3})  # ahead: 1, then 3
    time.sleep(0.05)  # the thread is on 1 unit ...
    view.result(hidden_units=3, learning_rate=0.1, lam=0.0, epochs=3)  # ... while 3 units are trained here,
    start = time.perf_counter()  # so the thread will find 3 units done when it gets there
    assert view.settle(timeout=5.0)
    assert time.perf_counter() - start < 2.0
    assert sorted(c["hidden_units"] for c in calls) == [1, 3]  # each trained once


def test_playground_shows_a_failure_of_training_ahead_where_its_setting_is_chosen(halves):
    def train(X, y, **settings):
        if settings["hidden_units"] == 20:
            raise ValueError("no 20")
        return fake_train(X, y, **settings)

    demo = mlp.playground(train, *halves)
    demo.controls["lam"].value = 0.0
    assert demo.render.settle()  # the failure happened in the background, quietly
    with pytest.raises(ValueError, match="no 20"):
        demo.controls["hidden_units"].value = 20


def test_playground_view_returns_figure_and_text(halves):
    fig, text = mlp.playground_view(fake_train, *halves, hidden_units=20, learning_rate=0.1, lam=0.0, epochs=3)
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
    demo = mlp.playground(train_numpy_network, X, y)  # built with 50 units, alpha 1, 300 epochs
    assert accuracy_in(demo.last_text) > 90.0
    demo.controls["epochs"].value = 1000
    demo.controls["learning_rate"].value = 0.3
    assert demo.values()["hidden_units"] == 50
    assert accuracy_in(demo.last_text) > 90.0
    demo.controls["hidden_units"].value = 1  # one ReLU unit cannot follow three arms
    assert accuracy_in(demo.last_text) < 70.0


# Exercise checks ------------------------------------------------------------------------------


# check_tanh_output_delta ------------------------------------------------------------------------


def test_tanh_delta_right(capsys):
    assert_passed(mlp.check_tanh_output_delta(lambda Z, Y: (np.tanh(Z) - Y) * (1 - np.tanh(Z) ** 2)), capsys)


@pytest.mark.parametrize(
    "wrong",
    [
        lambda Z, Y: (Y - np.tanh(Z)) * (1 - np.tanh(Z) ** 2),  # sign flipped
        lambda Z, Y: np.tanh(Z) - Y,  # f'(z) forgotten
        lambda Z, Y: (np.tanh(Z) - Y) * (1 - np.tanh(Z)),  # wrong derivative
        lambda Z, Y: (np.tanh(Z) - Y) * (1 - np.tanh(Z) ** 2) / len(Z),  # averaged over the batch
        lambda Z, Y: np.full_like(Z, np.nan),
    ],
)
def test_tanh_delta_wrong_values(capsys, wrong):
    out = assert_hint(mlp.check_tanh_output_delta(wrong), capsys)
    assert "tanh" in out


@pytest.mark.parametrize("answer", [None, Ellipsis])
def test_tanh_delta_unanswered(capsys, answer):
    assert_hint(mlp.check_tanh_output_delta(answer), capsys)


def test_tanh_delta_function_returning_ellipsis(capsys):
    """The notebook's template, `return ...`, gets told what it returned."""
    out = assert_hint(mlp.check_tanh_output_delta(lambda Z, Y: ...), capsys)
    assert "Ellipsis" in out


def test_tanh_delta_wrong_shape_says_shape(capsys):
    out = assert_hint(mlp.check_tanh_output_delta(lambda Z, Y: (np.tanh(Z) - Y).sum(axis=1)), capsys)
    assert "(5, 3)" in out and "(5,)" in out


def test_tanh_delta_function_that_raises_says_what_happened(capsys):
    def broken(Z, Y):
        raise ZeroDivisionError("oops in my delta")

    out = assert_hint(mlp.check_tanh_output_delta(broken), capsys)
    assert "ZeroDivisionError" in out and "oops in my delta" in out


def test_tanh_delta_may_overwrite_its_inputs(capsys):
    """A function that works in place on Z still gets a fair check."""

    def in_place(Z, Y):
        A = np.tanh(Z, out=Z)
        return (A - Y) * (1 - A**2)

    assert_passed(mlp.check_tanh_output_delta(in_place), capsys)


# check_parameter_count ------------------------------------------------------------------------


@pytest.mark.parametrize("sizes, count", [([784, 256, 128, 10], 235_146), ([2, 3, 1], 13), ([4, 4], 20)])
def test_parameter_count_right(capsys, sizes, count):
    out = assert_passed(mlp.check_parameter_count(count, sizes), capsys)
    assert f"{count:,}" in out


@pytest.mark.parametrize("answer", [235_136, 234_752, 235_156, 0, None, Ellipsis])
def test_parameter_count_wrong_hint_hides_answer(capsys, answer):
    out = assert_hint(mlp.check_parameter_count(answer, [784, 256, 128, 10]), capsys)
    assert "235146" not in out and "235,146" not in out


def test_parameter_count_accepts_numpy_integer_and_whole_float(capsys):
    assert_passed(mlp.check_parameter_count(np.int64(13), [2, 3, 1]), capsys)
    assert_passed(mlp.check_parameter_count(13.0, [2, 3, 1]), capsys)


@pytest.mark.parametrize("answer", [13.5, 13.9])
def test_parameter_count_non_integer_is_not_correct(capsys, answer):
    """13.5 parameters is a wrong answer, not 13 rounded down."""
    assert_hint(mlp.check_parameter_count(answer, [2, 3, 1]), capsys)


# check_weight_decay_factor -------------------------------------------------------------------


def test_weight_decay_factor_right(capsys):
    assert_passed(mlp.check_weight_decay_factor(1 - 0.5 * 1e-3, learning_rate=0.5, lam=1e-3), capsys)
    assert_passed(mlp.check_weight_decay_factor(np.float64(0.9995), learning_rate=0.5, lam=1e-3), capsys)


@pytest.mark.parametrize("answer", [0.0005, 1.0005, 1.0, 0.995, 0.5, None, Ellipsis])
def test_weight_decay_factor_wrong_hint_hides_answer(capsys, answer):
    out = assert_hint(mlp.check_weight_decay_factor(answer, learning_rate=0.5, lam=1e-3), capsys)
    assert "0.9995" not in out


# check_identical_hidden_units ----------------------------------------------------------------


def test_identical_hidden_units_right(capsys):
    assert_passed(mlp.check_identical_hidden_units(1), capsys)
    assert_passed(mlp.check_identical_hidden_units(np.int64(1)), capsys)


@pytest.mark.parametrize("answer", [0, 2, 20, 1.5, None, Ellipsis])
def test_identical_hidden_units_wrong(capsys, answer):
    out = assert_hint(mlp.check_identical_hidden_units(answer), capsys)
    assert "W1" in out


# Issue: answers students type, wrong verdicts, hints that diagnose ------------------------------


@pytest.mark.parametrize("answer", [float("nan"), float("inf"), -float("inf"), "abc", "235100", [235100],
                                    np.zeros((2, 2)), 1 + 2j, True, np.array(["a"])])
def test_parameter_count_any_junk_gets_a_hint_saying_what_is_expected(capsys, answer):
    out = assert_hint(mlp.check_parameter_count(answer, layer_sizes=[784, 256, 128, 10]), capsys)
    assert "whole number" in out and "235146" not in out and "235,146" not in out


@pytest.mark.parametrize(("answer", "says"), [(784 * 256 + 256 * 128 + 128 * 10, "bias"),
                                              (235_146 + 784, "input layer has no biases")])
def test_parameter_count_hint_names_the_missing_part(capsys, answer, says):
    assert says in assert_hint(mlp.check_parameter_count(answer, layer_sizes=[784, 256, 128, 10]), capsys)


def test_weight_decay_factor_accepts_float32(capsys):
    assert_passed(mlp.check_weight_decay_factor(np.float32(0.9995), learning_rate=0.5, lam=1e-3), capsys)
    assert_passed(mlp.check_weight_decay_factor(np.float16(1) - np.float32(0.0005), learning_rate=0.5, lam=1e-3),
                  capsys)
    assert "shrinks" in assert_hint(mlp.check_weight_decay_factor(1.0005, learning_rate=0.5, lam=1e-3), capsys)


@pytest.mark.parametrize("answer", [True, np.bool_(True), 1.5, "1", [1]])
def test_identical_hidden_units_refuses_a_yes_or_a_fraction(capsys, answer):
    assert_hint(mlp.check_identical_hidden_units(answer), capsys)


@pytest.mark.parametrize("answer", [lambda Z, Y: "abc", lambda Z, Y: {}, lambda Z, Y: [[1, 2], [3]],
                                    lambda Z, Y: 1j * Z, lambda: 1, "tanh"])
def test_tanh_delta_junk_from_a_function_gets_a_hint(capsys, answer):
    assert_hint(mlp.check_tanh_output_delta(answer), capsys)


def test_tanh_delta_hint_does_not_give_the_derivative(capsys):
    out = assert_hint(mlp.check_tanh_output_delta(None), capsys)
    assert "1 - a" not in out and "1 - tanh" not in out and "-(y - a)" not in out


def test_playground_refuses_bad_arguments():
    X, y = data.make_spiral(10, 2)
    with pytest.raises(ValueError, match="train must be a function"):
        mlp.playground("train", X, y)
    with pytest.raises(ValueError, match="same number of examples"):
        mlp.playground(lambda *a, **k: None, X, y[:-1])


# Exercise checks added for the teaching review ----------------------------------------------------


def test_relu_layer_backward(capsys):
    def good(G, A_prev, W, b):
        dZ = G * (A_prev @ W.T + b > 0)
        return dZ.T @ A_prev, dZ.sum(axis=0), dZ @ W

    def no_mask(G, A_prev, W, b):
        return G.T @ A_prev, G.sum(axis=0), G @ W

    def averaged(G, A_prev, W, b):
        dW, db, dA = good(G, A_prev, W, b)
        return dW / len(G), db / len(G), dA

    def transposed(G, A_prev, W, b):
        dW, db, dA = good(G, A_prev, W, b)
        return dW.T, db, dA

    assert_passed(mlp.check_relu_layer_backward(good), capsys)
    assert "ReLU" in assert_hint(mlp.check_relu_layer_backward(no_mask), capsys)
    assert "no mean" in assert_hint(mlp.check_relu_layer_backward(averaged), capsys)
    assert "transposed" in assert_hint(mlp.check_relu_layer_backward(transposed), capsys)
    for bad in [..., None, "f", lambda *a: 1 / 0, lambda *a: None, lambda *a: (1, 2), lambda *a: ("x", 1, 2),
                lambda G, A, W, b: (W * np.nan, b, A)]:
        out = assert_hint(mlp.check_relu_layer_backward(bad), capsys)
        assert "dZ.T @ A_prev" not in out and "> 0" not in out  # hints never give the formula
