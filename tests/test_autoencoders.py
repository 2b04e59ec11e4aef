"""helpers.autoencoders (lecture 03): the reconstruction and denoising widgets and the exercise checks."""

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import autoencoders

from verdicts import assert_hint, assert_passed

# add_gaussian_noise: the corruption of a denoising autoencoder ----------------------------------


def test_gaussian_noise_is_clipped_repeatable_and_leaves_input_alone():
    x = np.random.default_rng(0).uniform(size=(20, 784)).astype(np.float32)
    before = x.copy()
    noisy = autoencoders.add_gaussian_noise(x, 0.5, seed=1)
    assert noisy.shape == x.shape and noisy.dtype == np.float32
    assert noisy.min() >= 0.0 and noisy.max() <= 1.0
    assert np.array_equal(x, before)
    assert np.array_equal(noisy, autoencoders.add_gaussian_noise(x, 0.5, seed=1))
    assert not np.array_equal(noisy, autoencoders.add_gaussian_noise(x, 0.5, seed=2))


def test_gaussian_noise_has_the_asked_standard_deviation_without_clipping():
    x = np.full((200, 500), 0.5, dtype=np.float32)
    noisy = autoencoders.add_gaussian_noise(x, 0.3, seed=0, clip=False)
    assert abs((noisy - x).std() - 0.3) < 0.005
    assert abs((noisy - x).mean()) < 0.005
    assert noisy.min() < 0.0 and noisy.max() > 1.0


def test_gaussian_noise_of_zero_changes_nothing_and_takes_a_generator():
    x = np.linspace(0, 1, 50, dtype=np.float32).reshape(5, 10)
    assert np.array_equal(autoencoders.add_gaussian_noise(x, 0.0), x)
    rng = np.random.default_rng(7)
    first = autoencoders.add_gaussian_noise(x, 0.2, seed=rng)
    second = autoencoders.add_gaussian_noise(x, 0.2, seed=rng)
    assert not np.array_equal(first, second)  # the generator moves on


@pytest.mark.parametrize("std", [-0.1, np.nan, np.inf])
def test_gaussian_noise_rejects_bad_levels(std):
    with pytest.raises(ValueError, match="std"):
        autoencoders.add_gaussian_noise(np.zeros((2, 3)), std)


# widgets: reconstructions and denoising ------------------------------------------------------


@pytest.fixture
def images():
    return np.random.default_rng(0).uniform(size=(6, 784)).astype(np.float32)


def test_reconstruction_view_shows_the_chosen_model_and_its_error(images):
    reconstructions = {"h = 10": np.zeros_like(images), "h = 500": images + 0.1}
    fig, text = autoencoders.reconstruction_view(images, reconstructions, index=2, size="h = 500")
    assert isinstance(fig, Figure)
    assert "image 2:" in text and "h = 500" in text
    assert f"{784 * 0.01:.2f}" in text
    fig, text = autoencoders.reconstruction_view(images, reconstructions, index=2, size="h = 10")
    assert f"{np.sum(images[2].astype(np.float64) ** 2):.2f}" in text
    plt.close("all")


def test_reconstruction_view_bad_input(images):
    with pytest.raises(KeyError, match="h = 7"):
        autoencoders.reconstruction_view(images, {"h = 10": images}, index=0, size="h = 7")
    with pytest.raises(IndexError):
        autoencoders.reconstruction_view(images, {"h = 10": images}, index=6, size="h = 10")


def test_reconstruction_explorer_updates_when_controls_change(images):
    reconstructions = {"h = 10": np.zeros_like(images), "h = 500": images}
    live = autoencoders.reconstruction_explorer(images, reconstructions)
    assert "image 0:" in live.last_text and "h = 10" in live.last_text
    live.controls["index"].value = 4
    assert "image 4:" in live.last_text
    live.controls["size"].value = "h = 500"
    assert "<b>0.00</b>" in live.last_text  # a perfect reconstruction
    assert isinstance(live.widget, W.VBox)
    assert plt.get_fignums() == []


def test_denoising_view_reports_both_errors(images):
    demo = autoencoders.denoising_demo(images, {"identity": lambda x: x}, noise_levels=(0.0,))
    fig, text = autoencoders.denoising_view(demo, noise=0.0, model="identity")
    assert isinstance(fig, Figure)
    assert "noisy input 0.0" in text and "<b>0.0</b>" in text
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["clean", "noise σ = 0", "denoised"]
    plt.close("all")


def test_denoising_demo_cleans_every_noise_level_once(images):
    calls = []

    def mean_image(x):
        calls.append(x.copy())
        return np.repeat(x.mean(axis=0, keepdims=True), len(x), axis=0)

    demo = autoencoders.denoising_demo(images, {"mean": mean_image}, noise_levels=(0.2, 0.5), seed=3)
    assert len(calls) == 2
    assert np.array_equal(calls[1], autoencoders.add_gaussian_noise(images, 0.5, seed=3))
    assert np.array_equal(demo["noisy"][0.5], calls[1])
    np.testing.assert_allclose(demo["denoised"]["mean"][0.5], mean_image(calls[1]))
    _, text = autoencoders.denoising_view(demo, noise=0.5, model="mean")
    noisy_error = float(text.split("noisy input ")[1].split(",")[0])
    assert noisy_error > 10  # noise of 0.5 on 784 pixels
    with pytest.raises(KeyError, match="nope"):
        autoencoders.denoising_view(demo, noise=0.5, model="nope")
    with pytest.raises(KeyError, match="levels are"):
        autoencoders.denoising_view(demo, noise=0.3, model="mean")


def test_denoising_explorer_updates_when_controls_change(images):
    denoisers = {"identity": lambda x: x, "zeros": np.zeros_like}
    live = autoencoders.denoising_explorer(autoencoders.denoising_demo(images, denoisers, noise_levels=(0.0, 0.5)))
    first = live.last_text
    live.controls["noise"].value = 0.0
    assert "noisy input 0.0" in live.last_text and live.last_text != first
    live.controls["model"].value = "zeros"
    expected = np.sum(images.astype(np.float64) ** 2, axis=1).mean()
    assert f"<b>{expected:.1f}</b>" in live.last_text
    assert plt.get_fignums() == []


# checks -------------------------------------------------------------------------------------


def masking_right(x, fraction, rng):
    return np.where(rng.random(x.shape) < fraction, 0.0, x)


def test_masking_noise_right(capsys):
    assert_passed(autoencoders.check_masking_noise(masking_right), capsys)


@pytest.mark.parametrize(
    ("wrong", "says"),
    [
        (None, "Hint"),
        (lambda x, f, rng: ..., "Ellipsis"),
        (lambda x, f, rng: 1 / 0, "ZeroDivisionError"),
        (lambda x, f, rng: x * (rng.random(x.shape) >= f) / (1 - f + 1e-12), "keep its value"),  # rescaled
        (lambda x, f, rng: np.where(rng.random(x.shape) < f / 2, 0.0, x), "about"),  # half the fraction
        (lambda x, f, rng: np.where(rng.random(x.shape[1]) < f, 0.0, x), "same mask"),  # one mask for all
        (lambda x, f, rng: np.where(np.random.default_rng(0).random(x.shape) < f, 0.0, x), "rng you are given"),
        (lambda x, f, rng: masking_right(x, f, rng)[:, :10], "shape"),
    ],
)
def test_masking_noise_wrong(capsys, wrong, says):
    assert says in assert_hint(autoencoders.check_masking_noise(wrong), capsys)


def test_masking_noise_in_place_is_caught(capsys):
    def in_place(x, fraction, rng):
        x[rng.random(x.shape) < fraction] = 0.0
        return x

    assert "in place" in assert_hint(autoencoders.check_masking_noise(in_place), capsys)


def kl_right(rho, rho_hat):
    return np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))


def test_kl_penalty_right(capsys):
    assert_passed(autoencoders.check_kl_sparsity_penalty(kl_right), capsys)


@pytest.mark.parametrize(
    ("wrong", "says"),
    [
        (None, "Bernoulli"),
        (lambda rho, rho_hat: np.sum(rho * np.log(rho / rho_hat)), "Bernoulli"),  # the 'off' term forgotten
        (lambda rho, rho_hat: np.sum(rho_hat * np.log(rho_hat / rho)), "Bernoulli"),  # reversed KL, one term
        (lambda rho, rho_hat: kl_right(rho, rho_hat) * np.ones(3), "one number"),  # not summed
        (lambda rho, rho_hat: ..., "Ellipsis"),
        (lambda rho, rho_hat: undefined_name, "NameError"),  # noqa: F821
    ],
)
def test_kl_penalty_wrong(capsys, wrong, says):
    assert says in assert_hint(autoencoders.check_kl_sparsity_penalty(wrong), capsys)


def test_box_max_activation_right(capsys):
    assert_passed(autoencoders.check_box_max_activation(np.sign), capsys)


@pytest.mark.parametrize(
    ("wrong", "says"),
    [
        (None, "box"),
        (lambda W: W / np.linalg.norm(W, axis=1, keepdims=True), "sphere"),
        (lambda W: 2 * np.sign(W), "[-1, 1]"),
        (lambda W: -np.sign(W), "box"),
        (lambda W: np.sign(W)[:, :5], "shape"),
        (lambda W: ..., "Ellipsis"),
    ],
)
def test_box_max_activation_wrong(capsys, wrong, says):
    assert says in assert_hint(autoencoders.check_box_max_activation(wrong), capsys)


def test_keras_l1_factor(capsys):
    assert_passed(autoencoders.check_keras_l1_factor(1e-3 / 256, lam=1e-3, batch_size=256), capsys)
    for wrong in (1e-3, 1e-3 * 256, None, ...):
        out = assert_hint(autoencoders.check_keras_l1_factor(wrong, lam=1e-3, batch_size=256), capsys)
        assert "3.9" not in out  # the hint never gives the answer


# Issue: answers students type, wrong verdicts, hints that diagnose ------------------------------


JUNK_FUNCTIONS = [lambda *a: "abc", lambda *a: {}, lambda *a: [[1, 2], [3]], lambda *a: 1j, lambda: 1, "f", 3]


@pytest.mark.parametrize("junk", JUNK_FUNCTIONS)
def test_function_checks_turn_junk_into_a_hint(capsys, junk):
    for check in (autoencoders.check_masking_noise, autoencoders.check_kl_sparsity_penalty,
                  autoencoders.check_box_max_activation):
        assert_hint(check(junk), capsys)


def test_keras_l1_factor_accepts_float32_and_diagnoses(capsys):
    assert_passed(autoencoders.check_keras_l1_factor(np.float32(1e-3 / 256), lam=1e-3, batch_size=256), capsys)
    assert "mean" in assert_hint(autoencoders.check_keras_l1_factor(1e-3, lam=1e-3, batch_size=256), capsys)
    for junk in ("1e-3", [1e-3], np.nan, np.inf, True):
        assert_hint(autoencoders.check_keras_l1_factor(junk, lam=1e-3, batch_size=256), capsys)


def test_sparsity_hint_does_not_spell_out_the_kl_terms(capsys):
    out = assert_hint(autoencoders.check_kl_sparsity_penalty(None), capsys)
    assert "log" not in out and "p / q" not in out and "1 - rho" not in out


def test_sparsity_hint_names_the_reversed_kl_and_the_missing_term(capsys):
    reversed_kl = lambda rho, rho_hat: kl_right(rho_hat, rho)  # noqa: E731
    assert "not symmetric" in assert_hint(autoencoders.check_kl_sparsity_penalty(reversed_kl), capsys)
    one_term = lambda rho, rho_hat: np.sum(rho * np.log(rho / rho_hat))  # noqa: E731
    assert "one outcome" in assert_hint(autoencoders.check_kl_sparsity_penalty(one_term), capsys)


def test_explorers_refuse_mismatched_arguments():
    images = np.zeros((3, 4, 4))
    with pytest.raises(ValueError, match="hold 2 images, not 3"):
        autoencoders.reconstruction_explorer(images, {"h = 10": images[:2]})
    with pytest.raises(ValueError, match="at least one"):
        autoencoders.denoising_demo(images, {})
    with pytest.raises(ValueError, match="standard deviations"):
        autoencoders.denoising_demo(images, {"identity": lambda x: x}, noise_levels=(-0.1,))


# Exercise checks added for the teaching review ------------------------------------------------


def kl_gradient_right(rho, rho_hat):
    return -rho / rho_hat + (1 - rho) / (1 - rho_hat)


def test_kl_penalty_gradient_right(capsys):
    assert_passed(autoencoders.check_kl_penalty_gradient(kl_gradient_right), capsys)


@pytest.mark.parametrize(
    ("wrong", "says"),
    [
        (None, "one unit at a time"),
        (lambda rho, rho_hat: ..., "Ellipsis"),
        (lambda rho, rho_hat: undefined_name, "NameError"),  # noqa: F821
        (lambda rho, rho_hat: -kl_gradient_right(rho, rho_hat), "sign"),
        (lambda rho, rho_hat: -rho / rho_hat, "finite differences"),  # the 'off' term forgotten
        (lambda rho, rho_hat: np.sum(kl_gradient_right(rho, rho_hat)), "shape"),
        (lambda rho, rho_hat: kl_gradient_right(rho, rho_hat) / len(rho_hat), "number of units"),
        (lambda rho, rho_hat: "gradient", "array of numbers"),
        (lambda rho, rho_hat: np.full(rho_hat.shape, np.nan), "nan"),
    ],
)
def test_kl_penalty_gradient_wrong(capsys, wrong, says):
    out = assert_hint(autoencoders.check_kl_penalty_gradient(wrong), capsys)
    assert says in out
    assert "(1 - rho) / (1 - rho_hat)" not in out and "rho / rho_hat" not in out  # never the formula
