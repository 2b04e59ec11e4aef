"""Lecture 03, autoencoders on MNIST: the corruption of a denoising autoencoder, the
reconstruction and denoising widgets, and the exercise checks."""


import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from . import plots
from .checking import call_student, close, read_array, read_number, report, unanswered
from .live import LiveFigure, choice_slider


def add_gaussian_noise(x, std, seed=0, clip=True):
    """``x`` plus independent Gaussian noise of standard deviation ``std`` on every entry.

    The corruption of a denoising autoencoder: returns a new float32 array of ``x``'s shape,
    clipped to [0, 1] when ``clip`` is true (pixels stay pixels); ``x`` itself is not changed.
    ``seed`` is an integer (the same seed gives the same noise) or a ``numpy.random.Generator``.
    """
    x = np.asarray(x, dtype=np.float32)
    std = float(std)
    if not np.isfinite(std) or std < 0:
        raise ValueError(f"The noise level std must be a finite number >= 0, got {std}.")
    noisy = x + np.float32(std) * np.random.default_rng(seed).standard_normal(x.shape, dtype=np.float32)
    return np.clip(noisy, 0.0, 1.0) if clip else noisy


def _squared_errors(originals, reconstructed):
    """Sum of squared differences over each image's pixels: one number per image."""
    originals = np.asarray(originals, dtype=np.float64)
    reconstructed = np.asarray(reconstructed, dtype=np.float64)
    return ((originals - reconstructed) ** 2).reshape(len(originals), -1).sum(axis=1)


def reconstruction_view(images, reconstructions, index, size):
    """One image, its reconstruction by the model named ``size``, and every model's error on it.

    ``images`` holds n images ((n, h, w) or flat rows (n, h*w)); ``reconstructions`` maps a
    model's name (a bottleneck size, say) to its reconstructions of the same n images.
    Returns ``(figure, text)``.
    """
    if size not in reconstructions:
        raise KeyError(f"No reconstructions for {size!r}; there are {list(reconstructions)}.")
    if not 0 <= index < len(images):
        raise IndexError(f"index {index} is outside 0..{len(images) - 1}.")
    original = np.asarray(images[index : index + 1])
    errors = {name: float(_squared_errors(original, np.asarray(rec)[index : index + 1])[0])
              for name, rec in reconstructions.items()}
    reconstructed = np.asarray(reconstructions[size])[index : index + 1]
    fig, (first, second, right) = plt.subplots(1, 3, figsize=(7.5, 2.8), gridspec_kw={"width_ratios": [0.6, 0.6, 1]})
    plots.image_grid(original, ncols=1, ax=first, title=f"original (image {index})")
    plots.image_grid(reconstructed, ncols=1, ax=second, title=f"reconstruction, {size}")
    names = [str(name) for name in errors]
    colours = ["tab:orange" if name == size else "tab:blue" for name in errors]
    right.bar(names, list(errors.values()), color=colours)
    right.set_ylabel("squared error")
    right.set_title("this image, every model")
    right.tick_params(axis="x", labelsize=8, labelrotation=30)
    fig.tight_layout()
    text = f"image {index}: squared error <b>{errors[size]:.2f}</b> with {size} (sum over pixels)"
    return fig, text


def reconstruction_explorer(images, reconstructions):
    """A slider for the image and a choice of model over ``reconstruction_view``."""
    if len(images) == 0 or not reconstructions:
        raise ValueError("reconstruction_explorer needs at least one image and one model's reconstructions.")
    for name, rec in reconstructions.items():
        if len(rec) != len(images):
            raise ValueError(f"the reconstructions of {name!r} hold {len(rec)} images, not {len(images)} "
                             f"as images does.")
    controls = {
        "index": W.IntSlider(description="image", min=0, max=len(images) - 1, value=0, continuous_update=False),
        "size": choice_slider("model", list(reconstructions), list(reconstructions)[0]),
    }
    return LiveFigure(lambda **values: reconstruction_view(images, reconstructions, **values), controls)


def denoising_demo(images, denoisers, noise_levels=(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0), seed=0):
    """Everything the denoising explorer shows, computed once so that its controls answer at once.

    ``images`` (n, d) are corrupted with Gaussian noise of every standard deviation in
    ``noise_levels`` (clipped to [0, 1]) and cleaned by every function in ``denoisers`` (a name ->
    a function from a batch of images to its reconstructions). Returns ``{"images": (n, d),
    "noisy": {level: (n, d)}, "denoised": {name: {level: (n, d)}}}``.
    """
    noise_levels = [float(level) for level in noise_levels]
    if not noise_levels or not denoisers:
        raise ValueError("denoising_demo needs at least one noise level and one denoiser.")
    if any(not np.isfinite(level) or level < 0 for level in noise_levels):
        raise ValueError(f"noise levels are standard deviations, finite and >= 0, got {noise_levels}.")
    images = np.asarray(images, dtype=np.float32)
    noisy = {level: add_gaussian_noise(images, level, seed=seed) for level in noise_levels}
    denoised = {name: {level: np.asarray(clean(noisy[level]), dtype=np.float32).reshape(images.shape)
                       for level in noise_levels}
                for name, clean in denoisers.items()}
    return {"images": images, "noisy": noisy, "denoised": denoised}


def denoising_view(demo, noise, model):
    """Three rows, clean, noisy (standard deviation ``noise``) and denoised by ``model``, from a
    ``denoising_demo``; returns ``(figure, text)`` with the squared error per image of the noisy and
    of the denoised images against the clean ones."""
    if model not in demo["denoised"]:
        raise KeyError(f"No denoiser named {model!r}; there are {list(demo['denoised'])}.")
    if noise not in demo["noisy"]:
        raise KeyError(f"No images with noise {noise!r}; the levels are {list(demo['noisy'])}.")
    images, noisy, cleaned = demo["images"], demo["noisy"][noise], demo["denoised"][model][noise]
    noisy_error = _squared_errors(images, noisy).mean()
    cleaned_error = _squared_errors(images, cleaned).mean()
    fig = plots.image_rows({"clean": images, f"noise σ = {noise:g}": noisy, "denoised": cleaned}, n=len(images),
                           title=f"denoised by: {model}")
    text = (
        f"squared error per image against the clean digits: noisy input {noisy_error:.1f}, "
        f"denoised <b>{cleaned_error:.1f}</b>"
    )
    return fig, text


def denoising_explorer(demo):
    """A noise-level slider and a choice of denoiser over a ``denoising_demo``."""
    noise_levels, names = list(demo["noisy"]), list(demo["denoised"])
    if not noise_levels or not names:
        raise ValueError("denoising_explorer needs at least one noise level and one denoiser.")
    controls = {
        "noise": choice_slider("input noise σ", noise_levels, noise_levels[len(noise_levels) // 2]),
        "model": W.Dropdown(description="denoiser", options=names, style={"description_width": "initial"}),
    }
    return LiveFigure(lambda **values: denoising_view(demo, **values), controls)


# Exercise checks --------------------------------------------------------------------------------


def check_masking_noise(masking_noise):
    """Exercise: ``masking_noise(x, fraction, rng)`` returns a copy of the images ``x`` (n, d) in
    which every pixel is set to 0, independently, with probability ``fraction``, drawing the
    random numbers from the ``numpy.random.Generator`` ``rng`` (the masking corruption of a
    denoising autoencoder). Checked on images with no zero pixels, so a 0 marks a masked pixel.
    """
    hint = (
        "for every pixel of every image draw one uniform random number from rng, and set the pixel to 0 where "
        "that number falls below fraction; the other pixels keep their value, and x itself stays unchanged."
    )
    if unanswered(masking_noise):
        return report(False, "", hint)
    x = np.random.default_rng(3).uniform(0.05, 1.0, size=(300, 64))
    for fraction in (0.0, 0.25, 0.6, 1.0):
        before = x.copy()
        got, problem = call_student(masking_noise, x, fraction, np.random.default_rng(4))
        if problem:
            return report(False, "", f"{problem} {hint}")
        if not np.array_equal(x, before):
            x[...] = before
            return report(False, "", "your function changes its input x in place: corrupt a copy and return that.")
        got, problem = read_array(got, "The corrupted images")
        if problem:
            return report(False, "", f"{problem} {hint}")
        if got.shape != x.shape:
            return report(False, "", f"the result must have the shape of x, {x.shape}, not {got.shape}.")
        masked = got == 0
        if not np.allclose(got[~masked], x[~masked]):
            return report(False, "", f"a pixel that is not masked must keep its value exactly; {hint}")
        if 0 < fraction < 1 and np.all(masked == masked[0]):
            return report(False, "", "every image gets the same mask: draw a separate random number per pixel "
                                     "of every image.")
        share = masked.mean()
        if abs(share - fraction) > 0.02:
            return report(False, "", f"with fraction={fraction} about {fraction:.0%} of the pixels should be 0, "
                                     f"yours zeroes {share:.1%}; {hint}")
        if 0 < fraction < 1:
            again, problem = call_student(masking_noise, x, fraction, np.random.default_rng(5))
            if problem:
                return report(False, "", f"{problem} {hint}")
            again, problem = read_array(again, "The corrupted images", shape=x.shape)
            if problem:
                return report(False, "", f"{problem} {hint}")
            if np.array_equal(again == 0, masked):
                return report(False, "", "another rng gives the same mask: draw the random numbers from the rng "
                                         "you are given.")
    return report(True, "each pixel is masked independently with that probability, and x is left as it was.", hint)


def check_kl_sparsity_penalty(kl_penalty):
    """Exercise: ``kl_penalty(rho, rho_hat)``, the sparsity penalty sum_j KL(rho || rho_hat_j) of
    the UFLDL sparse autoencoder, for a target activation ``rho`` (a number in (0, 1)) and the
    average activations ``rho_hat`` of the hidden units (shape (s,), in (0, 1)): one number.
    """
    hint = (
        "each hidden unit j compares two Bernoulli distributions, the target (on with probability rho) and "
        "the unit's own (on with probability rho_hat_j); their KL divergence is a sum over both outcomes, "
        "on and off, and the penalty adds it up over the hidden units."
    )
    if unanswered(kl_penalty):
        return report(False, "", hint)
    rng = np.random.default_rng(5)
    cases = [(0.05, rng.uniform(0.01, 0.6, 25)), (0.1, np.full(10, 0.1)), (0.2, rng.uniform(0.05, 0.95, 7))]
    for rho, rho_hat in cases:
        on = rho * np.log(rho / rho_hat)
        off = (1 - rho) * np.log((1 - rho) / (1 - rho_hat))
        got, problem = call_student(kl_penalty, rho, rho_hat.copy())
        if problem:
            return report(False, "", f"{problem} {hint}")
        got, problem = read_array(got, "The penalty")
        if problem:
            return report(False, "", f"{problem} {hint}")
        if got.size != 1:
            return report(False, "", f"return one number, the sum over the hidden units, not an array of shape "
                                     f"{got.shape}.")
        got = float(got.reshape(()))
        if close(got, np.sum(on + off), rtol=1e-6, atol=1e-9):
            continue
        if close(got, np.sum(on), rtol=1e-6, atol=1e-9) or close(got, np.sum(off), rtol=1e-6, atol=1e-9):
            return report(False, "", "your penalty has one outcome's term only: a Bernoulli distribution has two "
                                     "outcomes, on and off, and the KL divergence sums over both.")
        reverse = rho_hat * np.log(rho_hat / rho) + (1 - rho_hat) * np.log((1 - rho_hat) / (1 - rho))
        if close(got, np.sum(reverse), rtol=1e-6, atol=1e-9):
            return report(False, "", "KL divergence is not symmetric: the target Bernoulli distribution (rho) comes "
                                     "first, KL(rho || rho_hat_j), so it weighs the logarithms.")
        if close(got, np.mean(on + off), rtol=1e-6, atol=1e-9):
            return report(False, "", "the penalty is the sum over the hidden units of each unit's Bernoulli KL "
                                     "divergence, not the mean.")
        return report(False, "", hint)
    return report(True, "zero when every unit's average activation is rho, and growing as it strays.", hint)


def check_box_max_activation(max_input):
    """Exercise: ``max_input(W)`` returns, for every hidden unit i (row i of ``W``, shape
    (s, n)), the input x with every pixel in [-1, 1] that maximizes W_i . x: shape (s, n)."""
    hint = (
        "the box constrains every pixel on its own: for each j, ask which value of x_j in [-1, 1] makes the "
        "term W_ij * x_j as large as possible."
    )
    if unanswered(max_input):
        return report(False, "", hint)
    W = np.random.default_rng(6).normal(size=(6, 20))
    got, problem = call_student(max_input, W.copy())
    if problem:
        return report(False, "", f"{problem} {hint}")
    got, problem = read_array(got, "The inputs")
    if problem:
        return report(False, "", f"{problem} {hint}")
    if got.shape != W.shape:
        return report(False, "", f"return one input per hidden unit, shape {W.shape}, not {got.shape}.")
    if np.any(np.abs(got) > 1 + 1e-9):
        return report(False, "", f"every pixel must lie in [-1, 1], yours reach {np.abs(got).max():.3g}; {hint}")
    if close(got, W / np.linalg.norm(W, axis=1, keepdims=True)):
        return report(False, "", f"these are the answers for the sphere ||x|| <= 1; the box lets every pixel go "
                                 f"further. {hint}")
    passed = close(np.sum(W * got, axis=1), np.abs(W).sum(axis=1), rtol=1e-6, atol=1e-9)
    return report(passed, "each unit's activation reaches sum_j |W_ij|, the largest the box allows.", hint)


def check_keras_l1_factor(answer, lam, batch_size):
    """Exercise: the factor to pass to ``keras.regularizers.L1`` as ``activity_regularizer`` so
    that training minimizes the mean over a batch of ``batch_size`` examples of
    loss + lam * sum_j |z_j| (Keras 3 adds factor * sum |z| over the whole batch)."""
    hint = (
        "Keras adds factor * (sum of |z| over every unit of every example in the batch) to the batch's mean "
        "loss; write the mean over the batch of lam * sum_j |z_j| and compare the two."
    )
    if unanswered(answer):
        return report(False, "", hint)
    factor, problem = read_number(answer, "The factor")
    if problem:
        return report(False, "", f"{problem} {hint}")
    if close(factor, lam / batch_size, atol=0.0):
        return report(True, "the per-example penalty divided by the batch size.", hint)
    if close(factor, lam, atol=0.0):
        return report(False, "", "with that factor Keras penalizes the sum over the batch; the exercise asks for "
                                 "the mean over the batch.")
    if close(factor, lam * batch_size, atol=0.0):
        return report(False, "", "going from a sum over the batch to a mean divides; it does not multiply.")
    return report(False, "", hint)


# Exercise checks added for the teaching review


def _kl_sum(rho, rho_hat):
    return float(np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))))


def check_kl_penalty_gradient(kl_gradient):
    """Exercise: ``kl_gradient(rho, rho_hat)`` returns the gradient of the sparsity penalty
    sum_j KL(rho || rho_hat_j) with respect to each average activation rho_hat_j: an array of
    ``rho_hat``'s shape. Compared with central finite differences of the penalty."""
    from .checking import numeric_gradient

    hint = (
        "differentiate the penalty one unit at a time: only unit j's two terms (the 'on' one and the 'off' one) "
        "depend on rho_hat_j, and rho is a constant; the result has one entry per hidden unit."
    )
    if unanswered(kl_gradient):
        return report(False, "", hint)
    rng = np.random.default_rng(8)
    for rho, rho_hat in ((0.05, rng.uniform(0.01, 0.6, 12)), (0.2, rng.uniform(0.05, 0.95, 5)), (0.1, np.full(4, 0.1))):
        expected = numeric_gradient(lambda r, rho=rho: _kl_sum(rho, r), rho_hat.copy())
        got, problem = call_student(kl_gradient, rho, rho_hat.copy())
        if problem:
            return report(False, "", f"{problem} {hint}")
        try:
            got = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            return report(False, "", f"return an array of numbers, one per hidden unit; {hint}")
        if got.shape != rho_hat.shape:
            return report(False, "", f"return one derivative per hidden unit, shape {rho_hat.shape}, not {got.shape}.")
        if not np.all(np.isfinite(got)):
            return report(False, "", f"your gradient has nan or infinite entries for average activations in "
                                     f"(0, 1); {hint}")
        if np.allclose(got, expected, rtol=1e-5, atol=1e-7):
            continue
        if np.allclose(got, -expected, rtol=1e-5, atol=1e-7):
            return report(False, "", "the sign is flipped: where rho_hat_j is above rho the penalty grows with "
                                     "rho_hat_j, so its derivative there must be positive.")
        if np.allclose(got * len(rho_hat), expected, rtol=1e-5) or np.allclose(got, expected * len(rho_hat), rtol=1e-5):
            return report(False, "", "off by the number of units: each entry is the derivative of the sum with "
                                     "respect to one unit's rho_hat_j, and only that unit's terms depend on it.")
        if np.allclose(expected, 0.0, atol=1e-7):
            return report(False, "", f"where every rho_hat_j equals rho the penalty is at its minimum, so its gradient "
                                     f"must be zero there; {hint}")
        return report(False, "", f"your gradient differs from finite differences of the penalty; {hint}")
    return report(True, "it matches finite differences of sum_j KL(rho || rho_hat_j), and vanishes where "
                        "rho_hat_j = rho.", hint)
