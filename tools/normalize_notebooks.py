"""Normalize notebooks so that re-executing one shows in ``git diff`` only as what really changed.

    python tools/normalize_notebooks.py notebooks/04_*.ipynb   # normalize in place
    python tools/normalize_notebooks.py --check                # every lecture; exit 1 if one is not normalized

Outputs stay. What goes or becomes stable:

* each cell's ``execution`` metadata (start and end timestamps of the run) is dropped;
* widget model ids, random at every run, are renumbered in the order the notebook first
  mentions them (``0000...0001``, ``0000...0002``, ...), in the outputs and in the saved widget
  state alike, so an unchanged widget keeps its id;
* the JSON is written as nbformat writes it (one-space indent, sorted keys).

Run by ``tools/execute.py`` after every execution; ``make lint`` checks it.
"""

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

from common import notebook_paths

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def stable_id(number):
    return f"{number:032x}"


def model_order(cells, state):
    """The widget model ids of ``state`` in a order that does not depend on the ids themselves:
    as the outputs show them, then the models each one refers to (breadth first), then any others
    by their content."""
    ids = re.compile("|".join(map(re.escape, state)))

    def mentioned(thing):
        return [m.group(0) for m in ids.finditer(json.dumps(thing, sort_keys=True))]

    order, queue = [], mentioned(cells)
    while queue:
        model_id = queue.pop(0)
        if model_id not in order:
            order.append(model_id)
            queue += mentioned(state[model_id])
    rest = sorted((m for m in state if m not in order), key=lambda m: ids.sub("", json.dumps(state[m], sort_keys=True)))
    return order + rest


def normalized(nb):
    """A normalized copy of the notebook ``nb`` (an nbformat node); ``nb`` is left alone."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # a deep copy
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if state:
        renumbered = {old: stable_id(i + 1) for i, old in enumerate(model_order(nb.cells, state))}
        pattern = re.compile("|".join(map(re.escape, renumbered)))
        raw = pattern.sub(lambda m: renumbered[m.group(0)], json.dumps(nb))
        nb = nbformat.from_dict(json.loads(raw))
    return nb


def as_text(nb):
    return nbformat.writes(nb) + "\n"


def normalize(path, check=False):
    """Normalize one notebook in place (or only compare with ``check``); True if it was normalized already."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    wanted = as_text(normalized(nbformat.reads(text, as_version=4)))
    if text == wanted:
        return True
    if not check:
        path.write_text(wanted, encoding="utf-8")
    return False


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: every lecture)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook is not normalized")
    args = parser.parse_args(argv)
    stale = [path for path in (args.notebooks or notebook_paths()) if not normalize(path, check=args.check)]
    for path in stale:
        if args.check:
            print(f"{path}: not normalized (run: python tools/normalize_notebooks.py {path})")
        else:
            print(f"{path}: normalized")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
