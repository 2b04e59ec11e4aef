"""Lecture 04, PCA versus autoencoders: the reconstruction-comparison widget and the exercise checks."""


import numpy as np

from . import plots
from .checking import report, unanswered
from .live import LiveFigure, choice_slider


def compare_reconstructions_view(originals, reconstructions, errors, k):
    """The same images reconstructed by every model that has a code of size ``k``.

    ``reconstructions[model][k]`` holds a model's reconstructions of ``originals`` (same shape)
    and ``errors[model][k]`` its error on the whole test set; models without size ``k`` are
    left out. Returns ``(figure, text)``.
    """
    rows = {"original": originals}
    rows.update({f"{model}, K = {k}": by_k[k] for model, by_k in reconstructions.items() if k in by_k})
    fig = plots.image_rows(rows, n=len(originals))
    text = f"K = {k}, test error per image: " + ", ".join(
        f"{model} <b>{by_k[k]:.2f}</b>" for model, by_k in errors.items() if k in by_k
    )
    return fig, text


def compare_reconstructions(originals, reconstructions, errors, k_choices, k):
    """A slider over the code sizes ``k_choices`` for ``compare_reconstructions_view``."""
    controls = {"k": choice_slider("code size K", list(k_choices), k)}
    return LiveFigure(
        lambda **values: compare_reconstructions_view(originals, reconstructions, errors, **values), controls
    )


# Exercise checks --------------------------------------------------------------------------------


def check_discarded_variance(answer, eigenvalues, k):
    """Exercise: PCA's mean squared training error with ``k`` components, given all eigenvalues."""
    hint = "the error is the variance PCA throws away: which eigenvalues belong to the directions it drops?"
    if unanswered(answer):
        return report(False, "", hint)
    expected = float(np.sum(np.sort(np.asarray(eigenvalues, dtype=np.float64))[::-1][k:]))
    passed = np.isclose(float(answer), expected, rtol=1e-9, atol=1e-12)
    return report(passed, "the error is the sum of the discarded eigenvalues.", hint)


def check_principal_angle(answer, u, v):
    """Exercise: the principal angle, in degrees, between the lines spanned by ``u`` and ``v``."""
    hint = "for two lines, cos(theta) = |u . v| / (||u|| ||v||); answer in degrees."
    if unanswered(answer):
        return report(False, "", hint)
    a = np.asarray(u, dtype=np.float64) / np.linalg.norm(u)
    b = np.asarray(v, dtype=np.float64) / np.linalg.norm(v)
    b = b if a @ b >= 0 else -b  # lines, not directions
    expected = np.degrees(2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b)))  # exact near 0, unlike arccos
    passed = np.isclose(float(answer), expected, atol=1e-6)
    return report(passed, "an angle of 0 would mean the same line; 90, perpendicular lines.", hint)


def check_pca_storage(answer, n_images, n_pixels, k):
    """Exercise: the numbers needed to send ``n_images`` as ``k``-d PCA codes, with the model."""
    hint = "count three things: one code of k numbers per image, the mean image, and the n_pixels x k matrix U."
    if unanswered(answer):
        return report(False, "", hint)
    expected = n_images * k + n_pixels + n_pixels * k
    passed = float(answer) == expected
    ratio = expected / (n_images * n_pixels)
    return report(passed, f"that is {ratio:.1%} of the raw pixels.", hint)
