"""Lecture 08, generative adversarial networks: the GAN model, the measures (Fréchet distance, modes
covered on a ring), a small VAE to compare with, the latent-walk widget and the exercise checks."""


import ipywidgets as W
import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import ops

from .checking import call_student, close, describe, read_array, read_number, report, unanswered
from .live import LiveFigure
from .progress import ProgressLine  # noqa: F401  (the progress line of the long training cells, as in 06 and 07)

# Measures -----------------------------------------------------------------------------------------


def frechet_distance(mean_a, cov_a, mean_b, cov_b):
    """The Fréchet (2-Wasserstein) distance squared between N(mean_a, cov_a) and N(mean_b, cov_b):

    ``|mean_a - mean_b|^2 + Tr(cov_a + cov_b - 2 (cov_a cov_b)^(1/2))``.
    The trace of the square root is taken as ``Tr((A^(1/2) B A^(1/2))^(1/2))``, the sum of the
    square roots of the eigenvalues of a symmetric matrix (the same eigenvalues as ``A B``):
    exact for singular covariances too, where a general matrix square root is unstable.
    """
    mean_a, mean_b = np.atleast_1d(np.asarray(mean_a, np.float64)), np.atleast_1d(np.asarray(mean_b, np.float64))
    cov_a, cov_b = np.atleast_2d(np.asarray(cov_a, np.float64)), np.atleast_2d(np.asarray(cov_b, np.float64))
    d = len(mean_a)
    if mean_b.shape != (d,) or cov_a.shape != (d, d) or cov_b.shape != (d, d):
        raise ValueError(f"frechet_distance needs two means of shape (d,) and two covariances (d, d); got "
                         f"{mean_a.shape}, {cov_a.shape}, {mean_b.shape}, {cov_b.shape}.")
    values, vectors = np.linalg.eigh((cov_a + cov_a.T) / 2)
    root_a = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    middle = root_a @ cov_b @ root_a
    trace_root = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0.0, None)))
    return float(np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_root)


def feature_statistics(features):
    """Mean (d,) and covariance (d, d) of feature rows (n, d), n >= 2."""
    features = np.asarray(features, np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f"feature_statistics needs rows of features, shape (n, d) with n >= 2; got {features.shape}.")
    return features.mean(axis=0), np.cov(features, rowvar=False)


def frechet_distance_of(features_a, features_b):
    """The Fréchet distance between Gaussians fitted to two sets of feature rows (n, d) and (m, d)."""
    return frechet_distance(*feature_statistics(features_a), *feature_statistics(features_b))


def ring_of_gaussians(n, modes=8, radius=2.0, std=0.05, seed=0):
    """``n`` points (n, 2) from an equal mixture of ``modes`` Gaussians on a circle; returns (points, centres)."""
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(modes) / modes
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    which = rng.integers(0, modes, size=n)
    return (centres[which] + std * rng.standard_normal((n, 2))).astype(np.float32), centres


def count_modes(samples, centres, std, within=3.0, min_share=0.01):
    """Which mixture components the ``samples`` (n, 2) cover.

    A sample counts for its nearest centre when it lies within ``within`` standard deviations of it
    (a good sample); a mode is covered when it holds at least ``min_share`` of all samples.
    Returns a dict: ``covered`` (int), ``counts`` (good samples per mode), ``good`` (share of good samples).
    """
    samples, centres = np.asarray(samples, np.float64), np.asarray(centres, np.float64)
    if samples.ndim != 2 or centres.ndim != 2 or samples.shape[1] != centres.shape[1] or len(samples) == 0:
        raise ValueError(f"count_modes needs samples (n, d), centres (k, d); got {samples.shape} and {centres.shape}.")
    distances = np.sqrt(((samples[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1))
    nearest = distances.argmin(axis=1)
    good = distances[np.arange(len(samples)), nearest] <= within * std
    counts = np.bincount(nearest[good], minlength=len(centres))
    return {"covered": int(np.sum(counts >= min_share * len(samples))), "counts": counts,
            "good": float(good.mean())}


# Models -------------------------------------------------------------------------------------------


def discriminator_loss(real_logits, fake_logits):
    """-mean log D(x) - mean log(1 - D(G(z))), from logits (D = sigmoid): softplus never takes log 0."""
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def generator_loss(fake_logits, kind="non-saturating"):
    """The generator's loss from the discriminator's logits on generated samples.

    ``"saturating"``: mean log(1 - D(G(z))), the minimax game's own term (minimized);
    ``"non-saturating"``: -mean log D(G(z)), Goodfellow et al.'s (2014) practical choice.
    """
    if kind == "saturating":
        return -ops.mean(ops.softplus(fake_logits))
    if kind == "non-saturating":
        return ops.mean(ops.softplus(-fake_logits))
    raise ValueError(f"kind must be 'saturating' or 'non-saturating', got {kind!r}.")


class MinibatchStd(keras.layers.Layer):
    """Appends one feature to every row: the spread of the batch (the mean over features of the
    standard deviation across the batch). A collapsed generator gives batches with a telltale
    small spread, which the discriminator can then see (Karras et al., 2018)."""

    def call(self, x):
        spread = ops.mean(ops.sqrt(ops.var(x, axis=0) + 1e-8))
        return ops.concatenate([x, ops.ones_like(x[:, :1]) * spread], axis=-1)


def make_generator(latent_dim, out_dim, hidden=(128, 128), out_activation=None, batch_norm=False, name="generator"):
    """An MLP from z (latent_dim) to a sample (out_dim): ReLU hidden layers, each after a batch
    normalization when ``batch_norm`` (which keeps the units from saturating early in the game)."""
    z = keras.Input(shape=(latent_dim,))
    h = z
    for units in hidden:
        if batch_norm:
            h = keras.layers.ReLU()(keras.layers.BatchNormalization()(keras.layers.Dense(units)(h)))
        else:
            h = keras.layers.Dense(units, activation="relu")(h)
    return keras.Model(z, keras.layers.Dense(out_dim, activation=out_activation)(h), name=name)


def make_discriminator(in_dim, hidden=(128, 128), minibatch_std=False, dropout=0.0, name="discriminator"):
    """An MLP from a sample (in_dim) to one logit (D = sigmoid(logit)): LeakyReLU hidden layers,
    with the batch's spread as an extra input feature when ``minibatch_std``, and dropout after
    each hidden layer when ``dropout`` > 0 (a discriminator that wins too fast teaches nothing)."""
    x = keras.Input(shape=(in_dim,))
    h = MinibatchStd()(x) if minibatch_std else x
    for units in hidden:
        h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(units)(h))
        if dropout:
            h = keras.layers.Dropout(dropout)(h)
    return keras.Model(x, keras.layers.Dense(1)(h), name=name)


class GAN(keras.Model):
    """A generator and a discriminator trained against each other; ``fit(x)`` plays the game.

    Each ``train_step`` takes one batch of real samples and does two gradient steps: the
    discriminator's on ``discriminator_loss`` (real against freshly generated samples), then the
    generator's on ``generator_loss`` of the kind given (``"non-saturating"`` or ``"saturating"``).
    Compile with ``compile(d_optimizer=..., g_optimizer=...)``. Metrics: both losses and the mean
    of D on real and on generated samples.
    """

    def __init__(self, generator, discriminator, latent_dim, loss="non-saturating", seed=0, **kwargs):
        super().__init__(**kwargs)
        generator_loss(ops.zeros((1, 1)), loss)  # refuses an unknown kind now, not in the middle of fit
        self.generator, self.discriminator = generator, discriminator
        self.latent_dim, self.loss_kind = int(latent_dim), loss
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = [keras.metrics.Mean(name) for name in ("d_loss", "g_loss", "d_real", "d_fake")]

    @property
    def metrics(self):
        return self.trackers

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    def call(self, z):
        return self.generator(z)

    def sample(self, n, seed=0, truncation=1.0):
        """``n`` generated samples (numpy) from z ~ N(0, I) scaled by ``truncation``."""
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype(np.float32)
        return ops.convert_to_numpy(self.generator(truncation * z))

    def train_step(self, data):
        import tensorflow as tf

        x = data[0] if isinstance(data, (tuple, list)) else data
        n = ops.shape(x)[0]
        # 1. the discriminator: tell real (label 1) from generated (label 0)
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            real_logits = self.discriminator(x, training=True)
            fake_logits = self.discriminator(self.generator(z, training=True), training=True)
            d_loss = discriminator_loss(real_logits, fake_logits)
        weights = self.discriminator.trainable_weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, weights), weights))
        # 2. the generator: make the (updated) discriminator call fresh samples real
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = generator_loss(fake_logits, self.loss_kind)
        weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, weights), weights))
        values = (d_loss, g_loss, ops.mean(ops.sigmoid(real_logits)), ops.mean(ops.sigmoid(fake_logits)))
        for tracker, value in zip(self.trackers, values):
            tracker.update_state(value)
        return {tracker.name: tracker.result() for tracker in self.trackers}


class SmallVAE(keras.Model):
    """Notebook 07's VAE, compact: MLP encoder 784-hidden-(mean, log-variance), decoder back to 784
    logits, Bernoulli pixels on grey levels, prior N(0, I); trained on the negative ELBO."""

    def __init__(self, latent_dim=20, hidden=(512, 256), seed=0, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = int(latent_dim)
        x = keras.Input(shape=(784,))
        h = x
        for units in hidden:
            h = keras.layers.Dense(units, activation="relu")(h)
        self.encoder = keras.Model(x, [keras.layers.Dense(latent_dim)(h), keras.layers.Dense(latent_dim)(h)])
        self.decoder = make_generator(latent_dim, 784, hidden[::-1], name="decoder")
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.tracker = keras.metrics.Mean("neg_elbo")

    @property
    def metrics(self):
        return [self.tracker]

    def call(self, x):
        return ops.sigmoid(self.decoder(self.encoder(x)[0]))

    def sample(self, n, seed=0):
        """``n`` images: z ~ N(0, I) decoded to pixel probabilities (numpy, (n, 784))."""
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim)).astype(np.float32)
        return ops.convert_to_numpy(ops.sigmoid(self.decoder(z)))

    def train_step(self, data):
        import tensorflow as tf

        x = data[0] if isinstance(data, (tuple, list)) else data
        with tf.GradientTape() as tape:
            mean, log_var = self.encoder(x, training=True)
            eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
            logits = self.decoder(mean + ops.exp(0.5 * log_var) * eps, training=True)
            reconstruction = -ops.sum(x * logits - ops.softplus(logits), axis=-1)
            kl = 0.5 * ops.sum(ops.exp(log_var) + ops.square(mean) - 1.0 - log_var, axis=-1)
            loss = ops.mean(reconstruction + kl)
        self.optimizer.apply_gradients(zip(tape.gradient(loss, self.trainable_weights), self.trainable_weights))
        self.tracker.update_state(loss)
        return {"neg_elbo": self.tracker.result()}


# The latent walk and truncation widget --------------------------------------------------------------


def latent_walk_view(generate, z_start, z_end, grid_z, t, truncation):
    """Decode the point ``(1 - t) z_start + t z_end`` of the straight line between two latent codes,
    and a grid of samples from ``truncation * grid_z`` (truncation < 1 pulls codes toward 0).

    ``generate(z)`` maps codes (n, L) to images (n, 784) or (n, 28, 28) in [0, 1]. Returns
    ``(figure, text)``; the text gives the diversity of the grid (the mean over pixels of their
    standard deviation across the grid's images).
    """
    z_start, z_end = np.asarray(z_start, np.float32).ravel(), np.asarray(z_end, np.float32).ravel()
    grid_z = np.asarray(grid_z, np.float32)
    if z_start.shape != z_end.shape or grid_z.ndim != 2 or grid_z.shape[1] != len(z_start) or len(grid_z) == 0:
        raise ValueError(f"latent_walk_view needs two codes of one length L and grid codes (n, L); got "
                         f"{z_start.shape}, {z_end.shape} and {grid_z.shape}.")
    steps = np.linspace(0.0, 1.0, 7, dtype=np.float32)[:, None]
    path = np.concatenate([(1 - steps) * z_start + steps * z_end, [(1 - t) * z_start + t * z_end]])
    images = np.asarray(generate(np.concatenate([path, truncation * grid_z]).astype(np.float32)), np.float64)
    images = images.reshape(len(images), 28, 28)
    walk, here, grid = images[:7], images[7], images[8:]
    fig = plt.figure(figsize=(9.5, 3.6))
    top = fig.add_axes([0.02, 0.55, 0.62, 0.38])
    from .plots import image_grid

    image_grid(walk, ncols=7, ax=top, title="the straight line from z_start (left) to z_end (right)")
    top.axvline((28 + 1) * t * 6 + 14, color="C3", linewidth=2)
    now = fig.add_axes([0.2, 0.03, 0.3, 0.42])
    now.imshow(here, cmap="gray", vmin=0, vmax=1)
    now.set_axis_off()
    now.set_title(f"t = {t:.2f}", fontsize=9)
    right = fig.add_axes([0.66, 0.03, 0.33, 0.9])
    ncols = int(np.ceil(np.sqrt(len(grid))))
    image_grid(grid, ncols=ncols, ax=right, title=f"z ~ N(0, I) x {truncation:.2f}")
    diversity = float(grid.std(axis=0).mean())
    text = (f"walk at t = {t:.2f}; truncation {truncation:.2f}: diversity of the {len(grid)} samples "
            f"(pixel spread) <b>{diversity:.3f}</b>")
    return fig, text


def latent_walk(generate, latent_dim, seed=0, n_grid=16):
    """Sliders for the position t on a straight line between two random codes and for the truncation
    factor of a grid of samples, over ``latent_walk_view``."""
    if not callable(generate):
        raise ValueError(f"generate must be a function from codes (n, L) to images, got {type(generate).__name__}.")
    if isinstance(latent_dim, (bool, np.bool_)) or not isinstance(latent_dim, (int, np.integer)) or latent_dim < 1:
        raise ValueError(f"latent_dim must be a positive whole number, got {latent_dim!r}.")
    rng = np.random.default_rng(seed)
    z_start, z_end = rng.standard_normal((2, latent_dim)).astype(np.float32)
    grid_z = rng.standard_normal((n_grid, latent_dim)).astype(np.float32)

    def slider(name, low, high, value):
        return W.FloatSlider(description=name, min=low, max=high, step=0.05, value=value,
                             continuous_update=False, layout=W.Layout(width="300px"))

    controls = {"t": slider("t", 0.0, 1.0, 0.5), "truncation": slider("truncation", 0.0, 1.5, 1.0)}
    return LiveFigure(lambda **values: latent_walk_view(generate, z_start, z_end, grid_z, **values), controls)


# Exercise checks ----------------------------------------------------------------------------------


def check_optimal_discriminator(answer, p_data, p_g):
    """Exercise: D*(x) at a point where the data density is ``p_data`` and the generator's ``p_g``."""
    hint = ("the best discriminator weighs how likely x is under the data against how likely it is under "
            "either of the two sources together; it is 1/2 where the two densities are equal.")
    if unanswered(answer):
        return report(False, "", hint)
    value, problem = read_number(answer, "D*(x)")
    if problem:
        return report(False, "", f"{problem} {hint}")
    expected = p_data / (p_data + p_g)
    if close(value, expected, rtol=1e-4, atol=1e-6):
        return report(True, f"D*(x) = {expected:.4g}: the data is {p_data / p_g:.3g} times as dense here as the "
                            "generator's samples.", hint)
    if not 0 <= value <= 1:
        return report(False, "", f"D is a probability, between 0 and 1; yours is {value:.4g}. {hint}")
    if close(value, p_g / (p_data + p_g), rtol=1e-4, atol=1e-6):
        return report(False, "", "that is the chance that x came from the generator: D says 'real'.")
    return report(False, "", hint)


def check_frechet_distance(function):
    """Exercise: ``function(mean_a, cov_a, mean_b, cov_b)`` returns the Fréchet distance (squared) of two
    Gaussians; compared with ``frechet_distance`` on random Gaussians in 1, 3 and 6 dimensions."""
    hint = ("the distance adds two parts: how far apart the means are (squared), and a trace term that "
            "compares the covariances; the cross term needs the matrix square root of their product "
            "(scipy.linalg.sqrtm), not the square root of each entry.")
    if unanswered(function):
        return report(False, "", hint)
    rng = np.random.default_rng(11)
    for d in (1, 3, 6):
        mean_a, mean_b = rng.normal(size=d), rng.normal(size=d)
        a, b = rng.normal(size=(d, d)), rng.normal(size=(d, d))
        cov_a, cov_b = a @ a.T + 0.1 * np.eye(d), b @ b.T + 0.1 * np.eye(d)
        expected = frechet_distance(mean_a, cov_a, mean_b, cov_b)
        got, problem = call_student(function, mean_a.copy(), cov_a.copy(), mean_b.copy(), cov_b.copy())
        if problem:
            return report(False, "", f"{problem} {hint}")
        value, problem = read_number(got, "The distance")
        if problem:
            return report(False, "", f"In {d} dimensions: {problem} {hint}")
        if close(value, expected, rtol=1e-5, atol=1e-8):
            continue
        given = f"In {d} dimensions your distance is {value:.4g}:"
        mean_part = float(np.sum((mean_a - mean_b) ** 2))
        trace_part = expected - mean_part
        if value < -1e-8:
            return report(False, "", f"{given} a distance squared is never negative. {hint}")
        if close(value, mean_part, rtol=1e-5):
            return report(False, "", f"{given} only the means count in it; the covariances must count too.")
        if close(value, trace_part, rtol=1e-5):
            return report(False, "", f"{given} only the covariances count in it; the means must count too.")
        if close(value, np.sqrt(mean_part) + trace_part, rtol=1e-5):
            return report(False, "", f"{given} the distance between the means enters squared.")
        elementwise = np.trace(cov_a) + np.trace(cov_b) - 2 * np.sum(np.diag(np.sqrt(np.abs(cov_a * cov_b))))
        if d > 1 and close(value, mean_part + elementwise, rtol=1e-5):
            return report(False, "", f"{given} the square root was taken entry by entry; the cross term needs "
                                     f"the matrix square root.")
        return report(False, "", f"{given} not the expected value. {hint}")
    return report(True, "with equal covariances it is the squared distance of the means; with equal means, a "
                        "distance between the covariances.", hint)


def _generator_gradients_by_tape(logits):
    import tensorflow as tf

    a = tf.Variable(logits)
    with tf.GradientTape(persistent=True) as tape:
        saturating = tf.reduce_sum(tf.math.log(1.0 - tf.sigmoid(a)))
        non_saturating = tf.reduce_sum(-tf.math.log(tf.sigmoid(a)))
    return tape.gradient(saturating, a).numpy(), tape.gradient(non_saturating, a).numpy()


def check_generator_gradients(function):
    """Exercise: ``function(logits)`` returns ``(d_saturating, d_non_saturating)``: for each logit a of the
    discriminator on a generated sample (D = sigmoid(a)), the derivatives with respect to a of
    log(1 - D) and of -log D. Compared with ``tf.GradientTape``."""
    hint = ("write each loss as a function of the logit a with D = sigmoid(a), and use the derivative of the "
            "sigmoid, sigmoid'(a) = sigmoid(a) (1 - sigmoid(a)); the answer for each logit depends on its D alone.")
    if unanswered(function):
        return report(False, "", f"Define the function, then {hint}")
    logits = np.array([-6.0, -2.0, -0.5, 0.0, 1.0, 3.0])
    expected = _generator_gradients_by_tape(logits)
    got, problem = call_student(function, logits.copy())
    if problem:
        return report(False, "", f"{problem} {hint[0].upper()}{hint[1:]}")
    if isinstance(got, (str, bytes, dict)) or not hasattr(got, "__len__") or len(got) != 2:
        return report(False, "", f"Return two arrays (d_saturating, d_non_saturating); yours: {describe(got)}.")
    arrays = []
    for name, value in zip(("d_saturating", "d_non_saturating"), got):
        array, problem = read_array(value, name, shape=logits.shape)
        if problem:
            return report(False, "", f"For logits of shape {logits.shape}: {problem}")
        arrays.append(array)
    right = [np.allclose(a, e, rtol=1e-6, atol=1e-9) for a, e in zip(arrays, expected)]
    if all(right):
        return report(True, "for a sample the discriminator rejects (D near 0), log(1 - D) has almost no slope "
                            "and -log D has slope near -1: only the second tells the generator where to go.", hint)
    for name, array, wanted, ok in zip(("d_saturating", "d_non_saturating"), arrays, expected, right):
        if ok:
            continue
        if np.allclose(array, -wanted, rtol=1e-6, atol=1e-9):
            return report(False, "", f"{name} has the wrong sign: does the loss rise or fall as D grows?")
        d = 1 / (1 + np.exp(-logits))
        if np.allclose(np.abs(array), np.abs(np.array([-1 / (1 - d), -1 / d][name == "d_non_saturating"])),
                       rtol=1e-6):
            return report(False, "", f"{name} is the derivative with respect to D; it is asked with respect to the "
                                     f"logit a, so the chain rule needs dD/da too.")
    wrong = [name for name, ok in zip(("d_saturating", "d_non_saturating"), right) if not ok]
    return report(False, "", f"{' and '.join(wrong)} {'differ' if len(wrong) == 2 else 'differs'} from automatic "
                             f"differentiation. {hint[0].upper()}{hint[1:]}")
