"""Execute notebooks in a fresh kernel and print how long each one takes.

    python benchmarks/notebook_run_times.py                 # every notebook, fast and full mode
    python benchmarks/notebook_run_times.py --mode fast     # only fast mode
    python benchmarks/notebook_run_times.py notebooks/01_perceptron_mlp_backprop.ipynb

Notebooks run on copies; nothing in notebooks/ changes. Timings on a shared machine are
noisy: compare figures taken side by side in one run.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_time_line(nb):
    """The 'Run time in ... mode' line the notebook printed at its end, if any."""
    for cell in reversed(nb.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if "Run time in" in text:
                return text.strip()
    return ""


def execute(path, fast):
    """Run one notebook in a fresh kernel; return (wall seconds, the executed notebook)."""
    nb = nbformat.read(path, as_version=4)
    os.environ["COURSE_FAST"] = "1" if fast else ""
    client = NotebookClient(nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, nb


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--mode", choices=["fast", "full", "both"], default="both")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted((REPO_ROOT / "notebooks").glob("[0-9]*.ipynb"))
    modes = ["fast", "full"] if args.mode == "both" else [args.mode]
    print(f"{'notebook':42s} {'mode':5s} {'wall time':>10s}   notebook's own figure")
    for path in notebooks:
        for mode in modes:
            seconds, nb = execute(path.resolve(), fast=(mode == "fast"))
            print(f"{path.name:42s} {mode:5s} {seconds:8.1f} s   {run_time_line(nb)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
