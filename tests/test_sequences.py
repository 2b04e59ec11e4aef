"""helpers.sequences: the marked-recall task, the minimal gated unit cell, training summaries."""

import keras
import numpy as np
import pytest

from helpers import sequences


def test_marked_recall_task_shapes_marker_and_targets():
    x, y = sequences.marked_recall_task(50, lag=7, n_symbols=5, lead=3, seed=1)
    assert x.shape == (50, 10, 6) and x.dtype == np.float32
    assert y.shape == (50,) and set(np.unique(y)) <= set(range(5))
    assert np.all(x[..., :5].sum(axis=2) == 1)  # one symbol per step
    assert np.array_equal(x[..., 5].sum(axis=1), np.ones(50))  # one marker per sequence
    assert np.all(x[:, 3, 5] == 1)  # at step `lead`
    assert np.array_equal(np.argmax(x[:, 3, :5], axis=1), y)  # the target is the marked symbol


def test_marked_recall_task_is_reproducible_and_varies_with_seed():
    a, ya = sequences.marked_recall_task(20, lag=4, seed=3)
    b, yb = sequences.marked_recall_task(20, lag=4, seed=3)
    c, _ = sequences.marked_recall_task(20, lag=4, seed=4)
    assert np.array_equal(a, b) and np.array_equal(ya, yb)
    assert not np.array_equal(a, c)


def test_marked_recall_task_without_lead_marks_the_first_step():
    x, y = sequences.marked_recall_task(5, lag=3, lead=0)
    assert x.shape == (5, 3, 9) and np.all(x[:, 0, 8] == 1)
    assert np.array_equal(np.argmax(x[:, 0, :8], axis=1), y)


@pytest.mark.parametrize("kwargs, name", [
    ({"n": 0, "lag": 5}, "n"), ({"n": 10, "lag": 0}, "lag"), ({"n": 10, "lag": 2.5}, "lag"),
    ({"n": 10, "lag": 5, "n_symbols": 1}, "n_symbols"), ({"n": 10, "lag": 5, "lead": -1}, "lead"),
])
def test_marked_recall_task_refuses_bad_sizes(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} must be a whole number"):
        sequences.marked_recall_task(**kwargs)


def test_minimal_gated_unit_cell_equations():
    cell = sequences.MinimalGatedUnitCell(3)
    layer = keras.layers.RNN(cell, return_sequences=True)
    layer.build((None, None, 2))
    rng = np.random.default_rng(0)
    W, U, b = rng.normal(size=(2, 6)), rng.normal(size=(3, 6)), rng.normal(size=6)
    layer.set_weights([W, U, b])
    x = rng.normal(size=(1, 4, 2)).astype(np.float32)
    out = keras.ops.convert_to_numpy(layer(x))
    h = np.zeros(3)
    for t in range(4):
        f = 1 / (1 + np.exp(-(x[0, t] @ W[:, :3] + h @ U[:, :3] + b[:3])))
        candidate = np.tanh(x[0, t] @ W[:, 3:] + (f * h) @ U[:, 3:] + b[3:])
        h = (1 - f) * h + f * candidate
        assert np.allclose(out[0, t], h, atol=1e-5)


def test_minimal_gated_unit_cell_sizes_config_and_refusals():
    cell = sequences.MinimalGatedUnitCell(5)
    layer = keras.layers.RNN(cell)
    layer.build((None, None, 7))
    assert [w.shape for w in layer.get_weights()] == [(7, 10), (5, 10), (10,)]
    assert layer.count_params() == 2 * 5 * (7 + 5 + 1)
    clone = sequences.MinimalGatedUnitCell.from_config(cell.get_config())
    assert clone.units == 5
    with pytest.raises(ValueError, match="units must be a positive whole number"):
        sequences.MinimalGatedUnitCell(0)


def test_fit_classifier_and_summary_line():
    x, y = sequences.marked_recall_task(64, lag=2, lead=1, seed=0)
    model = keras.Sequential([keras.Input((None, 9)), keras.layers.SimpleRNN(4),
                              keras.layers.Dense(8, activation="softmax")])
    result = sequences.fit_classifier(model, x, y, x[:16], y[:16], epochs=1, batch_size=32)
    assert set(result) == {"accuracy", "params", "seconds", "epochs", "history"}
    assert 0 <= result["accuracy"] <= 1 and result["params"] == model.count_params() and result["epochs"] == 1
    assert len(result["history"]["loss"]) == 1
    line = sequences.summary_line("tiny RNN", result)
    assert line.startswith("tiny RNN") and "parameters" in line and "for 1 epochs" in line and "%" in line


def test_fit_classifier_refuses_mismatched_data():
    model = keras.Sequential([keras.Input((None, 9)), keras.layers.SimpleRNN(2), keras.layers.Dense(8)])
    x, y = sequences.marked_recall_task(10, lag=2)
    with pytest.raises(ValueError, match="as many rows"):
        sequences.fit_classifier(model, x, y[:5], x, y, epochs=1)


def test_fit_classifier_with_cosine_decay_ends_at_a_learning_rate_of_zero():
    x, y = sequences.marked_recall_task(64, lag=2, lead=1, seed=0)
    model = keras.Sequential([keras.Input((None, 9)), keras.layers.SimpleRNN(4),
                              keras.layers.Dense(8, activation="softmax")])
    sequences.fit_classifier(model, x, y, x, y, epochs=2, batch_size=32, learning_rate=1e-2, decay=True)
    schedule = model.optimizer._learning_rate  # Keras keeps the schedule here
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    assert float(schedule(0)) == pytest.approx(1e-2)
    assert float(schedule(4)) == pytest.approx(0.0, abs=1e-9)  # 2 epochs of 2 batches
