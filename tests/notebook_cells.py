"""Run a notebook's tagged code cells from a test: the one way tests use code that lives in a
notebook (a lecture's numpy cells, its Keras model, its solutions).

A notebook marks the cells a test may run with the cell tag ``tested`` (tags, not comments:
students read the sources). ``run_tagged_cells("06", "tested")`` executes them in notebook
order in a fresh namespace and returns it, so the test can call what they define.
"""

import re

import nbformat
import pytest

from helpers.config import NOTEBOOK_DIR, notebook_paths


def notebook_path(number):
    """The notebook whose name starts with ``number`` (e.g. "06")."""
    matches = [path for path in notebook_paths() if path.name.startswith(f"{number}_")]
    if len(matches) != 1:
        raise FileNotFoundError(f"expected one notebook named {number}_*.ipynb in {NOTEBOOK_DIR}, found {matches}")
    return matches[0]


def tagged_cells(number, *tags):
    """The code cells of notebook ``number`` carrying any of ``tags``, in notebook order."""
    notebook = nbformat.read(notebook_path(number), as_version=4)
    return [
        cell for cell in notebook.cells
        if cell.cell_type == "code" and set(tags) & set(cell.metadata.get("tags", []))
    ]


def run_tagged_cells(number, *tags, namespace=None, min_cells=1):
    """Execute the code cells of notebook ``number`` tagged with any of ``tags`` (default
    ``tested``), in order, in ``namespace`` (a new dict by default); return the namespace."""
    tags = tags or ("tested",)
    cells = tagged_cells(number, *tags)
    assert len(cells) >= min_cells, f"notebook {number} should tag at least {min_cells} code cells with {tags}"
    namespace = {} if namespace is None else namespace
    path = notebook_path(number)
    for index, cell in enumerate(cells):
        run_source(cell.source, namespace, f"{path.name}[{' '.join(tags)} #{index}]")
    return namespace


def run_source(source, namespace, name):
    """Execute one cell's ``source`` in ``namespace`` (``name`` shows in tracebacks)."""
    if re.search(r"^\s*[%!]", source, re.MULTILINE):
        pytest.fail(f"{name}: IPython magics or shell escapes cannot run outside a kernel")
    exec(compile(source, name, "exec"), namespace)  # noqa: S102  (the course's own cells)
