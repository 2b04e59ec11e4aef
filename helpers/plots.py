"""Figures the notebooks share. Each function draws on ``ax`` when given one (else on a new
figure) and returns the figure, so figures can be composed and tested headless."""

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

# Ten classes told apart by marker as well as by colour; the colours are Okabe and Ito's palette for
# colour-blind readers (eight; its black is kept), then grey and purple.
CLASS_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#999999",
                 "#6A3D9A")
CLASS_MARKERS = ("o", "s", "^", "v", "D", "P", "X", "*", "<", ">")


def caption(fig, text):
    """Give ``fig`` a caption for readers who cannot see it (the alt text of its image on the site).

    Without one, a figure is described by its titles and axis labels (``describe``).
    """
    fig.course_caption = " ".join(str(text).split())
    return fig


def describe(fig):
    """A short text description of ``fig``: its caption, else each axis' title, or what drew on it
    (``image_rows``), or its labels."""
    if getattr(fig, "course_caption", ""):
        return fig.course_caption
    parts = []
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    if suptitle:
        parts.append(suptitle)
    for ax in fig.axes:
        title = " ".join(t.get_text() for t in (ax.title, ax._left_title, ax._right_title) if t.get_text())
        if title:
            parts.append(title)
        elif getattr(ax, "course_description", ""):
            parts.append(ax.course_description)
        elif ax.get_xlabel() or ax.get_ylabel():
            parts.append(f"{ax.get_ylabel() or 'a quantity'} against {ax.get_xlabel() or 'an index'}")
    text = "; ".join(dict.fromkeys(" ".join(part.split()) for part in parts))
    return f"Figure: {text}" if text else ""


def _figure_and_axes(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _as_images(images, image_shape):
    """(n, h, w) or (n, h*w) to (n, h, w); ``image_shape`` is needed for flat rows that are not square."""
    images = np.asarray(images, dtype=np.float64)
    if images.ndim == 3:
        return images
    if images.ndim != 2:
        raise ValueError(f"Expected images of shape (n, h, w) or (n, h*w), got shape {images.shape}.")
    if image_shape is None:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(
                f"Rows of length {images.shape[1]} are not square images: pass image_shape=(h, w)."
            )
        image_shape = (side, side)
    if np.prod(image_shape) != images.shape[1]:
        raise ValueError(f"image_shape {image_shape} does not hold rows of length {images.shape[1]}.")
    return images.reshape(len(images), *image_shape)


def tile_images(images, ncols=10, pad=1, image_shape=None, pad_value=1.0):
    """Arrange images into one mosaic array with ``ncols`` columns and ``pad`` pixels between."""
    images = _as_images(images, image_shape)
    n, h, w = images.shape
    if n == 0:
        raise ValueError("No images to tile.")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    mosaic = np.full((nrows * (h + pad) - pad, ncols * (w + pad) - pad), pad_value)
    for i, img in enumerate(images):
        r, c = divmod(i, ncols)
        mosaic[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = img
    return mosaic


def image_grid(images, ncols=10, title=None, ax=None, image_shape=None, vmin=0.0, vmax=1.0, cmap="gray"):
    """Images (n, h, w) or flat rows (n, h*w) in a grid of ``ncols`` columns."""
    images = _as_images(images, image_shape)
    n, h, w = images.shape
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, ax = _figure_and_axes(ax, figsize=(0.6 * ncols * w / 28 + 0.4, 0.6 * nrows * h / 28 + 0.5))
    cmap = plt.get_cmap(cmap).with_extremes(bad="white")  # white gaps between images, whatever the colour map
    ax.imshow(tile_images(images, ncols, pad_value=np.nan), cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig


def reconstructions(originals, reconstructed, n=10, title=None, ax=None, image_shape=None):
    """Originals in the top row, their reconstructions in the row below."""
    originals = _as_images(originals, image_shape)[:n]
    reconstructed = _as_images(reconstructed, image_shape)[:n]
    if originals.shape != reconstructed.shape:
        raise ValueError(
            f"Originals {originals.shape} and reconstructions {reconstructed.shape} differ in shape."
        )
    both = np.concatenate([originals, reconstructed])
    return image_grid(both, ncols=len(originals), title=title or "top: originals, bottom: reconstructions", ax=ax)


def weight_tiles(weights, image_shape=(28, 28), ncols=10, title=None, ax=None):
    """Each hidden unit's incoming weights as an image.

    ``weights`` has shape (n_hidden, n_inputs) (a row per unit, as W in z = W x + b) with
    n_inputs = h * w. Each tile is scaled to its own range, so the pattern shows, not the size.
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2 or weights.shape[1] != np.prod(image_shape):
        raise ValueError(
            f"weight_tiles expects shape (n_hidden, {np.prod(image_shape)}) for images of "
            f"{image_shape}, got {weights.shape}. A Keras Dense kernel is (n_inputs, n_hidden): pass kernel.T."
        )
    low = weights.min(axis=1, keepdims=True)
    span = np.ptp(weights, axis=1, keepdims=True)
    scaled = (weights - low) / np.where(span > 0, span, 1.0)
    title = title or f"incoming weights of {len(weights)} hidden units"
    return image_grid(scaled, ncols=ncols, title=title, ax=ax, image_shape=image_shape)


def learning_curves(curves, xlabel="epoch", ylabel="loss", title=None, logy=False, ax=None):
    """One line per named series: ``curves`` maps a label to a sequence of values."""
    if not curves:
        raise ValueError("learning_curves needs at least one named series.")
    fig, ax = _figure_and_axes(ax, figsize=(5.5, 3.5))
    for label, values in curves.items():
        values = np.asarray(values, dtype=np.float64)
        ax.plot(np.arange(1, len(values) + 1), values, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if logy:
        ax.set_yscale("log")
    ax.legend()
    if title:
        ax.set_title(title)
    return fig


def region_grid(X, resolution=200, margin=0.25):
    """The plane around the points ``X`` (n, 2) as ``decision_regions`` colours it: the grid points
    (resolution**2, 2), row by row from the bottom, and the extent (x0, x1, y0, y1)."""
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    return np.column_stack([gx.ravel(), gy.ravel()]), (x0, x1, y0, y1)


def decision_regions(predict, X, y, resolution=200, margin=0.25, title=None, ax=None):
    """Colour the plane by the class ``predict`` gives each point and scatter the data on top.

    ``predict`` maps points of shape (n, 2) to integer classes of shape (n,); ``X`` has shape
    (n, 2) and ``y`` integer labels of shape (n,). The regions are one image, ``ax.images[0]``
    (resolution x resolution classes over ``region_grid``), which a widget may recolour.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) != len(y):
        raise ValueError(f"decision_regions needs X of shape (n, 2) and y of shape (n,), got {X.shape} and {y.shape}.")
    fig, ax = _figure_and_axes(ax, figsize=(4.5, 4.5))
    grid, extent = region_grid(X, resolution, margin)
    classes = np.asarray(predict(grid)).astype(int).reshape(resolution, resolution)
    ax.imshow(classes, origin="lower", extent=extent, cmap=mpl.colors.ListedColormap(CLASS_COLOURS), vmin=-0.5,
              vmax=9.5, alpha=0.3, interpolation="nearest", aspect="auto", zorder=0)
    for label in np.unique(y):
        mine = y == label
        k = int(label) % 10
        ax.scatter(X[mine, 0], X[mine, 1], color=CLASS_COLOURS[k], marker=CLASS_MARKERS[k], s=12, edgecolors="k",
                   linewidths=0.3)
    ax.set_xlim(extent[:2])
    ax.set_ylim(extent[2:])
    ax.set_aspect("equal")
    ax.grid(False)
    if title:
        ax.set_title(title)
    return fig


# Notebook 03: rows of images with labels, 2-d codes ------------------------------------------


def image_rows(rows, n=10, title=None, ax=None, image_shape=None, vmin=0.0, vmax=1.0, cmap="gray"):
    """Several rows of images, one per entry of ``rows``, each named at its left.

    ``rows`` maps a label (say "original", "h = 32") to images (k, h, w) or flat rows
    (k, h*w); the first ``n`` of each are drawn. Every row must hold at least ``n`` images
    (or all rows the same number, when there are fewer than ``n``).
    """
    if not rows:
        raise ValueError("image_rows needs at least one named row of images.")
    arrays = [_as_images(images, image_shape) for images in rows.values()]
    n = min(n, min(len(a) for a in arrays))
    if n == 0:
        raise ValueError("Every row needs at least one image.")
    shapes = {a.shape[1:] for a in arrays}
    if len(shapes) > 1:
        raise ValueError(f"All rows must hold images of one shape, got {sorted(shapes)}.")
    h, w = arrays[0].shape[1:]
    both = np.concatenate([a[:n] for a in arrays])
    own_figure = ax is None
    fig, ax = _figure_and_axes(ax, figsize=(0.6 * n * w / 28 + 1.4, 0.6 * len(arrays) * h / 28 + 0.5))
    pad = 1
    ax.imshow(tile_images(both, ncols=n, pad=pad, pad_value=vmax), cmap=cmap, vmin=vmin, vmax=vmax,
              interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([r * (h + pad) + (h - 1) / 2 for r in range(len(arrays))], [str(label) for label in rows])
    ax.tick_params(axis="y", length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title)
    ax.course_description = f"rows of {n} images: " + ", ".join(str(label) for label in rows)  # for describe()
    if own_figure:
        fig.tight_layout()  # room for the row labels
    return fig


def latent_scatter(codes, labels, title=None, ax=None, size=4, alpha=0.6):
    """Two-dimensional codes (n, 2) as points by their integer labels (n,), with a legend: each
    class has its own marker and a colour safe for colour-blind readers."""
    codes = np.asarray(codes, dtype=np.float64)
    labels = np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2 or len(codes) != len(labels):
        raise ValueError(
            f"latent_scatter needs codes of shape (n, 2) and labels of shape (n,), "
            f"got {codes.shape} and {labels.shape}."
        )
    fig, ax = _figure_and_axes(ax, figsize=(5.0, 4.5))
    for label in np.unique(labels):
        mine = labels == label
        k = int(label) % 10
        ax.scatter(codes[mine, 0], codes[mine, 1], s=size, alpha=alpha, color=CLASS_COLOURS[k],
                   marker=CLASS_MARKERS[k], label=str(label), linewidths=0)
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.legend(markerscale=3, fontsize=8, loc="best", ncol=2, framealpha=0.8)
    if title:
        ax.set_title(title)
    return fig


def filter_positions(w, f, s=1, p=0, ax=None):
    """The positions of an ``f``-wide filter sliding with stride ``s`` along one row of ``w``
    pixels padded by ``p`` zeros on each side: one bracket per output pixel, the padding grey.
    A last position that would hang over the edge (the configuration does not fit) is red."""
    span = w + 2 * p
    if min(w, f, s) < 1 or p < 0 or f > span:
        raise ValueError(f"Need w, f, s >= 1, p >= 0 and f <= w + 2p, got w={w}, f={f}, s={s}, p={p}.")
    starts = list(range(0, span - f + 1, s))
    overhang = starts[-1] + s if (span - f) % s else None
    fig, ax = _figure_and_axes(ax, figsize=(0.45 * (span + 2) + 1, 0.35 * (len(starts) + 3) + 0.4))
    for i in range(span):
        padding = i < p or i >= p + w
        ax.add_patch(plt.Rectangle((i, 0), 1, 1, facecolor="0.85" if padding else "white", edgecolor="black"))
        ax.text(i + 0.5, 0.5, "0" if padding else str(i - p + 1), ha="center", va="center", fontsize=8)
    levels = [(start, "tab:blue") for start in starts] + ([(overhang, "tab:red")] if overhang is not None else [])
    for level, (start, colour) in enumerate(levels, start=1):
        ax.plot([start + 0.1, start + f - 0.1], [level + 0.5] * 2, color=colour, lw=4, solid_capstyle="butt")
    ax.set_xlim(-0.5, max(span, (overhang or 0) + f) + 0.5)
    ax.set_ylim(-0.3, len(levels) + 1.2)
    ax.set_axis_off()
    fits = overhang is None
    ax.set_title(f"w={w}, f={f}, s={s}, p={p}: (w - f + 2p)/s + 1 = {(span - f) / s + 1:g}"
                 + ("" if fits else " (does not fit)"), fontsize=9, color="black" if fits else "tab:red")
    return fig
