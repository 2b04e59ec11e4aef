"""Lecture 04, PCA versus autoencoders: the reconstruction-comparison widget and the exercise checks."""


import numpy as np

from . import plots
from .checking import close, read_number, report, unanswered
from .live import LiveFigure, choice_slider


def compare_reconstructions_view(originals, reconstructions, errors, k):
    """The same images reconstructed by every model that has a code of size ``k``.

    ``reconstructions[model][k]`` holds a model's reconstructions of ``originals`` (same shape)
    and ``errors[model][k]`` its error on the whole test set; a model without size ``k`` keeps its
    row, blank, so that the figure keeps its height as ``k`` changes. Returns ``(figure, text)``.
    """
    originals = np.asarray(originals)
    rows = {"original": originals}
    for model, by_k in reconstructions.items():
        if k in by_k:
            rows[f"{model}, K = {k}"] = by_k[k]
        else:
            rows[f"{model}: no K = {k}"] = np.ones_like(originals)  # blank (white) images
    fig = plots.image_rows(rows, n=len(originals))
    text = f"K = {k}, test error per image: " + ", ".join(
        f"{model} <b>{by_k[k]:.2f}</b>" for model, by_k in errors.items() if k in by_k
    )
    return fig, text


def compare_reconstructions(originals, reconstructions, errors, k_choices, k):
    """A slider over the code sizes ``k_choices`` for ``compare_reconstructions_view``."""
    k_choices = list(k_choices)
    if not k_choices:
        raise ValueError("k_choices must list at least one code size.")
    if k not in k_choices:
        raise ValueError(f"k must be one of the code sizes k_choices, {k_choices}, got {k!r}.")
    if not any(k in by_k for by_k in reconstructions.values()):
        raise ValueError(f"no model has reconstructions for k={k}: reconstructions has sizes "
                         f"{sorted({size for by_k in reconstructions.values() for size in by_k})}.")
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
    error, problem = read_number(answer, "The error")
    if problem:
        return report(False, "", f"{problem} {hint}")
    values = np.sort(np.asarray(eigenvalues, dtype=np.float64))[::-1]
    if close(error, np.sum(values[k:]), atol=1e-12):
        return report(True, "the error is the sum of the discarded eigenvalues.", hint)
    if close(error, np.sum(values[:k]), atol=1e-12):
        return report(False, "", "that is the variance PCA keeps, along the directions it uses.")
    if error < 0:
        return report(False, "", f"a squared error is never negative. {hint}")
    return report(False, "", hint)


def check_principal_angle(answer, u, v):
    """Exercise: the principal angle, in degrees, between the lines spanned by ``u`` and ``v``."""
    hint = ("the cosine of the angle between two lines comes from their unit vectors' dot product; a line has "
            "no direction, so the angle lies between 0 and 90; answer in degrees.")
    if unanswered(answer):
        return report(False, "", hint)
    angle, problem = read_number(answer, "The angle")
    if problem:
        return report(False, "", f"{problem} {hint}")
    a = np.asarray(u, dtype=np.float64) / np.linalg.norm(u)
    b = np.asarray(v, dtype=np.float64) / np.linalg.norm(v)
    b = b if a @ b >= 0 else -b  # lines, not directions
    expected = np.degrees(2 * np.arctan2(np.linalg.norm(a - b), np.linalg.norm(a + b)))  # exact near 0, unlike arccos
    if close(angle, expected, atol=1e-6):
        return report(True, "an angle of 0 would mean the same line; 90, perpendicular lines.", hint)
    if close(np.degrees(angle), expected, atol=1e-6):
        return report(False, "", "that looks like radians: answer in degrees.")
    if close(angle, 180.0 - expected, atol=1e-6):
        return report(False, "", "that is the angle between two directions; between lines it is at most 90 degrees.")
    if not 0 <= angle <= 90:
        return report(False, "", f"the angle between two lines lies between 0 and 90 degrees. {hint}")
    return report(False, "", hint)


def check_pca_storage(answer, n_images, n_pixels, k):
    """Exercise: the numbers needed to send ``n_images`` as ``k``-d PCA codes, with the model."""
    hint = ("count everything the receiver needs to rebuild the images: each image's code, and the model that "
            "decodes them (all of its parts).")
    if unanswered(answer):
        return report(False, "", hint)
    count, problem = read_number(answer, "The number of numbers to send", whole=True)
    if problem:
        return report(False, "", f"{problem} {hint}")
    codes, mean, directions = n_images * k, n_pixels, n_pixels * k
    expected = codes + mean + directions
    if count == expected:
        return report(True, f"that is {expected / (n_images * n_pixels):.1%} of the raw pixels.", hint)
    if count == codes:
        return report(False, "", "those are the codes alone; the receiver also needs the model to decode them.")
    if count == codes + directions:
        return report(False, "", "the codes and the directions are there; PCA also subtracted something before "
                                 "projecting, and the receiver must add it back.")
    if count == codes + mean:
        return report(False, "", "the codes and the mean are there; how does the receiver turn a code back into "
                                 "pixels?")
    return report(False, "", hint)


# Exercise checks added for the teaching review


def check_principal_angles(principal_angles):
    """Exercise: ``principal_angles(A, B)`` returns the principal angles, in degrees, between the
    column spaces of ``A`` and ``B`` (both (n, k), columns independent but not orthonormal),
    in any order. Compared with ``scipy.linalg.subspace_angles``."""
    from scipy.linalg import subspace_angles

    from .checking import call_student

    hint = (
        "the cosines are the singular values of Q1^T Q2 only when Q1 and Q2 have orthonormal columns: "
        "orthonormalize each basis first (np.linalg.qr), then take the arc cosine (clipped to [-1, 1]) in degrees."
    )
    if unanswered(principal_angles):
        return report(False, "", hint)
    rng = np.random.default_rng(9)
    base = rng.normal(size=(12, 3))
    cases = [(rng.normal(size=(12, 3)), rng.normal(size=(12, 3))),
             (base * [1.0, 5.0, 0.2], base @ rng.normal(size=(3, 3))),  # the same subspace: all angles 0
             (rng.normal(size=(6, 2)), rng.normal(size=(6, 2)))]
    for A, B in cases:
        expected = np.sort(np.degrees(subspace_angles(A, B)))
        got, problem = call_student(principal_angles, A.copy(), B.copy())
        if problem:
            return report(False, "", f"{problem} {hint}")
        try:
            got = np.sort(np.asarray(got, dtype=np.float64).ravel())
        except (TypeError, ValueError):
            return report(False, "", f"return an array of angles, one per dimension; {hint}")
        if got.shape != expected.shape:
            return report(False, "", f"two {A.shape[1]}-dimensional subspaces have {A.shape[1]} principal angles; "
                                     f"yours returns {got.size}.")
        if not np.all(np.isfinite(got)):
            return report(False, "", f"some of your angles are nan or infinite; {hint}")
        if np.allclose(got, expected, atol=1e-4):
            continue
        if np.allclose(np.degrees(got), expected, atol=1e-4):
            return report(False, "", "your angles are in radians: answer in degrees.")
        return report(False, "", f"your angles differ from scipy.linalg.subspace_angles on two random subspaces; "
                                 f"{hint}")
    return report(True, "the same angles as scipy.linalg.subspace_angles, also for two bases of one subspace.", hint)
