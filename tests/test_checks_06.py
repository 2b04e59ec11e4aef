"""The exercise checks of notebook 06: right answers pass, wrong ones get a hint, not the answer."""

import numpy as np
import pytest

from helpers import checks


@pytest.mark.parametrize("cell, blocks", [("RNN", 1), ("LSTM", 4), ("GRU", 3), ("MGU", 2)])
def test_recurrent_parameters(cell, blocks):
    d, n = 28, 64
    right = blocks * n * (d + n + (2 if cell == "GRU" else 1))
    assert checks.check_recurrent_parameters(right, cell=cell, n_inputs=d, n_units=n)
    wrong = checks.check_recurrent_parameters(right + 1, cell=cell, n_inputs=d, n_units=n)
    assert not wrong and str(right) not in repr(wrong)
    assert not checks.check_recurrent_parameters(..., cell=cell, n_inputs=d, n_units=n)


def test_recurrent_parameters_names_the_gru_without_reset_after():
    verdict = checks.check_recurrent_parameters(3 * 64 * (28 + 64 + 1), cell="GRU", n_inputs=28, n_units=64)
    assert not verdict and "reset_after=False" in repr(verdict)


def test_recurrent_parameters_refuses_unknown_cells():
    with pytest.raises(ValueError, match="cell must be one of"):
        checks.check_recurrent_parameters(1, cell="LSTM2", n_inputs=2, n_units=2)


def test_forget_fraction():
    assert checks.check_forget_fraction(0.95 ** 50, forget=0.95, steps=50)
    assert not checks.check_forget_fraction(0.95 * 50, forget=0.95, steps=50)
    assert not checks.check_forget_fraction(None, forget=0.95, steps=50)


def test_recurrent_output_shape():
    assert checks.check_recurrent_output_shape((16, 28, 64), (16, 28, 28), 32, True, True)
    assert checks.check_recurrent_output_shape([16, 32], (16, 28, 28), 32, False, False)
    assert not checks.check_recurrent_output_shape((16, 28, 32), (16, 28, 28), 32, True, True)
    verdict = checks.check_recurrent_output_shape("sixteen", (16, 28, 28), 32, True, True)
    assert not verdict and "tuple of whole numbers" in repr(verdict)


def right_jacobian(h_new, U):
    return U * (1 - h_new ** 2)[None, :]


def test_rnn_step_jacobian():
    assert checks.check_rnn_step_jacobian(right_jacobian)
    transposed = checks.check_rnn_step_jacobian(lambda h, U: right_jacobian(h, U).T)
    assert not transposed and "transpose" in repr(transposed)
    assert not checks.check_rnn_step_jacobian(lambda h, U: U)
    assert not checks.check_rnn_step_jacobian(lambda h, U: np.zeros(3))
    failing = checks.check_rnn_step_jacobian(lambda h, U: 1 / 0)
    assert not failing and "ZeroDivisionError" in repr(failing)
    assert not checks.check_rnn_step_jacobian(lambda h, U: ...)
    assert not checks.check_rnn_step_jacobian(...)
