"""helpers.variational and the ELBO math of notebook 07 (lecture 07): the notebook's cells against SciPy and
Keras, the latent decoder widget and the exercise checks."""

import math
import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from matplotlib.figure import Figure
from scipy import integrate, stats

from helpers import data, variational

from notebook_cells import run_tagged_cells


def plain(html):
    return re.sub(r"<[^>]+>", "", html)


@pytest.fixture(scope="module")
def nb():
    """The namespace left by the notebook's math and model cells (tagged ``tested``), in order."""
    namespace = {"np": np, "math": math, "keras": keras, "ops": keras.ops, "tf": tf, "time": __import__("time")}
    return run_tagged_cells("07", namespace=namespace, min_cells=3)


# The ELBO math of the notebook --------------------------------------------------------------------


def test_log_bernoulli_matches_the_textbook_formula_and_keras(nb):
    rng = np.random.default_rng(0)
    x = (rng.random((4, 784)) < 0.4).astype(np.float64)
    logits = rng.normal(0, 4, size=(4, 784))
    p = 1 / (1 + np.exp(-logits))
    textbook = np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1)
    ours = keras.ops.convert_to_numpy(nb["log_bernoulli"](x, logits))
    assert np.allclose(ours, textbook, rtol=1e-10)
    bce = keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(x, logits, from_logits=True))
    assert np.allclose(ours, -784 * bce, rtol=1e-5)
    extreme = nb["log_bernoulli"](np.array([[1.0, 0.0, 1.0]]), np.array([[-300.0, 300.0, 300.0]]))
    extreme = keras.ops.convert_to_numpy(extreme)
    assert np.isfinite(extreme).all() and np.isclose(extreme[0], -600.0)


def test_gaussian_kl_matches_quadrature_and_is_zero_at_the_prior(nb):
    kl = nb["gaussian_kl"]
    for mean, log_var in [(0.5, 0.7), (-2.0, -1.5), (0.0, 2.0)]:
        q = stats.norm(mean, math.exp(0.5 * log_var))
        value, _ = integrate.quad(lambda z, q=q: q.pdf(z) * (q.logpdf(z) - stats.norm.logpdf(z)), -40, 40)
        assert np.isclose(float(kl(np.array([mean]), np.array([log_var]))), value, rtol=1e-7)
    assert float(kl(np.zeros(5), np.zeros(5))) == 0.0
    # dimensions add up
    assert np.isclose(float(kl(np.array([0.5, -2.0]), np.array([0.7, -1.5]))),
                      float(kl(np.array([0.5]), np.array([0.7]))) + float(kl(np.array([-2.0]), np.array([-1.5]))))


def test_reparameterize_and_log_normal_diag(nb):
    rng = np.random.default_rng(1)
    mean, log_var, eps = rng.normal(size=(3, 2, 5))
    z = keras.ops.convert_to_numpy(nb["reparameterize"](mean, log_var, eps))
    assert np.allclose(z, mean + np.exp(0.5 * log_var) * eps)
    expected = stats.norm.logpdf(z, mean, np.exp(0.5 * log_var)).sum(axis=-1)
    assert np.allclose(keras.ops.convert_to_numpy(nb["log_normal_diag"](z, mean, log_var)), expected)
    # samples have the right mean and variance
    big = rng.standard_normal((200_000, 1))
    samples = keras.ops.convert_to_numpy(nb["reparameterize"](np.array([1.5]), np.array([math.log(0.25)]), big))
    assert abs(samples.mean() - 1.5) < 0.01 and abs(samples.var() - 0.25) < 0.01


def test_reparameterization_gradients_are_unbiased(nb):
    # d/dmu E[z^2] = 2 mu, d/dlog var E[z^2] = sigma^2, for z ~ N(mu, sigma^2)
    mu, log_var = tf.Variable(0.7, dtype=tf.float64), tf.Variable(math.log(0.5), dtype=tf.float64)
    eps = tf.constant(np.random.default_rng(2).standard_normal(200_000))
    with tf.GradientTape() as tape:
        objective = tf.reduce_mean(nb["reparameterize"](mu, log_var, eps) ** 2)
    d_mu, d_log_var = (g.numpy() for g in tape.gradient(objective, [mu, log_var]))
    assert abs(d_mu - 1.4) < 0.01 and abs(d_log_var - 0.5) < 0.01


def tiny_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 784)).astype(np.float32) ** 3  # mostly dark, like MNIST


def test_vae_train_step_lowers_the_negative_elbo(nb):
    keras.utils.set_random_seed(0)
    model = nb["VAE"](3, hidden=(16,))
    x = tiny_data()
    x_binary = data.binarize_stochastic(x, seed=0)
    model.compile(keras.optimizers.Adam(1e-2))
    before = model.evaluate(x_binary, batch_size=64, verbose=0, return_dict=True)
    history, seconds = nb["train_vae"](model, x, epochs=5, batch_size=16, learning_rate=1e-2)
    after = model.evaluate(x_binary, batch_size=64, verbose=0, return_dict=True)
    assert set(history) >= {"neg_elbo", "reconstruction", "kl"} and len(history["neg_elbo"]) == 5
    assert seconds > 0 and after["neg_elbo"] < before["neg_elbo"]
    assert np.isclose(after["neg_elbo"], after["reconstruction"] + after["kl"], rtol=1e-4)
    assert model(x[:3]).shape == (3, 784)


def test_importance_sampling_lies_below_the_negative_elbo(nb):
    keras.utils.set_random_seed(0)
    model = nb["VAE"](2, hidden=(8,))
    x = data.binarize_stochastic(tiny_data(20), seed=0)
    model(x[:1])
    figures = nb["elbo_and_likelihood"](model, x, k=50, batch_size=7)
    assert set(figures) == {"reconstruction", "kl", "neg_elbo", "nll"}
    assert np.isclose(figures["neg_elbo"], figures["reconstruction"] + figures["kl"])
    assert figures["nll"] < figures["neg_elbo"] and figures["kl"] >= 0
    assert figures == nb["elbo_and_likelihood"](model, x, k=50, batch_size=7)  # seeded: repeatable
    # K = 1: the importance-sampled bound is a one-sample estimate of the ELBO itself
    one = [nb["elbo_and_likelihood"](model, x, k=1, seed=s)["nll"] for s in range(200)]
    assert abs(np.mean(one) - figures["neg_elbo"]) < 4 * np.std(one) / np.sqrt(len(one)) + 0.05


# The latent decoder ---------------------------------------------------------------------------


@pytest.fixture
def latent():
    """Codes of three clusters (digits 0, 1, 2) and a decoder that draws a bar at z1's position."""
    rng = np.random.default_rng(0)
    centres = {0: (-2.0, 0.0), 1: (0.0, 2.0), 2: (2.0, 0.0)}
    codes = np.concatenate([rng.normal(c, 0.3, size=(40, 2)) for c in centres.values()])
    labels = np.repeat(list(centres), 40)
    calls = []

    def decode(z):
        calls.append(np.array(z))
        images = np.zeros((len(z), 28, 28), dtype=np.float32)
        for image, (z1, _) in zip(images, z):
            image[:, int(np.clip(14 + 4 * z1, 0, 27))] = 1.0
        return images.reshape(len(z), 784)

    return decode, codes, labels, calls


def test_latent_decoder_view_decodes_the_point_and_names_its_class(latent):
    decode, codes, labels, calls = latent
    fig, text = variational.latent_decoder_view(decode, codes, labels, z1=2.0, z2=0.1, digit=2)
    assert isinstance(fig, Figure)
    assert np.allclose(calls[-1], [[2.0, 0.1]])
    assert "falls among the 2s" in plain(text) and "100%" in text and "inside the region of the 2s" in plain(text)
    fig, text = variational.latent_decoder_view(decode, codes, labels, z1=-2.0, z2=0.0, digit=1)
    assert "falls among the 0s" in plain(text) and "outside the region of the 1s" in plain(text)


def test_latent_decoder_view_refuses_bad_shapes(latent):
    decode, codes, labels, _ = latent
    with pytest.raises(ValueError, match="codes of shape"):
        variational.latent_decoder_view(decode, codes[:, :1], labels, 0.0, 0.0, 0)
    with pytest.raises(ValueError, match="codes of shape"):
        variational.latent_decoder_view(decode, codes, labels[:-1], 0.0, 0.0, 0)
    with pytest.raises(ValueError, match="28x28"):
        variational.latent_decoder_view(lambda z: np.zeros((1, 10)), codes, labels, 0.0, 0.0, 0)


def test_latent_decoder_widget_follows_its_sliders(latent):
    decode, codes, labels, calls = latent
    widget = variational.latent_decoder(decode, codes, labels, digit=1, limit=3.0)
    assert set(widget.controls) == {"z1", "z2", "digit"}
    assert "falls among the 1s" in plain(widget.last_text)  # starts at the chosen digit's codes
    widget.controls["z1"].value = 2.0
    widget.controls["z2"].value = 0.0
    assert "falls among the 2s" in plain(widget.status.value)
    assert np.allclose(calls[-1], [[2.0, 0.0]])
    widget.controls["digit"].value = 2
    assert "inside the region of the 2s" in plain(widget.last_text)


# checks ------------------------------------------------------------------------------------------------


def assert_hint(verdict):
    assert not verdict and repr(verdict).startswith("Not yet. Hint:")


def test_check_gaussian_kl_value():
    assert variational.check_gaussian_kl_value(0.5, mean=1.0, var=1.0)
    assert variational.check_gaussian_kl_value(0.5 * (4 + 0 - 1 - math.log(4)), mean=0.0, var=4.0)
    for wrong in (None, ..., 1.0, 0.0, -0.5):
        assert_hint(variational.check_gaussian_kl_value(wrong, mean=1.0, var=1.0))


def test_check_bernoulli_nll():
    x, p = [1, 0, 1, 1], [0.9, 0.2, 0.6, 0.5]
    right = -(math.log(0.9) + math.log(0.8) + math.log(0.6) + math.log(0.5))
    assert variational.check_bernoulli_nll(right, x=x, p=p)
    for wrong in (None, ..., -right, -(math.log(0.9) + math.log(0.2) + math.log(0.6) + math.log(0.5))):
        assert_hint(variational.check_bernoulli_nll(wrong, x=x, p=p))


def test_check_reparameterize():
    assert variational.check_reparameterize(lambda m, lv, e: m + np.exp(0.5 * lv) * e)
    variance_instead = variational.check_reparameterize(lambda m, lv, e: m + np.exp(lv) * e)
    assert_hint(variance_instead)
    assert "standard deviation" in repr(variance_instead)
    assert_hint(variational.check_reparameterize(lambda m, lv, e: ...))
    assert "raised" in repr(variational.check_reparameterize(lambda m, lv, e: 1 / 0))
    assert "shape" in repr(variational.check_reparameterize(lambda m, lv, e: m.sum()))


def test_check_log_mean_exp():
    def stable(a):
        m = np.max(a, axis=-1, keepdims=True)
        return (m + np.log(np.mean(np.exp(a - m), axis=-1, keepdims=True)))[..., 0]

    assert variational.check_log_mean_exp(stable)
    with np.errstate(divide="ignore"):
        naive = variational.check_log_mean_exp(lambda a: np.log(np.mean(np.exp(a), axis=-1)))
    assert_hint(naive)
    assert "-1000" in repr(naive)
    assert_hint(variational.check_log_mean_exp(lambda a: np.max(a, axis=-1)))  # the max alone is not the mean
    assert_hint(variational.check_log_mean_exp(lambda a: None))


# Added for the teaching review: the KL's gradient, the progress line --------------------------------


def test_check_kl_gradients_passes_the_derivative_by_tape(capsys):
    from verdicts import assert_passed

    def by_tape(mean, log_var):
        variables = [tf.Variable(mean), tf.Variable(log_var)]
        with tf.GradientTape() as tape:
            kl = tf.reduce_sum(0.5 * (tf.exp(variables[1]) + variables[0] ** 2 - 1.0 - variables[1]))
        return tuple(g.numpy() for g in tape.gradient(kl, variables))

    assert_passed(variational.check_kl_gradients(by_tape), capsys)
    assert variational.check_kl_gradients(lambda m, lv: [m, 0.5 * (np.exp(lv) - 1)])


@pytest.mark.parametrize("answer, words", [
    (..., "Define a function"), (None, "Define a function"), (3.0, "Define a function"),
    (lambda m, lv: ..., "returns ... (Ellipsis"), (lambda m, lv: 1 / 0, "ZeroDivisionError"),
    (lambda m, lv: "grad", "Return two arrays"), (lambda m, lv: (m,), "Return two arrays"),
    (lambda m, lv: (m, "x"), "array of numbers"), (lambda m, lv: (m, m[0]), "must have shape"),
    (lambda m, lv: (m, np.log(lv)), "nan or inf"),
    (lambda m, lv: (2 * m, 0.5 * (np.exp(lv) - 1)), "d_mean differs"),
    (lambda m, lv: (m, np.exp(lv)), "d_log_var differs"),
    (lambda m, lv: (m, 0.5 * (1 - np.exp(-lv))), "with respect to the variance"),
])
def test_check_kl_gradients_hints_and_never_raises(answer, words, capsys):
    from verdicts import assert_hint

    out = assert_hint(variational.check_kl_gradients(answer), capsys)
    assert words in out
    assert "exp(log_var) - 1" not in out and "0.5 * (" not in out  # a hint, not the answer


def test_the_progress_line_is_the_one_of_notebook_06():
    from helpers import rnn

    assert variational.ProgressLine is rnn.ProgressLine


# Issue: answers students type, wrong verdicts, hints that diagnose ------------------------------


@pytest.mark.parametrize("answer", ["0.5", [0.5], np.zeros((2, 2)), 0.5j, np.nan, np.inf, True])
def test_number_checks_turn_junk_into_a_hint(answer):
    assert_hint(variational.check_gaussian_kl_value(answer, mean=1.0, var=1.0))
    assert_hint(variational.check_bernoulli_nll(answer, x=[1, 0, 1, 1], p=[0.9, 0.2, 0.6, 0.5]))


def test_hints_do_not_give_the_formula():
    kl = repr(variational.check_gaussian_kl_value(None, mean=1.0, var=1.0))
    assert "mean^2 - 1" not in kl and "ln var" not in kl
    for verdict in (variational.check_reparameterize(None), variational.check_reparameterize(lambda m, lv, e: m),
                    variational.check_reparameterize(lambda m, lv, e: m + np.exp(lv) * e)):
        assert "exp(log_var / 2)" not in repr(verdict) and "mean + sigma * eps" not in repr(verdict)
    for verdict in (variational.check_log_mean_exp(None), variational.check_log_mean_exp(lambda a: a.sum(-1))):
        assert "m + log mean exp" not in repr(verdict) and "expected" not in repr(verdict)


def test_log_mean_exp_never_prints_the_expected_output():
    def stable(a):
        m = np.max(a, axis=-1, keepdims=True)
        return (m + np.log(np.mean(np.exp(a - m), axis=-1, keepdims=True)))[..., 0]

    off = repr(variational.check_log_mean_exp(lambda a: stable(a) + 0.1))
    assert "log(2)" not in off and f"{np.log(2):.4f}" not in off and "0.693" not in off
    assert "of the sum" in repr(variational.check_log_mean_exp(lambda a: stable(a) + np.log(a.shape[-1])))
    assert "largest entry alone" in repr(variational.check_log_mean_exp(lambda a: np.max(a, axis=-1)))


def test_float32_answers_pass():
    def stable32(a):
        a = np.asarray(a, dtype=np.float32)
        m = np.max(a, axis=-1, keepdims=True)
        return (m + np.log(np.mean(np.exp(a - m), axis=-1, keepdims=True)))[..., 0]

    assert variational.check_log_mean_exp(stable32)
    assert variational.check_reparameterize(
        lambda m, lv, e: (m + np.exp(0.5 * lv) * e).astype(np.float32))
    assert variational.check_gaussian_kl_value(np.float32(0.5), mean=1.0, var=1.0)


@pytest.mark.parametrize("junk", [lambda *a: "abc", lambda *a: {}, lambda *a: [[1, 2], [3]], lambda: 1, 3])
def test_function_checks_turn_junk_into_a_hint(junk):
    assert_hint(variational.check_reparameterize(junk))
    assert_hint(variational.check_log_mean_exp(junk))


@pytest.mark.parametrize(("kwargs", "says"), [(dict(digit=10), "digit must be one of the digits 0 to 9, got 10"),
                                               (dict(digit="3"), "digit must be one of the digits"),
                                               (dict(limit=0), "limit must be a positive number")])
def test_latent_decoder_refuses_bad_arguments(kwargs, says):
    codes, labels = np.zeros((5, 2)), np.arange(5)
    with pytest.raises(ValueError, match=re.escape(says)):
        variational.latent_decoder(lambda z: np.zeros((len(z), 784)), codes, labels, **kwargs)
