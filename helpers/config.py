"""Course-wide settings: fast or full mode, seeds, plot style, where data lives.

Every notebook starts with ``setup()`` and picks its sizes with ``pick(full=..., fast=...)``,
so that one switch, the environment variable ``COURSE_FAST=1``, shrinks data sets and epochs
for CI and leaves the full run unchanged for students.
"""

import contextlib
import logging
import os
import platform
import random
import sys
import time
import warnings
from pathlib import Path

# Import helpers before TensorFlow: this keeps TensorFlow's C++ start-up messages out of the
# notebooks (real errors still show) and keeps oneDNN's kernels on (benchmarks/onednn.md: on a
# 2-core CPU they train a CNN 1.4 and an LSTM 1.5 times as fast, and two runs still repeat to the
# last digit). TensorFlow reads these once, when it is imported; a value set outside wins.
TENSORFLOW_SETTINGS = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "1"}


def warn_if_tensorflow_came_first(modules=None):
    """Warn when TensorFlow was imported before helpers: its settings above came too late.

    Returns True when it warned. ``modules`` defaults to ``sys.modules``.
    """
    modules = sys.modules if modules is None else modules
    if "tensorflow" not in modules:
        return False
    late = [name for name, value in TENSORFLOW_SETTINGS.items() if os.environ.get(name) is None]
    if not late:
        return False
    warnings.warn(
        "TensorFlow was imported before helpers, so these settings came too late: "
        + ", ".join(f"{name}={TENSORFLOW_SETTINGS[name]}" for name in late)
        + ". Restart the kernel and run the setup cell (which imports helpers) before anything "
        "that imports TensorFlow or Keras.",
        stacklevel=3,
    )
    return True


@contextlib.contextmanager
def native_stderr_silenced():
    """Send what C++ code writes straight to file descriptor 2 to /dev/null for a while.

    TensorFlow's start-up notes (oneDNN is on, absl's "before InitializeLog" warning) bypass
    ``TF_CPP_MIN_LOG_LEVEL`` and would fill every notebook's first output; Python exceptions still
    show. Where descriptor 2 cannot be redirected, this does nothing."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class ExpectedRetracingFilter(logging.Filter):
    """Drop TensorFlow's notice that a function was traced again, keep every other message.

    With ``steps_per_execution`` > 1 (Keras hands TensorFlow several minibatches per call), the
    last, shorter group of minibatches of a ``fit``, ``evaluate`` or ``predict`` runs through a trace
    of its own. TensorFlow counts those traces and, after a few models, warns of "retracing", which
    here is expected and costs a fraction of a second; in a notebook it would only confuse."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


logging.getLogger("tensorflow").addFilter(ExpectedRetracingFilter())
warn_if_tensorflow_came_first()
for _name, _value in TENSORFLOW_SETTINGS.items():
    os.environ.setdefault(_name, _value)
if "tensorflow" not in sys.modules:
    with native_stderr_silenced():
        try:
            import tensorflow  # noqa: F401  (loaded here, quietly, with the settings above)
        except Exception:  # noqa: BLE001  (missing or broken: said where it is used, and by helpers.doctor)
            pass

import numpy as np  # noqa: E402  (after the environment is set for TensorFlow)

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The top of the course repository (helpers is installed in editable mode)."""

DATA_DIR = REPO_ROOT / "data"
"""Where downloaded data is cached (git-ignored)."""

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
"""The lectures, ``NN_topic.ipynb``."""


def notebook_paths():
    """Every lecture notebook, ``notebooks/NN_*.ipynb``, in order: the one list of notebooks
    (tools, tests, benchmarks and the Makefile all discover it from the folder)."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))

FAST = os.environ.get("COURSE_FAST", "").strip().lower() not in {"", "0", "false", "no"}
"""True when ``COURSE_FAST`` is set to anything but empty, 0, false or no."""

PRESENT = os.environ.get("COURSE_PRESENT", "").strip().lower() not in {"", "0", "false", "no"}
"""True when ``COURSE_PRESENT`` is set: figures drawn for a projector (larger fonts, sharper)."""

SEED = 0
"""The seed the notebook's ``setup`` was called with (0 until then)."""

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


def demo_cache_dir():
    """Where a full run leaves the data its widgets show, for fast-mode demos: ``data/demo-cache``,
    or the folder ``COURSE_DEMO_CACHE`` names (a relative path is taken from the repository root)."""
    value = os.environ.get("COURSE_DEMO_CACHE", "").strip()
    if not value:
        return DATA_DIR / "demo-cache"
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
    global _start_time, SEED
    _start_time = time.perf_counter()
    SEED = seed
    seed_everything(seed)
    set_plot_style()
    describe_figures_in_outputs()
    how = "COURSE_FAST=1: small subsets, few epochs" if FAST else "unset COURSE_FAST: full data and epochs"
    print(f"Course mode: {mode_name()} ({how}); seed {seed}")
    print(device_line())
    return np.random.default_rng(seed)


def device_line():
    """One line saying where TensorFlow computes: the GPU's name when it sees one, else the CPU cores.

    TensorFlow is imported here, inside the function, so that the settings at the top of this
    module are in place before it loads.
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        try:
            name = tf.config.experimental.get_device_details(gpus[0]).get("device_name") or gpus[0].name
        except Exception:  # the name is a courtesy; that a GPU is there is what matters
            name = gpus[0].name
        more = f" (and {len(gpus) - 1} more)" if len(gpus) > 1 else ""
        return f"Device: GPU {name}{more}"
    cores = usable_cores()
    return f"Device: CPU, {cores} core{'s' if cores != 1 else ''} (TensorFlow sees no GPU)"


def usable_cores():
    """The CPU cores this process may run on (fewer than the machine has when a container or a
    JupyterHub pins it to some)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def set_plot_style():
    """Small, readable PNG figures (a notebook stays a few MB at most); with ``COURSE_PRESENT=1``,
    figures for a projector: 16-point fonts instead of 10, at 120 dpi instead of 80."""
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.dpi": 120 if PRESENT else 80,
            "figure.figsize": (6.0, 4.0),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": "gray",
            "font.size": 16 if PRESENT else 10,
        }
    )


def describe_figures_in_outputs():
    """In a notebook, give every figure's PNG output a text description in its metadata
    (``alt``: the figure's caption or titles, see ``plots.describe``), which the course's site
    shows as the image's alternative text. Outside a kernel this does nothing."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from . import plots

    plt.close(plt.figure())  # pyplot loads its backend at the first figure: the inline one registers its PNG formatter
    png = shell.display_formatter.formatters["image/png"]
    try:
        draw = png.lookup_by_type(Figure)
    except KeyError:  # another backend: figures are not shown as PNG
        return
    draw = getattr(draw, "course_draw", draw)  # the inline backend's own function, once wrapped

    def png_with_description(fig):
        data = draw(fig)
        return (data, {"alt": plots.describe(fig)}) if data is not None else None

    png_with_description.course_draw = draw
    png.for_type(Figure, png_with_description)


def elapsed_seconds():
    """Seconds since ``setup()`` was called (or since helpers was imported)."""
    return time.perf_counter() - _start_time


FIGURE_KEY = "course_figure"
"""The output-metadata key under which ``record_figure`` and ``report_run_time`` leave their values."""


def _publish(text, figure):
    """Show ``text`` and leave ``figure`` (a dict) in the output's metadata, where tools read it."""
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is None:  # a plain Python script: nothing records outputs
        print(text)
    else:
        display({"text/plain": text}, raw=True, metadata={FIGURE_KEY: figure})


def record_figure(label, value, *, unit="", bar=None, higher_is_better=True):
    """Show a lecture's headline figure and record it for the course's benchmark table.

    ``value`` is a number; ``unit`` is appended when shown ("%" shows ``value`` as a
    percentage); ``bar``, when given, is what full mode aims for (fast mode trains too little
    to be judged by it).
    """
    value = float(value)

    def shown(number):
        return f"{number:.2%}" if unit == "%" else f"{number:.4g}{(' ' + unit) if unit else ''}"

    text = f"Headline figure, {label}: {shown(value)}"
    if bar is not None:
        aim = f"{'>=' if higher_is_better else '<='} {shown(bar)}"
        met = value >= bar if higher_is_better else value <= bar
        text += f" (full-mode bar {aim}: {'met' if met else 'missed'})" if not FAST else f" (full-mode bar {aim})"
    _publish(text, {"label": label, "value": value, "unit": unit, "bar": bar, "higher_is_better": higher_is_better,
                    "mode": mode_name()})


def machine_description(cpuinfo=Path("/proc/cpuinfo")):
    """The machine a run time was measured on, e.g. ``"2 CPU cores, AMD EPYC"``: the same code runs
    twice as fast on one processor as on another, so a time means little without it. ``cpuinfo`` is
    where Linux names the processor; elsewhere ``platform`` does."""
    processor = ""
    with contextlib.suppress(OSError):
        for line in Path(cpuinfo).read_text(errors="replace").splitlines():
            if line.startswith("model name") and ":" in line:
                processor = " ".join(line.split(":", 1)[1].split())
                break
    processor = processor or platform.processor() or platform.machine()
    n = usable_cores()
    cores = f"{n} CPU core{'s' if n != 1 else ''}"
    return f"{cores}, {processor}" if processor else cores


def report_run_time():
    """Show how long the notebook took, and on what machine, for the last cell of every notebook
    (and record it)."""
    seconds = elapsed_seconds()
    minutes, rest = divmod(seconds, 60)
    machine = machine_description()
    _publish(f"Run time in {mode_name()} mode: {int(minutes)} min {rest:.0f} s ({machine})",
             {"label": "run time", "value": round(seconds, 1), "unit": "s", "mode": mode_name(), "machine": machine})
