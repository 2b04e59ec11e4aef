"""helpers.live: controls wired to a figure and a status line."""

import ipywidgets as W
import matplotlib.pyplot as plt
import pytest

from helpers import live


class FakeRender:
    """Records every call; returns a small figure and a line of text naming the values."""

    def __init__(self):
        self.calls = []

    def __call__(self, **values):
        self.calls.append(values)
        fig, ax = plt.subplots(figsize=(1, 1))
        ax.plot([0, values["n"]])
        return fig, f"n is {values['n']}, mode {values['mode']}"


@pytest.fixture
def live_figure():
    render = FakeRender()
    controls = {"n": W.IntSlider(value=3, min=0, max=10), "mode": W.Dropdown(options=["a", "b"], value="a")}
    return live.LiveFigure(render, controls), render, controls


def test_live_figure_renders_once_when_built(live_figure):
    figure, render, _ = live_figure
    assert render.calls == [{"n": 3, "mode": "a"}]
    assert figure.last_text == "n is 3, mode a"
    assert figure.status.value == "n is 3, mode a"
    assert figure.values() == {"n": 3, "mode": "a"}


def test_live_figure_rerenders_when_a_control_changes(live_figure):
    figure, render, controls = live_figure
    controls["n"].value = 7
    assert render.calls[-1] == {"n": 7, "mode": "a"}
    assert figure.status.value == figure.last_text == "n is 7, mode a"
    controls["mode"].value = "b"
    assert render.calls[-1] == {"n": 7, "mode": "b"}
    assert figure.status.value == "n is 7, mode b"
    assert len(render.calls) == 3


def test_live_figure_closes_its_figures(live_figure):
    figure, _, controls = live_figure
    controls["n"].value = 1
    assert plt.get_fignums() == []  # no figures pile up during a demo


def test_live_figure_layout(live_figure):
    figure, _, controls = live_figure
    assert isinstance(figure.widget, W.VBox)
    row, status, output = figure.widget.children
    assert list(row.children) == list(controls.values())
    assert status is figure.status and output is figure.output
