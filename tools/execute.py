"""Re-execute lecture notebooks in place, top to bottom in a fresh kernel, to refresh their outputs.

    python tools/execute.py                    # every lecture, full mode
    python tools/execute.py notebooks/04_*.ipynb --limit 900

A notebook is written back only when its run succeeded: a cell that raises, or a run that
goes past its time limit (a hung kernel, or a machine too slow), leaves the committed notebook
as it was and ends with a message that says which notebook and why. The result is normalized
(``tools/normalize_notebooks.py``), and its slowest cells are listed with their times. The mode
is whatever ``COURSE_FAST`` says (full when unset), as for a student.
"""

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from normalize_notebooks import as_text, normalized

from common import notebook_paths

DEFAULT_LIMIT = 15 * 60  # seconds per notebook; full mode aims at 10 minutes on 2 cores
SLOWEST = 8  # cells listed after each run, slowest first: where the time goes


class RunTooLong(Exception):
    """The notebook's run went past its time limit."""


def execute(path, limit, cell_seconds=None):
    """Run the notebook at ``path`` in a fresh kernel within ``limit`` seconds; return the executed notebook.

    ``cell_seconds``, a list, receives ``(seconds, index, first line)`` for every code cell."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=limit, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    deadline = time.monotonic() + limit
    with client.setup_kernel():
        info = client.wait_for_reply(client.kc.kernel_info())
        if info is not None and "language_info" in info["content"]:
            nb.metadata["language_info"] = info["content"]["language_info"]
        for index, cell in enumerate(nb.cells):
            left = deadline - time.monotonic()
            if left <= 0:
                raise RunTooLong(f"cell {index} was not reached")
            client.timeout = max(1, int(left))
            started = time.monotonic()
            client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            if cell.cell_type == "code" and cell_seconds is not None:
                first = next((line for line in cell.source.splitlines() if line.strip()), "")
                cell_seconds.append((time.monotonic() - started, index, first[:70]))
        client.set_widgets_metadata()
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: every lecture)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="seconds per notebook (default: 900)")
    args = parser.parse_args(argv)
    if args.limit <= 0:
        parser.error("--limit must be a positive number of seconds")
    notebooks = args.notebooks or notebook_paths()
    missing = [str(path) for path in notebooks if not Path(path).is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    for path in notebooks:
        start = time.monotonic()
        print(f"{path}: running (at most {args.limit} s) ...", flush=True)
        cell_seconds = []
        try:
            nb = execute(path, args.limit, cell_seconds)
        except (CellTimeoutError, RunTooLong) as err:
            print(f"error: {path} did not finish within {args.limit} s ({err.__class__.__name__}: {str(err)[:200]}); "
                  "the kernel was stopped and the notebook left as it was. A hung kernel: run it again; a slow "
                  "machine: raise --limit.", file=sys.stderr)
            return 1
        except (CellExecutionError, DeadKernelError) as err:
            print(f"error: {path} failed and was left as it was:\n{str(err)[-3000:]}", file=sys.stderr)
            return 1
        Path(path).write_text(as_text(normalized(nb)), encoding="utf-8")
        print(f"{path}: done in {time.monotonic() - start:.0f} s; its slowest cells:", flush=True)
        for seconds, index, first in sorted(cell_seconds, reverse=True)[:SLOWEST]:
            print(f"  {seconds:7.1f} s  cell {index:3d}  {first}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
