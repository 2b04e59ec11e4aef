"""helpers.gan and the game math of notebook 08 (lecture 08): the Fréchet distance against closed forms,
mode counting, the GAN's train_step, the latent-walk widget, the exercise checks, and the notebook's
NumPy cells against quadrature and tf.GradientTape."""

import re

import keras
import numpy as np
import pytest
import scipy.linalg
import tensorflow as tf
from matplotlib.figure import Figure
from scipy import integrate, special, stats

from helpers import gan

from notebook_cells import run_tagged_cells
from verdicts import assert_hint, assert_passed


def plain(html):
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture(scope="module")
def nb():
    """The namespace left by the notebook's NumPy cells (tagged ``tested``), in order."""
    return run_tagged_cells("08", namespace={"np": np, "integrate": integrate, "special": special}, min_cells=2)


# The notebook's game math -------------------------------------------------------------------------


def test_optimal_discriminator_maximizes_the_value_pointwise(nb):
    d_star = nb["optimal_discriminator"]
    assert d_star(0.3, 0.1) == pytest.approx(0.75)
    assert d_star(0.2, 0.2) == pytest.approx(0.5)
    # a(log y) + b log(1 - y) is largest at y = a / (a + b)
    y = np.linspace(0.001, 0.999, 9999)
    a, b = 0.7, 0.2
    assert y[np.argmax(a * np.log(y) + b * np.log1p(-y))] == pytest.approx(d_star(a, b), abs=1e-3)


def test_value_at_the_optimum_is_twice_js_minus_log_4(nb):
    p, q = stats.norm(0, 1).pdf, stats.norm(1.5, 0.7).pdf
    value = nb["game_value"](p, q, lambda x: nb["optimal_discriminator"](p(x), q(x)))
    js = nb["js_divergence"](p, q)
    assert value == pytest.approx(2 * js - np.log(4), abs=1e-8)
    assert 0 < js < np.log(2)
    assert nb["js_divergence"](p, p) == pytest.approx(0.0, abs=1e-10)
    # far apart: JS tends to log 2
    assert nb["js_divergence"](p, stats.norm(40, 1).pdf, low=-30, high=70) == pytest.approx(np.log(2), abs=1e-6)


def test_generator_slopes_match_gradient_tape(nb):
    logits = np.linspace(-6, 6, 13)
    saturating, non_saturating = nb["generator_slopes"](logits)
    variable = tf.Variable(logits)
    with tf.GradientTape(persistent=True) as tape:
        s = tf.reduce_sum(tf.math.log(1 - tf.sigmoid(variable)))
        n = tf.reduce_sum(-tf.math.log(tf.sigmoid(variable)))
    assert np.allclose(saturating, tape.gradient(s, variable).numpy(), atol=1e-9)
    assert np.allclose(non_saturating, tape.gradient(n, variable).numpy(), atol=1e-9)


# The Fréchet distance -----------------------------------------------------------------------------


def test_frechet_distance_closed_forms():
    assert gan.frechet_distance([1.0], [[4.0]], [3.0], [[9.0]]) == pytest.approx(5.0)
    var_a, var_b = np.array([1.0, 4.0, 0.5]), np.array([2.0, 1.0, 0.5])
    mean_a, mean_b = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    expected = np.sum((mean_a - mean_b) ** 2) + np.sum((np.sqrt(var_a) - np.sqrt(var_b)) ** 2)
    assert gan.frechet_distance(mean_a, np.diag(var_a), mean_b, np.diag(var_b)) == pytest.approx(expected)
    # a rotation of both diagonal covariances changes nothing
    angle = 0.7
    rotation = np.eye(3)
    rotation[:2, :2] = [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]
    rotated = gan.frechet_distance(rotation @ mean_a, rotation @ np.diag(var_a) @ rotation.T,
                                   rotation @ mean_b, rotation @ np.diag(var_b) @ rotation.T)
    assert rotated == pytest.approx(expected, rel=1e-8)
    # same Gaussian: 0; symmetric
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 4))
    cov = a @ a.T + np.eye(4)
    assert gan.frechet_distance(np.ones(4), cov, np.ones(4), cov) == pytest.approx(0.0, abs=1e-8)
    b = rng.normal(size=(4, 4))
    cov_b = b @ b.T
    assert gan.frechet_distance(np.zeros(4), cov, np.ones(4), cov_b) == pytest.approx(
        gan.frechet_distance(np.ones(4), cov_b, np.zeros(4), cov), rel=1e-7)


def test_frechet_distance_of_samples_approaches_the_closed_form():
    rng = np.random.default_rng(1)
    a = rng.normal([0, 0], [1, 2], size=(200_000, 2))
    b = rng.normal([1, 0], [2, 2], size=(200_000, 2))
    assert gan.frechet_distance_of(a, b) == pytest.approx(1.0 + 1.0, abs=0.05)
    mean, cov = gan.feature_statistics(a)
    assert mean.shape == (2,) and cov.shape == (2, 2)


def test_frechet_distance_refuses_bad_shapes_and_survives_singular_covariances():
    with pytest.raises(ValueError, match="means of shape"):
        gan.frechet_distance(np.zeros(2), np.eye(3), np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="rows of features"):
        gan.feature_statistics(np.zeros(5))
    singular = np.diag([1.0, 0.0])
    assert np.isfinite(gan.frechet_distance(np.zeros(2), singular, np.zeros(2), singular))


# The ring and mode counting -----------------------------------------------------------------------


def test_ring_of_gaussians_and_count_modes():
    points, centres = gan.ring_of_gaussians(4000, modes=8, radius=2.0, std=0.05, seed=0)
    assert points.shape == (4000, 2) and points.dtype == np.float32 and centres.shape == (8, 2)
    assert np.allclose(np.linalg.norm(centres, axis=1), 2.0)
    full = gan.count_modes(points, centres, 0.05)
    assert full["covered"] == 8 and full["good"] > 0.98 and full["counts"].sum() <= 4000
    # collapsed onto two modes
    collapsed = np.concatenate([np.repeat(centres[:1], 500, axis=0), np.repeat(centres[3:4], 500, axis=0)])
    result = gan.count_modes(collapsed, centres, 0.05)
    assert result["covered"] == 2 and list(result["counts"]) == [500, 0, 0, 500, 0, 0, 0, 0]
    # all at the centre of the ring: no good sample, no mode
    empty = gan.count_modes(np.zeros((100, 2)), centres, 0.05)
    assert empty["covered"] == 0 and empty["good"] == 0.0 and not empty["counts"].any()
    # a mode with too few samples does not count
    few = np.concatenate([np.repeat(centres[:1], 995, axis=0), np.repeat(centres[1:2], 5, axis=0)])
    assert gan.count_modes(few, centres, 0.05)["covered"] == 1
    with pytest.raises(ValueError, match="count_modes"):
        gan.count_modes(np.zeros((3, 3)), centres, 0.05)


# Models -------------------------------------------------------------------------------------------


def test_losses_from_logits():
    real, fake = np.array([[2.0], [0.5]]), np.array([[-1.0], [0.3]])
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    expected = -np.mean(np.log(sig(real))) - np.mean(np.log(1 - sig(fake)))
    assert float(gan.discriminator_loss(real, fake)) == pytest.approx(expected, rel=1e-6)
    assert float(gan.generator_loss(fake, "saturating")) == pytest.approx(np.mean(np.log(1 - sig(fake))), rel=1e-6)
    assert float(gan.generator_loss(fake, "non-saturating")) == pytest.approx(-np.mean(np.log(sig(fake))), rel=1e-6)
    assert np.isfinite(float(gan.discriminator_loss(np.array([[-500.0]]), np.array([[500.0]]))))
    with pytest.raises(ValueError, match="saturating"):
        gan.generator_loss(fake, "wasserstein")


def test_minibatch_std_adds_the_batch_spread():
    x = np.array([[0.0, 0.0], [2.0, 4.0]], np.float32)
    out = keras.ops.convert_to_numpy(gan.MinibatchStd()(x))
    assert out.shape == (2, 3)
    assert np.allclose(out[:, 2], np.mean([1.0, 2.0]), atol=1e-3)
    assert np.allclose(out[:, :2], x)
    disc = gan.make_discriminator(2, (8,), minibatch_std=True)
    assert disc(x).shape == (2, 1)


def test_gan_train_step_lowers_the_discriminator_loss():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(3.0, 0.3, size=(512, 1)).astype(np.float32)
    model = gan.GAN(gan.make_generator(2, 1, (8,)), gan.make_discriminator(1, (16,)), 2)
    model.compile(d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(1e-5))
    history = model.fit(x, batch_size=64, epochs=4, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert history["d_loss"][-1] < history["d_loss"][0]
    assert history["d_real"][-1] > history["d_fake"][-1]
    samples = model.sample(5, seed=0)
    assert samples.shape == (5, 1)
    assert np.allclose(model.sample(5, seed=0, truncation=0.0), model.sample(3, seed=1, truncation=0.0)[0])
    with pytest.raises(ValueError):
        gan.GAN(model.generator, model.discriminator, 2, loss="hinge")


def test_gan_non_saturating_generator_moves_toward_the_data():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(3.0, 0.5, size=(2048, 1)).astype(np.float32)
    model = gan.GAN(gan.make_generator(2, 1, (16,)), gan.make_discriminator(1, (16,)), 2)
    model.compile(d_optimizer=keras.optimizers.Adam(2e-3), g_optimizer=keras.optimizers.Adam(2e-3))
    before = abs(model.sample(500).mean() - 3.0)
    model.fit(x, batch_size=64, epochs=6, verbose=0)
    assert abs(model.sample(500).mean() - 3.0) < before


def test_small_vae_trains_and_samples():
    keras.utils.set_random_seed(0)
    x = (np.random.default_rng(0).random((256, 784)) < 0.2).astype(np.float32)
    vae = gan.SmallVAE(4, hidden=(32,))
    vae.compile(keras.optimizers.Adam(1e-3))
    history = vae.fit(x, batch_size=64, epochs=3, verbose=0).history
    assert history["neg_elbo"][-1] < history["neg_elbo"][0]
    samples = vae.sample(6)
    assert samples.shape == (6, 784) and samples.min() >= 0 and samples.max() <= 1
    assert keras.ops.convert_to_numpy(vae(x[:2])).shape == (2, 784)


# The widget ---------------------------------------------------------------------------------------


def toy_generate(z):
    # images whose brightness follows the first code entry
    z = np.asarray(z)
    return np.clip(0.5 + 0.2 * z[:, :1] * np.ones((1, 784)), 0, 1)


def test_latent_walk_view_builds_and_changes_with_its_values():
    rng = np.random.default_rng(0)
    z_a, z_b, grid = rng.normal(size=4), rng.normal(size=4), rng.normal(size=(9, 4))
    fig, text = gan.latent_walk_view(toy_generate, z_a, z_b, grid, t=0.0, truncation=1.0)
    assert isinstance(fig, Figure) and "t = 0.00" in plain(text) and "truncation 1.00" in plain(text)
    _, narrow = gan.latent_walk_view(toy_generate, z_a, z_b, grid, t=1.0, truncation=0.0)
    assert "diversity of the 9 samples (pixel spread) 0.000" in plain(narrow)
    wide = float(plain(text).split()[-1])
    assert wide > 0
    with pytest.raises(ValueError, match="latent_walk_view"):
        gan.latent_walk_view(toy_generate, z_a, z_b[:2], grid, t=0.5, truncation=1.0)


def test_latent_walk_widget_updates():
    live = gan.latent_walk(toy_generate, 4, seed=1, n_grid=4)
    first = live.last_text
    live.controls["truncation"].value = 0.0
    assert live.last_text != first and "truncation 0.00" in plain(live.last_text)
    live.controls["t"].value = 1.0
    assert "t = 1.00" in plain(live.last_text)
    with pytest.raises(ValueError):
        gan.latent_walk("not a function", 4)
    with pytest.raises(ValueError):
        gan.latent_walk(toy_generate, 0)


# Exercise checks ----------------------------------------------------------------------------------

BAD_ANSWERS = [None, ..., "abc", float("nan"), [0.1, 0.2], np.zeros((2, 2)), True]


def test_check_optimal_discriminator(capsys):
    assert_passed(gan.check_optimal_discriminator(0.75, p_data=0.3, p_g=0.1), capsys)
    assert_passed(gan.check_optimal_discriminator(np.float32(0.75), p_data=0.3, p_g=0.1), capsys)
    assert "generator" in assert_hint(gan.check_optimal_discriminator(0.25, p_data=0.3, p_g=0.1), capsys)
    assert "between 0 and 1" in assert_hint(gan.check_optimal_discriminator(3.0, p_data=0.3, p_g=0.1), capsys)
    for bad in BAD_ANSWERS + [0.5]:
        out = assert_hint(gan.check_optimal_discriminator(bad, p_data=0.3, p_g=0.1), capsys)
        assert "0.75" not in out


def right_frechet(mean_a, cov_a, mean_b, cov_b):
    root = np.real(scipy.linalg.sqrtm(cov_a @ cov_b))
    return float(np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2 * root))


def test_check_frechet_distance(capsys):
    assert_passed(gan.check_frechet_distance(right_frechet), capsys)
    assert "covariances must count" in assert_hint(
        gan.check_frechet_distance(lambda ma, ca, mb, cb: np.sum((ma - mb) ** 2)), capsys)
    assert "means must count" in assert_hint(
        gan.check_frechet_distance(lambda ma, ca, mb, cb: right_frechet(ma, ca, ma, cb)), capsys)

    def elementwise(ma, ca, mb, cb):
        return np.sum((ma - mb) ** 2) + np.trace(ca) + np.trace(cb) - 2 * np.sum(np.diag(np.sqrt(np.abs(ca * cb))))

    assert "matrix square root" in assert_hint(gan.check_frechet_distance(elementwise), capsys)

    def raises(*args):
        raise RuntimeError("boom")

    for bad in [None, ..., "f", 3.0, raises, lambda *a: None, lambda *a: "x", lambda *a: np.zeros(3),
                lambda *a: float("nan"), lambda ma, ca, mb, cb: -right_frechet(ma, ca, mb, cb), lambda *a: 1.0]:
        assert_hint(gan.check_frechet_distance(bad), capsys)


def test_check_generator_gradients(capsys):
    def right(a):
        d = 1 / (1 + np.exp(-a))
        return -d, d - 1

    assert_passed(gan.check_generator_gradients(right), capsys)
    assert "wrong sign" in assert_hint(gan.check_generator_gradients(lambda a: (right(a)[0], -right(a)[1])), capsys)

    def against_d(a):
        d = 1 / (1 + np.exp(-a))
        return -1 / (1 - d), -1 / d

    assert "with respect to D" in assert_hint(gan.check_generator_gradients(against_d), capsys)

    def raises(a):
        raise ValueError("no")

    for bad in [None, ..., 1.0, "x", raises, lambda a: None, lambda a: a, lambda a: (a,), lambda a: (a[:2], a),
                lambda a: ("x", "y"), lambda a: (np.full(6, np.nan), a), lambda a: {"a": 1}, lambda a: (a, a)]:
        assert_hint(gan.check_generator_gradients(bad), capsys)


def test_notebook_solutions_pass_the_checks():
    """The solution cell's functions, run from the notebook, pass; the exercise blanks do not."""
    from notebook_cells import tagged_cells

    namespace = {"np": np, "gan": gan, "scipy": scipy}
    for cell in tagged_cells("08", "solution"):
        exec(compile(cell.source, "solution", "exec"), namespace)  # noqa: S102  (the course's own cells)
    assert all(namespace["solutions"])
    for cell in tagged_cells("08", "exercise"):
        exercise = {"np": np, "gan": gan}
        source = cell.source.replace("gan.check_", "verdict = gan.check_")
        exec(compile(source, "exercise", "exec"), exercise)  # noqa: S102
        assert not exercise["verdict"]


def test_frechet_distance_matches_scipy_matrix_square_root_without_warnings():
    import warnings

    import scipy.linalg

    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(6, 6)), rng.normal(size=(6, 6))
    cov_a, cov_b = a @ a.T, b @ b.T
    expected = np.trace(cov_a) + np.trace(cov_b) - 2 * np.trace(np.real(scipy.linalg.sqrtm(cov_a @ cov_b)))
    assert gan.frechet_distance(np.zeros(6), cov_a, np.zeros(6), cov_b) == pytest.approx(expected, rel=1e-9)
    low_rank = a[:, :2] @ a[:, :2].T  # rank 2 of 6, as with fewer images than features
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gan.frechet_distance(np.zeros(6), low_rank, np.zeros(6), low_rank) == pytest.approx(0.0, abs=1e-6)
