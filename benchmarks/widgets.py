"""How long each widget of the course takes to answer a control, measured in the kernel.

    python benchmarks/widgets.py                       # every notebook, fast mode
    python benchmarks/widgets.py notebooks/06_*.ipynb  # chosen notebooks

Each notebook runs on a copy in a fresh kernel in fast mode (with the full run's widget data
when ``data/demo-cache`` holds it, as in a live demo); then every control of every widget is
moved to new values, one at a time, and the time from the new value to the new picture is
taken (the widget's ``last_seconds``: drawing the figure and encoding it; a revisited state is
instant and is not counted). A widget that trains the next settings in the background (01's
playground) is given the pause a lecturer makes between two moves: each move waits until that
training is done, and the table says how long the longest such pause was. The browser adds the
transfer and the decoding of the image on top (``tests/test_browser.py`` measures that end to
end). Prints a table and writes ``benchmarks/widgets.md``. Timings on a shared machine are
noisy: compare within one run.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.config import machine_description, notebook_paths

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "widgets.md"
CELL_TIMEOUT_S = 1800
"""A cell that runs longer than this in fast mode has hung (a lost kernel message, say): the run stops with an error."""
LIMIT_S = 0.5
"""What a widget should take to answer a control on 2 cores."""

# Run in the notebook's kernel after its last cell: move every control of every widget to new values.
MEASURE = r"""
import gc as _gc, json as _json, time as _time
import ipywidgets as _W
from helpers import live as _live

def _new_values(control):
    if isinstance(control, (_W.Dropdown, _W.SelectionSlider)):
        values = list(control._options_values)
    elif isinstance(control, (_W.IntSlider, _W.FloatSlider)):
        values = [control.min, control.max, type(control.value)((control.min + control.max) / 2)]
    else:
        return []
    return [v for v in values if v != control.value][:4]

_rows = []
for _figure in [o for o in _gc.get_objects() if isinstance(o, _live.LiveFigure)]:
    for _name, _control in _figure.controls.items():
        _start = _control.value
        for _value in _new_values(_control):
            _pause = _time.perf_counter()
            if hasattr(_figure.render, "settle"):  # a lecturer's pause, while the widget trains ahead
                _figure.render.settle()
            _pause = _time.perf_counter() - _pause
            try:
                _control.value = _value
                _rows.append({"control": _name, "value": str(_value), "seconds": _figure.last_seconds,
                              "pause": _pause})
            except Exception as _err:  # a widget that fails is reported, not timed
                _rows.append({"control": _name, "value": str(_value), "seconds": None,
                              "error": f"{type(_err).__name__}: {_err}"})
        try:
            _control.value = _start
        except Exception:
            pass
print(_json.dumps(_rows))
"""


def measure(path):
    """Run one notebook (fast mode) and time its widgets: a list of dicts (control, value, seconds)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(MEASURE))
    os.environ["COURSE_FAST"] = "1"
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs if out.get("name") == "stdout")
    return json.loads(text.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    lines = ["| notebook | control | updates | median | slowest (value) | under 0.5 s |", "|---|---|---|---|---|---|"]
    for path in [p.resolve() for p in args.notebooks] or notebook_paths():
        rows = measure(path)
        by_control = {}
        for row in rows:
            by_control.setdefault(row["control"], []).append(row)
        for control, moves in by_control.items():
            failed = [move for move in moves if move["seconds"] is None]
            timed = [move for move in moves if move["seconds"] is not None]
            if not timed:
                error = failed[0]["error"][:80]
                lines.append(f"| `{path.stem}` | {control} | {len(moves)} | - | - | failed: {error} |")
                continue
            seconds = sorted(move["seconds"] for move in timed)
            slowest = max(timed, key=lambda move: move["seconds"])
            under = sum(s < LIMIT_S for s in seconds)
            note = f"; {len(failed)} failed: {failed[0]['error'][:60]}" if failed else ""
            pause = max(move.get("pause", 0.0) for move in timed)
            note += f" (after pauses of up to {pause:.1f} s, while it trained ahead)" if pause >= 0.05 else ""
            lines.append(f"| `{path.stem}` | {control} | {len(moves)} | {seconds[len(seconds) // 2]:.2f} s | "
                         f"{slowest['seconds']:.2f} s ({slowest['value']}) | {under} of {len(timed)}{note} |")
        print(f"{path.name}: {len(rows)} updates timed", file=sys.stderr, flush=True)
    lines += ["", f"Seconds from a control's new value to the widget's new picture, in the kernel (fast mode, first "
                  f"visit of each state; the browser adds the image's transfer). Machine: {machine_description()}, "
                  f"{platform.system()} {platform.machine()}, Python {platform.python_version()}; written by "
                  f"`python benchmarks/widgets.py` on {time.strftime('%Y-%m-%d')}."]
    text = "\n".join(lines)
    print(text)
    args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
