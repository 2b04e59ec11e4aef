"""Run a notebook's code cells from a test: the one way tests use code that lives in a notebook
(a lecture's numpy cells, its Keras model, its exercises and solutions).

A notebook marks the cells a test may run with the cell tag ``tested`` (tags, not comments:
students read the sources). ``run_tagged_cells("06", "tested")`` executes them in notebook
order in a fresh namespace and returns it, so the test can call what they define. A test that
runs a notebook's exercises and solutions asks ``needed_cells`` which earlier cells define the
names they use, and runs those with ``run_source``.
"""

import ast
import builtins
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


def bound_and_loaded(source):
    """(names bound anywhere in the cell, names loaded anywhere in it)."""
    tree = ast.parse(source)
    bound, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
    return bound, loaded


def free_names(source):
    bound, loaded = bound_and_loaded(source)
    return loaded - bound - set(dir(builtins))


def top_level_definitions(source):
    return bound_and_loaded(source)[0]


def needed_cells(cells, targets):
    """Indices of the code cells before min(targets) that define names the targets use, transitively."""
    needed = set().union(*(free_names(cells[i].source) for i in targets))
    chosen = []
    for i in range(min(targets) - 1, -1, -1):
        cell = cells[i]
        if cell.cell_type != "code" or i in targets:
            continue
        defined = top_level_definitions(cell.source)
        if defined & needed:
            chosen.append(i)
            needed = (needed - defined) | free_names(cell.source)
    return sorted(chosen)
