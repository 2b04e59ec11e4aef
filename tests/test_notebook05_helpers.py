"""The helpers notebook 05 (CNN arithmetic) added to checks and widgets, headless."""

import re

import numpy as np
from matplotlib.figure import Figure

from helpers import checks, cnn, widgets


def plain(html):
    return re.sub(r"<[^>]+>", "", html)


# widgets.architecture_view / architecture_designer ----------------------------------------------


def test_architecture_view_shows_every_volume_and_parameter_count():
    fig, text = widgets.architecture_view(227, 3, "conv 96 f=11 s=4 p=0\nrelu\nmaxpool f=3 s=2")
    assert isinstance(fig, Figure)
    text = plain(text)
    assert "All 3 layers fit" in text and "27x27x96" in text
    assert "55x55x96" in text and "34,944" in text and "105,705,600" in text


def test_architecture_view_flags_invalid_layers_in_words():
    fig, text = widgets.architecture_view(224, 3, "conv 96 f=11 s=4 p=0\nrelu\nmaxpool f=3 s=2")
    assert isinstance(fig, Figure)
    assert "Layer 1 (CONV 11x11/4 p0 x96) does not fit" in plain(text)
    assert "54.25" in text and "Traceback" not in text
    fig, text = widgets.architecture_view(32, 3, "conv 8 f=3 q=1")
    assert "Cannot read the layers" in text and "Line 1" in text


def test_architecture_designer_updates_when_a_value_changes():
    designer = widgets.architecture_designer("conv 8 f=3 s=1 p=1\nrelu\nmaxpool f=2 s=2\nfc 10", size=32, depth=3)
    assert "All 4 layers fit" in designer.last_text and "16x16x8" in designer.last_text
    designer.controls["size"].value = 31
    assert "Layer 3 (MAXPOOL 2x2/2) does not fit" in plain(designer.status.value)
    designer.controls["size"].value = 28
    designer.controls["depth"].value = 1
    assert "28x28x1" in designer.last_text and "All 4 layers fit" in designer.last_text
    designer.controls["layers_text"].value = "conv 4 f=5 s=1 p=2\nfc 10"
    rows = cnn.volume_table((28, 28, 1), cnn.parse_layers("conv 4 f=5 s=1 p=2\nfc 10"))
    assert f"{sum(r['params'] for r in rows):,d} parameters" in designer.last_text


# checks -----------------------------------------------------------------------------------------


def test_check_conv_volume():
    args = dict(input_shape=(64, 64, 3), f=5, s=2, p=2, n_filters=16)
    assert checks.check_conv_volume((32, 32, 16), **args)
    for wrong in (None, ..., (32, 32, 3), (31, 31, 16), 32, (32, 32)):
        verdict = checks.check_conv_volume(wrong, **args)
        assert not verdict and repr(verdict).startswith("Not yet. Hint:")
    assert "depth" in repr(checks.check_conv_volume((32, 32, 3), **args))


def test_check_shared_and_unshared_parameters():
    args = dict(input_shape=(32, 32, 3), f=5, s=1, p=2, n_filters=10)
    right = (cnn.conv_parameters(5, 3, 10), cnn.locally_connected_parameters(32, 32, 5, 3, 10))
    assert right == (760, 778_240)
    assert checks.check_shared_and_unshared_parameters(right, **args)
    assert "without sharing is right" in repr(checks.check_shared_and_unshared_parameters((750, right[1]), **args))
    assert "with sharing is right" in repr(checks.check_shared_and_unshared_parameters((760, 760), **args))
    for wrong in (None, 760, (1, 2, 3), ("a", "b")):
        assert not checks.check_shared_and_unshared_parameters(wrong, **args)


def test_check_receptive_field():
    assert checks.check_receptive_field(7, n_layers=3, f=3)
    assert not checks.check_receptive_field(9, n_layers=3, f=3)
    assert "f - 1" in repr(checks.check_receptive_field(None, n_layers=3, f=3))


def test_check_max_pool():
    def right(x, f, s):
        return cnn.pool2d(x[None], f, s)[0]

    assert checks.check_max_pool(right)
    hint = "Not yet. Hint:"
    assert repr(checks.check_max_pool(None)).startswith(hint)
    assert repr(checks.check_max_pool(lambda x, f, s: ...)).startswith(hint)
    assert "raised" in repr(checks.check_max_pool(lambda x, f, s: 1 / 0))
    assert "shape" in repr(checks.check_max_pool(lambda x, f, s: x))
    assert not checks.check_max_pool(lambda x, f, s: cnn.pool2d(x[None], f, s, kind="avg")[0])
    over_all_depths = lambda x, f, s: np.repeat(right(x, f, s).max(axis=2, keepdims=True), x.shape[2], axis=2)  # noqa: E731
    assert not checks.check_max_pool(over_all_depths)
