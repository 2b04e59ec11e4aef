"""The course's shared helpers: data, plots, widgets and exercise checks.

Notebooks start with::

    from helpers import checks, data, plots, widgets
    from helpers import FAST, pick, setup
    rng = setup()
"""

from . import checks, config, data, plots, widgets
from .config import FAST, pick, report_run_time, setup
from .data import load_mnist

__all__ = ["FAST", "checks", "config", "data", "load_mnist", "pick", "plots", "report_run_time", "setup", "widgets"]
