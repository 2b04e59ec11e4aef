"""helpers.pca (lecture 04): the reconstruction-comparison widget and the exercise checks."""


import numpy as np
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
