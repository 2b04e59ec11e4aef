"""The live-figure plumbing shared by every lecture's widgets.

A widget's logic lives in a plain function that returns a figure and a line of text (in the
lecture's own module); ``LiveFigure`` only wires controls to it, so both can be tested headless."""

import datetime
import json
import os
import time

import ipywidgets as W
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
from IPython.core.pylabtools import print_figure
from IPython.display import clear_output, display

from . import config, plots

STATIC_NOTE = "A picture of this widget's first state: run the notebook's cells to move its controls."
"""The line under a widget's static picture, which readers see before the notebook runs."""


def picture(fig, note="", tight=True):
    """``fig`` as a notebook shows it: ``(mime bundle, metadata)`` with its PNG and text description.

    ``note``, if given, is written in small print under the figure (and kept out of ``fig``).
    ``tight`` crops the picture to what is drawn (the notebook's way, which draws the figure twice);
    a figure laid out once for all its states is encoded as it is with ``tight=False``, in half the time."""
    description = plots.describe(fig)
    footnote = fig.text(0.5, -0.02, note, ha="center", va="top", fontsize=8, color="0.35") if note else None
    png = print_figure(fig, "png", bbox_inches="tight" if tight or note else None)
    if footnote is not None:
        footnote.remove()
        description = f"{description} ({note})" if description else note
    return {"image/png": png, "text/plain": description or "a figure"}, {"image/png": {"alt": description}}


class FigureView:
    """A widget view that builds its figure once and then only moves what the controls change.

    Drawing a figure from scratch (axes, colour bars, layout) takes most of a widget's answer;
    changing the data of artists that already exist does not. A subclass defines
    ``layout(**values)``, a key that is the same for states drawn in the same figure (say the
    number of panels), ``build(**values) -> (figure, artists)`` to make such a figure, laid out
    for good, and ``show(figure, artists, **values) -> text`` to put a state into it. Calling the
    view with the controls' values returns ``(figure, text)``, like a plain view function, so
    ``LiveFigure`` takes either. Figures are made with ``matplotlib.figure.Figure``, outside
    pyplot, so no notebook cell displays them by accident.
    """

    def __init__(self):
        self._built = {}

    def __call__(self, **values):
        key = self.layout(**values)
        if key not in self._built:
            fig, artists = self.build(**values)
            fig.draw_without_rendering()  # lays the figure out (a constrained layout, say) ...
            fig.set_layout_engine(None)  # ... for good: no layout pass before each later drawing
            self._built[key] = fig, artists
        fig, artists = self._built[key]
        return fig, self.show(fig, artists, **values)

    def layout(self, **values):
        return None

    def answered(self, **values):
        """Called by ``LiveFigure`` once the picture of ``values`` is on screen: a view may use the
        pause until the next move (the playground trains ahead). Does nothing here."""

    @staticmethod
    def freeze_ticks(fig):
        """Fix every axis' ticks where they are now: for figures whose limits never change, this
        spares the tick search that otherwise takes half of each drawing."""
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                axis.set_major_locator(mticker.FixedLocator(axis.get_majorticklocs()))
                axis.set_minor_locator(mticker.FixedLocator(axis.get_minorticklocs()))

    def build(self, **values):
        raise NotImplementedError

    def show(self, fig, artists, **values):
        raise NotImplementedError


class LiveFigure:
    """Controls in, a figure and a status line out.

    ``render(**values)`` receives the current value of every control (by name) and returns
    ``(figure, text)``. The figure is redrawn when a control changes (each state is drawn once and
    remembered, so going back to it is instant); ``status`` shows the text, ``last_text`` keeps
    it and ``last_seconds`` the time the last update took, for tests. The output keeps a fixed
    height (that of the first figure), so the page below does not jump as the controls move.

    Displayed, it leaves the live widget and, for readers whose notebook has not run (or cannot
    run widgets), a static picture of its first state.
    """

    def __init__(self, render, controls):
        self.render = render
        self.controls = dict(controls)
        self.status = W.HTML(layout=W.Layout(min_height="2.6em"))
        self.output = W.Output()
        self.last_text = ""
        self.last_seconds = 0.0
        self._drawn = {}
        for control in self.controls.values():
            control.observe(self.update, names="value")
        self.widget = W.VBox([W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
                              self.status, self.output])
        self._tight = not isinstance(render, FigureView)
        fig, text = self.render(**self.values())
        self.first_picture = picture(fig, STATIC_NOTE)
        self._drawn[self._key()] = (picture(fig, tight=self._tight), text)
        self.output.layout.min_height = f"{round(fig.get_size_inches()[1] * fig.dpi) + 10}px"
        plt.close(fig)
        self.update()

    def values(self):
        return {name: control.value for name, control in self.controls.items()}

    def _key(self):
        return tuple(self.values().items())

    def update(self, change=None):
        start = time.perf_counter()
        key = self._key()
        if key not in self._drawn:
            fig, text = self.render(**self.values())
            self._drawn[key] = (picture(fig, tight=self._tight), text)
            plt.close(fig)
        (bundle, metadata), text = self._drawn[key]
        self.last_text = text
        self.status.value = text
        with self.output:
            clear_output(wait=True)
            display(bundle, raw=True, metadata=metadata)
        self.last_seconds = time.perf_counter() - start
        if isinstance(self.render, FigureView):
            self.render.answered(**self.values())

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The widget's view, with the static picture for front ends that cannot show it."""
        bundle, metadata = self.first_picture
        view = {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}
        return {"application/vnd.jupyter.widget-view+json": view, **bundle}, metadata


def choice_slider(description, options, value):
    """A slider over a fixed list of values that redraws when released."""
    return W.SelectionSlider(
        description=description,
        options=options,
        value=value,
        continuous_update=False,
        style={"description_width": "initial"},
        layout=W.Layout(width="240px"),
    )


# The data a widget shows, cached by a full run for fast-mode demos ----------------------------------

_KEY_TYPES = {"i": int, "f": float, "s": str}
_EMPTY = "e:"
"""The last part of a path that stands for an empty dict (which has no leaves to store)."""


def _flatten(data, prefix=""):
    """Nested dicts of arrays, numbers and strings -> {path: array}; a path keeps each key's type."""
    flat = {}
    for key, value in data.items():
        kind = "i" if isinstance(key, (int, np.integer)) else "f" if isinstance(key, float) else "s"
        if kind == "s" and not isinstance(key, str):
            raise TypeError(f"widget data keys must be str, int or float, got {key!r}")
        if "/" in str(key) or ":" in str(key):
            raise ValueError(f"widget data keys may not contain '/' or ':', got {key!r}")
        path = f"{prefix}{kind}:{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, path + "/") if value else {f"{path}/{_EMPTY}": np.zeros(0)})
        else:
            flat[path] = np.asarray(value)
    return flat


def _unflatten(flat):
    data = {}
    for path, value in flat.items():
        node = data
        parts = path.split("/")
        *parents, leaf = [(_KEY_TYPES[part[0]])(part[2:]) for part in parts if part != _EMPTY]
        for key in parents:
            node = node.setdefault(key, {})
        if parts[-1] == _EMPTY:
            node.setdefault(leaf, {})
            continue
        node[leaf] = str(value) if value.dtype.kind == "U" else value.item() if value.ndim == 0 else value
    return data


def _is_cache(path):
    try:
        with np.load(path, allow_pickle=False) as saved:
            return "__stamp__" in saved.files
    except (OSError, ValueError):
        return False


def cache_stamp():
    """What a cached widget's data must have been made with to be used: the seed and the versions."""
    import keras
    import tensorflow as tf

    return {"seed": config.SEED, "numpy": np.__version__, "tensorflow": tf.__version__, "keras": keras.__version__}


def widget_data(name, compute):
    """The data (nested dicts of arrays) a widget shows, from the full-mode models when possible.

    In full mode ``compute()`` makes it and it is saved as ``<demo cache>/<name>.npz`` (see
    ``config.demo_cache_dir``), stamped with the seed and versions. In fast mode that file is used
    when its stamp matches this run; otherwise ``compute()`` makes it from the fast run's small models
    and a line says that the demo is an approximation. Prints one line either way.
    """
    path = config.demo_cache_dir() / f"{name}.npz"
    stamp = cache_stamp()
    if not config.FAST:
        data = compute()
        if path.exists() and not _is_cache(path):
            print(f"Widget data not saved: {path} is not a file the course wrote, so it is left as it is.")
            return data
        path.parent.mkdir(parents=True, exist_ok=True)
        saved = {**stamp, "saved": datetime.date.today().isoformat()}
        partial = path.with_name(f"{name}.partial.npz")
        np.savez_compressed(partial, **_flatten(data), __stamp__=np.array(json.dumps(saved)))
        os.replace(partial, path)
        print(f"Widget data saved to {path} for demos in fast mode.")
        return data
    problem = "no full run has saved it yet"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as saved:
                flat = {key: saved[key] for key in saved.files}
            saved_stamp = json.loads(str(flat.pop("__stamp__")))
            different = [f"{key} {saved_stamp.get(key)} (now {value})" for key, value in stamp.items()
                         if saved_stamp.get(key) != value]
            if not different:
                print(f"Fast mode, but this widget shows the full run's models (saved {saved_stamp['saved']} "
                      f"in {path}).")
                return _unflatten(flat)
            problem = f"the full run's data in {path} was made with another " + ", ".join(different)
        except (OSError, ValueError, KeyError) as err:
            problem = f"{path} cannot be read ({err}); a full run of this notebook writes it again"
    print(f"Fast mode: this widget shows this run's small models, a rough sketch of the lecture's picture "
          f"({problem}). Run the notebook once in full mode to see the real one here.")
    return compute()


def weights_of(model):
    """``model``'s weights as widget data, ``{index: array}`` (see ``copy_with_weights``)."""
    return dict(enumerate(model.get_weights()))


def copy_with_weights(model, weights):
    """A copy of the Keras ``model`` (same layers, its own weights) holding ``weights`` (from
    ``weights_of``, perhaps a full run's, cached by ``widget_data``). Weights that do not fit the
    model's layers (another architecture) are not used: the copy keeps ``model``'s, and a line says so."""
    import keras

    copy = keras.models.clone_model(model)
    values = [weights[i] for i in range(len(weights))]
    if [tuple(np.shape(v)) for v in values] != [tuple(w.shape) for w in copy.weights]:
        print("The saved weights do not fit this model's layers (another architecture): the widget uses this run's.")
        values = model.get_weights()
    copy.set_weights(values)
    return copy
