"""helpers.pca (lecture 04): the reconstruction-comparison widget and the exercise checks."""


import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import pca

from verdicts import assert_hint, assert_passed

# Notebook 04: reconstructions by code size ------------------------------------------------------


def test_compare_reconstructions_shows_only_models_with_that_size():
    originals = np.zeros((3, 16))
    reconstructions = {"PCA": {2: np.ones((3, 16)), 5: np.ones((3, 16))}, "deep": {2: np.full((3, 16), 0.5)}}
    errors = {"PCA": {2: 9.0, 5: 4.0}, "deep": {2: 3.0}}
    fig, text = pca.compare_reconstructions_view(originals, reconstructions, errors, k=2)
    assert isinstance(fig, Figure)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["original", "PCA, K = 2", "deep, K = 2"]
    assert "PCA <b>9.00</b>" in text and "deep <b>3.00</b>" in text
    demo = pca.compare_reconstructions(originals, reconstructions, errors, k_choices=[2, 5], k=2)
    demo.controls["k"].value = 5
    assert demo.last_text == "K = 5, test error per image: PCA <b>4.00</b>"
    fig5, _ = pca.compare_reconstructions_view(originals, reconstructions, errors, k=5)
    assert [t.get_text() for t in fig5.axes[0].get_yticklabels()] == ["original", "PCA, K = 5", "deep: no K = 5"]
    assert fig5.get_size_inches()[1] == fig.get_size_inches()[1]  # the figure keeps its height as K changes


# Exercise checks ------------------------------------------------------------------------------


def test_discarded_variance(capsys):
    assert_passed(pca.check_discarded_variance(2.0, eigenvalues=[5, 3, 1.5, 0.5], k=2), capsys)
    assert_passed(pca.check_discarded_variance(2.0, eigenvalues=[0.5, 5, 1.5, 3], k=2), capsys)  # any order
    out = assert_hint(pca.check_discarded_variance(8.0, eigenvalues=[5, 3, 1.5, 0.5], k=2), capsys)  # the kept ones
    assert "2.0" not in out
    assert_hint(pca.check_discarded_variance(..., eigenvalues=[5, 3, 1.5, 0.5], k=2), capsys)


def test_principal_angle(capsys):
    assert_passed(pca.check_principal_angle(45.0, u=[1, 0], v=[1, 1]), capsys)
    assert_passed(pca.check_principal_angle(0.0, u=[1, 1], v=[-2, -2]), capsys)  # lines, not directions
    out = assert_hint(pca.check_principal_angle(np.pi / 4, u=[1, 0], v=[1, 1]), capsys)  # radians
    assert "45" not in out


def test_pca_storage(capsys):
    out = assert_passed(pca.check_pca_storage(324_304, n_images=10_000, n_pixels=784, k=30), capsys)
    assert "4.1%" in out
    out = assert_hint(pca.check_pca_storage(300_000, n_images=10_000, n_pixels=784, k=30), capsys)  # codes only
    assert "324" not in out


# Issue: answers students type, wrong verdicts, hints that diagnose ------------------------------


@pytest.mark.parametrize("answer", ["45", [45], np.zeros((2, 2)), 45j, np.nan, np.inf, True])
def test_principal_angle_junk_gets_a_hint(capsys, answer):
    assert_hint(pca.check_principal_angle(answer, u=[1, 0], v=[1, 1]), capsys)


def test_checks_diagnose_which_part_is_wrong(capsys):
    assert "keeps" in assert_hint(pca.check_discarded_variance(8.0, eigenvalues=[5, 3, 1.5, 0.5], k=2), capsys)
    assert "radians" in assert_hint(pca.check_principal_angle(np.pi / 4, u=[1, 0], v=[1, 1]), capsys)
    assert "90" in assert_hint(pca.check_principal_angle(135.0, u=[1, 0], v=[1, 1]), capsys)
    out = assert_hint(pca.check_pca_storage(300_000 + 784 * 30, n_images=10_000, n_pixels=784, k=30), capsys)
    assert "subtracted" in out
    assert "codes alone" in assert_hint(pca.check_pca_storage(300_000, n_images=10_000, n_pixels=784, k=30), capsys)
    assert_hint(pca.check_pca_storage(324_304.5, n_images=10_000, n_pixels=784, k=30), capsys)
    assert_passed(pca.check_principal_angle(np.float32(45), u=[1, 0], v=[1, 1]), capsys)


def test_principal_angle_hint_does_not_give_the_formula(capsys):
    assert "||" not in assert_hint(pca.check_principal_angle(None, u=[1, 0], v=[1, 1]), capsys)


def test_compare_reconstructions_refuses_a_size_it_does_not_have():
    originals = np.zeros((2, 4))
    reconstructions, errors = {"PCA": {2: originals}}, {"PCA": {2: 1.0}}
    with pytest.raises(ValueError, match=r"k must be one of the code sizes k_choices, \[2\], got 5"):
        pca.compare_reconstructions(originals, reconstructions, errors, [2], k=5)
    with pytest.raises(ValueError, match="no model has reconstructions for k=3"):
        pca.compare_reconstructions(originals, reconstructions, errors, [2, 3], k=3)


# Exercise checks added for the teaching review ------------------------------------------------


def principal_angles_right(A, B):
    Q1, Q2 = np.linalg.qr(A)[0], np.linalg.qr(B)[0]
    return np.degrees(np.arccos(np.clip(np.linalg.svd(Q1.T @ Q2, compute_uv=False), -1, 1)))


def test_principal_angles_right(capsys):
    assert_passed(pca.check_principal_angles(principal_angles_right), capsys)


def test_principal_angles_wrong(capsys):
    cases = [
        (None, "orthonormalize"),
        (lambda A, B: ..., "Ellipsis"),
        (lambda A, B: np.radians(principal_angles_right(A, B)), "radians"),
        (lambda A, B: principal_angles_right(A, B)[:1], "principal angles"),
        (lambda A, B: np.degrees(np.arccos(np.clip(np.linalg.svd(A.T @ B, compute_uv=False), -1, 1))), "orthonormal"),
        (lambda A, B: 1 / 0, "ZeroDivisionError"),
        (lambda A, B: "angles", "array of angles"),
        (lambda A, B: np.full(A.shape[1], np.nan), "nan"),
    ]
    for wrong, says in cases:
        assert says in assert_hint(pca.check_principal_angles(wrong), capsys), says
