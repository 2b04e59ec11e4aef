"""helpers.widgets for notebook 06, headless: the gate explorer."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import widgets


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
    fig, text = widgets.gate_view(sequence, runs, "LSTM", 5)
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
    fig, text = widgets.gate_view(sequence, runs, "RNN", 12)
    assert sum(1 for ax in fig.axes if ax.images) == 2
    assert "no gates" in text
    plt.close(fig)


def test_gate_view_refuses_bad_input(sequence, runs):
    with pytest.raises(ValueError, match="no run for cell 'GRU'"):
        widgets.gate_view(sequence, runs, "GRU", 3)
    with pytest.raises(ValueError, match="t must be a step from 1 to 12"):
        widgets.gate_view(sequence, runs, "LSTM", 0)
    with pytest.raises(ValueError, match=r"one sequence of shape \(T, d\)"):
        widgets.gate_view(sequence[None], runs, "LSTM", 3)
    with pytest.raises(ValueError, match="has 11 steps, the sequence 12"):
        widgets.gate_view(sequence, {"X": {"h": np.zeros((11, 2)), "trace": {}}}, "X", 3)


def test_gate_explorer_follows_its_controls(sequence, runs):
    explorer = widgets.gate_explorer(sequence, runs, cell="LSTM", t=3)
    assert "step 3 of 12" in explorer.last_text and "<b>LSTM</b>" in explorer.last_text
    explorer.controls["t"].value = 9
    assert "step 9 of 12" in explorer.last_text
    explorer.controls["cell"].value = "RNN"
    assert "<b>RNN</b>" in explorer.last_text and "no gates" in explorer.last_text
    assert explorer.controls["t"].max == 12
    assert plt.get_fignums() == []


def test_gate_explorer_defaults_to_the_first_cell_and_the_last_step(sequence, runs):
    explorer = widgets.gate_explorer(sequence, runs)
    assert explorer.values() == {"cell": "LSTM", "t": 12}
