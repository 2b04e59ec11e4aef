"""helpers.live: controls wired to a figure and a status line."""

import io

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

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


def test_live_figure_draws_each_state_once(live_figure):
    figure, render, controls = live_figure
    controls["n"].value = 7
    controls["n"].value = 3  # back to the first state: remembered, not drawn again
    assert len(render.calls) == 2
    assert figure.last_text == "n is 3, mode a"
    assert figure.last_seconds < 0.5


def test_live_figure_shows_a_static_picture_of_its_first_state(live_figure):
    figure, _, controls = live_figure
    controls["n"].value = 9  # what is shown before running is the first state, whatever happens later
    bundle, metadata = figure._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == figure.widget.model_id
    assert bundle["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert bundle["image/png"] == figure.first_picture[0]["image/png"]
    assert live.STATIC_NOTE in metadata["image/png"]["alt"]
    assert "VBox" not in bundle["text/plain"]


def test_live_figure_keeps_the_height_of_its_first_figure(live_figure):
    figure, _, _ = live_figure
    assert figure.output.layout.min_height == f"{round(1 * plt.rcParams['figure.dpi']) + 10}px"


def test_picture_describes_the_figure_and_leaves_it_unchanged():
    fig, ax = plt.subplots()
    ax.set_title("a line")
    bundle, metadata = live.picture(fig, "run me")
    assert metadata["image/png"]["alt"] == "Figure: a line (run me)"
    assert len(fig.texts) == 0
    plt.close(fig)


# widget_data: a full run's widget data, cached for fast-mode demos ------------------------------------

NESTED = {"images": np.arange(6.0).reshape(2, 3), "runs": {"LSTM": {"h": np.ones((4, 2)), "label": "predicts 7"},
                                                          "RNN": {"h": np.ones((4, 2)), "trace": {}}},
          "by_k": {2: np.zeros(3), 30: np.ones(3)}, "noise": {0.1: np.full(2, 0.5)}, "count": 3}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DEMO_CACHE", str(tmp_path))
    return tmp_path


def computed(calls):
    def compute():
        calls.append(1)
        return NESTED
    return compute


def same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], dict):
            same(a[key], b[key])
        else:
            assert type(a[key]) is type(b[key]) or isinstance(a[key], np.ndarray)
            np.testing.assert_array_equal(a[key], b[key])


def test_a_full_run_saves_widget_data_and_fast_mode_uses_it(cache, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(live.config, "FAST", False)
    assert live.widget_data("demo", computed(calls)) is NESTED
    assert "saved to" in capsys.readouterr().out and (cache / "demo.npz").exists()
    monkeypatch.setattr(live.config, "FAST", True)
    loaded = live.widget_data("demo", computed(calls))
    assert len(calls) == 1  # fast mode did not compute
    assert "full run's models" in capsys.readouterr().out
    same(NESTED, loaded)
    assert isinstance(loaded["runs"]["LSTM"]["label"], str) and isinstance(loaded["count"], int)


def test_fast_mode_without_a_cache_says_the_demo_is_a_sketch(cache, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(live.config, "FAST", True)
    assert live.widget_data("demo", computed(calls)) is NESTED and calls == [1]
    out = capsys.readouterr().out
    assert "rough sketch" in out and "no full run has saved it yet" in out and "full mode" in out


def test_a_cache_from_another_seed_or_version_is_refused(cache, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(live.config, "FAST", False)
    live.widget_data("demo", computed(calls))
    monkeypatch.setattr(live.config, "FAST", True)
    monkeypatch.setattr(live.config, "SEED", 7)
    live.widget_data("demo", computed(calls))
    assert len(calls) == 2 and "seed 0 (now 7)" in capsys.readouterr().out
    monkeypatch.setattr(live.config, "SEED", 0)
    monkeypatch.setattr(live, "cache_stamp", lambda: {"seed": 0, "tensorflow": "9.9"})
    live.widget_data("demo", computed(calls))
    assert len(calls) == 3 and "(now 9.9)" in capsys.readouterr().out


def test_a_corrupt_cache_is_ignored_and_a_foreign_file_is_never_overwritten(cache, monkeypatch, capsys):
    calls = []
    (cache / "demo.npz").write_bytes(b"not a zip file")
    monkeypatch.setattr(live.config, "FAST", True)
    live.widget_data("demo", computed(calls))
    assert len(calls) == 1 and "cannot be read" in capsys.readouterr().out
    monkeypatch.setattr(live.config, "FAST", False)
    live.widget_data("demo", computed(calls))
    assert (cache / "demo.npz").read_bytes() == b"not a zip file"
    assert "left as it is" in capsys.readouterr().out


def test_widget_data_keys_must_round_trip():
    with pytest.raises(ValueError, match="may not contain"):
        live._flatten({"a/b": 1})
    with pytest.raises(TypeError, match="str, int or float"):
        live._flatten({(1, 2): 1})


def test_a_widget_copy_of_a_model_takes_saved_weights_and_refuses_misfits(capsys):
    import keras

    def dense(units):
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(units)])

    model, trained = dense(2), dense(2)
    copy = live.copy_with_weights(model, live.weights_of(trained))
    x = np.ones((1, 3), "float32")
    np.testing.assert_allclose(copy(x), trained(x), rtol=1e-6)
    assert copy is not model and not np.allclose(model(x), copy(x))  # the notebook's own model is untouched
    misfit = live.copy_with_weights(model, live.weights_of(dense(4)))
    assert "do not fit" in capsys.readouterr().out
    np.testing.assert_allclose(misfit(x), model(x), rtol=1e-6)


# FigureView: one figure per layout, its artists moved for each state ------------------------------------


class Bars(live.FigureView):
    """One bar per item of a list; lists of the same length share a figure."""

    def __init__(self):
        super().__init__()
        self.builds = 0

    def layout(self, heights):
        return len(heights)

    def build(self, heights):
        self.builds += 1
        fig = Figure(figsize=(2, 1.5))
        ax = fig.subplots()
        bars = ax.bar(range(len(heights)), np.ones(len(heights)))
        ax.set_ylim(0, 10)
        self.freeze_ticks(fig)
        fig.tight_layout()
        return fig, bars

    def show(self, fig, bars, heights):
        for bar, height in zip(bars, heights):
            bar.set_height(height)
        return f"{len(heights)} bars"


def test_a_figure_view_builds_once_per_layout_and_moves_its_artists():
    view = Bars()
    fig_a, text = view(heights=(1, 2))
    fig_b, _ = view(heights=(5, 3))
    assert fig_a is fig_b and view.builds == 1 and text == "2 bars"
    assert [bar.get_height() for bar in fig_b.axes[0].patches] == [5, 3]
    fig_c, _ = view(heights=(1, 2, 3))
    assert fig_c is not fig_a and view.builds == 2
    assert fig_a.get_layout_engine() is None  # laid out once for good: no layout pass before each drawing
    assert plt.get_fignums() == []  # made outside pyplot: no cell displays it by accident


def test_a_live_figure_over_a_figure_view_draws_every_state_at_one_size():
    from PIL import Image

    options = [(1, 2), (9, 9), (0, 4)]
    controls = {"heights": W.Dropdown(options=[(str(o), o) for o in options], value=options[0])}
    figure = live.LiveFigure(Bars(), controls)
    sizes = set()
    for option in options:
        controls["heights"].value = option
        png = figure._drawn[figure._key()][0][0]["image/png"]
        sizes.add(Image.open(io.BytesIO(png)).size)
    assert sizes == {(2 * plt.rcParams["figure.dpi"], 1.5 * plt.rcParams["figure.dpi"])}  # the whole figure, uncropped
