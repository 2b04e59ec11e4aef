"""helpers.config: fast/full mode, where data lives, seeds, run time."""

import importlib
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest

import helpers
from helpers import config


@pytest.fixture
def restore_rcparams():
    """setup() changes the global plot style; put it back afterwards."""
    with mpl.rc_context():
        yield


@pytest.fixture
def reload_config(monkeypatch):
    """Re-import helpers.config under a given COURSE_FAST; the original module state is restored after the test."""

    def load(value):
        if value is None:
            monkeypatch.delenv("COURSE_FAST", raising=False)
        else:
            monkeypatch.setenv("COURSE_FAST", value)
        return importlib.reload(config)

    yield load
    monkeypatch.undo()
    importlib.reload(config)


# pick() and the mode --------------------------------------------------------------------------


@pytest.mark.parametrize("fast, expected, name", [(True, 1, "fast"), (False, 30, "full")])
def test_pick_follows_fast_flag(monkeypatch, fast, expected, name):
    monkeypatch.setattr(config, "FAST", fast)
    assert config.pick(full=30, fast=1) == expected
    assert helpers.pick(full=30, fast=1) == expected  # the name notebooks import
    assert config.mode_name() == name


def test_pick_needs_keywords():
    with pytest.raises(TypeError):
        config.pick(30, 1)


@pytest.mark.parametrize("value", [None, "", "0", "false", "FALSE", "no", " No "])
def test_course_fast_off(reload_config, value):
    assert reload_config(value).FAST is False


@pytest.mark.parametrize("value", ["1", "yes", "true", "on"])
def test_course_fast_on(reload_config, value):
    assert reload_config(value).FAST is True


# course_data_dir() ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   "])
def test_course_data_dir_unset_is_none(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    else:
        monkeypatch.setenv("COURSE_DATA_DIR", value)
    assert config.course_data_dir() is None


def test_course_data_dir_absolute_path_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert config.course_data_dir() == tmp_path


def test_course_data_dir_relative_path_from_repo_root(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # the working directory must not matter (notebooks run in notebooks/)
    monkeypatch.setenv("COURSE_DATA_DIR", "../shared/data")
    got = config.course_data_dir()
    assert got.is_absolute()
    assert got == (config.REPO_ROOT.parent / "shared" / "data").resolve()


def test_course_data_dir_expands_home(monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", "~/mnist")
    assert config.course_data_dir() == Path.home() / "mnist"


def test_repo_root_and_data_dir():
    assert (config.REPO_ROOT / "helpers" / "config.py").is_file()
    assert config.DATA_DIR == config.REPO_ROOT / "data"


# setup() ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fast, name", [(True, "fast"), (False, "full")])
def test_setup_returns_generator_and_prints_mode(monkeypatch, capsys, restore_rcparams, fast, name):
    monkeypatch.setattr(config, "FAST", fast)
    rng = config.setup(7)
    assert isinstance(rng, np.random.Generator)
    np.testing.assert_array_equal(rng.random(5), np.random.default_rng(7).random(5))
    out = capsys.readouterr().out
    assert f"Course mode: {name}" in out
    assert "seed 7" in out


def test_setup_sets_plot_style(restore_rcparams, capsys):
    config.setup(0)
    assert mpl.rcParams["figure.dpi"] == 80
    assert mpl.rcParams["image.cmap"] == "gray"


def _numpy_and_python_draws():
    return np.random.rand(3).tolist(), [random.random() for _ in range(3)]  # noqa: NPY002  (the legacy global generator)


def test_setup_makes_numpy_and_python_random_reproducible(restore_rcparams, capsys):
    config.setup(3)
    first = _numpy_and_python_draws()
    config.setup(3)
    assert _numpy_and_python_draws() == first
    config.setup(4)
    assert _numpy_and_python_draws() != first


def test_setup_makes_keras_layer_init_reproducible(restore_rcparams, capsys):
    keras = pytest.importorskip("keras")

    def dense_kernel():
        layer = keras.layers.Dense(4)
        layer.build((None, 3))
        return layer.get_weights()[0]

    config.setup(3)
    first = dense_kernel()
    config.setup(3)
    np.testing.assert_array_equal(dense_kernel(), first)
    config.setup(4)
    assert not np.array_equal(dense_kernel(), first)


def test_setup_makes_unseeded_keras_random_reproducible(restore_rcparams, capsys):
    """keras.random.* with seed=None (e.g. a VAE's sampling step) must repeat after setup(seed)."""
    keras = pytest.importorskip("keras")

    def draws():
        return keras.ops.convert_to_numpy(keras.random.normal((4,))), random.random()

    config.setup(3)
    first_normal, first_python = draws()
    config.setup(3)
    second_normal, second_python = draws()
    np.testing.assert_array_equal(second_normal, first_normal)
    assert second_python == first_python


# report_run_time() ------------------------------------------------------------------------------


def test_report_run_time_prints_minutes(capsys):
    config.report_run_time()
    out = capsys.readouterr().out
    assert re.search(rf"Run time in {config.mode_name()} mode: \d+ min \d+ s \(\d+ CPU cores?", out), out


def test_machine_description_names_cores_and_processor(tmp_path):
    n = config.usable_cores()
    cores = f"{n} CPU core{'s' if n != 1 else ''}"
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: Example  CPU 9000\n")
    assert config.machine_description(cpuinfo) == f"{cores}, Example CPU 9000"
    # without /proc/cpuinfo (macOS, Windows) the processor comes from platform, or is left out
    described = config.machine_description(tmp_path / "missing")
    assert described == cores or described.startswith(f"{cores}, ")


# helpers before TensorFlow ------------------------------------------------------------------------


def test_warns_when_tensorflow_came_before_helpers(monkeypatch):
    for name in config.TENSORFLOW_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    with pytest.warns(UserWarning, match="TensorFlow was imported before helpers.*Restart the kernel"):
        assert config.warn_if_tensorflow_came_first({"tensorflow": object()})


def test_no_warning_when_helpers_came_first_or_settings_are_there(monkeypatch, recwarn):
    assert not config.warn_if_tensorflow_came_first({})  # TensorFlow not imported yet
    for name, value in config.TENSORFLOW_SETTINGS.items():
        monkeypatch.setenv(name, value)
    assert not config.warn_if_tensorflow_came_first({"tensorflow": object()})
    assert not [w for w in recwarn if "TensorFlow was imported" in str(w.message)]


# record_figure() ----------------------------------------------------------------------------------


def test_record_figure_prints_outside_a_kernel(capsys):
    config.record_figure("test accuracy", 0.9812, unit="%", bar=0.98)
    out = capsys.readouterr().out
    assert out.startswith("Headline figure, test accuracy: 98.12%") and ">= 98.00%" in out
    config.record_figure("test error", 3.4, bar=3.0, higher_is_better=False)
    out = capsys.readouterr().out
    assert "3.4" in out and "<= 3" in out
    if not config.FAST:
        assert "missed" in out


def test_notebook_paths_are_the_numbered_lectures_in_order():
    paths = config.notebook_paths()
    assert [p.name[:2] for p in paths] == sorted(p.name[:2] for p in paths)
    assert len(paths) >= 7 and all(p.suffix == ".ipynb" and p.parent == config.NOTEBOOK_DIR for p in paths)


# COURSE_PRESENT ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, present", [("1", True), ("", False), ("0", False), ("yes", True)])
def test_present_mode_draws_larger_figures(monkeypatch, value, present):
    monkeypatch.setenv("COURSE_PRESENT", value)
    reloaded = importlib.reload(config)
    try:
        assert reloaded.PRESENT is present
        reloaded.set_plot_style()
        assert mpl.rcParams["font.size"] == (16 if present else 10)
        assert mpl.rcParams["figure.dpi"] == (120 if present else 80)
    finally:
        monkeypatch.delenv("COURSE_PRESENT")
        importlib.reload(config).set_plot_style()


def test_importing_helpers_loads_tensorflow_without_its_start_up_notes():
    """TensorFlow's C++ notes (oneDNN is on, absl's warning) bypass its log level: helpers keeps them
    out of a notebook's first output, and a Python error would still show."""
    code = "import helpers, tensorflow as tf; print(float(tf.constant(1.0) + 1))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "TF_ENABLE_ONEDNN_OPTS": "1"})
    assert done.stdout.strip() == "2.0"
    assert "oneDNN" not in done.stderr and "InitializeLog" not in done.stderr, done.stderr


def test_tensorflow_retracing_notice_is_dropped_and_other_messages_kept():
    import logging

    tensorflow_logger = logging.getLogger("tensorflow")
    assert any(isinstance(f, config.ExpectedRetracingFilter) for f in tensorflow_logger.filters)

    def record(message):
        return logging.LogRecord("tensorflow", logging.WARNING, __file__, 1, message, None, None)

    notice = "5 out of the last 23 calls to <function f> triggered tf.function retracing. Tracing is expensive"
    assert not tensorflow_logger.filter(record(notice))
    assert tensorflow_logger.filter(record("Gradients do not exist for variables ['kernel'] when minimizing the loss."))
