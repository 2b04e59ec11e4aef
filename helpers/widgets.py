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
