"""The helpers notebook 03 (autoencoders) added, headless: data, plots, widgets and checks,
bad input included."""

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import checks, data, plots, widgets


def shown(verdict, capsys):
    print(verdict)
    return capsys.readouterr().out


def assert_passed(verdict, capsys):
    assert bool(verdict) is True
    assert shown(verdict, capsys).startswith("Correct")


def assert_hint(verdict, capsys):
    assert bool(verdict) is False
    out = shown(verdict, capsys)
    assert out.startswith("Not yet. Hint:")
    return out


# data.add_gaussian_noise ----------------------------------------------------------------------


def test_gaussian_noise_is_clipped_repeatable_and_leaves_input_alone():
    x = np.random.default_rng(0).uniform(size=(20, 784)).astype(np.float32)
    before = x.copy()
    noisy = data.add_gaussian_noise(x, 0.5, seed=1)
    assert noisy.shape == x.shape and noisy.dtype == np.float32
    assert noisy.min() >= 0.0 and noisy.max() <= 1.0
    assert np.array_equal(x, before)
    assert np.array_equal(noisy, data.add_gaussian_noise(x, 0.5, seed=1))
    assert not np.array_equal(noisy, data.add_gaussian_noise(x, 0.5, seed=2))


def test_gaussian_noise_has_the_asked_standard_deviation_without_clipping():
    x = np.full((200, 500), 0.5, dtype=np.float32)
    noisy = data.add_gaussian_noise(x, 0.3, seed=0, clip=False)
    assert abs((noisy - x).std() - 0.3) < 0.005
    assert abs((noisy - x).mean()) < 0.005
    assert noisy.min() < 0.0 and noisy.max() > 1.0


def test_gaussian_noise_of_zero_changes_nothing_and_takes_a_generator():
    x = np.linspace(0, 1, 50, dtype=np.float32).reshape(5, 10)
    assert np.array_equal(data.add_gaussian_noise(x, 0.0), x)
    rng = np.random.default_rng(7)
    first = data.add_gaussian_noise(x, 0.2, seed=rng)
    second = data.add_gaussian_noise(x, 0.2, seed=rng)
    assert not np.array_equal(first, second)  # the generator moves on


@pytest.mark.parametrize("std", [-0.1, np.nan, np.inf])
def test_gaussian_noise_rejects_bad_levels(std):
    with pytest.raises(ValueError, match="std"):
        data.add_gaussian_noise(np.zeros((2, 3)), std)


# data.balanced_subset -------------------------------------------------------------------------


def test_balanced_subset_has_equal_classes_in_original_order():
    y = np.repeat(np.arange(10), 50)[::-1].copy()
    x = np.arange(len(y))
    xs, ys = data.balanced_subset(x, y, 100, seed=0)
    assert len(xs) == 100 and np.array_equal(np.bincount(ys, minlength=10), np.full(10, 10))
    assert np.all(np.diff(xs) > 0)  # original order kept
    assert np.array_equal(y[xs], ys)
    again, _ = data.balanced_subset(x, y, 100, seed=0)
    other, _ = data.balanced_subset(x, y, 100, seed=1)
    assert np.array_equal(xs, again) and not np.array_equal(xs, other)


def test_balanced_subset_spreads_the_remainder():
    y = np.repeat(np.arange(3), 20)
    _, ys = data.balanced_subset(np.zeros((60, 2)), y, 8, seed=0)
    assert sorted(np.bincount(ys, minlength=3)) == [2, 3, 3]


def test_balanced_subset_bad_input():
    y = np.array([0, 0, 0, 1])
    with pytest.raises(ValueError, match="too few"):
        data.balanced_subset(np.zeros((4, 2)), y, 4)  # would need 2 of class 1
    with pytest.raises(ValueError, match="n must"):
        data.balanced_subset(np.zeros((4, 2)), y, 0)
    with pytest.raises(ValueError, match="n must"):
        data.balanced_subset(np.zeros((4, 2)), y, 5)
    with pytest.raises(ValueError, match="labels"):
        data.balanced_subset(np.zeros((4, 2)), y[:3], 2)


# plots.image_rows and plots.latent_scatter ---------------------------------------------------


def test_image_rows_labels_each_row():
    rng = np.random.default_rng(0)
    rows = {"original": rng.uniform(size=(12, 784)), "h = 32": rng.uniform(size=(12, 28, 28))}
    fig = plots.image_rows(rows, n=8, title="two rows")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["original", "h = 32"]
    assert ax.images[0].get_array().shape == (2 * 28 + 1, 8 * 28 + 7)
    assert ax.get_title() == "two rows"


def test_image_rows_draws_on_a_given_axis_and_uses_the_shortest_row():
    fig, ax = plt.subplots()
    out = plots.image_rows({"a": np.zeros((3, 8, 8)), "b": np.ones((5, 8, 8))}, n=10, ax=ax)
    assert out is fig
    assert ax.images[0].get_array().shape == (2 * 8 + 1, 3 * 8 + 2)


def test_image_rows_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        plots.image_rows({})
    with pytest.raises(ValueError, match="one shape"):
        plots.image_rows({"a": np.zeros((2, 28, 28)), "b": np.zeros((2, 8, 8))})
    with pytest.raises(ValueError, match="square"):
        plots.image_rows({"a": np.zeros((2, 10))})
    with pytest.raises(ValueError, match="at least one image"):
        plots.image_rows({"a": np.zeros((0, 4, 4))})


def test_latent_scatter_one_colour_per_label():
    rng = np.random.default_rng(0)
    codes, labels = rng.normal(size=(300, 2)), rng.integers(0, 10, 300)
    fig = plots.latent_scatter(codes, labels, title="codes")
    ax = fig.axes[0]
    assert len(ax.collections) == 10
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [str(k) for k in range(10)]
    assert ax.get_title() == "codes"


def test_latent_scatter_bad_input():
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plots.latent_scatter(np.zeros((5, 3)), np.zeros(5, int))
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plots.latent_scatter(np.zeros((5, 2)), np.zeros(4, int))


# widgets: reconstructions and denoising ------------------------------------------------------


@pytest.fixture
def images():
    return np.random.default_rng(0).uniform(size=(6, 784)).astype(np.float32)


def test_reconstruction_view_shows_the_chosen_model_and_its_error(images):
    reconstructions = {"h = 10": np.zeros_like(images), "h = 500": images + 0.1}
    fig, text = widgets.reconstruction_view(images, reconstructions, index=2, size="h = 500")
    assert isinstance(fig, Figure)
    assert "test image 2" in text and "h = 500" in text
    assert f"{784 * 0.01:.2f}" in text
    fig, text = widgets.reconstruction_view(images, reconstructions, index=2, size="h = 10")
    assert f"{np.sum(images[2].astype(np.float64) ** 2):.2f}" in text
    plt.close("all")


def test_reconstruction_view_bad_input(images):
    with pytest.raises(KeyError, match="h = 7"):
        widgets.reconstruction_view(images, {"h = 10": images}, index=0, size="h = 7")
    with pytest.raises(IndexError):
        widgets.reconstruction_view(images, {"h = 10": images}, index=6, size="h = 10")


def test_reconstruction_explorer_updates_when_controls_change(images):
    reconstructions = {"h = 10": np.zeros_like(images), "h = 500": images}
    live = widgets.reconstruction_explorer(images, reconstructions)
    assert "test image 0" in live.last_text and "h = 10" in live.last_text
    live.controls["index"].value = 4
    assert "test image 4" in live.last_text
    live.controls["size"].value = "h = 500"
    assert "<b>0.00</b>" in live.last_text  # a perfect reconstruction
    assert isinstance(live.widget, W.VBox)
    assert plt.get_fignums() == []


def test_denoising_view_reports_both_errors(images):
    fig, text = widgets.denoising_view(images, {"identity": lambda x: x}, noise=0.0, model="identity")
    assert isinstance(fig, Figure)
    assert "noisy input 0.0" in text and "<b>0.0</b>" in text
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["clean", "noise σ = 0", "denoised"]
    plt.close("all")


def test_denoising_view_uses_the_denoiser_and_the_noise(images):
    calls = []

    def mean_image(x):
        calls.append(x.copy())
        return np.repeat(x.mean(axis=0, keepdims=True), len(x), axis=0)

    _, text = widgets.denoising_view(images, {"mean": mean_image}, noise=0.5, model="mean", seed=3)
    assert len(calls) == 1
    assert np.array_equal(calls[0], data.add_gaussian_noise(images, 0.5, seed=3))
    noisy_error = float(text.split("noisy input ")[1].split(",")[0])
    assert noisy_error > 10  # noise of 0.5 on 784 pixels
    with pytest.raises(KeyError, match="nope"):
        widgets.denoising_view(images, {"mean": mean_image}, noise=0.5, model="nope")


def test_denoising_explorer_updates_when_controls_change(images):
    denoisers = {"identity": lambda x: x, "zeros": np.zeros_like}
    live = widgets.denoising_explorer(images, denoisers, noise_levels=(0.0, 0.5))
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
    assert_passed(checks.check_masking_noise(masking_right), capsys)


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
    assert says in assert_hint(checks.check_masking_noise(wrong), capsys)


def test_masking_noise_in_place_is_caught(capsys):
    def in_place(x, fraction, rng):
        x[rng.random(x.shape) < fraction] = 0.0
        return x

    assert "in place" in assert_hint(checks.check_masking_noise(in_place), capsys)


def kl_right(rho, rho_hat):
    return np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))


def test_kl_penalty_right(capsys):
    assert_passed(checks.check_kl_sparsity_penalty(kl_right), capsys)


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
    assert says in assert_hint(checks.check_kl_sparsity_penalty(wrong), capsys)


def test_box_max_activation_right(capsys):
    assert_passed(checks.check_box_max_activation(np.sign), capsys)


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
    assert says in assert_hint(checks.check_box_max_activation(wrong), capsys)


def test_keras_l1_factor(capsys):
    assert_passed(checks.check_keras_l1_factor(1e-3 / 256, lam=1e-3, batch_size=256), capsys)
    for wrong in (1e-3, 1e-3 * 256, None, ...):
        out = assert_hint(checks.check_keras_l1_factor(wrong, lam=1e-3, batch_size=256), capsys)
        assert "3.9" not in out  # the hint never gives the answer
