"""The numpy cells of notebook 06 (the code cells tagged ``rnn-cells``), run here as the notebook
runs them and checked against Keras layers with the same weights, finite differences and
``tf.GradientTape``."""

from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
import tensorflow as tf

from helpers.sequences import MinimalGatedUnitCell

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "06_rnn_lstm_gru.ipynb"


@pytest.fixture(scope="module")
def cells():
    """The namespace left by executing the notebook's ``rnn-cells`` cells, in order."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    sources = [c.source for c in notebook.cells if c.cell_type == "code" and "rnn-cells" in c.metadata.get("tags", [])]
    assert len(sources) >= 5, "the notebook should tag its cell definitions with 'rnn-cells'"
    namespace = {}
    for source in sources:
        exec(compile(source, str(NOTEBOOK), "exec"), namespace)  # noqa: S102  (our own notebook)
    return namespace


def test_tagged_cells_need_only_numpy():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if "rnn-cells" in cell.metadata.get("tags", []):
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
