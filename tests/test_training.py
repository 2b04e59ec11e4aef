"""helpers.training (lecture 02): the gradient-flow and loss widgets and the exercise checks."""


import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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
    assert demo.last_text.startswith("binary: hinge") and "changes nothing" in demo.last_text
    assert demo.controls["delta"].disabled  # no loss of the family has a δ
    demo.controls["family"].value = "regression"
    assert not demo.controls["delta"].disabled
    assert not demo.controls["delta"].continuous_update  # redraws on release, not at every step of a drag


def test_loss_comparison_can_open_on_any_family():
    demo = training.loss_comparison(FAMILIES, family="binary")
    assert demo.values()["family"] == "binary" and demo.controls["delta"].disabled
    with pytest.raises(ValueError, match="family must be one of"):
        training.loss_comparison(FAMILIES, family="ranking")


def test_loss_view_draws_overlapping_losses_in_different_styles():
    fig, _ = training.loss_view(FAMILIES, family="regression", delta=2.0)
    assert len({line.get_linestyle() for line in fig.axes[0].get_lines()}) == 2


def test_gradient_flow_says_when_every_gradient_has_vanished():
    def vanished(activation, initialization, depth):
        return [1e-20] * depth, [2.5e-27 * (1 + 0.1 * l) for l in range(depth)]

    fig, text = training.gradient_flow_view(vanished, depth=5, activation="relu", initialization="small")
    assert "vanished" in text and "times" not in text
    low, high = fig.axes[1].get_ylim()
    assert high / low >= 1e4  # noise of a few percent does not fill the axis


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


# Issue: answers students type, wrong verdicts, hints that diagnose ------------------------------


@pytest.mark.parametrize("answer", ["abc", [0.07], np.zeros((2, 2)), 1j, math.nan, math.inf, True])
def test_glorot_limit_junk_gets_a_hint(capsys, answer):
    out = assert_hint(training.check_glorot_limit(answer, n_in=784, n_out=256), capsys)
    assert "number" in out and f"{np.sqrt(6 / 1040):.3f}" not in out


def test_glorot_limit_accepts_float32_and_names_a_standard_deviation(capsys):
    assert_passed(training.check_glorot_limit(np.float32(np.sqrt(6 / 1040)), n_in=784, n_out=256), capsys)
    out = assert_hint(training.check_glorot_limit(np.sqrt(2 / 1040), n_in=784, n_out=256), capsys)
    assert "standard deviation" in out


@pytest.mark.parametrize("answer", [math.nan, math.inf, -math.inf, 17.5, "18", [18], True])
def test_layers_to_explode_junk_gets_a_hint(capsys, answer):
    assert_hint(training.check_layers_to_explode(answer, factor=1.5, threshold=1000), capsys)


def test_hinge_and_dropout_hints_diagnose(capsys):
    assert "true class" in assert_hint(training.check_multiclass_hinge(3.9, scores=[3.2, 5.1, -1.7], label=0), capsys)
    assert "keep" in assert_hint(training.check_inverted_dropout_scale(0.8, rate=0.2), capsys)


@settings(max_examples=60, deadline=None, database=None)
@given(factor=st.floats(1.01, 10.0), threshold=st.floats(1.5, 1e12))
def test_layers_to_explode_is_the_fewest_layers(factor, threshold):
    layers = next(n for n in range(1, 10_000) if factor**n > threshold)
    assert training.check_layers_to_explode(layers, factor=factor, threshold=threshold)
    assert not training.check_layers_to_explode(layers + 1, factor=factor, threshold=threshold)
    if layers > 1:
        assert not training.check_layers_to_explode(layers - 1, factor=factor, threshold=threshold)


def test_widgets_refuse_bad_arguments():
    with pytest.raises(ValueError, match="depth must be a whole number from 2 to 30"):
        training.gradient_flow(lambda *a: None, ["relu"], ["He"], depth=50)
    with pytest.raises(ValueError, match="delta must be a number from 0.1 to 3.0"):
        training.loss_comparison({"f": ("x", {})}, delta=5)


# Exercise checks added for the teaching review ----------------------------------------------------


def reference_adam_step(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g**2
    m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v


def test_adam_step_passes_against_keras(capsys):
    assert_passed(training.check_adam_step(reference_adam_step), capsys)


def test_adam_step_diagnoses_slips(capsys):
    def no_bias_correction(w, g, m, v, t):
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g**2
        return w - 0.001 * m / (np.sqrt(v) + 1e-7), m, v

    def no_square_root(w, g, m, v, t):
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g**2
        return w - 0.001 * (m / (1 - 0.9**t)) / (v / (1 - 0.999**t) + 1e-7), m, v

    def uphill(w, g, m, v, t):
        new_w, m, v = reference_adam_step(w, g, m, v, t)
        return 2 * w - new_w, m, v

    assert "start at zero" in assert_hint(training.check_adam_step(no_bias_correction), capsys)
    assert "scale of a gradient" in assert_hint(training.check_adam_step(no_square_root), capsys)
    assert "uphill" in assert_hint(training.check_adam_step(uphill), capsys)
    for bad in [..., None, "adam", 3.0, lambda *a: 1 / 0, lambda w, g, m, v, t: w,
                lambda w, g, m, v, t: (w, m), lambda w, g, m, v, t: (w * np.nan, m, v),
                lambda w, g, m, v, t: ("w", m, v), lambda w, g, m, v, t: (w[0], m, v)]:
        out = assert_hint(training.check_adam_step(bad), capsys)
        assert "sqrt" not in out and "1 - beta" not in out  # hints never give the formula


def test_progress_line_prints_only_the_summary_outside_a_notebook(capsys):
    progress = training.progress_line(total_epochs=2)
    progress.start("run", 2)
    progress.on_epoch_end(0, {"loss": 1.0})
    progress.on_epoch_end(1, {"loss": 0.5})
    assert "epoch 2/2" in progress.text and "loss 0.5" in progress.text and "left" in progress.text
    progress.done("trained")
    assert capsys.readouterr().out == "trained\n"


def test_optimizer_cells_match_keras():
    """Notebook 02's optimizer cells (tagged ``tested``): NumPy momentum, RMSProp and the cosine
    schedule, each checked against Keras inside the cells themselves."""
    import keras

    from notebook_cells import run_tagged_cells

    namespace = run_tagged_cells("02", "tested", namespace={"np": np, "keras": keras, "rng": np.random.default_rng(0)},
                                 min_cells=3)
    w, velocity = namespace["sgd_momentum_step"](np.ones(2), np.ones(2), np.zeros(2), learning_rate=0.1, momentum=0.5)
    assert np.allclose(velocity, -0.1) and np.allclose(w, 0.9)
    assert np.isclose(namespace["cosine_decay"](500, 1.0, 1000), 0.5)
