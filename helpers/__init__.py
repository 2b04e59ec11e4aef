"""The course's helpers: a small shared core and one module per lecture.

The core: ``config`` (fast or full mode, seeds, plot style), ``data`` (verified MNIST and small
data sets), ``plots`` (figures), ``checking`` (the verdict of an exercise check) and ``live``
(the plumbing of the widgets). Each lecture has its own module with its checks, widgets and
reusable pieces: ``mlp`` (01), ``training`` (02), ``autoencoders`` (03), ``pca`` (04),
``cnn`` (05), ``rnn`` (06), ``variational`` (07), ``gan`` (08). A notebook starts with::

    from helpers import data, pick, plots, report_run_time, setup  # before TensorFlow
    from helpers import cnn  # the lecture's own module
    rng = setup()
"""

from . import config, data, plots
from .config import FAST, pick, record_figure, report_run_time, setup
from .data import load_mnist

__all__ = ["FAST", "config", "data", "load_mnist", "pick", "plots", "record_figure", "report_run_time", "setup"]
