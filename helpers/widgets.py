"""Widgets for live demos. The logic lives in plain functions that return a figure and a line
of text; ``LiveFigure`` only wires controls to them, so both can be tested headless."""

import time

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import clear_output, display

from . import plots


class LiveFigure:
    """Controls in, a figure and a status line out.

    ``render(**values)`` receives the current value of every control (by name) and returns
    ``(figure, text)``. The figure is redrawn whenever a control changes; ``status`` shows the
    text, and ``last_text`` keeps it for tests.
    """

    def __init__(self, render, controls):
        self.render = render
        self.controls = dict(controls)
        self.status = W.HTML()
        self.output = W.Output()
        self.last_text = ""
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.widget = W.VBox([W.HBox(list(self.controls.values())), self.status, self.output])
        self.update()

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def update(self, change=None):
        fig, text = self.render(**self.values())
        self.last_text = text
        self.status.value = text
        with self.output:
            clear_output(wait=True)
            display(fig)
        plt.close(fig)

    def _ipython_display_(self):
        display(self.widget)


def _choice(description, options, value):
    return W.SelectionSlider(
        description=description,
        options=options,
        value=value,
        continuous_update=False,
        style={"description_width": "initial"},
        layout=W.Layout(width="240px"),
    )


# Notebook 01: a playground in the spirit of TensorFlow Playground ---------------------------


def playground_view(train, X, y, hidden_units, learning_rate, lam, epochs):
    """Train ``train(X, y, hidden_units, learning_rate, lam, epochs) -> (predict, losses)`` and
    show the decision regions next to the loss curve. Returns ``(figure, text)``."""
    start = time.perf_counter()
    predict, losses = train(X, y, hidden_units=hidden_units, learning_rate=learning_rate, lam=lam, epochs=epochs)
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(predict(X) == y))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
    plots.decision_regions(predict, X, y, resolution=120, ax=left, title=f"{hidden_units} hidden units")
    plots.learning_curves({"training cost J": losses}, xlabel="epoch", ax=right, logy=True, title="cost")
    fig.tight_layout()
    text = (
        f"training accuracy <b>{accuracy:.1%}</b>, final cost {losses[-1]:.4f}, "
        f"trained in {seconds:.2f} s"
    )
    return fig, text


def playground(train, X, y):
    """Sliders for hidden units, learning rate, lambda and epochs over ``playground_view``."""
    controls = {
        "hidden_units": _choice("hidden units", [1, 2, 3, 5, 10, 20, 50, 100], 50),
        "learning_rate": _choice("learning rate α", [0.01, 0.03, 0.1, 0.3, 1.0], 0.3),
        "lam": _choice("λ (ridge)", [0.0, 1e-4, 1e-3, 1e-2, 1e-1], 1e-3),
        "epochs": _choice("epochs", [10, 30, 100, 300, 1000, 3000], 1000),
    }
    return LiveFigure(lambda **values: playground_view(train, X, y, **values), controls)


# Notebook 02: gradient flow through a deep stack, and the loss functions ---------------------


def gradient_flow_view(stack_statistics, depth, activation, initialization):
    """Per-layer activation spread and gradient norm of a deep stack, side by side.

    ``stack_statistics(activation, initialization, depth)`` returns two sequences of length
    ``depth``: the standard deviation of each layer's activations (forward pass) and the norm
    of the gradient of the cost with respect to each layer's weights (backward pass).
    Returns ``(figure, text)``.
    """
    activation_std, gradient_norm = stack_statistics(activation, initialization, depth)
    layers = np.arange(1, depth + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.3))
    left.semilogy(layers, activation_std, "o-")
    left.set(xlabel="layer", ylabel="std of activations", title="forward: activations")
    right.semilogy(layers, gradient_norm, "o-", color="C3")
    right.set(xlabel="layer", ylabel="‖∂J/∂W‖", title="backward: weight gradients")
    for ax in (left, right):
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    fig.suptitle(f"{depth} layers, {activation}, {initialization}")
    fig.tight_layout()
    ratio = gradient_norm[0] / gradient_norm[-1]
    text = (
        f"gradient norm at layer 1 is <b>{ratio:.2g}</b> times that at layer {depth}; "
        f"activation std goes from {activation_std[0]:.2g} to {activation_std[-1]:.2g}"
    )
    return fig, text


def gradient_flow(stack_statistics, activations, initializations, depth=10):
    """Controls for depth, activation and initialization over ``gradient_flow_view``."""
    controls = {
        "depth": W.IntSlider(description="depth", min=2, max=30, value=depth, continuous_update=False),
        "activation": W.Dropdown(description="activation", options=list(activations)),
        "initialization": W.Dropdown(description="initialization", options=list(initializations)),
    }
    return LiveFigure(lambda **values: gradient_flow_view(stack_statistics, **values), controls)


def loss_view(families, family, delta):
    """Plot every loss of one family against its argument for the given ``delta``.

    ``families`` maps a family name to ``(xlabel, {loss name: f(x, delta)})``, where ``x`` is a
    1-d array (a margin or a residual). Returns ``(figure, text)``.
    """
    xlabel, losses = families[family]
    x = np.linspace(-3, 3, 601)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for name, loss in losses.items():
        ax.plot(x, loss(x, delta), label=name)
    ax.set(xlabel=xlabel, ylabel="loss", ylim=(-0.1, 4.0), title=family)
    ax.legend()
    text = f"{family}: {', '.join(losses)} (δ = {delta:g} where a loss uses it)"
    return fig, text


def loss_comparison(families, delta=1.0):
    """A family dropdown and a δ slider over ``loss_view``."""
    controls = {
        "family": W.Dropdown(description="family", options=list(families)),
        "delta": W.FloatSlider(description="δ", min=0.1, max=3.0, step=0.1, value=delta, continuous_update=True),
    }
    return LiveFigure(lambda **values: loss_view(families, **values), controls)


# Notebook 03: autoencoders: reconstructions by bottleneck size, denoising ---------------------


def _squared_errors(originals, reconstructed):
    """Sum of squared differences over each image's pixels: one number per image."""
    originals = np.asarray(originals, dtype=np.float64)
    reconstructed = np.asarray(reconstructed, dtype=np.float64)
    return ((originals - reconstructed) ** 2).reshape(len(originals), -1).sum(axis=1)


def reconstruction_view(images, reconstructions, index, size):
    """One image, its reconstruction by the model named ``size``, and every model's error on it.

    ``images`` holds n images ((n, h, w) or flat rows (n, h*w)); ``reconstructions`` maps a
    model's name (a bottleneck size, say) to its reconstructions of the same n images.
    Returns ``(figure, text)``.
    """
    if size not in reconstructions:
        raise KeyError(f"No reconstructions for {size!r}; there are {list(reconstructions)}.")
    if not 0 <= index < len(images):
        raise IndexError(f"index {index} is outside 0..{len(images) - 1}.")
    original = np.asarray(images[index : index + 1])
    errors = {name: float(_squared_errors(original, np.asarray(rec)[index : index + 1])[0])
              for name, rec in reconstructions.items()}
    reconstructed = np.asarray(reconstructions[size])[index : index + 1]
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 2.8), gridspec_kw={"width_ratios": [1.2, 1]})
    plots.image_grid(np.concatenate([original, reconstructed]), ncols=2, ax=left,
                     title=f"image {index}  |  {size}")
    names = [str(name) for name in errors]
    colours = ["tab:orange" if name == size else "tab:blue" for name in errors]
    right.bar(names, list(errors.values()), color=colours)
    right.set_ylabel("squared error")
    right.set_title("this image, every model")
    right.tick_params(axis="x", labelsize=8, labelrotation=30)
    fig.tight_layout()
    text = f"test image {index}: squared error <b>{errors[size]:.2f}</b> with {size} (sum over pixels)"
    return fig, text


def reconstruction_explorer(images, reconstructions):
    """A slider for the image and a choice of model over ``reconstruction_view``."""
    controls = {
        "index": W.IntSlider(description="test image", min=0, max=len(images) - 1, value=0, continuous_update=False),
        "size": _choice("model", list(reconstructions), list(reconstructions)[0]),
    }
    return LiveFigure(lambda **values: reconstruction_view(images, reconstructions, **values), controls)


def denoising_view(images, denoisers, noise, model, seed=0):
    """Corrupt ``images`` with Gaussian noise of standard deviation ``noise`` (clipped to [0, 1]) and
    clean them with ``denoisers[model]``, a function from a batch of images to its reconstructions.

    Draws three rows (clean, noisy, denoised) and returns ``(figure, text)`` with the mean
    squared error per image of the noisy and of the denoised images against the clean ones.
    """
    from . import data

    if model not in denoisers:
        raise KeyError(f"No denoiser named {model!r}; there are {list(denoisers)}.")
    images = np.asarray(images, dtype=np.float32)
    noisy = data.add_gaussian_noise(images, noise, seed=seed)
    cleaned = np.asarray(denoisers[model](noisy)).reshape(images.shape)
    noisy_error = _squared_errors(images, noisy).mean()
    cleaned_error = _squared_errors(images, cleaned).mean()
    fig = plots.image_rows({"clean": images, f"noise σ = {noise:g}": noisy, "denoised": cleaned}, n=len(images),
                           title=f"denoised by: {model}")
    text = (
        f"squared error per image against the clean digits: noisy input {noisy_error:.1f}, "
        f"denoised <b>{cleaned_error:.1f}</b>"
    )
    return fig, text


def denoising_explorer(images, denoisers, noise_levels=(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)):
    """A noise-level slider and a choice of denoiser over ``denoising_view``."""
    controls = {
        "noise": _choice("input noise σ", list(noise_levels), noise_levels[len(noise_levels) // 2]),
        "model": W.Dropdown(description="denoiser", options=list(denoisers), style={"description_width": "initial"}),
    }
    return LiveFigure(lambda **values: denoising_view(images, denoisers, **values), controls)


# Notebook 04: reconstructions of several models by code size -----------------------------------


def compare_reconstructions_view(originals, reconstructions, errors, k):
    """The same images reconstructed by every model that has a code of size ``k``.

    ``reconstructions[model][k]`` holds a model's reconstructions of ``originals`` (same shape)
    and ``errors[model][k]`` its error on the whole test set; models without size ``k`` are
    left out. Returns ``(figure, text)``.
    """
    rows = {"original": originals}
    rows.update({f"{model}, K = {k}": by_k[k] for model, by_k in reconstructions.items() if k in by_k})
    fig = plots.image_rows(rows, n=len(originals))
    text = f"K = {k}, test error per image: " + ", ".join(
        f"{model} <b>{by_k[k]:.2f}</b>" for model, by_k in errors.items() if k in by_k
    )
    return fig, text


def compare_reconstructions(originals, reconstructions, errors, k_choices, k):
    """A slider over the code sizes ``k_choices`` for ``compare_reconstructions_view``."""
    controls = {"k": _choice("code size K", list(k_choices), k)}
    return LiveFigure(
        lambda **values: compare_reconstructions_view(originals, reconstructions, errors, **values), controls
    )


# Notebook 05: CNN arithmetic: an architecture designer -----------------------------------------


def architecture_view(size, depth, layers_text):
    """Every layer's volume and parameter count for a ``size`` x ``size`` x ``depth`` input and
    the layers written in ``layers_text`` (one per line, see ``helpers.cnn.parse_layers``).

    Layers that do not fit are flagged in words, never by a traceback. Returns
    ``(figure, text)``: bars of neurons and parameters per layer, and the table as HTML.
    """
    import html

    from . import cnn

    try:
        layers = cnn.parse_layers(layers_text)
        rows = cnn.volume_table((size, size, depth), layers, strict=False)
    except ValueError as err:
        fig, ax = plt.subplots(figsize=(8, 1))
        ax.set_axis_off()
        ax.text(0.0, 0.5, "cannot read the layers (see the message above)", va="center")
        return fig, f"<b>Cannot read the layers.</b> {html.escape(str(err))}"
    names = [f"{i} {row['layer']}" for i, row in enumerate(rows)]
    bad = [row["shape"] is None for row in rows]
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.32 * len(rows) + 1.2), sharey=True, layout="constrained")
    for ax, key, title in ((axes[0], "neurons", "neurons (output volume)"), (axes[1], "params", "parameters")):
        values = [0 if b else row[key] for row, b in zip(rows, bad)]
        colours = ["tab:red" if b else "tab:blue" for b in bad]
        ax.barh(range(len(rows)), [max(v, 0.5) for v in values], color=colours)
        ax.set_xscale("log")
        ax.set_title(title)
        for i, (v, b) in enumerate(zip(values, bad)):
            ax.text(1, i, " does not fit" if b and not rows[i]["error"].startswith("not computed") else
                    ("" if b else f" {v:,d}"), va="center", fontsize=8, color="tab:red" if b else "black")
    axes[0].set_yticks(range(len(rows)), names, fontsize=8)
    axes[0].invert_yaxis()
    table = f"<pre style='font-size:11px'>{html.escape(cnn.format_table(rows))}</pre>"
    failing = [(i, row) for i, row in enumerate(rows) if row["error"] and not row["error"].startswith("not computed")]
    if failing:
        i, row = failing[0]
        verdict = f"<b>Layer {i} ({html.escape(row['layer'])}) does not fit.</b> {html.escape(row['error'])}"
    else:
        out = "x".join(map(str, rows[-1]["shape"]))
        verdict = (f"<b>All {len(layers)} layers fit</b>: output {out}, "
                   f"{sum(r['params'] for r in rows):,d} parameters "
                   f"({sum(r['params_unshared'] for r in rows):,d} without sharing).")
    return fig, verdict + table


def architecture_designer(layers_text, size=32, depth=3):
    """An input-size slider, a depth choice and an editable list of layers over ``architecture_view``."""
    controls = {
        "size": W.IntSlider(description="input size", min=4, max=256, value=size, continuous_update=False),
        "depth": W.Dropdown(description="depth", options=[1, 3], value=depth, layout=W.Layout(width="140px")),
        "layers_text": W.Textarea(description="layers", value=layers_text, continuous_update=False,
                                  layout=W.Layout(width="300px", height="180px")),
    }
    return LiveFigure(architecture_view, controls)


# Notebook 07: variational autoencoders: decode a point of a 2-d latent space ----------------------


def latent_decoder_view(decode, codes, labels, z1, z2, digit, neighbours=25):
    """Decode the point (z1, z2) of a 2-d latent space and say which class it falls in.

    ``decode(z)`` maps codes (n, 2) to images (n, 784) or (n, 28, 28) with values in [0, 1];
    ``codes`` (m, 2) and integer ``labels`` (m,) are the codes of labelled images (the test set),
    drawn as a scatter with the class ``digit`` highlighted. The class of the point is the
    majority label among its ``neighbours`` nearest codes. Returns ``(figure, text)``.
    """
    codes = np.asarray(codes, dtype=np.float64)
    labels = np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2 or len(codes) != len(labels) or len(codes) == 0:
        raise ValueError(
            f"latent_decoder_view needs codes of shape (m, 2) and labels of shape (m,), m >= 1, "
            f"got {codes.shape} and {labels.shape}: pass the 2-d codes of the test images and their labels."
        )
    image = np.asarray(decode(np.array([[z1, z2]], dtype=np.float32)), dtype=np.float64)
    if image.size != 784:
        raise ValueError(f"decode must turn one 2-d code into one 28x28 image, got an array of shape {image.shape}.")
    near = np.argsort(np.sum((codes - [z1, z2]) ** 2, axis=1))[: min(neighbours, len(codes))]
    votes = np.bincount(labels[near].astype(int), minlength=10)
    winner = int(np.argmax(votes))
    share = votes[winner] / len(near)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.8), gridspec_kw={"width_ratios": [1.4, 1]})
    mine = labels == digit
    left.scatter(codes[~mine, 0], codes[~mine, 1], s=3, color="0.8", linewidths=0, label="other digits")
    left.scatter(codes[mine, 0], codes[mine, 1], s=3, color="C0", linewidths=0, label=f"test codes of {digit}s")
    left.plot([z1], [z2], "x", color="C3", markersize=12, markeredgewidth=3, label="decoded point")
    left.set(xlabel="$z_1$", ylabel="$z_2$", title="latent space (test codes)")
    left.legend(fontsize=8, loc="upper right", markerscale=2)
    right.imshow(image.reshape(28, 28), cmap="gray", vmin=0.0, vmax=1.0)
    right.set_axis_off()
    right.set_title(f"decoded at ({z1:.2f}, {z2:.2f})")
    fig.tight_layout()
    verdict = "inside" if winner == digit else "outside"
    text = (
        f"(z1, z2) = ({z1:.2f}, {z2:.2f}) falls among the <b>{winner}s</b> "
        f"({share:.0%} of its {len(near)} nearest test codes): {verdict} the region of the {digit}s"
    )
    return fig, text


def latent_decoder(decode, codes, labels, digit=3, limit=3.0):
    """Sliders z1 and z2 (from -limit to limit) and a digit to highlight, over ``latent_decoder_view``.

    The sliders start at the centre of the chosen digit's codes.
    """
    codes = np.asarray(codes, dtype=np.float64)
    labels = np.asarray(labels)
    start = np.clip(np.median(codes[labels == digit], axis=0), -limit, limit) if np.any(labels == digit) else (0, 0)

    def slider(name, value):
        return W.FloatSlider(description=name, min=-limit, max=limit, step=0.05, value=round(float(value), 2),
                             continuous_update=False, layout=W.Layout(width="260px"))

    controls = {
        "z1": slider("z1", start[0]),
        "z2": slider("z2", start[1]),
        "digit": W.Dropdown(description="digit", options=list(range(10)), value=digit, layout=W.Layout(width="140px")),
    }
    return LiveFigure(lambda **values: latent_decoder_view(decode, codes, labels, **values), controls)


# Notebook 06: recurrent cells: gate activations and state over a sequence ---------------------


def gate_view(sequence, runs, cell, t):
    """A cell's gates and state over the first ``t`` steps of one input ``sequence`` (T, d).

    ``runs[cell]`` is ``{"h": (T, n) hidden states, "trace": {gate or state name: (T, n)}}``,
    as the notebook's ``run_cell`` returns them for one sequence; it may also hold ``"label"``,
    a line about that run (its prediction, say). Gates are drawn on [0, 1], ``tanh`` values and
    states on [-1, 1] (a cell state c on its own symmetric range). Returns ``(figure, text)``.
    """
    if cell not in runs:
        raise ValueError(f"no run for cell {cell!r}: choose one of {list(runs)}")
    sequence = np.asarray(sequence)
    if sequence.ndim != 2:
        raise ValueError(f"sequence must be one sequence of shape (T, d), got shape {sequence.shape}")
    length = sequence.shape[0]
    if not 1 <= t <= length:
        raise ValueError(f"t must be a step from 1 to {length}, got {t}")
    run = runs[cell]
    panels = {"input x": sequence, **run["trace"], "hidden state h": run["h"]}
    for name, values in panels.items():
        if np.shape(values)[0] != length:
            raise ValueError(f"{name!r} of {cell!r} has {np.shape(values)[0]} steps, the sequence {length}")
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 1.1 * len(panels) + 0.6), sharex=True)
    axes = np.atleast_1d(axes)
    for ax, (name, values) in zip(axes, panels.items()):
        shown = np.array(values, dtype=np.float64).T  # rows: units (or input channels), columns: steps
        shown[:, t:] = np.nan
        if name == "input x":
            limits, cmap = (float(np.min(sequence)), float(np.max(sequence)) or 1.0), "gray_r"
        elif "gate" in name:
            limits, cmap = (0.0, 1.0), "viridis"
        elif name.startswith("cell state"):
            top = float(np.max(np.abs(values))) or 1.0
            limits, cmap = (-top, top), "RdBu_r"
        else:
            limits, cmap = (-1.0, 1.0), "RdBu_r"
        image = ax.imshow(shown, aspect="auto", interpolation="nearest", cmap=cmap, vmin=limits[0], vmax=limits[1],
                          extent=(0.5, length + 0.5, shown.shape[0] - 0.5, -0.5))
        ax.axvline(t, color="tab:red", lw=1)
        ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
        ax.set_yticks([])
        ax.grid(False)
        fig.colorbar(image, ax=ax, pad=0.01, fraction=0.03)
    axes[-1].set_xlabel("time step t")
    fig.suptitle(f"{cell}: steps 1 to {t} of {length}")
    fig.tight_layout()
    means = ", ".join(f"{name} {float(np.mean(values[t - 1])):.2f}" for name, values in run["trace"].items()
                      if "gate" in name)
    text = f"<b>{cell}</b>, step {t} of {length}: " + (f"mean {means}; " if means else "no gates; ")
    text += f"|h| = {float(np.linalg.norm(run['h'][t - 1])):.2f}"
    if run.get("label"):
        text += f". {run['label']}"
    return fig, text


def gate_explorer(sequence, runs, cell=None, t=None):
    """A choice of cell and a time slider over ``gate_view``: watch the gates as the sequence runs."""
    length = np.shape(sequence)[0]
    controls = {
        "cell": W.Dropdown(description="cell", options=list(runs), value=cell or list(runs)[0]),
        "t": W.IntSlider(description="time step t", min=1, max=length, value=t or length, continuous_update=False),
    }
    return LiveFigure(lambda **values: gate_view(sequence, runs, **values), controls)
