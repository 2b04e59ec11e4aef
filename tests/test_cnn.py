"""helpers.cnn: the CNN arithmetic, checked against Keras' own layers over many random
configurations, and the NumPy convolution and pooling against keras.layers with the same weights."""

import re
import time

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from helpers import cnn

RNG = np.random.default_rng(0)


def random_fitting_conv(rng):
    """A random (w, f, s, p) for which the output-size formula gives a whole number."""
    while True:
        w, f = int(rng.integers(1, 64)), int(rng.integers(1, 12))
        s, p = int(rng.integers(1, 6)), int(rng.integers(0, 4))
        if w - f + 2 * p >= 0 and (w - f + 2 * p) % s == 0:
            return w, f, s, p


CONV_CASES = [random_fitting_conv(RNG) + (int(RNG.integers(1, 5)), int(RNG.integers(1, 17))) for _ in range(150)]
POOL_CASES = [(w, f, s) for w, f, s, p in (random_fitting_conv(RNG) for _ in range(400)) if p == 0][:100]


# output sizes, by hand -------------------------------------------------------------------------


def test_the_lectures_examples():
    assert cnn.conv_output_size(7, 3, s=1, p=0) == 5
    assert cnn.conv_output_size(7, 3, s=2, p=0) == 3
    assert cnn.conv_output_size(227, 11, s=4, p=0) == 55
    assert cnn.conv_output_size(32, 3, s=1, p=1) == 32  # f=3, s=1, p=1 keeps the size
    assert cnn.conv_output_size(32, 5, s=1, p=2) == 32
    assert cnn.pool_output_size(32, 2, 2) == 16
    assert cnn.pool_output_size(55, 3, 2) == 27  # AlexNet's overlapping pooling
    assert cnn.conv_parameters(11, 3, 96) == 34_944
    assert cnn.locally_connected_parameters(55, 55, 11, 3, 96) == 105_705_600


@pytest.mark.parametrize(
    "args, words",
    [
        ((7, 3, 3, 0), ["2.333", "s=1 (output 5)", "s=2 (output 3)", "p=1 (output 3)"]),
        ((224, 11, 4, 0), ["54.25", "f=12 (output 54)", "s=3 (output 72)"]),
        ((32, 3, 2, 0), ["15.5", "f=2 (output 16)"]),
        ((4, 7, 1, 0), ["larger than the padded input", "p=3 (output 4)"]),
    ],
)
def test_conv_that_does_not_fit_says_why_and_what_would(args, words):
    with pytest.raises(ValueError) as info:
        cnn.conv_output_size(*args)
    message = str(info.value)
    assert "does not fit" in message
    for word in words:
        assert word in message


def test_pool_that_does_not_fit_says_why_and_what_would():
    with pytest.raises(ValueError, match=r"15\.5 is not a whole number.*f=3 \(output 15\)"):
        cnn.pool_output_size(31, 2, 2)
    with pytest.raises(ValueError, match="larger than the input"):
        cnn.pool_output_size(3, 5, 1)


@pytest.mark.parametrize("bad", [(0, 3, 1, 0), (7, 0, 1, 0), (7, 3, 0, 0), (7, 3, 1, -1), (7.0, 3, 1, 0),
                                 (7, 3, True, 0), ("7", 3, 1, 0)])
def test_sizes_must_be_whole_numbers_in_range(bad):
    with pytest.raises(ValueError, match="must be"):
        cnn.conv_output_size(*bad)


def test_fitting_configurations_are_exactly_those_the_formula_accepts():
    for w in range(1, 20):
        for f in range(1, 8):
            for s in range(1, 5):
                for p in range(3):
                    fits = w - f + 2 * p >= 0 and (w - f + 2 * p) % s == 0
                    if fits:
                        assert cnn.conv_output_size(w, f, s, p) == (w - f + 2 * p) // s + 1
                    else:
                        with pytest.raises(ValueError):
                            cnn.conv_output_size(w, f, s, p)


def test_suggestions_really_fit():
    import re

    for w, f, s, p in [(7, 3, 3, 0), (224, 11, 4, 0), (32, 3, 2, 1), (100, 7, 3, 2)]:
        with pytest.raises(ValueError) as info:
            cnn.conv_output_size(w, f, s, p)
        message = str(info.value)
        for t, out in re.findall(r"s=(\d+) \(output (\d+)\)", message):
            assert cnn.conv_output_size(w, f, int(t), p) == int(out)
        for q, out in re.findall(r"p=(\d+) \(output (\d+)\)", message):
            assert cnn.conv_output_size(w, f, s, int(q)) == int(out)
        for g, out in re.findall(r"f=(\d+) \(output (\d+)\)", message):
            assert cnn.conv_output_size(w, int(g), s, p) == int(out)


# against Keras ---------------------------------------------------------------------------------


@pytest.mark.parametrize("w, f, s, p, d, k", CONV_CASES)
def test_conv2d_shape_and_parameters_match_keras(w, f, s, p, d, k):
    h = w + 1 if (w + 1 - f + 2 * p) % s == 0 else w  # some non-square inputs too
    layer = keras.layers.Conv2D(k, f, strides=s, padding="valid")
    padded = (None, h + 2 * p, w + 2 * p, d)
    layer.build(padded)
    assert layer.compute_output_shape(padded) == (
        None, cnn.conv_output_size(h, f, s, p), cnn.conv_output_size(w, f, s, p), k)
    assert layer.count_params() == cnn.conv_parameters(f, d, k)


@pytest.mark.parametrize("w, f, s", POOL_CASES)
@pytest.mark.parametrize("layer_class", [keras.layers.MaxPooling2D, keras.layers.AveragePooling2D])
def test_pooling_shape_and_parameters_match_keras(layer_class, w, f, s):
    layer = layer_class(f, strides=s, padding="valid")
    layer.build((None, w, w, 3))
    assert layer.compute_output_shape((None, w, w, 3)) == (None, cnn.pool_output_size(w, f, s),
                                                            cnn.pool_output_size(w, f, s), 3)
    assert layer.count_params() == 0


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_framework_sizes_for_any_input_match_keras(padding):
    rng = np.random.default_rng(1)
    for _ in range(100):
        w, f, s = int(rng.integers(5, 80)), int(rng.integers(1, 6)), int(rng.integers(1, 5))
        layer = keras.layers.Conv2D(2, f, strides=s, padding=padding)
        assert layer.compute_output_shape((None, w, w, 1))[1] == cnn.framework_output_size(w, f, s, padding)


def test_same_padding_puts_the_extra_pixel_after():
    assert cnn.same_padding(32, 3, 1) == (1, 1)
    assert cnn.same_padding(224, 11, 4) == (3, 4)
    x = RNG.normal(size=(1, 13, 13, 2)).astype(np.float32)
    layer = keras.layers.Conv2D(3, 4, strides=3, padding="same")
    y = layer(x).numpy()
    kernel, bias = (v.numpy() for v in layer.weights)
    before, after = cnn.same_padding(13, 4, 3)
    padded = np.pad(x, ((0, 0), (before, after), (before, after), (0, 0)))
    np.testing.assert_allclose(cnn.conv2d_im2col(padded, kernel, bias, s=3), y, atol=1e-5)


def test_volume_table_matches_a_keras_model_layer_by_layer():
    layers = cnn.parse_layers("""
        conv 8 f=5 s=1 p=2
        relu
        maxpool f=2 s=2
        conv 16 f=4 s=2 p=1
        relu
        avgpool f=2 s=2
        fc 20
        relu
        fc 10
    """)
    rows = cnn.volume_table((32, 32, 3), layers)
    model = cnn.to_keras((32, 32, 3), layers)
    assert model.count_params() == sum(row["params"] for row in rows)
    keras_layers = [layer for layer in model.layers if not isinstance(layer, (keras.layers.ZeroPadding2D,
                                                                                keras.layers.Flatten))]
    assert len(keras_layers) == len(layers)
    for row, layer in zip(rows[1:], keras_layers):
        assert int(np.prod(layer.output.shape[1:])) == row["neurons"]
        assert layer.count_params() == row["params"]


def test_pattern_builds_the_lectures_shape():
    layers = cnn.pattern(n_conv=2, m_blocks=2, k_fc=1, filters=[16, 32], fc_units=64, n_classes=10)
    kinds = [layer.kind for layer in layers]
    assert kinds == ["conv", "relu", "conv", "relu", "maxpool"] * 2 + ["fc", "relu", "fc"]
    rows = cnn.volume_table((28, 28, 1), layers)
    assert rows[-1]["shape"] == (1, 1, 10)
    assert rows[10]["shape"] == (7, 7, 32)
    with pytest.raises(ValueError, match="one number per block"):
        cnn.pattern(1, 2, 0, [8], 10, 10)


# volume tables and parsing ---------------------------------------------------------------------


def test_volume_table_refuses_or_flags_a_layer_that_does_not_fit():
    layers = [cnn.conv(8, 3, 1, 1), cnn.pool(2, 2), cnn.conv(4, 3, 2, 0), cnn.fc(10)]
    with pytest.raises(ValueError, match=r"Layer 2 \(MAXPOOL 2x2/2\) on a 31x31x8 input"):
        cnn.volume_table((31, 31, 3), layers)
    rows = cnn.volume_table((31, 31, 3), layers, strict=False)
    assert rows[1]["shape"] == (31, 31, 8)
    assert rows[2]["shape"] is None and "15.5" in rows[2]["error"]
    assert rows[4]["shape"] is None and rows[4]["error"].startswith("not computed")
    text = cnn.format_table(rows)
    assert "DOES NOT FIT" in text and "(not computed)" in text


def test_parse_layers_reads_the_designers_text_and_names_bad_lines():
    layers = cnn.parse_layers("conv 32 f=5 s=1 p=2  # first\nrelu; pool f=3 s=2\n\navgpool f=2\nfc k=10")
    assert layers == [cnn.conv(32, 5, 1, 2), cnn.relu(), cnn.pool(3, 2), cnn.pool(2, 2, kind="avg"), cnn.fc(10)]
    for text, match in [("dense 10", "Line 1"), ("conv f=3", "how many filters"), ("relu\nconv 8 q=2", "Line 2"),
                        ("fc ten", "write e.g.")]:
        with pytest.raises(ValueError, match=match):
            cnn.parse_layers(text)


def test_receptive_field():
    assert cnn.receptive_field([cnn.conv(1, 3)] * 3) == 7
    assert cnn.receptive_field([cnn.conv(1, 3), cnn.pool(2, 2), cnn.conv(1, 3)]) == 8


# the NumPy convolution and pooling against keras.layers -----------------------------------------


@pytest.mark.parametrize("h, w, d, k, f, s, p", [(7, 7, 1, 1, 3, 1, 0), (7, 7, 3, 2, 3, 2, 1), (9, 11, 2, 4, 3, 2, 0),
                                                 (12, 12, 3, 5, 5, 1, 2), (8, 8, 4, 3, 1, 1, 0)])
def test_im2col_convolution_matches_keras_conv2d(h, w, d, k, f, s, p):
    rng = np.random.default_rng(h + w + k)
    x = rng.normal(size=(2, h, w, d)).astype(np.float32)
    layer = keras.layers.Conv2D(k, f, strides=s, padding="valid",
                                bias_initializer=keras.initializers.RandomNormal(seed=1))
    expected = layer(np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))).numpy()
    kernel, bias = (v.numpy() for v in layer.weights)
    np.testing.assert_allclose(cnn.conv2d_im2col(x, kernel, bias, s=s, p=p), expected, rtol=1e-5, atol=1e-5)


def test_im2col_rows_are_the_patches():
    x = np.arange(2 * 5 * 5 * 2, dtype=float).reshape(2, 5, 5, 2)
    cols = cnn.im2col(x, 3, s=2)
    assert cols.shape == (2, 2, 2, 18)
    np.testing.assert_array_equal(cols[1, 1, 0], x[1, 2:5, 0:3, :].ravel())


def test_im2col_refuses_bad_input():
    with pytest.raises(ValueError, match=r"\(n, h, w, d\)"):
        cnn.im2col(np.zeros((5, 5)), 3)
    with pytest.raises(ValueError, match="does not fit"):
        cnn.im2col(np.zeros((1, 7, 7, 1)), 3, s=3)
    with pytest.raises(ValueError, match="Kernel"):
        cnn.conv2d_im2col(np.zeros((1, 7, 7, 2)), np.zeros((3, 3, 1, 4)), np.zeros(4))


@pytest.mark.parametrize("kind, layer_class",
                         [("max", keras.layers.MaxPooling2D), ("avg", keras.layers.AveragePooling2D)])
@pytest.mark.parametrize("w, f, s", [(8, 2, 2), (7, 3, 2), (9, 3, 3), (6, 2, 1)])
def test_pool2d_matches_keras(kind, layer_class, w, f, s):
    x = np.random.default_rng(w).normal(size=(2, w, w, 3)).astype(np.float32)
    expected = layer_class(f, strides=s)(x).numpy()
    np.testing.assert_allclose(cnn.pool2d(x, f, s, kind=kind), expected, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="'max' or 'avg'"):
        cnn.pool2d(x, f, s, kind="median")


# The architecture designer --------------------------------------------------------------------


def plain(html):
    return re.sub(r"<[^>]+>", "", html)


# cnn.architecture_view / architecture_designer ----------------------------------------------


def test_architecture_view_shows_every_volume_and_parameter_count():
    fig, text = cnn.architecture_view(227, 3, "conv 96 f=11 s=4 p=0\nrelu\nmaxpool f=3 s=2")
    assert isinstance(fig, Figure)
    text = plain(text)
    assert "All 3 layers fit" in text and "27x27x96" in text
    assert "55x55x96" in text and "34,944" in text and "105,705,600" in text


def test_architecture_view_flags_invalid_layers_in_words():
    fig, text = cnn.architecture_view(224, 3, "conv 96 f=11 s=4 p=0\nrelu\nmaxpool f=3 s=2")
    assert isinstance(fig, Figure)
    assert "Layer 1 (CONV 11x11/4 p0 x96) does not fit" in plain(text)
    assert "54.25" in text and "Traceback" not in text
    fig, text = cnn.architecture_view(32, 3, "conv 8 f=3 q=1")
    assert "Cannot read the layers" in text and "Line 1" in text


def test_architecture_designer_updates_when_a_value_changes():
    designer = cnn.architecture_designer("conv 8 f=3 s=1 p=1\nrelu\nmaxpool f=2 s=2\nfc 10", size=32, depth=3)
    assert "All 4 layers fit" in designer.last_text and "16x16x8" in designer.last_text
    designer.controls["size"].value = 31
    assert "Layer 3 (MAXPOOL 2x2/2) does not fit" in plain(designer.status.value)
    designer.controls["size"].value = 28
    designer.controls["depth"].value = 1
    assert "28x28x1" in designer.last_text and "All 4 layers fit" in designer.last_text
    designer.controls["layers_text"].value = "conv 4 f=5 s=1 p=2\nfc 10"
    rows = cnn.volume_table((28, 28, 1), cnn.parse_layers("conv 4 f=5 s=1 p=2\nfc 10"))
    assert f"{sum(r['params'] for r in rows):,d} parameters" in designer.last_text


# Exercise checks ------------------------------------------------------------------------------


def test_check_conv_volume():
    args = dict(input_shape=(64, 64, 3), f=5, s=2, p=2, n_filters=16)
    assert cnn.check_conv_volume((32, 32, 16), **args)
    for wrong in (None, ..., (32, 32, 3), (31, 31, 16), 32, (32, 32)):
        verdict = cnn.check_conv_volume(wrong, **args)
        assert not verdict and repr(verdict).startswith("Not yet. Hint:")
    assert "depth" in repr(cnn.check_conv_volume((32, 32, 3), **args))


def test_check_shared_and_unshared_parameters():
    args = dict(input_shape=(32, 32, 3), f=5, s=1, p=2, n_filters=10)
    right = (cnn.conv_parameters(5, 3, 10), cnn.locally_connected_parameters(32, 32, 5, 3, 10))
    assert right == (760, 778_240)
    assert cnn.check_shared_and_unshared_parameters(right, **args)
    assert "without sharing is right" in repr(cnn.check_shared_and_unshared_parameters((750, right[1]), **args))
    assert "with sharing is right" in repr(cnn.check_shared_and_unshared_parameters((760, 760), **args))
    for wrong in (None, 760, (1, 2, 3), ("a", "b")):
        assert not cnn.check_shared_and_unshared_parameters(wrong, **args)


def test_check_receptive_field():
    assert cnn.check_receptive_field(7, n_layers=3, f=3)
    assert not cnn.check_receptive_field(9, n_layers=3, f=3)
    assert "f - 1" in repr(cnn.check_receptive_field(None, n_layers=3, f=3))


def test_check_max_pool():
    def right(x, f, s):
        return cnn.pool2d(x[None], f, s)[0]

    assert cnn.check_max_pool(right)
    hint = "Not yet. Hint:"
    assert repr(cnn.check_max_pool(None)).startswith(hint)
    assert repr(cnn.check_max_pool(lambda x, f, s: ...)).startswith(hint)
    assert "raised" in repr(cnn.check_max_pool(lambda x, f, s: 1 / 0))
    assert "shape" in repr(cnn.check_max_pool(lambda x, f, s: x))
    assert not cnn.check_max_pool(lambda x, f, s: cnn.pool2d(x[None], f, s, kind="avg")[0])
    over_all_depths = lambda x, f, s: np.repeat(right(x, f, s).max(axis=2, keepdims=True), x.shape[2], axis=2)  # noqa: E731
    assert not cnn.check_max_pool(over_all_depths)


# Issue: strict parsing, answers in words in constant time, validated arguments, student answers --

PROPERTY = settings(max_examples=80, deadline=None, database=None)


@pytest.mark.parametrize(("text", "says"), [
    ("maxpool 3", "maxpool takes no count"),
    ("maxpool p=1", "unknown option 'p' for maxpool"),
    ("avgpool k=4", "unknown option 'k' for avgpool"),
    ("relu 5", "relu takes no count"),
    ("relu f=3", "unknown option 'f' for relu"),
    ("fc 10 f=3", "unknown option 'f' for fc"),
    ("conv 32 f=3 f=5", "f is given twice"),
    ("conv 32 k=16", "k is given twice"),
    ("conv 32 16", "one count only"),
    ("conv -1", "must be a whole number, not '-1'"),
    ("conv 3 f=+3", "must be a whole number, not '+3'"),
    ("conv 3 f=3.5", "must be a whole number, not '3.5'"),
    ("conv 3 s=", "must be a whole number, not ''"),
    ("conv 0", "between 1 and 100,000"),
    ("conv 3 f=0", "between 1 and 1,000"),
    ("conv 3 s=0", "between 1 and 1,000"),
    ("conv 8 f=100000000", "between 1 and 1,000"),
    ("fc 99999999999999999999", "between 1 and 100,000"),
    ("conv 99999999999999999 f=1", "between 1 and 100,000"),
    ("fc 1" + "0" * 5000, "between 1 and 100,000"),
    ("fc", "how many units"),
])
def test_parse_layers_is_strict(text, says):
    with pytest.raises(ValueError, match=re.escape(says)) as info:
        cnn.parse_layers(text)
    assert str(info.value).startswith("Line 1")


def test_parse_layers_refuses_what_is_not_text():
    with pytest.raises(ValueError, match="text"):
        cnn.parse_layers(["conv 3"])


@pytest.mark.parametrize(("text", "says"), [
    ("conv 8 f=100000000", "between 1 and 1,000"), ("fc 99999999999999999999", "between 1 and 100,000"),
    ("conv 99999999999999999 f=1", "between 1 and 100,000"), ("maxpool 3", "takes no count"),
])
def test_architecture_view_answers_every_typo_in_words_at_once(text, says):
    start = time.perf_counter()
    fig, html = cnn.architecture_view(32, 3, text)
    assert time.perf_counter() - start < 2.0
    assert isinstance(fig, Figure) and "Cannot read the layers" in html and says in html and "Traceback" not in html


def test_architecture_view_of_huge_counts_is_exact_and_drawn():
    fig, html = cnn.architecture_view(256, 3, "conv 100000 f=1\nfc 100000")
    assert "All 2 layers fit" in html and f"{256 * 256 * 100_000 * 100_000 + 100_000 + 4 * 100_000:,d}" in html
    rows = cnn.volume_table((32, 32, 3), [cnn.conv(99_999_999_999_999_999, f=1)])
    assert rows[-1]["neurons"] == 32 * 32 * 99_999_999_999_999_999 > 0  # no int64 overflow


@pytest.mark.parametrize("args", [(32, 10**7), (32, 10**8, 3, 7), (10**17, 4, 10**9, 0),
                                  (10**12, 10**12 + 1, 10**9, 0)])
def test_a_size_that_does_not_fit_is_answered_in_constant_time(args):
    start = time.perf_counter()
    with pytest.raises(ValueError, match="does not fit"):
        cnn.conv_output_size(*args)
    assert time.perf_counter() - start < 0.1


@pytest.mark.parametrize(("call", "says"), [
    (lambda: cnn.conv_parameters(3, 3, "3"), "number of filters must be a whole number, got '3'"),
    (lambda: cnn.conv_parameters(3, 3, -1), "number of filters must be at least 1, got -1"),
    (lambda: cnn.conv_parameters(3.0, 3, 1), "filter size f must be a whole number"),
    (lambda: cnn.conv_parameters(3, 3, 1, bias=2), "bias must be True or False"),
    (lambda: cnn.dense_parameters(-1, 10), "number of inputs n_in must be at least 1, got -1"),
    (lambda: cnn.dense_parameters(10, True), "number of units n_out must be a whole number"),
    (lambda: cnn.locally_connected_parameters(0, 5, 3, 3, 1), "output width w_out must be at least 1"),
    (lambda: cnn.conv_output_size(32, 3, s=0), "stride s must be at least 1"),
    (lambda: cnn.pool_output_size(32.0, 2), "input size w must be a whole number"),
])
def test_size_and_parameter_functions_validate_their_arguments(call, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        call()


def test_parameter_counts_are_exact_for_any_size():
    assert cnn.conv_parameters(3, 3, 10**30) == 28 * 10**30
    assert cnn.dense_parameters(10**20, 10**20) == (10**20 + 1) * 10**20
    assert cnn.conv_parameters(np.int64(3), np.int32(3), np.int16(96)) == 2_688


@pytest.mark.parametrize(("kwargs", "says"), [(dict(size=300), "from 4 to 256"), (dict(size=3), "from 4 to 256"),
                                               (dict(size=32.5), "got 32.5"), (dict(depth=2), "depth must be 1"),
                                               (dict(size=True), "got True")])
def test_architecture_designer_says_what_it_cannot_show(kwargs, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        cnn.architecture_designer("fc 10", **kwargs)
    with pytest.raises(ValueError, match="as text"):
        cnn.architecture_designer(None)


@pytest.mark.parametrize("answer", [(np.inf, np.inf, np.inf), (22.7, 22.7, 10.7), (np.nan, 22, 10), ("22", 22, 10),
                                    (22, 22), "twenty-two", 22, (22, 22, 10, 1), (True, 22, 10)])
def test_check_conv_volume_junk_gets_a_hint(answer):
    verdict = cnn.check_conv_volume(answer, input_shape=(64, 64, 3), f=5, s=3, p=2, n_filters=10)
    assert not verdict and repr(verdict).startswith("Not yet. Hint:") and "22x22" not in repr(verdict)


def test_check_conv_volume_names_the_forgotten_part():
    args = dict(input_shape=(64, 64, 3), f=5, s=3, p=2, n_filters=10)
    assert cnn.check_conv_volume(np.array([22, 22, 10]), **args)
    assert cnn.check_conv_volume([22.0, 22.0, 10.0], **args)
    assert "padding" in repr(cnn.check_conv_volume((20, 20, 10), **args))
    assert "stride" in repr(cnn.check_conv_volume((64, 64, 10), **args))
    assert "(w - f + 2p)/s + 1" not in repr(cnn.check_conv_volume(None, **args))


@pytest.mark.parametrize("junk", [lambda x, f, s: "abc", lambda x, f, s: {}, lambda x, f, s: [[1, 2], [3]],
                                  lambda x, f, s: 1j * x, lambda: 1, "max_pool"])
def test_check_max_pool_junk_gets_a_hint(junk):
    verdict = cnn.check_max_pool(junk)
    assert not verdict and repr(verdict).startswith("Not yet. Hint:")


def test_check_max_pool_does_not_print_the_expected_shape():
    verdict = repr(cnn.check_max_pool(lambda x, f, s: x))
    assert "(2, 2, 1)" not in verdict and "shape" in verdict


# Properties ------------------------------------------------------------------------------------

layer_specs = st.one_of(
    st.tuples(st.just("conv"), st.integers(1, 100_000), st.integers(1, 1_000), st.integers(1, 1_000),
              st.integers(0, 1_000)),
    st.tuples(st.sampled_from(["maxpool", "avgpool"]), st.integers(1, 1_000), st.integers(1, 1_000)),
    st.tuples(st.just("fc"), st.integers(1, 100_000)),
    st.tuples(st.just("relu")),
)


def spec_text(spec, order):
    kind, *values = spec
    if kind == "conv":
        tokens = [str(values[0]), f"f={values[1]}", f"s={values[2]}", f"p={values[3]}"]
    elif kind in ("maxpool", "avgpool"):
        tokens = [f"f={values[0]}", f"s={values[1]}"]
    elif kind == "fc":
        tokens = [f"k={values[0]}"]
    else:
        tokens = []
    return " ".join([kind] + [tokens[i] for i in order(len(tokens))])


@PROPERTY
@given(specs=st.lists(layer_specs, max_size=6), data=st.data())
def test_parse_layers_reads_back_what_was_written_in_any_order(specs, data):
    text = "\n".join(spec_text(spec, lambda n: data.draw(st.permutations(range(n)))) for spec in specs)
    expected = []
    for kind, *values in specs:
        if kind == "conv":
            expected.append(cnn.conv(values[0], values[1], values[2], values[3]))
        elif kind in ("maxpool", "avgpool"):
            expected.append(cnn.pool(values[0], values[1], kind=kind[:3]))
        elif kind == "fc":
            expected.append(cnn.fc(values[0]))
        else:
            expected.append(cnn.relu())
    assert cnn.parse_layers(text) == expected


@PROPERTY
@given(text=st.text(alphabet=st.sampled_from(list("convrelumaxpoolavgfc kfsp=0123456789-+.;#\n")), max_size=40))
def test_parse_layers_reads_or_refuses_any_text_in_words(text):
    try:
        layers = cnn.parse_layers(text)
    except ValueError as err:
        assert str(err).startswith("Line ")
    else:
        for layer in layers:
            assert layer.kind in cnn.KINDS
            used = {"conv": "kfsp", "maxpool": "fs", "avgpool": "fs", "fc": "k", "relu": ""}[layer.kind]
            for key in used:
                low, high = cnn.LIMITS[key]
                assert low <= getattr(layer, key) <= high


@PROPERTY
@given(w=st.integers(1, 10**12), f=st.integers(1, 10**12), s=st.integers(1, 10**6), p=st.integers(0, 10**6))
def test_conv_output_size_is_the_formula_or_a_refusal_with_settings_that_fit(w, f, s, p):
    span = w - f + 2 * p
    try:
        out = cnn.conv_output_size(w, f, s, p)
    except ValueError as err:
        message = str(err)
        assert span < 0 or span % s != 0
        assert "does not fit" in message
        for suggested_s, shown in re.findall(r"\bs=(\d+) \(output (\d+)\)", message):
            assert cnn.conv_output_size(w, f, int(suggested_s), p) == int(shown)
        for suggested_p, shown in re.findall(r"\bp=(\d+) \(output (\d+)\)", message):
            assert cnn.conv_output_size(w, f, s, int(suggested_p)) == int(shown)
        for suggested_f, shown in re.findall(r"\bf=(\d+) \(output (\d+)\)", message):
            assert cnn.conv_output_size(w, int(suggested_f), s, p) == int(shown)
    else:
        assert span >= 0 and span % s == 0 and out == span // s + 1


@PROPERTY
@given(h=st.integers(1, 300), f=st.integers(1, 11), s=st.integers(1, 5), p=st.integers(0, 5), k=st.integers(1, 512),
       wrong=st.tuples(st.integers(-5, 400), st.integers(-5, 400), st.integers(-5, 600)))
def test_check_conv_volume_passes_the_right_volume_only(h, f, s, p, k, wrong):
    if h - f + 2 * p < 0:
        return
    right = ((h - f + 2 * p) // s + 1, (h - f + 2 * p) // s + 1, k)
    args = dict(input_shape=(h, h, 3), f=f, s=s, p=p, n_filters=k)
    assert cnn.check_conv_volume(right, **args)
    assert cnn.check_conv_volume(tuple(np.float32(v) for v in right), **args)
    verdict = cnn.check_conv_volume(wrong, **args)
    assert bool(verdict) == (wrong == right)
    if not verdict:
        assert "x".join(map(str, right)) not in repr(verdict)


# Exercise checks added for the teaching review


def test_check_max_pool_backward_passes_the_reference_and_hints_at_mistakes(capsys):
    from verdicts import assert_hint, assert_passed

    assert_passed(cnn.check_max_pool_backward(cnn.max_pool_backward), capsys)

    def overwrite(x, f, s, dout):
        dx = np.zeros_like(x)
        for i in range(dout.shape[0]):
            for j in range(dout.shape[1]):
                window = x[i * s : i * s + f, j * s : j * s + f]
                for c in range(x.shape[2]):
                    a, b = np.unravel_index(np.argmax(window[:, :, c]), window.shape[:2])
                    dx[i * s + a, j * s + b, c] = dout[i, j, c]
        return dx

    def average(x, f, s, dout):
        dx = np.zeros_like(x)
        for i in range(dout.shape[0]):
            for j in range(dout.shape[1]):
                dx[i * s : i * s + f, j * s : j * s + f] += dout[i, j] / (f * f)
        return dx

    def raises(x, f, s, dout):
        raise IndexError("out of range")

    assert "add" in assert_hint(cnn.check_max_pool_backward(overwrite), capsys)
    assert "average pooling" in assert_hint(cnn.check_max_pool_backward(average), capsys)
    assert "shape" in assert_hint(cnn.check_max_pool_backward(lambda x, f, s, dout: dout), capsys)
    assert "IndexError" in assert_hint(cnn.check_max_pool_backward(raises), capsys)
    for junk in (None, ..., "dx", 3, lambda x, f, s, dout: None, lambda x, f, s, dout: np.full(x.shape, np.nan),
                 lambda x, f, s, dout: "text", lambda x, f, s, dout: np.zeros_like(x)):
        out = assert_hint(cnn.check_max_pool_backward(junk), capsys)
        assert "unravel" not in out and "argmax" not in out


def test_fit_classifier_trains_the_model_itself_with_or_without_shifts():
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 8, 8, 1), dtype=np.float32), np.arange(40) % 2
    x[y == 1, 2:6, 2:6] += 2.0  # a bright square marks class 1
    for shift in (0, 2):
        keras.utils.set_random_seed(0)
        model = cnn.to_keras((8, 8, 1), cnn.parse_layers("conv 4 f=3 p=1; relu; fc 2"))
        before = [w.copy() for w in model.get_weights()]
        history = cnn.fit_classifier(model, x, y, epochs=3, validation=(x, y), shift=shift, batch_size=8)
        assert len(history["val_accuracy"]) == 3 and len(history["loss"]) == 3
        assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights())), shift  # model itself trained
        assert model.output_shape == (None, 2)  # no shifting layer added to the model


@pytest.mark.parametrize("shift", [-1, 8, 1.5, True])
def test_fit_classifier_refuses_a_shift_that_is_not_a_whole_number_of_pixels_inside_the_image(shift):
    x, y = np.zeros((4, 8, 8, 1), np.float32), np.zeros(4, int)
    with pytest.raises(ValueError, match="shift must be a whole number of pixels from 0 to 7"):
        cnn.fit_classifier(cnn.to_keras((8, 8, 1), [cnn.fc(2)]), x, y, epochs=1, validation=(x, y), shift=shift)
