"""Course-wide settings: fast or full mode, seeds, plot style, where data lives.

Every notebook starts with ``setup()`` and picks its sizes with ``pick(full=..., fast=...)``,
so that one switch, the environment variable ``COURSE_FAST=1``, shrinks data sets and epochs
for CI and leaves the full run unchanged for students.
"""

import os
import random
import time
from pathlib import Path

# Import helpers before TensorFlow: this keeps TensorFlow's C++ start-up messages out of the
# notebooks (real errors still show) and turns off oneDNN's reordered floating-point sums,
# so that a run repeats to the last digit.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402  (after the environment is set for TensorFlow)

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The top of the course repository (helpers is installed in editable mode)."""

DATA_DIR = REPO_ROOT / "data"
"""Where downloaded data is cached (git-ignored)."""

FAST = os.environ.get("COURSE_FAST", "").strip().lower() not in {"", "0", "false", "no"}
"""True when ``COURSE_FAST`` is set to anything but empty, 0, false or no."""

_start_time = time.perf_counter()


def pick(*, full, fast):
    """Return ``fast`` in fast mode (``COURSE_FAST=1``) and ``full`` otherwise.

    >>> EPOCHS = pick(full=30, fast=1)
    """
    return fast if FAST else full


def mode_name():
    """'fast' or 'full'."""
    return "fast" if FAST else "full"


def course_data_dir():
    """The folder named by ``COURSE_DATA_DIR``, or None when it is unset.

    A relative path is taken from the repository root, so that it means the same in a
    notebook kernel (which runs in ``notebooks/``) as in a shell at the top of the repo.
    """
    value = os.environ.get("COURSE_DATA_DIR", "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else (REPO_ROOT / path).resolve()


def seed_everything(seed=0):
    """Seed Python's ``random``, NumPy's global generator and Keras (and its backend).

    Keras' global state is cleared first, so that rerunning a notebook's setup cell in the same
    kernel repeats unseeded ``keras.random`` draws and layer names as well.
    """
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002  (code that still uses the global generator)


def setup(seed=0):
    """Start a notebook: seed everything, set the plot style, print the mode.

    Returns a ``numpy.random.Generator`` seeded with ``seed`` for the notebook's own draws.
    """
    global _start_time
    _start_time = time.perf_counter()
    seed_everything(seed)
    set_plot_style()
    how = "COURSE_FAST=1: small subsets, few epochs" if FAST else "unset COURSE_FAST: full data and epochs"
    print(f"Course mode: {mode_name()} ({how}); seed {seed}")
    return np.random.default_rng(seed)


def set_plot_style():
    """Small, readable PNG figures (a notebook stays a few MB at most)."""
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.dpi": 80,
            "figure.figsize": (6.0, 4.0),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": "gray",
            "font.size": 10,
        }
    )


def elapsed_seconds():
    """Seconds since ``setup()`` was called (or since helpers was imported)."""
    return time.perf_counter() - _start_time


def report_run_time():
    """Print how long the notebook took, for the last cell of every notebook."""
    minutes, seconds = divmod(elapsed_seconds(), 60)
    print(f"Run time in {mode_name()} mode: {int(minutes)} min {seconds:.0f} s")
