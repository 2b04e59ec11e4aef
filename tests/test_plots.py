"""helpers.plots: every function returns a Figure, draws on a given axes, and explains bad input."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import plots

RNG = np.random.default_rng(0)
IMAGES = RNG.random((12, 28, 28))
FLAT = IMAGES.reshape(12, 784)


def predict_right_half(points):
    return (points[:, 0] > 0).astype(int)


def two_blobs():
    X = np.array([[-1.0, 0.5], [-0.5, -0.5], [0.5, 0.5], [1.0, -0.5]])
    return X, np.array([0, 0, 1, 1])


# Every figure function: a new Figure, or the given axes' figure -----------------------------------

FIGURE_CALLS = {
    "image_grid": (lambda ax: plots.image_grid(IMAGES, ncols=4, title="digits", ax=ax), "images"),
    "reconstructions": (lambda ax: plots.reconstructions(IMAGES[:5], 1 - IMAGES[:5], ax=ax), "images"),
    "weight_tiles": (lambda ax: plots.weight_tiles(RNG.normal(size=(6, 784)), ax=ax), "images"),
    "learning_curves": (lambda ax: plots.learning_curves({"train": [3, 2, 1], "test": [3, 2.5, 2]}, ax=ax), "lines"),
    "filter_positions": (lambda ax: plots.filter_positions(7, 3, s=2, p=0, ax=ax), "lines"),
    "decision_regions": (
        lambda ax: plots.decision_regions(predict_right_half, *two_blobs(), resolution=30, ax=ax),
        "collections",
    ),
}


@pytest.mark.parametrize("name", FIGURE_CALLS)
def test_returns_new_figure(name):
    call, artists = FIGURE_CALLS[name]
    fig = call(None)
    assert isinstance(fig, Figure)
    assert len(getattr(fig.axes[0], artists)) > 0


@pytest.mark.parametrize("name", FIGURE_CALLS)
def test_draws_on_given_axes(name):
    call, artists = FIGURE_CALLS[name]
    fig, (left, right) = plt.subplots(1, 2)
    assert call(right) is fig
    assert len(getattr(right, artists)) > 0
    assert len(left.images) == len(left.lines) == len(left.collections) == 0
    assert len(fig.axes) == 2


# tile_images --------------------------------------------------------------------------------


def test_tile_images_mosaic_arithmetic():
    images = np.arange(7 * 5 * 4, dtype=float).reshape(7, 5, 4)  # 7 images of 5x4
    mosaic = plots.tile_images(images, ncols=3, pad=1, pad_value=-1.0)
    assert mosaic.shape == (3 * 5 + 2, 3 * 4 + 2)  # 3 rows, 3 columns, 1-pixel gaps
    np.testing.assert_array_equal(mosaic[0:5, 0:4], images[0])
    np.testing.assert_array_equal(mosaic[0:5, 5:9], images[1])
    np.testing.assert_array_equal(mosaic[6:11, 0:4], images[3])
    np.testing.assert_array_equal(mosaic[12:17, 0:4], images[6])
    assert np.all(mosaic[5, :] == -1.0) and np.all(mosaic[:, 4] == -1.0)  # gaps
    assert np.all(mosaic[12:17, 5:] == -1.0)  # the empty cells of the last row


def test_tile_images_no_padding_and_few_images():
    images = np.ones((2, 3, 3))
    assert plots.tile_images(images, ncols=10, pad=0).shape == (3, 6)  # ncols shrinks to n


def test_tile_images_flat_rows_equal_images():
    np.testing.assert_array_equal(plots.tile_images(FLAT, ncols=5), plots.tile_images(IMAGES, ncols=5))
    rect = RNG.random((4, 6, 10))
    np.testing.assert_array_equal(
        plots.tile_images(rect.reshape(4, 60), ncols=2, image_shape=(6, 10)), plots.tile_images(rect, ncols=2)
    )


@pytest.mark.parametrize("images", [IMAGES, FLAT])
def test_image_grid_accepts_flat_and_square(images):
    fig = plots.image_grid(images, ncols=6)
    [shown] = fig.axes[0].images
    assert shown.get_array().shape == (2 * 28 + 1, 6 * 28 + 5)


def test_reconstructions_accept_flat_rows():
    fig = plots.reconstructions(FLAT[:4], 1 - FLAT[:4])
    [shown] = fig.axes[0].images
    assert shown.get_array().shape == (2 * 28 + 1, 4 * 28 + 3)  # originals above, reconstructions below
    assert "originals" in fig.axes[0].get_title()


def test_weight_tiles_rectangular_images():
    fig = plots.weight_tiles(RNG.normal(size=(3, 60)), image_shape=(6, 10), ncols=3)
    assert fig.axes[0].images[0].get_array().shape == (6, 3 * 10 + 2)


def test_learning_curves_one_line_per_series_and_log_scale():
    fig = plots.learning_curves({"a": [1.0, 0.1], "b": [2.0, 0.5, 0.2]}, logy=True, title="cost")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    assert ax.lines[1].get_xdata().tolist() == [1, 2, 3]  # epochs count from 1
    assert ax.get_yscale() == "log"
    assert ax.get_title() == "cost"


def test_decision_regions_follow_predict():
    X, y = two_blobs()
    fig = plots.decision_regions(predict_right_half, X, y, resolution=50)
    regions = fig.axes[0].images[0]
    classes = np.asarray(regions.get_array())
    grid, extent = plots.region_grid(X, 50)
    assert regions.get_extent() == list(extent) and classes.shape == (50, 50)
    np.testing.assert_array_equal(classes.ravel(), predict_right_half(grid))  # row by row from the bottom
    x0, x1, _, _ = extent
    assert classes[25, 0] == 0 and classes[25, -1] == 1 and x0 < 0 < x1


def test_decision_regions_accepts_boolean_predictions():
    X, y = two_blobs()
    fig = plots.decision_regions(lambda points: points[:, 0] > 0, X, y, resolution=20)
    assert isinstance(fig, Figure)


# Bad input ------------------------------------------------------------------------------------


def test_non_square_flat_rows_need_image_shape():
    with pytest.raises(ValueError, match="image_shape"):
        plots.tile_images(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="image_shape"):
        plots.image_grid(np.zeros((3, 10)))


def test_image_shape_must_fit_rows():
    with pytest.raises(ValueError, match="does not hold rows of length 10"):
        plots.tile_images(np.zeros((3, 10)), image_shape=(3, 3))


@pytest.mark.parametrize("images", [np.zeros(784), np.zeros((2, 3, 28, 28))])
def test_wrong_number_of_dimensions(images):
    with pytest.raises(ValueError, match=r"\(n, h, w\)"):
        plots.tile_images(images)


def test_no_images_to_tile():
    with pytest.raises(ValueError, match="No images"):
        plots.tile_images(np.zeros((0, 28, 28)))


def test_reconstructions_must_match_originals():
    with pytest.raises(ValueError, match="differ in shape"):
        plots.reconstructions(IMAGES[:5], IMAGES[:3])
    with pytest.raises(ValueError, match="differ in shape"):
        plots.reconstructions(FLAT[:5], RNG.random((5, 14, 14)))


def test_weight_tiles_keras_kernel_needs_transpose():
    kernel = RNG.normal(size=(784, 30))  # Dense(30).kernel on MNIST: (n_inputs, n_hidden)
    with pytest.raises(ValueError, match=r"kernel\.T"):
        plots.weight_tiles(kernel)
    assert isinstance(plots.weight_tiles(kernel.T), Figure)


def test_weight_tiles_constant_unit_is_fine():
    weights = np.zeros((2, 784))
    weights[1] = RNG.normal(size=784)
    assert isinstance(plots.weight_tiles(weights), Figure)


@pytest.mark.parametrize(
    "X, y",
    [(np.zeros((4, 3)), np.zeros(4, int)), (np.zeros(4), np.zeros(4, int)), (np.zeros((4, 2)), np.zeros(3, int))],
)
def test_decision_regions_wrong_shapes(X, y):
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plots.decision_regions(predict_right_half, X, y)


def test_learning_curves_need_a_series():
    with pytest.raises(ValueError, match="at least one"):
        plots.learning_curves({})


# filter_positions ---------------------------------------------------------------------------


def test_filter_positions_one_bracket_per_output_pixel():
    fig = plots.filter_positions(7, 3, s=2, p=0)
    assert len(fig.axes[0].lines) == 3  # (7 - 3)/2 + 1 = 3 positions
    assert "= 3" in fig.axes[0].get_title()
    fig = plots.filter_positions(5, 3, s=1, p=1)
    assert len(fig.axes[0].lines) == 5  # padding keeps the size
    assert sum(patch.get_facecolor()[0] < 1 for patch in fig.axes[0].patches) == 2  # two grey zeros


def test_filter_positions_marks_a_configuration_that_does_not_fit():
    fig = plots.filter_positions(7, 3, s=3, p=0)  # (7 - 3)/3 + 1 = 2.33
    ax = fig.axes[0]
    assert len(ax.lines) == 3 and ax.lines[-1].get_color() == "tab:red"
    assert "does not fit" in ax.get_title()


def test_filter_positions_refuses_impossible_sizes():
    with pytest.raises(ValueError, match="f <= w \\+ 2p"):
        plots.filter_positions(3, 5, s=1, p=0)


def test_image_grid_gaps_are_white_whatever_the_colour_map():
    fig = plots.image_grid(RNG.normal(size=(4, 5, 5)), ncols=2, vmin=-1, vmax=1, cmap="RdBu_r")
    image = fig.axes[0].images[0]
    assert np.ma.getmaskarray(image.get_array())[5, 0]  # the gap row is masked (NaN) ...
    assert tuple(image.get_cmap().get_bad()[:3]) == (1.0, 1.0, 1.0)  # ... and masked shows white


# image_rows and latent_scatter ----------------------------------------------------------------


def test_image_rows_labels_each_row():
    rng = np.random.default_rng(0)
    rows = {"original": rng.uniform(size=(12, 784)), "h = 32": rng.uniform(size=(12, 28, 28))}
    fig = plots.image_rows(rows, n=8, title="two rows")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["original", "h = 32"]
    assert ax.images[0].get_array().shape == (2 * 28 + 1, 8 * 28 + 7)
    assert ax.get_title() == "two rows"


def test_an_untitled_image_rows_figure_is_described_by_its_row_labels():
    fig = plots.image_rows({"test digit": np.zeros((3, 28, 28)), "completed": np.ones((3, 28, 28))}, n=3)
    assert plots.describe(fig) == "Figure: rows of 3 images: test digit, completed"
    titled = plots.image_rows({"a": np.zeros((2, 8, 8))}, title="two digits")
    assert plots.describe(titled) == "Figure: two digits"
    plt.close("all")


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
    colours = {tuple(c.get_facecolor()[0][:3]) for c in ax.collections}
    markers = {tuple(map(tuple, c.get_paths()[0].vertices.round(3))) for c in ax.collections}
    assert len(colours) == 10 and len(markers) == 10, "every class has its own colour and its own marker"


def test_latent_scatter_bad_input():
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plots.latent_scatter(np.zeros((5, 3)), np.zeros(5, int))
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plots.latent_scatter(np.zeros((5, 2)), np.zeros(4, int))
