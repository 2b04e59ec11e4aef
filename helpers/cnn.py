"""CNN arithmetic: output sizes, parameter counts, layer-by-layer volume tables, im2col.

Sizes follow the lecture (CS231n): a layer sees an input volume of width ``w``, height ``h``
and depth ``d``; a convolution has ``k`` filters of size ``f`` x ``f``, stride ``s`` and zero
padding ``p``, and gives an output of width ``(w - f + 2p) / s + 1``, depth ``k``. Pooling has
no padding: ``(w - f) / s + 1``. A configuration that does not fit (a non-integer or
non-positive result) is refused with a ``ValueError`` that says why and what would fit.

Arrays are channels-last, as in Keras: images ``(n, h, w, d)``, kernels ``(f, f, d, k)``.
"""

import html
import math
import re
from dataclasses import dataclass

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from .checking import call_student, close, read_array, read_number, read_numbers, report, unanswered
from .live import FigureView, LiveFigure

# Output sizes ---------------------------------------------------------------------------------


def _check_int(name, value, low):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if value < low:
        raise ValueError(f"{name} must be at least {low}, got {value}.")
    return int(value)


_SEARCH = 4096
"""How far the advice for a size that does not fit looks on either side of each value: the
advice takes the same few steps whatever the sizes (a filter of 10**8 included)."""


def _nearest(values, target, n=3):
    """Up to ``n`` of ``values`` nearest to ``target``, in increasing order."""
    return sorted(sorted(values, key=lambda v: (abs(v - target), v))[:n])


def _around(target, low, high):
    """The whole numbers in [low, high] within ``_SEARCH`` of ``target`` (clamped into the range)."""
    if high < low:
        return range(0)
    centre = min(max(target, low), high)
    return range(max(low, centre - _SEARCH), min(high, centre + _SEARCH) + 1)


def _fits(w, f, s, p):
    span = w - f + 2 * p
    return span >= 0 and span % s == 0


def _ratio(numerator, denominator):
    """numerator / denominator + 1 to 4 significant digits, for any size of whole numbers."""
    from fractions import Fraction

    value = Fraction(numerator, denominator) + 1
    if abs(value) < 10**15:
        return f"{float(value):.4g}"
    return f"{value.numerator // value.denominator} and {value.numerator % value.denominator}/{value.denominator}"


def _does_not_fit(w, f, s, p, pooling):
    """The ValueError for a convolution (or, with ``pooling``, a pooling window) that does not
    fit: why, and the nearest strides, paddings and sizes that would (found in constant time)."""
    span = w - f + 2 * p
    what, window = ("Pooling", "window") if pooling else ("Convolution", "filter")
    setting = f"w={w}, f={f}, s={s}" + ("" if pooling else f", p={p}")
    if span < 0:
        region = f"input ({w})" if pooling else f"padded input ({w} + 2*{p} = {w + 2 * p})"
        why = f"the {f}x{f} {window} is larger than the {region}"
    else:
        formula = (f"(w - f)/s + 1 = ({w} - {f})/{s} + 1" if pooling
                   else f"(w - f + 2p)/s + 1 = ({w} - {f} + 2*{p})/{s} + 1")
        why = f"{formula} = {_ratio(span, s)} is not a whole number"
    advice = []
    strides = [t for t in _around(s, 1, max(span, 1)) if _fits(w, f, t, p)]
    if strides:
        advice.append(f"with {f'f={f}' if pooling else f'p={p}'}, strides that fit: " + ", ".join(
            f"s={t} (output {span // t + 1})" for t in _nearest(strides, s)))
    lowest = max(0, -(-(f - w) // 2))  # the least padding that lets the filter fit
    paddings = [] if pooling else [q for q in _around(p, lowest, max(f, lowest)) if _fits(w, f, s, q)]
    if paddings:
        advice.append(f"with s={s}, paddings that fit: " + ", ".join(
            f"p={q} (output {(w - f + 2 * q) // s + 1})" for q in _nearest(paddings, p)))
    sizes = [g for g in _around(f, 1, w + 2 * p) if _fits(w, g, s, p)]
    if sizes:
        advice.append(f"with s={s}{'' if pooling else f' and p={p}'}, {window} sizes that fit: " + ", ".join(
            f"f={g} (output {(w - g + 2 * p) // s + 1})" for g in _nearest(sizes, f)))
    advice = "; ".join(advice) if advice else f"no stride, padding or {window} size nearby fits"
    return ValueError(f"{what} {setting} does not fit: {why}. {advice[0].upper() + advice[1:]}.")


def conv_output_size(w, f, s=1, p=0):
    """Output width (or height) of a convolution: ``(w - f + 2p) / s + 1``.

    ``w`` input width, ``f`` filter size, ``s`` stride, ``p`` zero padding on each side (all
    whole numbers). Raises ``ValueError`` when the filter does not fit the padded input or the
    strides do not tile it exactly, naming the nearest strides and paddings that would.
    """
    w, f = _check_int("input size w", w, 1), _check_int("filter size f", f, 1)
    s, p = _check_int("stride s", s, 1), _check_int("padding p", p, 0)
    if not _fits(w, f, s, p):
        raise _does_not_fit(w, f, s, p, pooling=False)
    return (w - f + 2 * p) // s + 1


def pool_output_size(w, f=2, s=2):
    """Output width (or height) of pooling (no padding): ``(w - f) / s + 1``.

    Raises ``ValueError`` when the window does not fit or the strides do not tile the input,
    naming the nearest strides and window sizes that would.
    """
    w, f, s = _check_int("input size w", w, 1), _check_int("pool size f", f, 1), _check_int("stride s", s, 1)
    if not _fits(w, f, s, 0):
        raise _does_not_fit(w, f, s, 0, pooling=True)
    return (w - f) // s + 1


def framework_output_size(w, f, s=1, padding="valid"):
    """What Keras/TensorFlow give for any sizes: ``'valid'`` (no padding) drops the positions
    that do not fit, ``floor((w - f)/s) + 1``; ``'same'`` pads (the extra pixel, if any, at the
    right/bottom) so that the output is ``ceil(w / s)``."""
    w, f, s = _check_int("input size w", w, 1), _check_int("filter size f", f, 1), _check_int("stride s", s, 1)
    if padding == "valid":
        if f > w:
            raise ValueError(f"With padding='valid' the {f}x{f} filter does not fit an input of {w}.")
        return (w - f) // s + 1
    if padding == "same":
        return -(-w // s)
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}.")


def same_padding(w, f, s=1):
    """The zero padding ``'same'`` adds to width ``w``: ``(before, after)``, after >= before."""
    out = framework_output_size(w, f, s, "same")
    total = max((out - 1) * s + f - w, 0)
    return total // 2, total - total // 2


# Parameters -----------------------------------------------------------------------------------


def _check_bias(bias):
    if not isinstance(bias, (bool, np.bool_)):
        raise ValueError(f"bias must be True or False, got {bias!r}.")
    return int(bool(bias))


def conv_parameters(f, d_in, n_filters, bias=True):
    """Parameters of a convolution with sharing: ``(f*f*d_in + 1) * n_filters``.

    Every argument is a whole number of at least 1 (``bias`` True or False); the count is a Python
    integer, exact however large."""
    f, d_in = _check_int("filter size f", f, 1), _check_int("input depth d_in", d_in, 1)
    n_filters = _check_int("number of filters", n_filters, 1)
    return (f * f * d_in + _check_bias(bias)) * n_filters


def locally_connected_parameters(w_out, h_out, f, d_in, n_filters, bias=True):
    """Parameters without sharing (a locally connected layer): every one of the
    ``w_out * h_out * n_filters`` output neurons has its own ``f*f*d_in`` weights and bias."""
    w_out, h_out = _check_int("output width w_out", w_out, 1), _check_int("output height h_out", h_out, 1)
    return w_out * h_out * conv_parameters(f, d_in, n_filters, bias)


def dense_parameters(n_in, n_out, bias=True):
    """Parameters of a fully connected layer: ``(n_in + 1) * n_out``."""
    n_in, n_out = _check_int("number of inputs n_in", n_in, 1), _check_int("number of units n_out", n_out, 1)
    return (n_in + _check_bias(bias)) * n_out


# Layers and volume tables ---------------------------------------------------------------------

KINDS = ("conv", "relu", "maxpool", "avgpool", "fc")


@dataclass(frozen=True)
class Layer:
    """One layer: ``kind`` is 'conv' (``k`` filters, ``f``, ``s``, ``p``), 'relu', 'maxpool' or
    'avgpool' (``f``, ``s``), or 'fc' (``k`` units)."""

    kind: str
    k: int = 0
    f: int = 0
    s: int = 1
    p: int = 0

    def __str__(self):
        if self.kind == "conv":
            return f"CONV {self.f}x{self.f}/{self.s} p{self.p} x{self.k}"
        if self.kind in ("maxpool", "avgpool"):
            return f"{self.kind[:3].upper()}POOL {self.f}x{self.f}/{self.s}"
        if self.kind == "fc":
            return f"FC {self.k}"
        return self.kind.upper()


def conv(k, f=3, s=1, p=0):
    """A convolution layer of ``k`` filters, ``f`` x ``f``, stride ``s``, padding ``p``."""
    return Layer("conv", k=k, f=f, s=s, p=p)


def relu():
    """An elementwise ReLU (same volume, no parameters)."""
    return Layer("relu")


def pool(f=2, s=2, kind="max"):
    """Max (or ``kind='avg'``) pooling over ``f`` x ``f`` windows with stride ``s``."""
    if kind not in ("max", "avg"):
        raise ValueError(f"pool kind must be 'max' or 'avg', got {kind!r}.")
    return Layer(f"{kind}pool", f=f, s=s)


def fc(k):
    """A fully connected layer of ``k`` units (its input volume is flattened)."""
    return Layer("fc", k=k)


def pattern(n_conv, m_blocks, k_fc, filters, fc_units, n_classes, f=3, pooling=True):
    """The lecture's pattern INPUT -> [[CONV -> RELU]*N -> POOL?]*M -> [FC -> RELU]*K -> FC.

    ``filters`` gives each block's number of filters (a list of M, or one number for all);
    convolutions are ``f`` x ``f``, stride 1, padded to keep the size; pooling is 2x2/2.
    """
    filters = list(filters) if isinstance(filters, (list, tuple)) else [filters] * m_blocks
    if len(filters) != m_blocks:
        raise ValueError(f"filters needs one number per block, {m_blocks}, got {len(filters)}.")
    layers = []
    for block in range(m_blocks):
        for _ in range(n_conv):
            layers += [conv(filters[block], f=f, s=1, p=(f - 1) // 2), relu()]
        if pooling:
            layers.append(pool(2, 2))
    for _ in range(k_fc):
        layers += [fc(fc_units), relu()]
    return layers + [fc(n_classes)]


_LINE = re.compile(r"^\s*(conv|relu|maxpool|avgpool|pool|fc)\b(.*)$", re.IGNORECASE)

_OPTIONS = {"conv": ("k", "f", "s", "p"), "maxpool": ("f", "s"), "avgpool": ("f", "s"), "fc": ("k",), "relu": ()}
"""The options each kind of layer takes; a bare number is its ``k`` (conv and fc only)."""

LIMITS = {"k": (1, 100_000), "f": (1, 1_000), "s": (1, 1_000), "p": (0, 1_000)}
"""The range of each option the designer accepts: filters or units ``k``, filter or window size ``f``,
stride ``s``, padding ``p``."""

MAX_LAYERS = 200

_EXAMPLES = "write e.g. 'conv 32 f=3 s=1 p=1', 'relu', 'maxpool f=2 s=2' or 'fc 10'"
_MEANING = {"k": "number of filters (or units)", "f": "filter size", "s": "stride", "p": "padding"}


def parse_layers(text):
    """Layers from text, one per line (or separated by ';'), e.g.::

        conv 32 f=3 s=1 p=1
        relu
        maxpool f=2 s=2
        fc 10

    Blank lines and ``#`` comments are skipped; ``pool`` means ``maxpool``. Strict: every token
    must be one the layer takes (conv: a count or k, f, s, p; maxpool and avgpool: f, s; fc: a
    count or k; relu: nothing), each given once, each value a whole number in ``LIMITS``.
    Raises ``ValueError`` naming the line and saying what to write instead.
    """
    if not isinstance(text, str):
        raise ValueError(f"The layers are text, one layer per line; got {type(text).__name__}.")
    layers = []
    lines = [part for line in text.splitlines() for part in line.split(";")]
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#")[0].strip()
        if not line:
            continue
        where = f"Line {number} ({line[:60]!r})"
        match = _LINE.match(line)
        if not match:
            raise ValueError(f"{where}: start with conv, relu, maxpool, avgpool or fc; {_EXAMPLES}.")
        kind = match.group(1).lower()
        kind = "maxpool" if kind == "pool" else kind
        allowed = _OPTIONS[kind]
        options = {}
        for token in match.group(2).split():
            key, equals, value = token.partition("=")
            key = key.lower()
            if not equals:
                key, value = "k", token
                if "k" not in allowed:
                    raise ValueError(f"{where}: {kind} takes no count ({token!r}); "
                                     + (f"write e.g. '{kind} f={token} s={token}'." if kind != "relu" and
                                        token.isdigit() else f"{_EXAMPLES}."))
                if "k" in options:
                    raise ValueError(f"{where}: one count only, {token!r} is a second one; {_EXAMPLES}.")
            elif key not in allowed:
                takes = ", ".join(allowed) if allowed else "no options"
                raise ValueError(f"{where}: unknown option {key!r} for {kind}, which takes {takes}; {_EXAMPLES}.")
            elif key in options:
                raise ValueError(f"{where}: {key} is given twice; give each option once.")
            if not re.fullmatch(r"[0-9]+", value):
                raise ValueError(f"{where}: the {_MEANING[key]} must be a whole number, not {value!r}; {_EXAMPLES}.")
            low, high = LIMITS[key]
            if len(value.lstrip("0")) > len(str(high)) or not low <= int(value) <= high:
                raise ValueError(f"{where}: the {_MEANING[key]} must lie between {low} and {high:,}, "
                                 f"got {value[:20]}{'...' if len(value) > 20 else ''}.")
            options[key] = int(value)
        if kind in ("conv", "fc") and "k" not in options:
            raise ValueError(f"{where}: say how many {'filters' if kind == 'conv' else 'units'}, e.g. '{kind} 32'.")
        if len(layers) == MAX_LAYERS:
            raise ValueError(f"{where}: at most {MAX_LAYERS} layers.")
        if kind == "conv":
            layers.append(conv(options["k"], f=options.get("f", 3), s=options.get("s", 1), p=options.get("p", 0)))
        elif kind in ("maxpool", "avgpool"):
            layers.append(pool(options.get("f", 2), options.get("s", options.get("f", 2)), kind=kind[:3]))
        elif kind == "fc":
            layers.append(fc(options["k"]))
        else:
            layers.append(relu())
    return layers


def layer_output(shape, layer):
    """Output volume ``(h, w, d)`` of ``layer`` on an input volume ``shape = (h, w, d)``, and its
    parameters with sharing and without (for a convolution, the locally connected count):
    returns ``(shape, params, params_unshared)``. Raises ``ValueError`` if it does not fit."""
    h, w, d = shape
    if layer.kind == "conv":
        k = _check_int("number of filters", layer.k, 1)
        out_h = conv_output_size(h, layer.f, layer.s, layer.p)
        out_w = out_h if w == h else conv_output_size(w, layer.f, layer.s, layer.p)
        return ((out_h, out_w, k), conv_parameters(layer.f, d, k),
                locally_connected_parameters(out_w, out_h, layer.f, d, k))
    if layer.kind in ("maxpool", "avgpool"):
        out_h = pool_output_size(h, layer.f, layer.s)
        out_w = out_h if w == h else pool_output_size(w, layer.f, layer.s)
        return (out_h, out_w, d), 0, 0
    if layer.kind == "fc":
        k = _check_int("number of units", layer.k, 1)
        n = dense_parameters(h * w * d, k)
        return (1, 1, k), n, n
    if layer.kind == "relu":
        return (h, w, d), 0, 0
    raise ValueError(f"Unknown layer kind {layer.kind!r}; use one of {KINDS}.")


def volume_table(input_shape, layers, strict=True):
    """Every layer's output volume, neurons and parameters (with and without sharing).

    ``input_shape`` is ``(h, w, d)``; ``layers`` a list of ``Layer``. Returns a list of dicts
    with keys ``layer``, ``shape``, ``neurons``, ``params``, ``params_unshared`` and ``error``,
    the input first. With ``strict=True`` a layer that does not fit raises ``ValueError``;
    otherwise its row carries the reason in ``error`` and later rows have ``shape`` None.
    """
    h, w, d = (_check_int(name, v, 1) for name, v in zip(("height", "width", "depth"), input_shape))
    rows = [dict(layer="INPUT", shape=(h, w, d), neurons=h * w * d, params=0, params_unshared=0, error=None)]
    shape = (h, w, d)
    for number, layer in enumerate(layers, start=1):
        if shape is None:
            rows.append(dict(layer=str(layer), shape=None, neurons=None, params=None, params_unshared=None,
                             error="not computed: an earlier layer does not fit"))
            continue
        try:
            shape, params, unshared = layer_output(shape, layer)
        except ValueError as err:
            if strict:
                raise ValueError(f"Layer {number} ({layer}) on a {'x'.join(map(str, rows[-1]['shape']))} "
                                 f"input: {err}") from None
            rows.append(dict(layer=str(layer), shape=None, neurons=None, params=None, params_unshared=None,
                             error=str(err)))
            shape = None
            continue
        rows.append(dict(layer=str(layer), shape=shape, neurons=math.prod(shape), params=params,
                         params_unshared=unshared, error=None))
    return rows


def format_table(rows):
    """A volume table (from ``volume_table``) as aligned text, with totals."""
    lines = [f"{'#':>2}  {'layer':22s} {'volume':>14s} {'neurons':>11s} {'parameters':>12s} {'without sharing':>16s}"]
    for number, row in enumerate(rows):
        if row["shape"] is None:
            why = "(not computed)" if row["error"].startswith("not computed") else f"DOES NOT FIT: {row['error']}"
            lines.append(f"{number:>2}  {row['layer']:22s} {why}")
            continue
        volume = "x".join(map(str, row["shape"]))
        lines.append(f"{number:>2}  {row['layer']:22s} {volume:>14s} {row['neurons']:>11,d} {row['params']:>12,d} "
                     f"{row['params_unshared']:>16,d}")
    good = [row for row in rows if row["shape"] is not None]
    lines.append(f"{'':2}  {'total':22s} {'':>14s} {sum(r['neurons'] for r in good[1:]):>11,d} "
                 f"{sum(r['params'] for r in good):>12,d} {sum(r['params_unshared'] for r in good):>16,d}")
    return "\n".join(lines)


def to_keras(input_shape, layers, name=None):
    """The same layers as a ``keras.Sequential`` (padding as ``ZeroPadding2D`` then a 'valid'
    ``Conv2D``; a ``Flatten`` before each FC), for checking the table and for training."""
    import keras

    volume_table(input_shape, layers)  # refuse what does not fit, with the reason
    model_layers = [keras.Input(shape=tuple(input_shape))]
    flat = False
    for layer in layers:
        if layer.kind == "conv":
            if layer.p:
                model_layers.append(keras.layers.ZeroPadding2D(layer.p))
            model_layers.append(keras.layers.Conv2D(layer.k, layer.f, strides=layer.s, padding="valid"))
        elif layer.kind == "relu":
            model_layers.append(keras.layers.ReLU())
        elif layer.kind == "maxpool":
            model_layers.append(keras.layers.MaxPooling2D(layer.f, strides=layer.s))
        elif layer.kind == "avgpool":
            model_layers.append(keras.layers.AveragePooling2D(layer.f, strides=layer.s))
        elif layer.kind == "fc":
            if not flat:
                model_layers.append(keras.layers.Flatten())
                flat = True
            model_layers.append(keras.layers.Dense(layer.k))
    return keras.Sequential(model_layers, name=name)


def fit_classifier(model, x, y, *, epochs, validation, shift=0, batch_size=128, learning_rate=2e-3, callbacks=()):
    """Train ``model`` (images (n, h, w, d) -> class logits) on ``x``, ``y`` (integer labels) with
    Adam on the sparse cross-entropy, the step size falling from ``learning_rate`` to 0 along a
    cosine over the run. With ``shift`` > 0 every training batch is first moved by a random amount
    of up to ``shift`` pixels in each direction (``keras.layers.RandomTranslation``, fractions of a
    pixel included; active in training only), so ``model`` itself is trained and later classifies
    images as they are. ``validation`` is ``(x_val, y_val)``. Returns Keras' history (a dict)."""
    import keras

    height, width = x.shape[1:3]
    if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)) or not 0 <= shift < min(height, width):
        raise ValueError(f"shift must be a whole number of pixels from 0 to {min(height, width) - 1}, got {shift!r}.")
    trained = model
    if shift:
        moves = keras.layers.RandomTranslation(shift / height, shift / width, fill_mode="constant")
        trained = keras.Sequential([keras.Input(x.shape[1:]), moves, model])
    steps = epochs * -(-len(x) // batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=max(steps, 1))
    trained.compile(optimizer=keras.optimizers.Adam(schedule), metrics=["accuracy"],
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = trained.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, validation_data=validation,
                          callbacks=list(callbacks))
    return history.history


# Convolution and pooling in NumPy -------------------------------------------------------------


def im2col(x, f, s=1, p=0):
    """Every f x f x d patch of ``x`` (n, h, w, d), zero-padded by ``p``, taken with stride ``s``,
    as a row: returns shape (n, h_out, w_out, f*f*d), each row in the order of a Keras kernel
    ``(f, f, d, k)`` reshaped to ``(f*f*d, k)``."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"im2col needs images of shape (n, h, w, d), got {x.shape}.")
    h_out, w_out = conv_output_size(x.shape[1], f, s, p), conv_output_size(x.shape[2], f, s, p)
    padded = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (f, f), axis=(1, 2))  # (n, H, W, d, f, f)
    windows = windows[:, : (h_out - 1) * s + 1 : s, : (w_out - 1) * s + 1 : s]
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(x.shape[0], h_out, w_out, f * f * x.shape[3])


def conv2d_im2col(x, kernel, bias, s=1, p=0):
    """Convolution (as in ``keras.layers.Conv2D``, a cross-correlation) by one matrix product:
    ``x`` (n, h, w, d), ``kernel`` (f, f, d, k), ``bias`` (k,) -> (n, h_out, w_out, k)."""
    kernel = np.asarray(kernel)
    f, f2, d, k = kernel.shape
    if f != f2 or np.shape(x)[-1] != d:
        raise ValueError(f"Kernel {kernel.shape} must be (f, f, d, k) with d = input depth {np.shape(x)[-1]}.")
    return im2col(x, f, s, p) @ kernel.reshape(f * f * d, k) + np.asarray(bias)


def pool2d(x, f=2, s=2, kind="max"):
    """Max or average pooling of ``x`` (n, h, w, d) over f x f windows with stride ``s``:
    -> (n, h_out, w_out, d), refusing sizes that do not fit (see ``pool_output_size``)."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"pool2d needs (n, h, w, d), got {x.shape}.")
    h_out, w_out = pool_output_size(x.shape[1], f, s), pool_output_size(x.shape[2], f, s)
    windows = np.lib.stride_tricks.sliding_window_view(x, (f, f), axis=(1, 2))
    windows = windows[:, : (h_out - 1) * s + 1 : s, : (w_out - 1) * s + 1 : s]
    if kind == "max":
        return windows.max(axis=(-2, -1))
    if kind == "avg":
        return windows.mean(axis=(-2, -1))
    raise ValueError(f"kind must be 'max' or 'avg', got {kind!r}.")


def receptive_field(layers):
    """Side of the input region one output neuron sees after ``layers`` (conv and pooling):
    r = 1 + sum_l (f_l - 1) * (product of the earlier strides)."""
    r, jump = 1, 1
    for layer in layers:
        if layer.kind in ("conv", "maxpool", "avgpool"):
            r += (layer.f - 1) * jump
            jump *= layer.s
    return r


# Widget: --------------------------------------------------------------------------------


class ArchitectureView(FigureView):
    """Every layer's volume and parameter count for a ``size`` x ``size`` x ``depth`` input and
    the layers written in ``layers_text`` (one per line, see ``parse_layers``).

    Layers that do not fit are flagged in words, never by a traceback. Calling
    ``view(size=..., depth=..., layers_text=...)`` returns ``(figure, text)``: bars of neurons and
    parameters per layer, and the table as HTML. Lists of the same length share one figure.
    """

    SIZE_INCHES = (10, 3.0)
    """One figure size whatever the layers, so that the widget keeps its height and fits a laptop's screen."""

    def __init__(self):
        super().__init__()
        self._rows = {}

    def rows(self, size, depth, layers_text):
        """(layers, the rows of ``volume_table``), or (None, the reason) for text that cannot be read.
        Worked out once per input: ``layout`` and ``show`` both ask for them."""
        key = (size, depth, layers_text)
        if key not in self._rows:
            size, depth = _check_int("input size", size, 1), _check_int("input depth", depth, 1)
            try:
                layers = parse_layers(layers_text)
                self._rows[key] = layers, volume_table((size, size, depth), layers, strict=False)
            except ValueError as err:
                self._rows[key] = None, str(err)
        return self._rows[key]

    def layout(self, size, depth, layers_text):
        layers, rows = self.rows(size, depth, layers_text)
        return None if layers is None else len(rows)

    def build(self, size, depth, layers_text):
        fig = Figure(figsize=self.SIZE_INCHES)
        n_rows = self.layout(size, depth, layers_text)
        if n_rows is None:
            ax = fig.subplots()
            ax.set_axis_off()
            ax.text(0.0, 0.5, "cannot read the layers (see the message above)", va="center")
            return fig, None
        axes = fig.subplots(1, 2, sharey=True)
        fig.subplots_adjust(left=0.17, right=0.98, bottom=0.12, top=0.9, wspace=0.05)
        panels = []
        for ax, title in zip(axes, ("neurons (output volume)", "parameters")):
            bars = ax.barh(range(n_rows), np.ones(n_rows), color="tab:blue")
            texts = [ax.text(1, i, "", va="center", fontsize=8) for i in range(n_rows)]
            ax.set_xscale("log")
            ax.set_title(title)
            panels.append((bars, texts))
        axes[0].set_yticks(range(n_rows), [""] * n_rows, fontsize=8 if n_rows <= 14 else 6)
        axes[0].set_ylim(n_rows - 0.5, -0.5)  # the input on top
        return fig, {"axes": axes, "panels": panels}

    def show(self, fig, artists, size, depth, layers_text):
        layers, rows = self.rows(size, depth, layers_text)
        if layers is None:
            return f"<b>Cannot read the layers.</b> {html.escape(rows)}"
        bad = [row["shape"] is None for row in rows]
        for (bars, texts), key in zip(artists["panels"], ("neurons", "params")):
            values = [0 if b else row[key] for row, b in zip(rows, bad)]
            for bar, text, row, value, b in zip(bars, texts, rows, values, bad):
                bar.set_width(max(float(value), 0.5))
                bar.set_visible(not b)  # a layer that does not fit, or comes after one, has no volume to draw
                if not b:
                    label, colour = f" {value:,d}", "black"
                elif row["error"].startswith("not computed"):
                    label, colour = " not computed", "0.5"
                else:
                    label, colour = " does not fit", "tab:red"
                text.set_text(label)
                text.set_color(colour)
            bars[0].axes.set_xlim(0.5, max(10.0, 20.0 * max(values)))
        artists["axes"][0].set_yticklabels([f"{i} {row['layer']}" for i, row in enumerate(rows)])
        table = f"<pre style='font-size:11px; line-height:1.2; margin:2px 0'>{html.escape(format_table(rows))}</pre>"
        failing = [(i, row) for i, row in enumerate(rows)
                   if row["error"] and not row["error"].startswith("not computed")]
        if failing:
            i, row = failing[0]
            verdict = f"<b>Layer {i} ({html.escape(row['layer'])}) does not fit.</b> {html.escape(row['error'])}"
        else:
            out = "x".join(map(str, rows[-1]["shape"]))
            verdict = (f"<b>All {len(layers)} layers fit</b>: output {out}, "
                       f"{sum(r['params'] for r in rows):,d} parameters "
                       f"({sum(r['params_unshared'] for r in rows):,d} without sharing).")
        return verdict + table


def architecture_view(size, depth, layers_text):
    """``ArchitectureView()`` for one input and list of layers: ``(figure, text)``."""
    return ArchitectureView()(size=size, depth=depth, layers_text=layers_text)


SIZE_RANGE = (4, 256)
"""The input sizes the designer's slider offers."""


def architecture_designer(layers_text, size=32, depth=3):
    """An input-size slider, a depth choice and an editable list of layers over ``architecture_view``.

    ``size`` must lie in ``SIZE_RANGE`` (the slider's range) and ``depth`` be 1 or 3; for other
    inputs call ``architecture_view(size, depth, layers_text)`` directly."""
    if not isinstance(layers_text, str):
        raise ValueError(f"layers_text is the layers as text, one per line, got {type(layers_text).__name__}.")
    low, high = SIZE_RANGE
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, (int, np.integer)) or not low <= size <= high:
        raise ValueError(f"size must be a whole number from {low} to {high} (the slider's range), got {size!r}; "
                         f"for another input size call cnn.architecture_view(size, depth, layers_text).")
    if isinstance(depth, (bool, np.bool_)) or depth not in (1, 3):
        raise ValueError(f"depth must be 1 (grey) or 3 (colour), got {depth!r}.")
    controls = {
        "size": W.IntSlider(description="input size", min=low, max=high, value=int(size), continuous_update=False),
        "depth": W.Dropdown(description="depth", options=[1, 3], value=int(depth), layout=W.Layout(width="140px")),
        "layers_text": W.Textarea(description="layers", value=layers_text, continuous_update=False,
                                  layout=W.Layout(width="300px", height="120px")),
    }
    return LiveFigure(ArchitectureView(), controls)


# Exercise checks --------------------------------------------------------------------------------


def _conv_side(w, f, s, p):
    """(w - f + 2p) // s + 1 (the positions that fit), or None for a filter larger than the padded input."""
    span = w - f + 2 * p
    return None if span < 0 else span // s + 1


def check_conv_volume(answer, input_shape, f, s, p, n_filters):
    """Exercise: the output volume ``(height, width, depth)`` of a convolution with ``n_filters``
    filters of size ``f``, stride ``s`` and padding ``p`` on an ``input_shape = (h, w, d)`` volume."""
    hint = ("the width and the height each follow from the input's size, the filter size, the padding and the "
            "stride (the lecture's output-size formula); what sets the depth of the output?")
    if unanswered(answer):
        return report(False, "", hint)
    got, problem = read_numbers(answer, 3, "The output volume", whole=True, names="(height, width, depth)")
    if problem:
        return report(False, "", f"{problem} {hint}")
    h, w, d = input_shape
    expected = (_conv_side(h, f, s, p), _conv_side(w, f, s, p), n_filters)
    if got == expected:
        return report(True, f"{'x'.join(map(str, got))}: one {got[0]}x{got[1]} map per filter.", hint)
    if got[:2] == expected[:2]:
        return report(False, "", "the width and height are right; the depth is not the input's depth."
                      if got[2] == d else "the width and height are right; what sets the depth of the output?")
    side_hints = []
    for name, got_side, size in (("height", got[0], h), ("width", got[1], w)):
        if got_side == _conv_side(size, f, s, p):
            continue
        if got_side == _conv_side(size, f, s, 0):
            side_hints.append(f"the {name} leaves out the padding")
        elif got_side == _conv_side(size, f, 1, p):
            side_hints.append(f"the {name} leaves out the stride")
        elif got_side == _conv_side(size, f, s, p // 2 if p else p) or got_side == _conv_side(size + p, f, s, 0):
            side_hints.append(f"the {name} pads one side only")
    if side_hints:
        return report(False, "", "; ".join(side_hints) + ".")
    if got[2] == expected[2]:
        return report(False, "", "the depth is right; the width and height are not. " + hint)
    return report(False, "", hint)


def check_shared_and_unshared_parameters(answer, input_shape, f, s, p, n_filters):
    """Exercise: ``(with sharing, without sharing)``, the parameters of that convolution and of a
    locally connected layer with the same output volume (each neuron its own weights and bias)."""
    hint = ("with sharing, every depth slice of the output uses one filter (its weights over the input's whole "
            "depth, and a bias); without, every neuron of the output volume has a filter of its own.")
    if unanswered(answer):
        return report(False, "", hint)
    got, problem = read_numbers(answer, 2, "The answer", whole=True, names="(with sharing, without sharing)")
    if problem:
        return report(False, "", f"{problem} {hint}")
    h, w, d = input_shape
    h_out, w_out = (h - f + 2 * p) // s + 1, (w - f + 2 * p) // s + 1
    expected = ((f * f * d + 1) * n_filters, h_out * w_out * n_filters * (f * f * d + 1))
    if got == expected:
        return report(True, f"sharing saves a factor of {expected[1] // expected[0]:,d} = {h_out}x{w_out} "
                            f"positions.", hint)
    if got == expected[::-1]:
        return report(False, "", "the two numbers are swapped: with sharing comes first.")
    if got[0] == expected[0]:
        return report(False, "", "the count with sharing is right; now give every output neuron its own filter.")
    if got[1] == expected[1]:
        return report(False, "", "the count without sharing is right; with sharing, count one filter per depth "
                                 "slice, bias included.")
    if got == (f * f * d * n_filters, h_out * w_out * n_filters * f * f * d):
        return report(False, "", "every filter (shared or not) also has a bias.")
    if got[0] == f * f * n_filters + n_filters:
        return report(False, "", "a filter spans the input's whole depth, not one slice of it.")
    return report(False, "", hint)


def check_receptive_field(answer, n_layers, f):
    """Exercise: the side of the input region that one neuron sees after ``n_layers`` stacked
    ``f`` x ``f`` convolutions with stride 1."""
    hint = ("start from the one pixel a neuron of the last layer sits on, and go back layer by layer: by how many "
            "pixels does one stride-1 f x f layer widen the region, f or f - 1?")
    if unanswered(answer):
        return report(False, "", hint)
    side, problem = read_number(answer, "The side of the region", whole=True)
    if problem:
        return report(False, "", f"{problem} {hint}")
    expected = 1 + n_layers * (f - 1)
    if side == expected:
        return report(True, f"{n_layers} layers of {f}x{f} see as far as one {expected}x{expected} filter, "
                            f"with fewer parameters and more nonlinearities.", hint)
    if side == n_layers * f:
        return report(False, "", "neighbouring positions of a layer share most of their window: the layers' "
                                 "sizes do not simply add up.")
    if side == n_layers * (f - 1):
        return report(False, "", "almost: the region starts from one pixel, not zero.")
    return report(False, "", hint)


def check_max_pool(max_pool):
    """Exercise: ``max_pool(x, f, s)`` returns the max pooling of one volume ``x`` (h, w, d) over
    f x f windows with stride ``s``: shape ((h - f)/s + 1, (w - f)/s + 1, d)."""
    hint = ("output pixel (i, j) of depth slice c is the largest value in the window x[i*s : i*s + f, "
            "j*s : j*s + f, c]; pooling works on every depth slice separately.")
    if unanswered(max_pool):
        return report(False, "", hint)
    from . import cnn

    rng = np.random.default_rng(7)
    for (h, w, d), f, s in (((4, 4, 1), 2, 2), ((7, 7, 3), 3, 2), ((6, 8, 2), 2, 1), ((9, 9, 4), 3, 3)):
        x = rng.normal(size=(h, w, d))
        expected = cnn.pool2d(x[None], f, s, kind="max")[0]
        got, problem = call_student(max_pool, x.copy(), f, s)
        if problem:
            return report(False, "", f"{problem} {hint}")
        got, problem = read_array(got, "The pooled volume")
        if problem:
            return report(False, "", f"{problem} {hint}")
        if got.shape != expected.shape:
            if got.ndim == 3 and got.shape[:2] == expected.shape[:2]:
                return report(False, "", f"for x of shape {x.shape} yours has shape {got.shape}: the height and "
                                         f"width are right; pooling keeps every depth slice. {hint}")
            return report(False, "", f"for x of shape {x.shape}, f={f}, s={s} yours has shape {got.shape}: count the "
                                     f"window positions along each side, and keep every depth slice. {hint}")
        if close(got, cnn.pool2d(x[None], f, s, kind="avg")[0]):
            return report(False, "", "that is average pooling: take the largest value of each window.")
        if not close(got, expected):
            return report(False, "", hint)
    return report(True, "each depth slice is pooled on its own, window by window.", hint)


# Exercise checks added for the teaching review -------------------------------------------------


def max_pool_backward(x, f, s, dout):
    """The gradient of ``sum(pool2d(x, f, s) * dout)`` with respect to one volume ``x`` (h, w, d):
    each window's gradient goes to the position of its maximum, added up where windows overlap."""
    dx = np.zeros_like(x, dtype=np.float64)
    h_out, w_out = dout.shape[:2]
    for i in range(h_out):
        for j in range(w_out):
            window = x[i * s : i * s + f, j * s : j * s + f]
            for c in range(x.shape[2]):
                a, b = np.unravel_index(np.argmax(window[:, :, c]), window.shape[:2])
                dx[i * s + a, j * s + b, c] += dout[i, j, c]
    return dx


def check_max_pool_backward(max_pool_backward):
    """Exercise: ``max_pool_backward(x, f, s, dout)`` returns dL/dx for L = sum(max_pool(x) * dout),
    compared with central finite differences of that L, on non-overlapping and overlapping windows."""
    from .checking import numeric_gradient

    hint = ("In the forward pass only one value of each window reaches the output; the upstream gradient "
            "dout[i, j, c] belongs to that value alone, and every other input of the window gets nothing from it.")
    if unanswered(max_pool_backward):
        return report(False, "", hint)
    rng = np.random.default_rng(11)
    for (h, w, d), f, s in (((4, 4, 1), 2, 2), ((6, 6, 2), 2, 2), ((7, 7, 3), 3, 2), ((5, 6, 2), 2, 1)):
        x = rng.normal(size=(h, w, d))
        dout = rng.normal(size=pool2d(x[None], f, s)[0].shape)
        def loss(v, f=f, s=s, dout=dout):
            return float(np.sum(pool2d(v[None], f, s)[0] * dout))

        expected = numeric_gradient(loss, x.copy(), eps=1e-6)
        got, problem = call_student(max_pool_backward, x.copy(), f, s, dout.copy())
        if problem:
            return report(False, "", f"{problem} {hint}")
        got, problem = read_array(got, "The gradient dx")
        if problem:
            return report(False, "", f"{problem} {hint}")
        if got.shape != x.shape:
            return report(False, "", f"for x of shape {x.shape} yours has shape {got.shape}: the gradient with "
                                     f"respect to x has the shape of x. {hint}")
        if close(got, expected):
            continue
        spread = np.zeros_like(x)
        for i in range(dout.shape[0]):
            for j in range(dout.shape[1]):
                spread[i * s : i * s + f, j * s : j * s + f] += dout[i, j] / (f * f)
        if close(got, spread):
            return report(False, "", "that spreads each gradient evenly over its window, which is the backward "
                                     "pass of average pooling. " + hint)
        if f > s:
            return report(False, "", f"right where the windows do not overlap, wrong with f={f}, s={s}: a value "
                                     "can be the maximum of several windows, and then it receives the gradient of "
                                     "each of them. Do you overwrite where you should add?")
        return report(False, "", f"for x of shape {x.shape}, f={f}, s={s} yours differs from finite differences "
                                 f"(largest gap {np.max(np.abs(got - expected)):.3g}). {hint}")
    return report(True, "every window's gradient goes to its maximum, and overlapping windows add up; it agrees "
                        "with finite differences.", hint)
