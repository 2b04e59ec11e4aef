"""helpers.rnn and the numpy cells of notebook 06 (lecture 06): the memory task, the minimal gated
unit, training, the gate explorer, the exercise checks, and the notebook's cells against Keras."""

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
import tensorflow as tf
from matplotlib.figure import Figure

from helpers import rnn
from helpers.rnn import MinimalGatedUnitCell

from notebook_cells import run_tagged_cells, tagged_cells


@pytest.fixture(scope="module")
def cells():
    """The namespace left by executing the notebook's numpy cells (tagged ``tested``), in order."""
    return run_tagged_cells("06", min_cells=5)

def test_marked_recall_task_shapes_marker_and_targets():
    x, y = rnn.marked_recall_task(50, lag=7, n_symbols=5, lead=3, seed=1)
    assert x.shape == (50, 10, 6) and x.dtype == np.float32
    assert y.shape == (50,) and set(np.unique(y)) <= set(range(5))
    assert np.all(x[..., :5].sum(axis=2) == 1)  # one symbol per step
    assert np.array_equal(x[..., 5].sum(axis=1), np.ones(50))  # one marker per sequence
    assert np.all(x[:, 3, 5] == 1)  # at step `lead`
    assert np.array_equal(np.argmax(x[:, 3, :5], axis=1), y)  # the target is the marked symbol


def test_marked_recall_task_is_reproducible_and_varies_with_seed():
    a, ya = rnn.marked_recall_task(20, lag=4, seed=3)
    b, yb = rnn.marked_recall_task(20, lag=4, seed=3)
    c, _ = rnn.marked_recall_task(20, lag=4, seed=4)
    assert np.array_equal(a, b) and np.array_equal(ya, yb)
    assert not np.array_equal(a, c)


def test_marked_recall_task_without_lead_marks_the_first_step():
    x, y = rnn.marked_recall_task(5, lag=3, lead=0)
    assert x.shape == (5, 3, 9) and np.all(x[:, 0, 8] == 1)
    assert np.array_equal(np.argmax(x[:, 0, :8], axis=1), y)


@pytest.mark.parametrize("kwargs, name", [
    ({"n": 0, "lag": 5}, "n"), ({"n": 10, "lag": 0}, "lag"), ({"n": 10, "lag": 2.5}, "lag"),
    ({"n": 10, "lag": 5, "n_symbols": 1}, "n_symbols"), ({"n": 10, "lag": 5, "lead": -1}, "lead"),
])
def test_marked_recall_task_refuses_bad_sizes(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} must be a whole number"):
        rnn.marked_recall_task(**kwargs)


def test_minimal_gated_unit_cell_equations():
    cell = rnn.MinimalGatedUnitCell(3)
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
    cell = rnn.MinimalGatedUnitCell(5)
    layer = keras.layers.RNN(cell)
    layer.build((None, None, 7))
    assert [w.shape for w in layer.get_weights()] == [(7, 10), (5, 10), (10,)]
    assert layer.count_params() == 2 * 5 * (7 + 5 + 1)
    clone = rnn.MinimalGatedUnitCell.from_config(cell.get_config())
    assert clone.units == 5
    with pytest.raises(ValueError, match="units must be a positive whole number"):
        rnn.MinimalGatedUnitCell(0)


def test_fit_classifier_and_summary_line():
    x, y = rnn.marked_recall_task(64, lag=2, lead=1, seed=0)
    model = keras.Sequential([keras.Input((None, 9)), keras.layers.SimpleRNN(4),
                              keras.layers.Dense(8, activation="softmax")])
    result = rnn.fit_classifier(model, x, y, x[:16], y[:16], epochs=1, batch_size=32)
    assert set(result) == {"accuracy", "params", "seconds", "epochs", "history"}
    assert 0 <= result["accuracy"] <= 1 and result["params"] == model.count_params() and result["epochs"] == 1
    assert len(result["history"]["loss"]) == 1
    line = rnn.summary_line("tiny RNN", result)
    assert line.startswith("tiny RNN") and "parameters" in line and "for 1 epochs" in line and "%" in line


def test_fit_classifier_stops_when_solved_and_not_before():
    # lag 1, 200 sequences: an LSTM of 16 units solves this within the budget of 60 epochs
    x, y = rnn.marked_recall_task(200, lag=1, lead=1, seed=0)

    def model():
        keras.utils.set_random_seed(0)
        return keras.Sequential([keras.Input((None, 9)), keras.layers.LSTM(16),
                                 keras.layers.Dense(8, activation="softmax")])

    solved = rnn.fit_classifier(model(), x, y, x, y, epochs=60, batch_size=20, learning_rate=1e-2,
                                stop_when_solved=True)
    accuracies = solved["history"]["accuracy"]
    assert solved["epochs"] == len(accuracies) < 60
    assert accuracies[-1] == 1.0 and max(accuracies[:-1]) < 1.0  # stopped after the first perfect epoch
    assert rnn.summary_line("x", solved).endswith(f"for {solved['epochs']} epochs")
    full = rnn.fit_classifier(model(), x, y, x, y, epochs=solved["epochs"] + 2, batch_size=20, learning_rate=1e-2)
    assert full["epochs"] == solved["epochs"] + 2  # without the option, every epoch asked for


def test_stop_when_solved_ignores_imperfect_and_missing_accuracy():
    callback = rnn.StopWhenSolved()
    callback.set_model(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))
    callback.model.stop_training = False
    for logs in ({"accuracy": 0.999}, {"loss": 0.0}, None):
        callback.on_epoch_end(0, logs)
        assert not callback.model.stop_training
    callback.on_epoch_end(1, {"accuracy": 1.0})
    assert callback.model.stop_training


def test_fit_classifier_refuses_mismatched_data():
    model = keras.Sequential([keras.Input((None, 9)), keras.layers.SimpleRNN(2), keras.layers.Dense(8)])
    x, y = rnn.marked_recall_task(10, lag=2)
    with pytest.raises(ValueError, match="as many rows"):
        rnn.fit_classifier(model, x, y[:5], x, y, epochs=1)


def test_fit_classifier_with_cosine_decay_ends_at_a_learning_rate_of_zero():
    x, y = rnn.marked_recall_task(64, lag=2, lead=1, seed=0)
    model = keras.Sequential([keras.Input((None, 9)), keras.layers.SimpleRNN(4),
                              keras.layers.Dense(8, activation="softmax")])
    rnn.fit_classifier(model, x, y, x, y, epochs=2, batch_size=32, learning_rate=1e-2, decay=True)
    schedule = model.optimizer._learning_rate  # Keras keeps the schedule here
    assert isinstance(schedule, keras.optimizers.schedules.CosineDecay)
    assert float(schedule(0)) == pytest.approx(1e-2)
    assert float(schedule(4)) == pytest.approx(0.0, abs=1e-9)  # 2 epochs of 2 batches


# The gate explorer ----------------------------------------------------------------------------


@pytest.fixture
def runs():
    rng = np.random.default_rng(0)
    T, n = 12, 4
    lstm = {"h": np.tanh(rng.normal(size=(T, n))),
            "trace": {"input gate i": rng.uniform(size=(T, n)), "forget gate f": np.full((T, n), 0.9),
                      "cell state c": rng.normal(size=(T, n)) * 3},
            "label": "target 3, predicted 3"}
    rnn = {"h": np.tanh(rng.normal(size=(T, n))), "trace": {}}
    return {"LSTM": lstm, "RNN": rnn}


@pytest.fixture
def sequence():
    return np.eye(5)[np.random.default_rng(1).integers(0, 5, 12)]


def test_gate_view_shows_every_panel_up_to_t(sequence, runs):
    fig, text = rnn.gate_view(sequence, runs, "LSTM", 5)
    assert isinstance(fig, Figure)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 5  # input, two gates, cell state, hidden state
    for image in images:
        shown = np.asarray(image.get_array())
        assert np.all(np.isnan(np.ma.filled(shown[:, 5:], np.nan)))  # the future is blank
        assert not np.any(np.isnan(np.ma.filled(shown[:, :5], np.nan)))
    assert "step 5 of 12" in text and "forget gate f 0.90" in text and "target 3, predicted 3" in text
    plt.close(fig)


def test_gate_view_of_a_cell_without_gates(sequence, runs):
    fig, text = rnn.gate_view(sequence, runs, "RNN", 12)
    assert sum(1 for ax in fig.axes if ax.images) == 2
    assert "no gates" in text
    plt.close(fig)


def test_gate_view_refuses_bad_input(sequence, runs):
    with pytest.raises(ValueError, match="no run for cell 'GRU'"):
        rnn.gate_view(sequence, runs, "GRU", 3)
    with pytest.raises(ValueError, match="t must be a step from 1 to 12"):
        rnn.gate_view(sequence, runs, "LSTM", 0)
    with pytest.raises(ValueError, match=r"one sequence of shape \(T, d\)"):
        rnn.gate_view(sequence[None], runs, "LSTM", 3)
    with pytest.raises(ValueError, match="has 11 steps, the sequence 12"):
        rnn.gate_view(sequence, {"X": {"h": np.zeros((11, 2)), "trace": {}}}, "X", 3)


def test_gate_explorer_follows_its_controls(sequence, runs):
    explorer = rnn.gate_explorer(sequence, runs, cell="LSTM", t=3)
    assert "step 3 of 12" in explorer.last_text and "<b>LSTM</b>" in explorer.last_text
    explorer.controls["t"].value = 9
    assert "step 9 of 12" in explorer.last_text
    explorer.controls["cell"].value = "RNN"
    assert "<b>RNN</b>" in explorer.last_text and "no gates" in explorer.last_text
    assert explorer.controls["t"].max == 12
    assert plt.get_fignums() == []


def test_gate_explorer_defaults_to_the_first_cell_and_the_last_step(sequence, runs):
    explorer = rnn.gate_explorer(sequence, runs)
    assert explorer.values() == {"cell": "LSTM", "t": 12}


# Exercise checks ------------------------------------------------------------------------------


@pytest.mark.parametrize("cell, blocks", [("RNN", 1), ("LSTM", 4), ("GRU", 3), ("MGU", 2)])
def test_recurrent_parameters(cell, blocks):
    d, n = 28, 64
    right = blocks * n * (d + n + (2 if cell == "GRU" else 1))
    assert rnn.check_recurrent_parameters(right, cell=cell, n_inputs=d, n_units=n)
    wrong = rnn.check_recurrent_parameters(right + 1, cell=cell, n_inputs=d, n_units=n)
    assert not wrong and str(right) not in repr(wrong)
    assert not rnn.check_recurrent_parameters(..., cell=cell, n_inputs=d, n_units=n)


def test_recurrent_parameters_names_the_gru_without_reset_after():
    verdict = rnn.check_recurrent_parameters(3 * 64 * (28 + 64 + 1), cell="GRU", n_inputs=28, n_units=64)
    assert not verdict and "reset_after=False" in repr(verdict)


def test_recurrent_parameters_refuses_unknown_cells():
    with pytest.raises(ValueError, match="cell must be one of"):
        rnn.check_recurrent_parameters(1, cell="LSTM2", n_inputs=2, n_units=2)


def test_forget_fraction():
    assert rnn.check_forget_fraction(0.95 ** 50, forget=0.95, steps=50)
    assert not rnn.check_forget_fraction(0.95 * 50, forget=0.95, steps=50)
    assert not rnn.check_forget_fraction(None, forget=0.95, steps=50)


def test_recurrent_output_shape():
    assert rnn.check_recurrent_output_shape((16, 28, 64), (16, 28, 28), 32, True, True)
    assert rnn.check_recurrent_output_shape([16, 32], (16, 28, 28), 32, False, False)
    assert not rnn.check_recurrent_output_shape((16, 28, 32), (16, 28, 28), 32, True, True)
    verdict = rnn.check_recurrent_output_shape("sixteen", (16, 28, 28), 32, True, True)
    assert not verdict and "tuple of whole numbers" in repr(verdict)


def right_jacobian(h_new, U):
    return U * (1 - h_new ** 2)[None, :]


def test_rnn_step_jacobian():
    assert rnn.check_rnn_step_jacobian(right_jacobian)
    transposed = rnn.check_rnn_step_jacobian(lambda h, U: right_jacobian(h, U).T)
    assert not transposed and "transpose" in repr(transposed)
    assert not rnn.check_rnn_step_jacobian(lambda h, U: U)
    assert not rnn.check_rnn_step_jacobian(lambda h, U: np.zeros(3))
    failing = rnn.check_rnn_step_jacobian(lambda h, U: 1 / 0)
    assert not failing and "ZeroDivisionError" in repr(failing)
    assert not rnn.check_rnn_step_jacobian(lambda h, U: ...)
    assert not rnn.check_rnn_step_jacobian(...)


# The notebook's numpy cells against Keras, finite differences and GradientTape ----------------


def test_tagged_cells_need_only_numpy():
    for cell in tagged_cells("06", "tested"):
        imports = [line for line in cell.source.splitlines() if line.lstrip().startswith(("import ", "from "))]
        assert all(line.strip() == "import numpy as np" for line in imports), imports


def random_params(cells, cell, n_inputs, n_units, seed=0, **options):
    rng = np.random.default_rng(seed)
    p = cells["init_params"](cell, n_inputs, n_units, rng, **options)
    for name, value in p.items():
        if isinstance(value, np.ndarray):
            p[name] = rng.normal(0, 0.5, value.shape).astype(np.float32)
    return p


def keras_outputs(layer, p, X):
    layer.build((None, None, X.shape[2]))
    layer.set_weights([p["W"], p["U"], p["b"]])
    return keras.ops.convert_to_numpy(layer(X.astype(np.float32)))


@pytest.mark.parametrize("n_inputs, n_units, steps", [(5, 7, 12), (3, 16, 30), (1, 1, 4)])
def test_lstm_matches_keras(cells, n_inputs, n_units, steps):
    p = random_params(cells, "LSTM", n_inputs, n_units, seed=n_units)
    X = np.random.default_rng(1).normal(size=(4, steps, n_inputs)).astype(np.float32)
    ours, trace = cells["run_cell"](p, X.astype(np.float64))
    theirs = keras_outputs(keras.layers.LSTM(n_units, return_sequences=True), p, X)
    assert np.max(np.abs(ours - theirs)) < 1e-5
    assert set(trace) == {"input gate i", "forget gate f", "candidate g", "output gate o", "cell state c"}


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("n_inputs, n_units, steps", [(5, 7, 12), (2, 16, 25)])
def test_gru_matches_keras(cells, reset_after, n_inputs, n_units, steps):
    p = random_params(cells, "GRU", n_inputs, n_units, seed=n_units, reset_after=reset_after)
    assert p["b"].shape == ((2, 3 * n_units) if reset_after else (3 * n_units,))
    X = np.random.default_rng(2).normal(size=(3, steps, n_inputs)).astype(np.float32)
    ours, _ = cells["run_cell"](p, X.astype(np.float64))
    theirs = keras_outputs(keras.layers.GRU(n_units, return_sequences=True, reset_after=reset_after), p, X)
    assert np.max(np.abs(ours - theirs)) < 1e-5


def test_rnn_matches_keras(cells):
    p = random_params(cells, "RNN", 4, 6)
    X = np.random.default_rng(3).normal(size=(3, 10, 4)).astype(np.float32)
    ours, trace = cells["run_cell"](p, X.astype(np.float64))
    theirs = keras_outputs(keras.layers.SimpleRNN(6, return_sequences=True), p, X)
    assert np.max(np.abs(ours - theirs)) < 1e-5
    assert trace == {}


def test_mgu_matches_its_keras_cell(cells):
    p = random_params(cells, "MGU", 4, 6)
    X = np.random.default_rng(4).normal(size=(3, 10, 4)).astype(np.float32)
    ours, _ = cells["run_cell"](p, X.astype(np.float64))
    theirs = keras_outputs(keras.layers.RNN(MinimalGatedUnitCell(6), return_sequences=True), p, X)
    assert np.max(np.abs(ours - theirs)) < 1e-5


def test_lstm_variants_reduce_to_each_other(cells):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2, 8, 3))
    lstm = random_params(cells, "LSTM", 3, 4, seed=5)
    peephole = {**lstm, "cell": "LSTM, peepholes", "p_i": np.zeros(4), "p_f": np.zeros(4), "p_o": np.zeros(4)}
    assert np.allclose(cells["run_cell"](lstm, X)[0], cells["run_cell"](peephole, X)[0], atol=1e-12)
    # A forget gate stuck at 1 (zero weights, bias 40) is the LSTM without forget gate
    n = 4
    no_forget = {"cell": "LSTM, no forget gate", "W": np.delete(lstm["W"], np.s_[n:2 * n], axis=1),
                 "U": np.delete(lstm["U"], np.s_[n:2 * n], axis=1), "b": np.delete(lstm["b"], np.s_[n:2 * n])}
    stuck = {**lstm, "W": lstm["W"].copy(), "U": lstm["U"].copy(), "b": lstm["b"].astype(np.float64)}
    stuck["W"][:, n:2 * n] = 0
    stuck["U"][:, n:2 * n] = 0
    stuck["b"][n:2 * n] = 40.0
    assert np.allclose(cells["run_cell"](no_forget, X)[0], cells["run_cell"](stuck, X)[0], atol=1e-12)
    # Peepholes change the result once they are not zero
    peephole["p_f"] = np.ones(4)
    assert not np.allclose(cells["run_cell"](lstm, X)[0], cells["run_cell"](peephole, X)[0])


@pytest.mark.parametrize("cell, keras_layer", [
    ("RNN", lambda n: keras.layers.SimpleRNN(n)), ("LSTM", lambda n: keras.layers.LSTM(n)),
    ("GRU", lambda n: keras.layers.GRU(n)), ("MGU", lambda n: keras.layers.RNN(MinimalGatedUnitCell(n))),
])
def test_parameter_counts_match_keras(cells, cell, keras_layer):
    p = cells["init_params"](cell, 28, 16, np.random.default_rng(0))
    layer = keras_layer(16)
    layer.build((None, None, 28))
    assert cells["count_parameters"](p) == layer.count_params()


def test_parameter_counts_of_the_cells_without_keras_layers(cells):
    rng = np.random.default_rng(0)
    d, n = 28, 16
    assert cells["count_parameters"](cells["init_params"]("LSTM, no forget gate", d, n, rng)) == 3 * n * (d + n + 1)
    assert cells["count_parameters"](cells["init_params"]("LSTM, peepholes", d, n, rng)) == 4 * n * (d + n + 1) + 3 * n
    assert cells["count_parameters"](cells["init_params"]("GRU", d, n, rng, reset_after=False)) == 3 * n * (d + n + 1)


def test_init_params_follows_keras_conventions(cells):
    p = cells["init_params"]("LSTM", 5, 8, np.random.default_rng(0))
    assert np.array_equal(p["b"], np.r_[np.zeros(8), np.ones(8), np.zeros(16)])  # forget biases 1
    for k in range(4):
        block = p["U"][:, 8 * k:8 * (k + 1)]
        assert np.allclose(block.T @ block, np.eye(8))  # orthogonal recurrent blocks


def test_bad_input_is_refused(cells):
    p = cells["init_params"]("GRU", 3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"shape \(N, T, 3\)"):
        cells["run_cell"](p, np.zeros((2, 5, 4)))
    with pytest.raises(ValueError, match=r"shape \(N, T, 3\)"):
        cells["run_cell"](p, np.zeros((5, 3)))
    with pytest.raises(ValueError, match="unknown cell"):
        cells["init_params"]("LSTM2", 3, 4, np.random.default_rng(0))


@pytest.fixture
def small_problem():
    rng = np.random.default_rng(1)
    N, T, d, n, m = 3, 6, 4, 5, 2
    p = {"W": rng.normal(0, 0.5, (d, n)), "U": rng.normal(0, 0.5, (n, n)), "b": rng.normal(0, 0.1, n),
         "V": rng.normal(0, 0.5, (n, m)), "c": rng.normal(0, 0.1, m)}
    return p, rng.normal(size=(N, T, d)), rng.normal(size=(N, T, m))


def test_bptt_matches_finite_differences(cells, small_problem):
    p, X, targets = small_problem
    _, grads, _ = cells["rnn_loss_and_gradients"](p, X, targets)

    def loss(q):
        return 0.5 * np.sum((cells["rnn_forward"](q, X)[1] - targets) ** 2) / X.shape[0]

    for name in p:
        numeric = np.zeros_like(p[name])
        for index in np.ndindex(numeric.shape):
            up, down = {k: v.copy() for k, v in p.items()}, {k: v.copy() for k, v in p.items()}
            up[name][index] += 1e-6
            down[name][index] -= 1e-6
            numeric[index] = (loss(up) - loss(down)) / 2e-6
        assert np.allclose(grads[name], numeric, rtol=1e-6, atol=1e-9), name


def test_bptt_matches_gradient_tape(cells, small_problem):
    p, X, targets = small_problem
    loss, grads, dH = cells["rnn_loss_and_gradients"](p, X, targets)
    weights = {name: tf.Variable(value) for name, value in p.items()}
    N, T, _ = X.shape
    with tf.GradientTape() as tape:
        h, hs, loss_tf = tf.zeros((N, p["U"].shape[0]), dtype=tf.float64), [], 0.0
        for t in range(T):
            h = tf.tanh(X[:, t] @ weights["W"] + h @ weights["U"] + weights["b"])
            hs.append(h)
            loss_tf += 0.5 * tf.reduce_sum((h @ weights["V"] + weights["c"] - targets[:, t]) ** 2) / N
    tape_grads = tape.gradient(loss_tf, [weights, hs])
    assert np.isclose(loss, float(loss_tf), rtol=1e-12)
    for name in p:
        assert np.allclose(grads[name], tape_grads[0][name].numpy(), rtol=1e-10, atol=1e-12), name
    # dL/dh_t as BPTT accumulates it (output and future) is the total derivative the tape gives
    assert np.allclose(dH, np.stack([g.numpy() for g in tape_grads[1]], axis=1), rtol=1e-10, atol=1e-12)


def test_state_jacobian_norms_match_gradient_tape_for_an_lstm(cells):
    n, d, T = 4, 3, 9
    p = random_params(cells, "LSTM", d, n, seed=7)
    p = {k: (v.astype(np.float64) if isinstance(v, np.ndarray) else v) for k, v in p.items()}
    x = np.random.default_rng(8).normal(size=(T, d))
    norms = cells["state_jacobian_norms"](p, x)
    W, U, b = (tf.constant(p[k]) for k in ("W", "U", "b"))

    def step(x_t, h, c):
        i, f, g, o = tf.split(x_t @ W + h @ U + b, 4, axis=-1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        return tf.sigmoid(o) * tf.tanh(c), c

    h, c = tf.zeros((1, n), tf.float64), tf.zeros((1, n), tf.float64)
    states = []
    for t in range(T):
        h, c = step(x[t:t + 1], h, c)
        states.append((h, c))
    for t in range(T):
        # h_t and c_t as independent coordinates of the state: start a fresh tape from them
        h_t, c_t = (tf.constant(v.numpy()) for v in states[t])
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([h_t, c_t])
            h, c = h_t, c_t
            for u in range(t + 1, T):
                h, c = step(x[u:u + 1], h, c)
        dh, dc = tape.jacobian(h, [h_t, c_t], unconnected_gradients=tf.UnconnectedGradients.ZERO)
        J = np.concatenate([dh.numpy().reshape(n, n), dc.numpy().reshape(n, n)], axis=1)  # [h_T k, state j]
        assert np.isclose(norms[T - 1 - t], np.linalg.norm(J, 2), rtol=1e-6), t


def test_state_jacobian_of_the_rnn_is_the_written_out_product(cells):
    p = cells["init_params"]("RNN", 3, 6, np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(15, 3))
    H, _ = cells["run_cell"](p, x[None])
    expected, product = [], np.eye(6)
    for t in reversed(range(15)):
        expected.append(np.linalg.norm(product, 2))
        product = (p["U"] * (1 - H[0, t] ** 2)) @ product
    assert np.allclose(cells["state_jacobian_norms"](p, x), expected, rtol=1e-6)


# Added for the teaching review: the LSTM step backward, the progress line -----------------------


def lstm_step_backward_by_tape(x, h_prev, c_prev, W, U, b, dh, dc):
    """A correct answer to exercise 5, by GradientTape of L = sum(dh * h_t) + sum(dc * c_t)."""
    inputs = [tf.Variable(v) for v in (x, h_prev, c_prev, W, U, b)]
    with tf.GradientTape() as tape:
        x_, h_, c_, W_, U_, b_ = inputs
        i, f, g, o = tf.split(x_ @ W_ + h_ @ U_ + b_, 4, axis=-1)
        c = tf.sigmoid(f) * c_ + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
        loss = tf.reduce_sum(dh * h) + tf.reduce_sum(dc * c)
    return tuple(g.numpy() for g in tape.gradient(loss, inputs))


def test_lstm_step_backward_passes_a_correct_answer(capsys):
    from verdicts import assert_passed

    assert_passed(rnn.check_lstm_step_backward(lstm_step_backward_by_tape), capsys)
    # a list is as good as a tuple
    assert rnn.check_lstm_step_backward(lambda *a: list(lstm_step_backward_by_tape(*a)))


def test_lstm_step_backward_names_the_missing_path_through_h(capsys):
    from verdicts import assert_hint

    def without_h_path(x, h_prev, c_prev, W, U, b, dh, dc):
        sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
        i, f, g, o = np.split(x @ W + h_prev @ U + b, 4, axis=-1)
        i, f, g, o = sig(i), sig(f), np.tanh(g), sig(o)
        c = f * c_prev + i * g
        da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                             dh * np.tanh(c) * o * (1 - o)], axis=-1)  # dc alone: the dh path into c is missing
        return da @ W.T, da @ U.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)

    out = assert_hint(rnn.check_lstm_step_backward(without_h_path), capsys)
    assert "two ways" in out


def test_lstm_step_backward_names_the_wrong_gradient(capsys):
    from verdicts import assert_hint

    def db_not_summed(*args):
        grads = list(lstm_step_backward_by_tape(*args))
        grads[5] = grads[5] * 2
        return grads

    out = assert_hint(rnn.check_lstm_step_backward(db_not_summed), capsys)
    assert "db differs from finite differences" in out and "dx, dh_prev, dc_prev, dW, dU agree" in out


@pytest.mark.parametrize("answer, words", [
    (..., "Define a function"), (None, "Define a function"), ("lstm", "Define a function"),
    (lambda *a: ..., "returns ... (Ellipsis"), (lambda *a: 1 / 0, "ZeroDivisionError"),
    (lambda *a: "six arrays", "Return six arrays"), (lambda *a: (1, 2), "Return six arrays"),
    (lambda *a: [np.nan] * 6, "must have shape"), (lambda *a: [np.zeros(3)] * 6, "must have shape"),
    (lambda *a: tuple(np.full_like(v, np.nan) for v in a[:6]), "nan"),
    (lambda *a: tuple(np.zeros_like(v) for v in a[:6]), "none agree"),
    (lambda *a: [["a"]] * 6, "array of numbers"),
])
def test_lstm_step_backward_hints_and_never_raises(answer, words, capsys):
    from verdicts import assert_hint

    out = assert_hint(rnn.check_lstm_step_backward(answer), capsys)
    assert words in out
    assert "dc_total" not in out and "1 - g" not in out  # a hint, not the answer


def test_progress_line_counts_epochs_and_leaves_a_summary(capsys):
    x, y = rnn.marked_recall_task(64, lag=2, lead=1, seed=0)
    progress = rnn.ProgressLine(3)
    results = []
    for label, epochs in (("first", 1), ("second", 2)):
        model = keras.Sequential([keras.Input((None, 9)), keras.layers.SimpleRNN(4),
                                  keras.layers.Dense(8, activation="softmax")])
        results.append(rnn.fit_classifier_live(model, x, y, x[:16], y[:16], progress=progress, label=label,
                                               epochs=epochs, batch_size=32))
        assert progress.text.startswith(f"{label}: epoch {epochs}/{epochs}, loss ")
    assert progress.epochs_done == 3 and "about 0 s left" in progress.text
    assert set(results[1]) == {"accuracy", "params", "seconds", "epochs", "history"}
    assert len(results[1]["history"]["loss"]) == 2 and 0 <= results[1]["accuracy"] <= 1
    assert capsys.readouterr().out == ""  # outside a notebook nothing is redrawn while training
    progress.done("trained 2 models")
    assert capsys.readouterr().out == "trained 2 models\n"


def test_fit_classifier_live_refuses_mismatched_data():
    model = keras.Sequential([keras.Input((None, 9)), keras.layers.SimpleRNN(2), keras.layers.Dense(8)])
    x, y = rnn.marked_recall_task(10, lag=2)
    with pytest.raises(ValueError, match="as many rows"):
        rnn.fit_classifier_live(model, x, y[:5], x, y, progress=rnn.ProgressLine(1), label="x", epochs=1)


# Issue: answers students type, wrong verdicts, hints that diagnose ------------------------------


@pytest.mark.parametrize("answer", ["abc", [18000], np.zeros((2, 2)), 1j, np.nan, np.inf, True, 18047.5])
def test_number_checks_turn_junk_into_a_hint(answer):
    for verdict in (rnn.check_recurrent_parameters(answer, cell="GRU", n_inputs=28, n_units=64),
                    rnn.check_forget_fraction(answer, forget=0.95, steps=50)):
        assert not verdict and repr(verdict).startswith("Not yet. Hint:")
        assert "18048" not in repr(verdict) and "18,048" not in repr(verdict)


@pytest.mark.parametrize("answer", [(16, 28.5, 64), (np.inf, 28, 64), ("16", 28, 64), (16, None), 64, {"N": 16}])
def test_recurrent_output_shape_junk_gets_a_hint(answer):
    verdict = rnn.check_recurrent_output_shape(answer, (16, 28, 28), 32, True, True)
    assert not verdict and "tuple of whole numbers" in repr(verdict)


def test_recurrent_checks_diagnose_which_part_is_wrong():
    assert "one block" in repr(rnn.check_recurrent_parameters(64 * (28 + 64 + 1), cell="LSTM", n_inputs=28,
                                                               n_units=64))
    assert "biases are missing" in repr(rnn.check_recurrent_parameters(4 * 64 * (28 + 64), cell="LSTM",
                                                                       n_inputs=28, n_units=64))
    assert "multiplies" in repr(rnn.check_forget_fraction(0.95 * 50, forget=0.95, steps=50))
    assert "features" in repr(rnn.check_recurrent_output_shape((16, 28, 32), (16, 28, 28), 32, True, True))
    assert rnn.check_forget_fraction(np.float32(0.95) ** 50, forget=0.95, steps=50)


def test_jacobian_hint_does_not_give_the_derivative():
    for verdict in (rnn.check_rnn_step_jacobian(None), rnn.check_rnn_step_jacobian(lambda h, U: U)):
        assert not verdict
        assert "1 - h_t[k]^2" not in repr(verdict) and "U[j, k] times" not in repr(verdict)
    assert "U alone" in repr(rnn.check_rnn_step_jacobian(lambda h, U: U))
    assert "column" in repr(rnn.check_rnn_step_jacobian(lambda h, U: (1 - h**2)[:, None] * U))


@pytest.mark.parametrize("junk", [lambda h, U: "abc", lambda h, U: {}, lambda h, U: [[1, 2], [3]], lambda: 1, 3])
def test_jacobian_junk_gets_a_hint(junk):
    verdict = rnn.check_rnn_step_jacobian(junk)
    assert not verdict and repr(verdict).startswith("Not yet. Hint:")


def test_gate_explorer_refuses_a_cell_it_has_no_run_for():
    sequence = np.zeros((4, 2))
    runs = {"LSTM": {"h": np.zeros((4, 3)), "trace": {}}}
    with pytest.raises(ValueError, match=r"cell must be one of \['LSTM'\], got 'LSTM2'"):
        rnn.gate_explorer(sequence, runs, cell="LSTM2")
    with pytest.raises(ValueError, match="t must be a step from 1 to 4, got 9"):
        rnn.gate_explorer(sequence, runs, t=9)
    with pytest.raises(ValueError, match="one run per cell"):
        rnn.gate_explorer(sequence, {})


def test_gate_view_keeps_its_size_for_every_cell(sequence, runs):
    sizes = {tuple(rnn.gate_view(sequence, runs, cell, 5)[0].get_size_inches()) for cell in runs}
    assert len(sizes) == 1  # switching the cell does not move the page below
    assert next(iter(sizes))[1] * 80 <= 450  # at the course's 80 dpi it fits a laptop's screen with its controls
    plt.close("all")
