"""Lecture 07, variational autoencoders: the latent-space decoder widget and the exercise checks."""


import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from .checking import call_student, report, unanswered
from .live import LiveFigure


def latent_decoder_view(decode, codes, labels, z1, z2, digit, neighbours=25):
    """Decode the point (z1, z2) of a 2-d latent space and say which class it falls in.

    ``decode(z)`` maps codes (n, 2) to images (n, 784) or (n, 28, 28) with values in [0, 1];
    ``codes`` (m, 2) and integer ``labels`` (m,) are the codes of labelled images (the test set),
    drawn as a scatter with the class ``digit`` highlighted. The class of the point is the
    majority label among its ``neighbours`` nearest codes. Returns ``(figure, text)``.
    """
    codes = np.asarray(codes, dtype=np.float64)
    labels = np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2 or len(codes) != len(labels) or len(codes) == 0:
        raise ValueError(
            f"latent_decoder_view needs codes of shape (m, 2) and labels of shape (m,), m >= 1, "
            f"got {codes.shape} and {labels.shape}: pass the 2-d codes of the test images and their labels."
        )
    image = np.asarray(decode(np.array([[z1, z2]], dtype=np.float32)), dtype=np.float64)
    if image.size != 784:
        raise ValueError(f"decode must turn one 2-d code into one 28x28 image, got an array of shape {image.shape}.")
    near = np.argsort(np.sum((codes - [z1, z2]) ** 2, axis=1))[: min(neighbours, len(codes))]
    votes = np.bincount(labels[near].astype(int), minlength=10)
    winner = int(np.argmax(votes))
    share = votes[winner] / len(near)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.8), gridspec_kw={"width_ratios": [1.4, 1]})
    mine = labels == digit
    left.scatter(codes[~mine, 0], codes[~mine, 1], s=3, color="0.8", linewidths=0, label="other digits")
    left.scatter(codes[mine, 0], codes[mine, 1], s=3, color="C0", linewidths=0, label=f"test codes of {digit}s")
    left.plot([z1], [z2], "x", color="C3", markersize=12, markeredgewidth=3, label="decoded point")
    left.set(xlabel="$z_1$", ylabel="$z_2$", title="latent space (test codes)")
    left.legend(fontsize=8, loc="upper right", markerscale=2)
    right.imshow(image.reshape(28, 28), cmap="gray", vmin=0.0, vmax=1.0)
    right.set_axis_off()
    right.set_title(f"decoded at ({z1:.2f}, {z2:.2f})")
    fig.tight_layout()
    verdict = "inside" if winner == digit else "outside"
    text = (
        f"(z1, z2) = ({z1:.2f}, {z2:.2f}) falls among the <b>{winner}s</b> "
        f"({share:.0%} of its {len(near)} nearest test codes): {verdict} the region of the {digit}s"
    )
    return fig, text


def latent_decoder(decode, codes, labels, digit=3, limit=3.0):
    """Sliders z1 and z2 (from -limit to limit) and a digit to highlight, over ``latent_decoder_view``.

    The sliders start at the centre of the chosen digit's codes.
    """
    codes = np.asarray(codes, dtype=np.float64)
    labels = np.asarray(labels)
    start = np.clip(np.median(codes[labels == digit], axis=0), -limit, limit) if np.any(labels == digit) else (0, 0)

    def slider(name, value):
        return W.FloatSlider(description=name, min=-limit, max=limit, step=0.05, value=round(float(value), 2),
                             continuous_update=False, layout=W.Layout(width="260px"))

    controls = {
        "z1": slider("z1", start[0]),
        "z2": slider("z2", start[1]),
        "digit": W.Dropdown(description="digit", options=list(range(10)), value=digit, layout=W.Layout(width="140px")),
    }
    return LiveFigure(lambda **values: latent_decoder_view(decode, codes, labels, **values), controls)


# Exercise checks --------------------------------------------------------------------------------


def check_gaussian_kl_value(answer, mean, var):
    """Exercise: KL( N(mean, var) || N(0, 1) ) in nats for one dimension."""
    hint = "KL = (var + mean^2 - 1 - ln var) / 2 for one dimension, in nats (natural logarithm)."
    if unanswered(answer):
        return report(False, "", hint)
    expected = 0.5 * (var + mean**2 - 1.0 - np.log(var))
    passed = np.isclose(float(answer), expected, rtol=1e-6, atol=1e-9)
    return report(passed, f"KL = {expected:.4g} nats; it is 0 only for mean 0 and variance 1, the prior itself.", hint)


def check_bernoulli_nll(answer, x, p):
    """Exercise: -log p(x | z) in nats for binary pixels ``x`` and decoder probabilities ``p``."""
    hint = "each pixel contributes -ln p where it is 1 and -ln(1 - p) where it is 0; add them up."
    if unanswered(answer):
        return report(False, "", hint)
    x = np.asarray(x, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    expected = float(-np.sum(x * np.log(p) + (1 - x) * np.log1p(-p)))
    passed = np.isclose(float(answer), expected, rtol=1e-6)
    return report(passed, f"{expected:.4f} nats: the reconstruction term of the ELBO for this image.", hint)


def check_reparameterize(reparameterize):
    """Exercise: a function ``reparameterize(mean, log_var, eps)`` returning z = mean + sigma * eps."""
    hint = "sigma = exp(log_var / 2); z = mean + sigma * eps, elementwise, same shape as mean."
    rng = np.random.default_rng(7)
    mean, log_var, eps = rng.normal(size=(3, 4, 5))
    expected = mean + np.exp(0.5 * log_var) * eps
    got, problem = call_student(reparameterize, mean, log_var, eps)
    if problem:
        return report(False, "", f"{hint} {problem}")
    got = np.asarray(got, dtype=np.float64)
    if got.shape != expected.shape:
        return report(False, "", f"{hint} It returned shape {got.shape}, expected {expected.shape}.")
    if np.allclose(got, mean + np.exp(log_var) * eps):
        return report(False, "", "exp(log_var) is the variance; you need the standard deviation, exp(log_var / 2).")
    passed = np.allclose(got, expected, rtol=1e-6, atol=1e-9)
    return report(passed, "the randomness sits in eps alone, so gradients flow to mean and log_var.", hint)


def check_log_mean_exp(log_mean_exp):
    """Exercise: a stable ``log_mean_exp(a)`` = log(mean(exp(a))) over the last axis, for log weights."""
    hint = "subtract the largest entry m first: log mean exp(a) = m + log mean exp(a - m)."
    cases = [
        np.array([0.0, np.log(3.0)]),
        np.array([-1000.0, -1001.0, -1002.0]),
        np.array([[-90.0, -95.0, -100.0, -92.0], [500.0, 501.0, 499.0, 500.5]]),
    ]
    for a in cases:
        m = a.max(axis=-1, keepdims=True)
        expected = (m + np.log(np.mean(np.exp(a - m), axis=-1, keepdims=True)))[..., 0]
        got, problem = call_student(log_mean_exp, a.copy())
        if problem:
            return report(False, "", f"{hint} {problem}")
        got = np.asarray(got, dtype=np.float64)
        if got.shape != expected.shape or not np.all(np.isfinite(got)):
            return report(False, "", f"{hint} For log weights {a.tolist()} it gave {got.tolist()}.")
        if not np.allclose(got, expected, rtol=1e-9, atol=1e-9):
            wanted = f"expected {expected.tolist()}, got {got.tolist()}"
            return report(False, "", f"{hint} For log weights {a.tolist()} {wanted}.")
    return report(True, "exp(-1000) underflows to 0 in floating point; shifting by the maximum avoids it.", hint)
