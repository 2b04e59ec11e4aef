"""What the recipe benchmarks share: choosing configurations on the command line, and a results table.

Each recipe benchmark (deep_autoencoder_search.py, vae_recipe.py, rnn_mnist_recipe.py,
marked_recall_recipe.py) names its configurations as ``{name: (what it changes, settings)}``, lets
the user run all of them or some, and prints one table row per run, appending the same table to a
``.md`` file next to it under a heading for the run.
"""

import argparse
import contextlib
import io
import platform
import time

import nbformat

from helpers import config


def notebook_definitions(number, starts):
    """Run a notebook's import cell and its code cells that contain the texts in ``starts`` (one
    cell per text, in that order); return their namespace. ``number`` is the notebook's two-digit
    prefix, e.g. "07". What the cells print (tables, figures) is swallowed; their errors are not."""
    path = next(p for p in config.notebook_paths() if p.name.startswith(f"{number}_"))
    cells = [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    imports = next(source for source in cells if source.startswith("from helpers import"))
    chosen = [next(source for source in cells if start in source) for start in starts]
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for source in [imports, *chosen]:
            exec(compile(source, str(path), "exec"), namespace)
    return namespace


def command_line(doc, configurations):
    """A parser for ``[names...] [--list]``; add a benchmark's own options to it before ``chosen``."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"configurations to run (default: all of {', '.join(configurations)})")
    parser.add_argument("--list", action="store_true", help="list the configurations and stop")
    return parser


def chosen(parser, configurations, argv=None):
    """Parse ``argv``: (the parsed arguments, the configuration names to run), or (arguments, [])
    after ``--list`` has printed what each configuration changes. An unknown name is a usage error."""
    args = parser.parse_args(argv)
    if args.list:
        width = max(map(len, configurations)) + 2
        for name, (what, _) in configurations.items():
            print(f"{name:{width}s}{what}")
        return args, []
    unknown = [name for name in args.names if name not in configurations]
    if unknown:
        parser.error(f"unknown configuration(s) {', '.join(unknown)}; choose from {', '.join(configurations)}")
    return args, args.names or list(configurations)


class ResultsTable:
    """A Markdown table printed row by row and appended to ``path`` as it goes (a run cut short keeps
    its rows). ``data`` says what the run trained and measured on, e.g. "50,000 training and 10,000
    validation images"; ``columns`` are the column titles."""

    def __init__(self, path, data, columns):
        self.path = path
        machine = f"{config.machine_description()}, {platform.machine()}"  # the times mean little without it
        lines = [f"\n## {time.strftime('%Y-%m-%d %H:%M')}, {machine}, {data}\n",
                 "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        self._write("\n".join(lines))

    def row(self, *cells):
        self._write("| " + " | ".join(str(cell) for cell in cells) + " |")

    def _write(self, text):
        print(text, flush=True)
        with self.path.open("a", encoding="utf-8") as results:
            results.write(text + "\n")
