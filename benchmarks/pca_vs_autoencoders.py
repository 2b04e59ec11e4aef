"""Reproduce notebook 04's table (PCA, linear, shallow and deep autoencoders against Hinton and
Salakhutdinov, 2006) from the command line, by running the notebook itself in a fresh kernel.

    python benchmarks/pca_vs_autoencoders.py            # full mode: all of MNIST, about 15 min on 2 cores
    python benchmarks/pca_vs_autoencoders.py --fast     # fast mode: a minute, numbers far from the paper's

Running the notebook, rather than a copy of its code, keeps one definition of every model.
"""

import argparse
import sys

from run_all import REPO_ROOT, execute, run_time_line

NOTEBOOK = REPO_ROOT / "notebooks" / "04_pca_vs_autoencoders.ipynb"
TABLE_TITLE = "30-d reconstructions of the MNIST test set"


def table_text(nb):
    """The printed table: the output that starts with TABLE_TITLE."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("text", "").startswith(TABLE_TITLE):
                return output["text"].rstrip()
    raise RuntimeError(f"{NOTEBOOK.name} printed no table starting with {TABLE_TITLE!r}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fast", action="store_true", help="run in fast mode (COURSE_FAST=1)")
    args = parser.parse_args()
    seconds, nb = execute(NOTEBOOK, fast=args.fast)
    print(table_text(nb))
    print(f"\nwall time of the whole notebook: {seconds / 60:.1f} min ({run_time_line(nb)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
