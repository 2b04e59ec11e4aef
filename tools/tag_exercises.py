"""Tag the exercise and solution cells of course notebooks, touching nothing but cell tags.

    python tools/tag_exercises.py notebooks/05_cnn_arithmetic.ipynb     # tag one notebook
    python tools/tag_exercises.py --check notebooks/[0-9]*.ipynb        # report, change nothing

The convention (README, "For instructors"):

* ``exercise``: a code cell with a blank, ``...  # your answer`` (or ``# your code``), and a call
  ``<lecture module>.check_...``;
* ``solution``: the ``## Solutions`` markdown cell at the end of the notebook and the code
  cells after it that hold the answers (all but a last ``report_run_time()`` cell).

``make student`` replaces ``solution`` cells and clears the outputs of ``exercise`` cells. Tags
already present are kept (so an author can tag a cell by hand that these rules would miss);
sources, outputs, execution counts and all other metadata stay as they are.
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

BLANK = re.compile(r"\.\.\.\s*#\s*your (answer|code)")
CHECK_CALL = re.compile(r"\b\w+\.check_\w+\(")
SOLUTIONS_HEADING = re.compile(r"^#{1,3}\s*Solutions\b", re.MULTILINE)


def is_exercise(cell):
    return cell.cell_type == "code" and bool(BLANK.search(cell.source)) and bool(CHECK_CALL.search(cell.source))


def solution_indices(cells):
    """The ``## Solutions`` markdown cell and the code cells that follow it, but the run-time cell."""
    heading = None
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown" and SOLUTIONS_HEADING.search(cell.source):
            heading = i
    if heading is None:
        return []
    found = [heading]
    for i in range(heading + 1, len(cells)):
        source = cells[i].source.strip()
        if cells[i].cell_type == "code" and source and source != "report_run_time()":
            found.append(i)
    return found


def wanted_tags(nb):
    """{cell index: tags to add} by the rules above."""
    wanted = {i: {"exercise"} for i, cell in enumerate(nb.cells) if is_exercise(cell)}
    for i in solution_indices(nb.cells):
        wanted.setdefault(i, set()).add("solution")
    return wanted


def tag(path, check=False):
    """Add the missing tags to one notebook; return a list of (cell index, tag) added (or to add)."""
    nb = nbformat.read(path, as_version=4)
    added = []
    for i, tags in sorted(wanted_tags(nb).items()):
        present = nb.cells[i].metadata.get("tags", [])
        missing = [t for t in sorted(tags) if t not in present]
        if missing:
            nb.cells[i].metadata["tags"] = [*present, *missing]
            added += [(i, t) for t in missing]
    if added and not check:
        nbformat.write(nb, path)
    return added


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report what is missing; exit 1 if anything is")
    args = parser.parse_args(argv)
    missing_any = False
    for path in args.notebooks:
        added = tag(path, check=args.check)
        nb = nbformat.read(path, as_version=4)
        counts = {t: sum(t in c.metadata.get("tags", []) for c in nb.cells) for t in ("exercise", "solution")}
        verb = "missing" if args.check else "added"
        print(f"{path.name}: {verb} {len(added)} tag(s) {added or ''}; now {counts['exercise']} exercise, "
              f"{counts['solution']} solution cell(s)")
        missing_any |= bool(added)
        if not counts["solution"]:
            print(f"  warning: {path.name} has no solution cell (no '## Solutions' heading)", file=sys.stderr)
    return 1 if args.check and missing_any else 0


if __name__ == "__main__":
    sys.exit(main())
