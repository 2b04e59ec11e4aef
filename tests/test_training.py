"""helpers.training (lecture 02): the gradient-flow and loss widgets and the exercise checks."""


import numpy as np
from matplotlib.figure import Figure

from helpers import training

from verdicts import assert_hint, assert_passed

# Notebook 02: gradient flow and loss comparison ------------------------------------------------


def fake_stack_statistics(activation, initialization, depth):
    """Activation std constant, gradients shrinking by 10 per layer towards the input for 'sigmoid'."""
    shrink = 10.0 if activation == "sigmoid" else 1.0
    return [0.5] * depth, [shrink ** -(depth - 1 - l) for l in range(depth)]


def test_gradient_flow_view_reports_the_ratio():
    fig, text = training.gradient_flow_view(fake_stack_statistics, depth=4, activation="sigmoid", initialization="x")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert "<b>0.001</b> times" in text
    left, right = fig.axes
    assert list(right.get_lines()[0].get_ydata()) == [1e-3, 1e-2, 1e-1, 1.0]


def test_gradient_flow_widget_follows_its_controls():
    calls = []

    def stats(activation, initialization, depth):
        calls.append((activation, initialization, depth))
        return fake_stack_statistics(activation, initialization, depth)

    demo = training.gradient_flow(stats, activations=["relu", "sigmoid"], initializations=["He", "Glorot"], depth=5)
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
    fig, text = training.loss_view(FAMILIES, family="regression", delta=2.0)
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["L2", "scaled"]
    x, y = lines[1].get_data()
    assert np.allclose(y, 2.0 * np.abs(x))
    assert "regression" in text and "δ = 2" in text


def test_loss_comparison_widget_moves_delta_and_family():
    demo = training.loss_comparison(FAMILIES, delta=1.0)
    assert demo.values() == {"family": "regression", "delta": 1.0}
    demo.controls["delta"].value = 0.5
    assert "δ = 0.5" in demo.last_text
    demo.controls["family"].value = "binary"
    assert demo.last_text.startswith("binary: hinge")


# Exercise checks ------------------------------------------------------------------------------


def test_glorot_limit(capsys):
    assert_passed(training.check_glorot_limit(np.sqrt(6 / (784 + 256)), n_in=784, n_out=256), capsys)
    out = assert_hint(training.check_glorot_limit(np.sqrt(6 / (784 + 256 + 1)), n_in=784, n_out=256), capsys)
    assert f"{np.sqrt(6 / 1040):.3f}" not in out
    assert_hint(training.check_glorot_limit(np.sqrt(2 / (784 + 256)), n_in=784, n_out=256), capsys)  # a std

    assert_hint(training.check_glorot_limit(..., n_in=784, n_out=256), capsys)


def test_multiclass_hinge(capsys):
    assert_passed(training.check_multiclass_hinge(2.9, scores=[3.2, 5.1, -1.7], label=0), capsys)
    assert_passed(training.check_multiclass_hinge(0.0, scores=[3.2, 1.1, -1.7], label=0), capsys)  # beyond

    out = assert_hint(training.check_multiclass_hinge(3.9, scores=[3.2, 5.1, -1.7], label=0), capsys)  # counts class y
    assert "2.9" not in out
    assert_hint(training.check_multiclass_hinge(None, scores=[3.2, 5.1, -1.7], label=0), capsys)


def test_inverted_dropout_scale(capsys):
    assert_passed(training.check_inverted_dropout_scale(1.25, rate=0.2), capsys)
    out = assert_hint(training.check_inverted_dropout_scale(0.8, rate=0.2), capsys)  # multiplied instead of divided
    assert "1.25" not in out
    assert_hint(training.check_inverted_dropout_scale(5.0, rate=0.2), capsys)  # divided by the rate


def test_layers_to_explode(capsys):
    assert_passed(training.check_layers_to_explode(18, factor=1.5, threshold=1000), capsys)
    assert_hint(training.check_layers_to_explode(17, factor=1.5, threshold=1000), capsys)  # 1.5^17 = 985.8
    out = assert_hint(training.check_layers_to_explode(17.04, factor=1.5, threshold=1000), capsys)
    assert "18" not in out
    assert_passed(training.check_layers_to_explode(10, factor=2, threshold=1000), capsys)  # 2^10 = 1024 > 1000
