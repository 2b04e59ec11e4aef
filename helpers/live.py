"""The live-figure plumbing shared by every lecture's widgets.

A widget's logic lives in a plain function that returns a figure and a line of text (in the
lecture's own module); ``LiveFigure`` only wires controls to it, so both can be tested headless."""


import ipywidgets as W
import matplotlib.pyplot as plt
from IPython.display import clear_output, display


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
