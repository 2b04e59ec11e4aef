"""Run every notebook in fast and in full mode; write a table of run times and headline figures.

    python benchmarks/run_all.py                      # fast mode measured now; full mode read from the
                                                      # committed outputs (which come from real full runs)
    python benchmarks/run_all.py --full run           # also run full mode now (25 to 55 minutes on 2 cores)
    python benchmarks/run_all.py --fast skip          # only read the committed outputs (seconds)
    python benchmarks/run_all.py --fast browser       # fast-mode times from the last browser run, Run All in
                                                      # JupyterLab as a student does (make test-browser)
    python benchmarks/run_all.py --update-readme      # and put the table into README.md
    python benchmarks/run_all.py notebooks/04_*.ipynb # chosen notebooks

Notebooks run on copies in a fresh kernel (nbclient); nothing in notebooks/ changes. The table
goes to stdout and to benchmarks/results.md, and says how each number was obtained. Wall
times on a shared machine are noisy: compare figures taken side by side in one run.
"""

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.config import FIGURE_KEY, machine_description, notebook_paths

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "results.md"
BROWSER_TIMES = REPO_ROOT / "test-output" / "browser"  # run-all-NN.txt, written by tests/test_browser.py
README = REPO_ROOT / "README.md"
README_START, README_END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"

def recorded_figures(nb):
    """What the notebook recorded with ``record_figure`` and ``report_run_time``: a list of dicts
    (label, value, unit, bar, ...) from its outputs' metadata, in order."""
    return [output["metadata"][FIGURE_KEY]
            for cell in nb.cells for output in cell.get("outputs", [])
            if FIGURE_KEY in output.get("metadata", {})]


def shown(figure):
    value, unit = figure["value"], figure.get("unit", "")
    return f"{value:.2%}" if unit == "%" else f"{value:.2f}{(' ' + unit) if unit else ''}"


def headlines(path, nb):
    """(label, value as shown, bar as shown) for each headline figure the notebook recorded."""
    rows = []
    for figure in recorded_figures(nb):
        if figure["label"] == "run time":
            continue
        bar = figure.get("bar")
        bar_shown = "-" if bar is None else ("<= " if not figure.get("higher_is_better", True) else ">= ") + shown(
            {**figure, "value": bar})
        rows.append((figure["label"], shown(figure), bar_shown))
    return rows


def execute(path, fast):
    """Run one notebook on a copy in a fresh kernel; return (wall seconds, the executed notebook)."""
    nb = nbformat.read(path, as_version=4)
    os.environ["COURSE_FAST"] = "1" if fast else ""
    # No cell of the course runs an hour (full mode's longest is about 6 minutes): past that it has hung.
    client = NotebookClient(nb, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, nb


def browser_seconds(path):
    """The fast-mode Run All time of ``path`` in the last browser test, or None."""
    times = BROWSER_TIMES / f"run-all-{path.stem[:2]}.txt"
    if not times.exists():
        return None
    found = re.search(r"Run All in fast mode ([\d.]+) s", times.read_text())
    return float(found.group(1)) if found else None


def minutes(seconds):
    if seconds is None:
        return "-"
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"


def table(rows, fast_how, full_how):
    """A Markdown table: one line per headline figure, run times on each notebook's first line."""
    lines = [
        "| notebook | run time, fast mode | run time, full mode | headline figure | fast mode | full mode | bar |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        full_values = {label: value for label, value, _ in row["full_figures"]}
        fast_values = {label: value for label, value, _ in row["fast_figures"]}
        bars = {label: bar for label, _, bar in row["full_figures"] + row["fast_figures"]}
        figures = list(dict.fromkeys([label for label, _, _ in row["fast_figures"] + row["full_figures"]])) or ["-"]
        for i, label in enumerate(figures):
            first = i == 0
            lines.append(
                f"| {row['name'] if first else ''} | {minutes(row['fast_seconds']) if first else ''} | "
                f"{minutes(row['full_seconds']) if first else ''} | {label} | {fast_values.get(label, '-')} | "
                f"{full_values.get(label, '-')} | {bars.get(label, '-')} |"
            )
    lines += [
        "",
        f"Fast mode (`COURSE_FAST=1`): {fast_how}. Full mode: {full_how}. "
        f"This machine: {machine_description()}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}; written by `python benchmarks/run_all.py` on "
        f"{time.strftime('%Y-%m-%d')}.",
    ]
    return "\n".join(lines)


def update_readme(text):
    readme = README.read_text()
    if README_START not in readme or README_END not in readme:
        raise SystemExit(f"README.md has no {README_START} ... {README_END} block to replace")
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    README.write_text(f"{head}{README_START}\n{text}\n{README_END}{tail}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--fast", choices=["run", "skip", "browser"], default="run",
                        help="run fast mode now (default), not at all, or read its times from the last browser run")
    parser.add_argument("--full", choices=["committed", "run"], default="committed",
                        help="read full mode from the committed outputs (default) or run it now")
    parser.add_argument("--update-readme", action="store_true", help=f"replace the table in {README.name}")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in args.notebooks] or notebook_paths()

    rows, failures, full_machines = [], [], []
    for path in notebooks:
        row = {"name": f"`{path.stem}`", "fast_seconds": None, "fast_figures": [], "full_seconds": None}
        if args.fast == "run":
            try:
                seconds, nb = execute(path, fast=True)
                row.update(fast_seconds=seconds, fast_figures=headlines(path, nb))
                print(f"{path.name}: fast mode {seconds:.0f} s", file=sys.stderr, flush=True)
            except Exception as err:  # one broken notebook must not hide the others' figures
                row.update(fast_figures=[("failed", f"{type(err).__name__}", "-")])
                failures.append(f"{path.name}, fast mode: {type(err).__name__}: {str(err)[-500:]}")
        if args.fast == "browser":
            row.update(fast_seconds=browser_seconds(path))
        if args.full == "run":
            try:
                seconds, nb = execute(path, fast=False)
                print(f"{path.name}: full mode {seconds:.0f} s", file=sys.stderr, flush=True)
            except Exception as err:
                seconds, nb = None, nbformat.v4.new_notebook()
                failures.append(f"{path.name}, full mode: {type(err).__name__}: {str(err)[-500:]}")
        else:
            nb = nbformat.read(path, as_version=4)
            full_runs = [f for f in recorded_figures(nb) if f["label"] == "run time" and f.get("mode") == "full"]
            seconds = full_runs[-1]["value"] if full_runs else None
            if full_runs:
                full_machines.append(full_runs[-1].get("machine", "a machine the run did not record"))
        row.update(full_seconds=seconds, full_figures=headlines(path, nb) if seconds is not None else [])
        rows.append(row)

    fast_how = {"run": "measured now, wall time of a fresh kernel running the whole notebook (start-up included)",
                "skip": "not run",
                "browser": "Run All in JupyterLab in Chromium, from the command to the last cell's end, as measured "
                           "by the last browser test (`make test-browser`, "
                           "`tests/test_browser.py::test_run_all_in_fast_mode`); its headline figures are not read"
                }[args.fast]
    full_how = ("measured now, wall time of a fresh kernel running the whole notebook" if args.full == "run" else
                "read from the committed outputs of the last full run (`make execute`): the run time the notebook "
                "recorded in its last cell and the figures it recorded (`record_figure`); `-` where a "
                "notebook's committed outputs record no full-mode figure (not re-executed since they are recorded); "
                f"measured on {'; '.join(dict.fromkeys(full_machines)) or 'no machine recorded'}")
    text = table(rows, fast_how, full_how)
    print(text)
    args.out.write_text(text + "\n")
    if args.update_readme:
        update_readme(text)
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
