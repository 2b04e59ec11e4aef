"""Lecture 07, variational autoencoders: the latent-space decoder widget and the exercise checks."""


import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from .checking import call_student, close, read_array, read_number, report, unanswered
from .live import FigureView, LiveFigure


class LatentDecoderView(FigureView):
    """Decode the point (z1, z2) of a 2-d latent space and say which class it falls in.

    ``decode(z)`` maps codes (n, 2) to images (n, 784) or (n, 28, 28) with values in [0, 1];
    ``codes`` (m, 2) and integer ``labels`` (m,) are the codes of labelled images (the test set),
    drawn as a scatter with the class ``digit`` highlighted. The class of the point is the
    majority label among its ``neighbours`` nearest codes. One figure serves every point and
    digit. Calling ``view(z1=..., z2=..., digit=...)`` returns ``(figure, text)``.
    """

    def __init__(self, decode, codes, labels, neighbours=25):
        super().__init__()
        self.codes = np.asarray(codes, dtype=np.float64)
        self.labels = np.asarray(labels)
        if self.codes.ndim != 2 or self.codes.shape[1] != 2 or len(self.codes) != len(self.labels) \
                or len(self.codes) == 0:
            raise ValueError(
                f"latent_decoder_view needs codes of shape (m, 2) and labels of shape (m,), m >= 1, got "
                f"{self.codes.shape} and {self.labels.shape}: pass the 2-d codes of the test images and their labels."
            )
        self.decode = decode
        self.neighbours = min(neighbours, len(self.codes))

    def build(self, **values):
        fig = Figure(figsize=(8.5, 3.8))
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
        others = left.scatter(self.codes[:1, 0], self.codes[:1, 1], s=3, color="0.8", linewidths=0,
                              label="other digits")
        mine = left.scatter(self.codes[:1, 0], self.codes[:1, 1], s=3, color="C0", linewidths=0,
                            label="test codes of 0s")
        (point,) = left.plot([0], [0], "x", color="C3", markersize=12, markeredgewidth=3, label="decoded point")
        left.set(xlabel="$z_1$", ylabel="$z_2$", title="latent space (test codes)")
        legend = left.legend(fontsize=8, loc="upper right", markerscale=2)
        image = right.imshow(np.zeros((28, 28)), cmap="gray", vmin=0.0, vmax=1.0)
        right.set_axis_off()
        title = right.set_title("decoded at (-0.00, -0.00)")
        fig.tight_layout()
        return fig, {"others": others, "mine": mine, "point": point, "legend": legend.get_texts()[1],
                     "image": image, "title": title}

    def show(self, fig, artists, z1, z2, digit):
        image = np.asarray(self.decode(np.array([[z1, z2]], dtype=np.float32)), dtype=np.float64)
        if image.size != 784:
            raise ValueError(f"decode must turn one 2-d code into one 28x28 image, got an array of shape "
                             f"{image.shape}.")
        distances = np.sum((self.codes - [z1, z2]) ** 2, axis=1)
        near = np.argpartition(distances, self.neighbours - 1)[: self.neighbours]
        votes = np.bincount(self.labels[near].astype(int), minlength=10)
        winner = int(np.argmax(votes))
        share = votes[winner] / len(near)
        mine = self.labels == digit
        artists["others"].set_offsets(self.codes[~mine])
        artists["mine"].set_offsets(self.codes[mine])
        artists["legend"].set_text(f"test codes of {digit}s")
        artists["point"].set_data([z1], [z2])
        ax = artists["point"].axes
        low = np.minimum(self.codes.min(axis=0), [z1, z2])
        high = np.maximum(self.codes.max(axis=0), [z1, z2])
        margin = 0.05 * (high - low)
        ax.set_xlim(low[0] - margin[0], high[0] + margin[0])
        ax.set_ylim(low[1] - margin[1], high[1] + margin[1])
        artists["image"].set_data(image.reshape(28, 28))
        artists["title"].set_text(f"decoded at ({z1:.2f}, {z2:.2f})")
        verdict = "inside" if winner == digit else "outside"
        return (f"(z1, z2) = ({z1:.2f}, {z2:.2f}) falls among the <b>{winner}s</b> "
                f"({share:.0%} of its {len(near)} nearest test codes): {verdict} the region of the {digit}s")


def latent_decoder_view(decode, codes, labels, z1, z2, digit, neighbours=25):
    """``LatentDecoderView(decode, codes, labels, neighbours)`` for one point: ``(figure, text)``."""
    return LatentDecoderView(decode, codes, labels, neighbours)(z1=z1, z2=z2, digit=digit)


def latent_decoder(decode, codes, labels, digit=3, limit=3.0):
    """Sliders z1 and z2 (from -limit to limit) and a digit to highlight, over ``latent_decoder_view``.

    The sliders start at the centre of the chosen digit's codes.
    """
    if isinstance(digit, (bool, np.bool_)) or not isinstance(digit, (int, np.integer)) or not 0 <= digit <= 9:
        raise ValueError(f"digit must be one of the digits 0 to 9, got {digit!r}.")
    if isinstance(limit, (bool, np.bool_)) or not isinstance(limit, (int, float, np.integer, np.floating)) \
            or not np.isfinite(limit) or limit <= 0:
        raise ValueError(f"limit must be a positive number (the sliders run from -limit to limit), got {limit!r}.")
    if not callable(decode):
        raise ValueError(f"decode must be a function from codes (n, 2) to images, got {type(decode).__name__}.")
    codes = np.asarray(codes, dtype=np.float64)
    labels = np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1:] != (2,) or labels.shape != (len(codes),) or len(codes) == 0:
        raise ValueError(f"latent_decoder needs codes of shape (m, 2) and labels of shape (m,), m >= 1, got "
                         f"{codes.shape} and {labels.shape}: pass the 2-d codes of the test images and their labels.")
    digit, limit = int(digit), float(limit)
    start = np.clip(np.median(codes[labels == digit], axis=0), -limit, limit) if np.any(labels == digit) else (0, 0)

    def slider(name, value):
        return W.FloatSlider(description=name, min=-limit, max=limit, step=0.05, value=round(float(value), 2),
                             continuous_update=False, layout=W.Layout(width="260px"))

    controls = {
        "z1": slider("z1", start[0]),
        "z2": slider("z2", start[1]),
        "digit": W.Dropdown(description="digit", options=list(range(10)), value=digit, layout=W.Layout(width="140px")),
    }
    return LiveFigure(LatentDecoderView(decode, codes, labels), controls)


# Exercise checks --------------------------------------------------------------------------------


def check_gaussian_kl_value(answer, mean, var):
    """Exercise: KL( N(mean, var) || N(0, 1) ) in nats for one dimension."""
    hint = ("use the lecture's closed form of the KL divergence from a Gaussian to the standard normal, term by "
            "term: it must be 0 for mean 0 and variance 1, it grows with the mean squared, and it is in nats "
            "(natural logarithm).")
    if unanswered(answer):
        return report(False, "", hint)
    kl, problem = read_number(answer, "The KL divergence")
    if problem:
        return report(False, "", f"{problem} {hint}")
    expected = 0.5 * (var + mean**2 - 1.0 - np.log(var))
    if close(kl, expected, rtol=1e-6, atol=1e-9):
        return report(True, f"KL = {expected:.4g} nats; it is 0 only for mean 0 and variance 1, the prior itself.",
                      hint)
    if kl < 0:
        return report(False, "", f"a KL divergence is never negative. {hint}")
    if close(kl, 2 * expected, rtol=1e-6, atol=1e-9):
        return report(False, "", "every term is there; check the factor in front of them.")
    if close(kl, 0.5 * (var + mean**2 - 1.0 - np.log10(var)), rtol=1e-6, atol=1e-9) and var != 1:
        return report(False, "", "nats use the natural logarithm, np.log, not log10.")
    return report(False, "", hint)


def check_bernoulli_nll(answer, x, p):
    """Exercise: -log p(x | z) in nats for binary pixels ``x`` and decoder probabilities ``p``."""
    hint = ("the pixels are independent, so the likelihood of the image is a product over its pixels of the "
            "probability of the value each pixel took (1 or 0); then take minus its natural logarithm.")
    if unanswered(answer):
        return report(False, "", hint)
    nll, problem = read_number(answer, "The negative log-likelihood")
    if problem:
        return report(False, "", f"{problem} {hint}")
    x = np.asarray(x, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    expected = float(-np.sum(x * np.log(p) + (1 - x) * np.log1p(-p)))
    if close(nll, expected, rtol=1e-6):
        return report(True, f"{expected:.4f} nats: the reconstruction term of the ELBO for this image.", hint)
    if close(nll, -expected, rtol=1e-6):
        return report(False, "", "probabilities are at most 1, so their negative logarithm is positive: check the "
                                 "sign.")
    if close(nll, float(-np.sum(np.log(p))), rtol=1e-6):
        return report(False, "", "a pixel that is 0 did not take the value 1: what is the probability of a 0?")
    return report(False, "", hint)


def check_reparameterize(reparameterize):
    """Exercise: a function ``reparameterize(mean, log_var, eps)`` returning z = mean + sigma * eps."""
    hint = ("z is the mean plus the noise eps scaled by the standard deviation sigma; log_var is the logarithm "
            "of the variance, so get sigma from it first. Work elementwise; z has the shape of mean.")
    if unanswered(reparameterize):
        return report(False, "", hint)
    rng = np.random.default_rng(7)
    mean, log_var, eps = rng.normal(size=(3, 4, 5))
    expected = mean + np.exp(0.5 * log_var) * eps
    got, problem = call_student(reparameterize, mean.copy(), log_var.copy(), eps.copy())
    if problem:
        return report(False, "", f"{hint} {problem}")
    got, problem = read_array(got, "z")
    if problem:
        return report(False, "", f"{problem} {hint}")
    if got.shape != expected.shape:
        return report(False, "", f"z must have the shape of mean, {mean.shape}; yours has shape {got.shape}. {hint}")
    if close(got, mean + np.exp(log_var) * eps):
        return report(False, "", "you scaled eps by the variance; it takes the standard deviation: how do you get "
                                 "that from the log-variance?")
    if close(got, mean + log_var * eps) or close(got, mean + 0.5 * log_var * eps):
        return report(False, "", "log_var is a logarithm: undo it before scaling eps by the standard deviation.")
    if close(got, mean + np.sqrt(np.abs(log_var)) * eps):
        return report(False, "", "the square root of log_var is not the standard deviation: log_var is a logarithm.")
    if close(got, np.exp(0.5 * log_var) * eps) or close(got, mean * eps):
        return report(False, "", "z is centred on the mean: where is it in your result?")
    passed = close(got, expected, rtol=1e-5, atol=1e-6)
    return report(passed, "the randomness sits in eps alone, so gradients flow to mean and log_var.", hint)


def check_log_mean_exp(log_mean_exp):
    """Exercise: a stable ``log_mean_exp(a)`` = log(mean(exp(a))) over the last axis, for log weights."""
    hint = ("exp of a large negative number underflows to 0 (and of a large positive one overflows to inf): "
            "shift the log weights by a constant before exponentiating and undo the shift after the logarithm. "
            "Which constant keeps every exponential safe?")
    if unanswered(log_mean_exp):
        return report(False, "", hint)
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
        got, problem = read_array(got, "The result", finite=False)
        if problem:
            return report(False, "", f"{problem} {hint}")
        given = f"For log weights {a.tolist()}"
        if got.shape != expected.shape:
            return report(False, "", f"{given} your function returns shape {got.shape}: it takes the mean over the "
                                     f"last axis only, one number per row. {hint}")
        if not np.all(np.isfinite(got)):
            return report(False, "", f"{given} it gives {got.tolist()}: an exponential under- or overflowed. {hint}")
        if close(got, m[..., 0], rtol=1e-9, atol=1e-9) and not close(got, expected, rtol=1e-9, atol=1e-9):
            return report(False, "", f"{given} your result is the largest entry alone; every entry counts in the "
                                     f"mean.")
        if close(got, expected + np.log(a.shape[-1]), rtol=1e-9, atol=1e-9):
            return report(False, "", f"{given} your result is log of the sum, not of the mean.")
        if not close(got, expected):
            return report(False, "", f"{given} your result is off. {hint}")
    return report(True, "exp(-1000) underflows to 0 in floating point; shifting by the maximum avoids it.", hint)


# Exercise checks added for the teaching review ----------------------------------------------------

from .progress import ProgressLine  # noqa: E402, F401  (the progress line of the long training cells, as in 06)


def _kl_gradients_by_tape(mean, log_var):
    # d KL / d mean and d KL / d log_var of the closed-form KL( N(mean, diag exp(log_var)) || N(0, I) ),
    # summed over images, by TensorFlow's automatic differentiation
    import tensorflow as tf

    variables = [tf.Variable(mean), tf.Variable(log_var)]
    with tf.GradientTape() as tape:
        kl = 0.5 * tf.reduce_sum(tf.exp(variables[1]) + tf.square(variables[0]) - 1.0 - variables[1])
    return [g.numpy() for g in tape.gradient(kl, variables)]


def check_kl_gradients(kl_gradients):
    """Exercise: ``kl_gradients(mean, log_var)`` returns ``(d_mean, d_log_var)``, the gradient of the
    KL term (summed over a batch of images) with respect to the encoder's outputs, each of the shape
    of ``mean``. Compared with ``tf.GradientTape`` of the closed-form KL."""
    from .checking import describe

    hint = ("differentiate the closed-form KL term by term, with respect to mean_j and to log_var_j "
            "(write sigma_j^2 as exp(log_var_j) first); each image's KL depends only on its own row.")
    if unanswered(kl_gradients) or not callable(kl_gradients):
        return report(False, "", f"Define a function kl_gradients(mean, log_var), then {hint}")
    rng = np.random.default_rng(17)
    for shape in ((4, 3), (2, 6)):
        mean, log_var = rng.normal(size=shape), rng.normal(0.0, 1.5, size=shape)
        expected = _kl_gradients_by_tape(mean, log_var)
        got, problem = call_student(kl_gradients, mean.copy(), log_var.copy())
        if problem:
            return report(False, "", f"{problem} {hint[0].upper()}{hint[1:]}")
        if isinstance(got, (str, bytes, dict)) or not hasattr(got, "__len__") or len(got) != 2:
            return report(False, "", f"Return two arrays, (d_mean, d_log_var); yours returned {describe(got)}.")
        arrays = []
        for name, value in zip(("d_mean", "d_log_var"), got):
            array, problem = read_array(value, what=name, shape=shape)
            if problem:
                return report(False, "", f"For mean and log_var of shape {shape}: {problem}")
            arrays.append(array)
        right = [np.allclose(a, e, rtol=1e-6, atol=1e-9) for a, e in zip(arrays, expected)]
        if all(right):
            continue
        if right[0] and np.allclose(arrays[1], 0.5 * (1.0 - np.exp(-log_var)), rtol=1e-6, atol=1e-9):
            return report(False, "", "d_log_var is the derivative with respect to the variance sigma^2; the encoder "
                                     "outputs log sigma^2, so the chain rule needs d sigma^2 / d log sigma^2 too.")
        wrong = [name for name, ok in zip(("d_mean", "d_log_var"), right) if not ok]
        return report(False, "", f"{' and '.join(wrong)} {'differ' if len(wrong) == 2 else 'differs'} from "
                                 f"automatic differentiation. {hint[0].upper()}{hint[1:]}")
    return report(True, "the KL pulls each mean toward 0 and each variance toward 1, with a force that grows with "
                        "the distance; the reconstruction term pulls the other way.", hint)
