"""Give every cell of the course notebooks its slide type, touching nothing but cell metadata.

    python tools/tag_slides.py                 # every lecture
    python tools/tag_slides.py --check         # report, change nothing; exit 1 if a cell needs a change

The rules, for live slides (JupyterLab's slideshow) and static ones (``make slides``):

* a markdown cell that starts with a ``#`` or ``##`` heading opens a slide; ``###`` a sub-slide;
  other markdown continues the slide it follows;
* a code cell whose outputs show a figure or a widget is a sub-slide of its own: the key figures;
* every other code cell is skipped: plumbing (imports, training loops, printed tables stay in the
  notebook and on the site);
* cells tagged ``solution`` are skipped.

A slide type an author set by hand (``slideshow.course_rule`` absent) is kept.
"""

import argparse
import sys
from pathlib import Path

import nbformat

from common import notebook_paths

VISUAL = ("image/png", "image/jpeg", "image/svg+xml", "application/vnd.jupyter.widget-view+json")


def shows_something(cell):
    return any(mime in output.get("data", {}) for output in cell.get("outputs", []) for mime in VISUAL)


def slide_type(cell):
    """The slide type the rules give ``cell``."""
    if "solution" in cell.metadata.get("tags", []):
        return "skip"
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
        return "-"
    if cell.cell_type == "code" and shows_something(cell):
        return "subslide"
    return "skip"


def tag(path, check=False):
    """Set the slide type of every cell of the notebook at ``path``; return how many cells changed."""
    nb = nbformat.read(path, as_version=4)
    changed = 0
    for cell in nb.cells:
        current = cell.metadata.get("slideshow", {})
        if current and not current.get("course_rule"):
            continue  # set by hand
        wanted = {"slide_type": slide_type(cell), "course_rule": True}
        if current != wanted:
            cell.metadata["slideshow"] = wanted
            changed += 1
    if changed and not check:
        nbformat.write(nb, path)
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: every lecture)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a cell needs a change")
    args = parser.parse_args(argv)
    stale = False
    for path in args.notebooks or notebook_paths():
        changed = tag(path, check=args.check)
        stale |= bool(changed)
        if changed:
            print(f"{path.name}: {changed} cell(s) {'need a slide type' if args.check else 'given their slide type'}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
