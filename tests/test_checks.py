"""helpers.checks: a true 'Correct' verdict for the right answer, a false hint (never the answer) otherwise."""

import numpy as np
import pytest

from helpers import checks


def shown(verdict, capsys):
    """What a student sees: the verdict printed (or left as a cell's last expression)."""
    print(verdict)
    out = capsys.readouterr().out
    assert out == f"{verdict!r}\n"
    return out


def assert_passed(verdict, capsys):
    assert bool(verdict) is True
    out = shown(verdict, capsys)
    assert out.startswith("Correct")
    return out


def assert_hint(verdict, capsys):
    assert bool(verdict) is False
    out = shown(verdict, capsys)
    assert out.startswith("Not yet. Hint:")
    return out


def test_report_makes_a_verdict(capsys):
    passed = checks.report(np.bool_(True), "well done.", "try again.")
    assert isinstance(passed, checks.Verdict) and bool(passed) is True
    assert shown(passed, capsys) == "Correct: well done.\n"
    failed = checks.report(0, "well done.", "try again.")
    assert bool(failed) is False
    assert shown(failed, capsys) == "Not yet. Hint: try again.\n"


# check_tanh_output_delta ------------------------------------------------------------------------


def test_tanh_delta_right(capsys):
    assert_passed(checks.check_tanh_output_delta(lambda Z, Y: (np.tanh(Z) - Y) * (1 - np.tanh(Z) ** 2)), capsys)


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
    out = assert_hint(checks.check_tanh_output_delta(wrong), capsys)
    assert "tanh" in out


@pytest.mark.parametrize("answer", [None, Ellipsis])
def test_tanh_delta_unanswered(capsys, answer):
    assert_hint(checks.check_tanh_output_delta(answer), capsys)


def test_tanh_delta_function_returning_ellipsis(capsys):
    """The notebook's template, `return ...`, gets told what it returned."""
    out = assert_hint(checks.check_tanh_output_delta(lambda Z, Y: ...), capsys)
    assert "Ellipsis" in out


def test_tanh_delta_wrong_shape_says_shape(capsys):
    out = assert_hint(checks.check_tanh_output_delta(lambda Z, Y: (np.tanh(Z) - Y).sum(axis=1)), capsys)
    assert "(5, 3)" in out and "(5,)" in out


def test_tanh_delta_function_that_raises_says_what_happened(capsys):
    def broken(Z, Y):
        raise ZeroDivisionError("oops in my delta")

    out = assert_hint(checks.check_tanh_output_delta(broken), capsys)
    assert "ZeroDivisionError" in out and "oops in my delta" in out


def test_tanh_delta_may_overwrite_its_inputs(capsys):
    """A function that works in place on Z still gets a fair check."""

    def in_place(Z, Y):
        A = np.tanh(Z, out=Z)
        return (A - Y) * (1 - A**2)

    assert_passed(checks.check_tanh_output_delta(in_place), capsys)


# check_parameter_count ------------------------------------------------------------------------


@pytest.mark.parametrize("sizes, count", [([784, 256, 128, 10], 235_146), ([2, 3, 1], 13), ([4, 4], 20)])
def test_parameter_count_right(capsys, sizes, count):
    out = assert_passed(checks.check_parameter_count(count, sizes), capsys)
    assert f"{count:,}" in out


@pytest.mark.parametrize("answer", [235_136, 234_752, 235_156, 0, None, Ellipsis])
def test_parameter_count_wrong_hint_hides_answer(capsys, answer):
    out = assert_hint(checks.check_parameter_count(answer, [784, 256, 128, 10]), capsys)
    assert "235146" not in out and "235,146" not in out


def test_parameter_count_accepts_numpy_integer_and_whole_float(capsys):
    assert_passed(checks.check_parameter_count(np.int64(13), [2, 3, 1]), capsys)
    assert_passed(checks.check_parameter_count(13.0, [2, 3, 1]), capsys)


@pytest.mark.parametrize("answer", [13.5, 13.9])
def test_parameter_count_non_integer_is_not_correct(capsys, answer):
    """13.5 parameters is a wrong answer, not 13 rounded down."""
    assert_hint(checks.check_parameter_count(answer, [2, 3, 1]), capsys)


# check_weight_decay_factor -------------------------------------------------------------------


def test_weight_decay_factor_right(capsys):
    assert_passed(checks.check_weight_decay_factor(1 - 0.5 * 1e-3, learning_rate=0.5, lam=1e-3), capsys)
    assert_passed(checks.check_weight_decay_factor(np.float64(0.9995), learning_rate=0.5, lam=1e-3), capsys)


@pytest.mark.parametrize("answer", [0.0005, 1.0005, 1.0, 0.995, 0.5, None, Ellipsis])
def test_weight_decay_factor_wrong_hint_hides_answer(capsys, answer):
    out = assert_hint(checks.check_weight_decay_factor(answer, learning_rate=0.5, lam=1e-3), capsys)
    assert "0.9995" not in out


# check_identical_hidden_units ----------------------------------------------------------------


def test_identical_hidden_units_right(capsys):
    assert_passed(checks.check_identical_hidden_units(1), capsys)
    assert_passed(checks.check_identical_hidden_units(np.int64(1)), capsys)


@pytest.mark.parametrize("answer", [0, 2, 20, 1.5, None, Ellipsis])
def test_identical_hidden_units_wrong(capsys, answer):
    out = assert_hint(checks.check_identical_hidden_units(answer), capsys)
    assert "W1" in out


# Notebook 02 ----------------------------------------------------------------------------------


def test_glorot_limit(capsys):
    assert_passed(checks.check_glorot_limit(np.sqrt(6 / (784 + 256)), n_in=784, n_out=256), capsys)
    out = assert_hint(checks.check_glorot_limit(np.sqrt(6 / (784 + 256 + 1)), n_in=784, n_out=256), capsys)
    assert f"{np.sqrt(6 / 1040):.3f}" not in out
    assert_hint(checks.check_glorot_limit(np.sqrt(2 / (784 + 256)), n_in=784, n_out=256), capsys)  # a std, not a range
    assert_hint(checks.check_glorot_limit(..., n_in=784, n_out=256), capsys)


def test_multiclass_hinge(capsys):
    assert_passed(checks.check_multiclass_hinge(2.9, scores=[3.2, 5.1, -1.7], label=0), capsys)
    assert_passed(checks.check_multiclass_hinge(0.0, scores=[3.2, 1.1, -1.7], label=0), capsys)  # all beyond the margin
    out = assert_hint(checks.check_multiclass_hinge(3.9, scores=[3.2, 5.1, -1.7], label=0), capsys)  # counts class y
    assert "2.9" not in out
    assert_hint(checks.check_multiclass_hinge(None, scores=[3.2, 5.1, -1.7], label=0), capsys)


def test_inverted_dropout_scale(capsys):
    assert_passed(checks.check_inverted_dropout_scale(1.25, rate=0.2), capsys)
    out = assert_hint(checks.check_inverted_dropout_scale(0.8, rate=0.2), capsys)  # multiplied instead of divided
    assert "1.25" not in out
    assert_hint(checks.check_inverted_dropout_scale(5.0, rate=0.2), capsys)  # divided by the rate


def test_layers_to_explode(capsys):
    assert_passed(checks.check_layers_to_explode(18, factor=1.5, threshold=1000), capsys)
    assert_hint(checks.check_layers_to_explode(17, factor=1.5, threshold=1000), capsys)  # 1.5^17 = 985.8
    out = assert_hint(checks.check_layers_to_explode(17.04, factor=1.5, threshold=1000), capsys)
    assert "18" not in out
    assert_passed(checks.check_layers_to_explode(10, factor=2, threshold=1000), capsys)  # 2^10 = 1024 > 1000


# Notebook 04 ----------------------------------------------------------------------------------


def test_discarded_variance(capsys):
    assert_passed(checks.check_discarded_variance(2.0, eigenvalues=[5, 3, 1.5, 0.5], k=2), capsys)
    assert_passed(checks.check_discarded_variance(2.0, eigenvalues=[0.5, 5, 1.5, 3], k=2), capsys)  # any order
    out = assert_hint(checks.check_discarded_variance(8.0, eigenvalues=[5, 3, 1.5, 0.5], k=2), capsys)  # the kept ones
    assert "2.0" not in out
    assert_hint(checks.check_discarded_variance(..., eigenvalues=[5, 3, 1.5, 0.5], k=2), capsys)


def test_principal_angle(capsys):
    assert_passed(checks.check_principal_angle(45.0, u=[1, 0], v=[1, 1]), capsys)
    assert_passed(checks.check_principal_angle(0.0, u=[1, 1], v=[-2, -2]), capsys)  # lines, not directions
    out = assert_hint(checks.check_principal_angle(np.pi / 4, u=[1, 0], v=[1, 1]), capsys)  # radians
    assert "45" not in out


def test_pca_storage(capsys):
    out = assert_passed(checks.check_pca_storage(324_304, n_images=10_000, n_pixels=784, k=30), capsys)
    assert "4.1%" in out
    out = assert_hint(checks.check_pca_storage(300_000, n_images=10_000, n_pixels=784, k=30), capsys)  # codes only
    assert "324" not in out
