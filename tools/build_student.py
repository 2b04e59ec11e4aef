"""Build the student edition of the course: the notebooks without their solutions.

    python tools/build_student.py                  # notebooks/NN_*.ipynb -> student/
    python tools/build_student.py --out DIR NB...  # chosen notebooks into DIR (new, empty or an earlier edition)

In each instructor notebook (``notebooks/``), cells tagged ``solution`` (see
``tools/tag_exercises.py``) are replaced:

* the ``## Solutions`` heading (and what follows it in that markdown cell) becomes
  ``## Check your answers``, with a line on where the solutions are;
* the solution code cell becomes one cell that runs every exercise's check again, on the
  student's own answers (the ``<lecture module>.check_...`` calls of the ``exercise`` cells, kept word
  for word), prints each verdict under its exercise's name and how many are correct.

Exercise cells keep their blanks (``...  # your answer``), lose their outputs (stale hints) and
begin with a comment that says to run the cells above them first;
an answer variable that several exercises share (``answer``) is renamed after its exercise
(``answer_1``, ``answer_2``...) so that the final self-check sees each exercise's own answer;
every other cell keeps its committed outputs, so that a student can read the figures before
running anything. Nothing is executed. The result is git-ignored: build it, hand it out.

Building again never destroys a student's work: a notebook in the output folder that differs
from what this tool wrote there last time (a student answered in it) is left as it is, and the
tool says so; only missing and untouched notebooks are (re)written.
"""

import ast
import hashlib
import io
import re
import sys
import tokenize
from collections import Counter
from pathlib import Path

import nbformat

from common import REPO_ROOT, claim_output_folder, run_tool, write_marker

TOOL = "build_student"
SOLUTIONS_HEADING = re.compile(r"^#{1,3}\s*Solutions\b.*", re.MULTILINE | re.DOTALL)
SOLUTIONS_POINTER = re.compile(r"Solutions are at the (very )?end of the notebook\.")
SELF_CHECK_NAME = "your_verdicts"

CHECK_HEADING = (
    "## Check your answers\n\n"
    "Run the next cell to check all your answers to the exercises again. The solutions are in the\n"
    "instructor edition of the course (the notebooks in `notebooks/` of the course repository)."
)


def has_tag(cell, tag):
    return tag in cell.metadata.get("tags", [])


def check_calls(source):
    """The source text of every top-level ``<module>.check_<name>(...)`` call in a cell, in order."""
    return [ast.get_source_segment(source, call) for call in check_call_nodes(source)]


def check_call_nodes(source):
    tree = ast.parse(source)
    return [node.value for node in tree.body
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute) and isinstance(node.value.func.value, ast.Name)
            and node.value.func.attr.startswith("check_")]


def answer_names(source):
    """The variables a cell passes as the answer (first argument) to its ``check_...`` calls."""
    names = []
    for call in check_call_nodes(source):
        first = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "answer"), None)
        if isinstance(first, ast.Name):
            names.append(first.id)
    return names


def rename(source, old, new):
    """``source`` with every use of the name ``old`` (not in comments or strings) renamed ``new``."""
    lines = source.splitlines(keepends=True)
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type == tokenize.NAME and t.string == old]
    for token in reversed(tokens):
        row, start = token.start
        line = lines[row - 1]
        lines[row - 1] = line[:start] + new + line[token.end[1]:]
    return "".join(lines)


def distinct_answer_names(exercise_sources):
    """Exercise sources in which an answer variable used by several exercises (``answer`` in each)
    is renamed after its exercise (``answer_1``, ``answer_2``...), so that the self-check cell at
    the end checks each exercise's own answer."""
    per_cell = [set(answer_names(source)) for source in exercise_sources]
    shared = {name for name, n in Counter(name for names in per_cell for name in names).items() if n > 1}
    renamed = []
    for number, (source, names) in enumerate(zip(exercise_sources, per_cell), start=1):
        for name in sorted(names & shared):
            source = rename(source, name, f"{name}_{number}")
        renamed.append(source)
    return renamed


EXERCISE_TITLE = re.compile(r"\*\*Exercise (\d+)\s*(\(([^)]*)\))?\.?\*\*")
RUN_FIRST = "# Run the cells above this one first (Run > Run All Above): this exercise uses what they define."


def exercise_labels(cells):
    """A name for each cell tagged ``exercise``: "Exercise 3 (inverted dropout)", from the last
    ``**Exercise N (title).**`` in the markdown before it, else "Exercise k" by its place."""
    labels, last = [], None
    for cell in cells:
        if cell.cell_type == "markdown":
            found = EXERCISE_TITLE.findall(cell.source)
            if found:
                number, _, title = found[-1]
                last = f"Exercise {number}" + (f" ({title})" if title else "")
        elif has_tag(cell, "exercise"):
            labels.append(last or f"Exercise {len(labels) + 1}")
            last = None
    return labels


def self_check_source(exercise_sources, labels=None):
    """The cell that replaces the solutions: every exercise's check, on the student's answers,
    each verdict printed under the name of its exercise (``labels``, one per exercise cell)."""
    labels = labels or [f"Exercise {k}" for k in range(1, len(exercise_sources) + 1)]
    calls, names = [], []
    for source, label in zip(exercise_sources, labels):
        for call in check_calls(source):
            calls.append(call)
            names.append(label)
    if not calls:
        raise ValueError("the notebook has a 'solution' cell but no 'exercise' cell with a <module>.check_...() call; "
                         "tag its exercise cells (python tools/tag_exercises.py NOTEBOOK)")
    lines = ["# Every exercise's check again, on your answers above (run the whole notebook first).",
             f"{SELF_CHECK_NAME} = ["]
    lines += [f"    {call},".replace("\n", "\n    ") for call in calls]
    lines += ["]",
              "exercises = [",
              *[f"    {name!r}," for name in names],
              "]",
              f"for exercise, verdict in zip(exercises, {SELF_CHECK_NAME}):",
              '    print(f"{exercise}: {verdict}")',
              f'print(f"{{sum(map(bool, {SELF_CHECK_NAME}))}} of {{len({SELF_CHECK_NAME})}} correct")']
    return "\n".join(lines)


def new_cell(kind, source):
    """A cell of the student edition (marked in its metadata; its id is set in student_notebook)."""
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source, metadata={"student_edition": True})
    del cell["id"]
    return cell


def student_notebook(nb):
    """A student copy of an instructor notebook (a new object; ``nb`` is left alone)."""
    nb = nbformat.from_dict(nb)  # a deep copy
    exercises = [cell for cell in nb.cells if has_tag(cell, "exercise")]
    for cell, source in zip(exercises, distinct_answer_names([cell.source for cell in exercises])):
        cell.source = source
    exercise_sources = [cell.source for cell in exercises]
    labels = exercise_labels(nb.cells)
    cells, replaced_code = [], False
    has_solutions = any(has_tag(cell, "solution") for cell in nb.cells)
    for cell in nb.cells:
        untagged_heading = has_solutions and cell.cell_type == "markdown" and SOLUTIONS_HEADING.search(cell.source)
        if has_tag(cell, "solution") or untagged_heading:
            if cell.cell_type == "markdown":
                before = SOLUTIONS_HEADING.split(cell.source, maxsplit=1)[0].rstrip()
                cells.append(new_cell("markdown", (before + "\n\n" if before else "") + CHECK_HEADING))
            elif not replaced_code:  # several solution code cells become one self-check cell
                cells.append(new_cell("code", self_check_source(exercise_sources, labels)))
                replaced_code = True
            continue
        if has_tag(cell, "exercise"):
            cell.outputs, cell.execution_count = [], None
            cell.source = f"{RUN_FIRST}\n{cell.source}"
        if cell.cell_type == "markdown":
            cell.source = SOLUTIONS_POINTER.sub("Your answers are checked again together at the end of the notebook.",
                                                cell.source)
        cells.append(cell)
    nb.cells = cells
    for i, cell in enumerate(nb.cells):  # new cells would get random ids: stable ones keep rebuilds identical
        if "id" not in cell or cell.metadata.get("student_edition"):
            cell["id"] = f"student-{i}"
    return nb


def sha256_of(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build(notebooks, out_dir):
    """Write the student edition of each notebook into ``out_dir``; return the paths written.

    A notebook already there that differs from what this tool last wrote (a student's work) is
    kept and reported, never overwritten. ``out_dir`` is new, empty, or an earlier edition; any
    other folder is refused (``common.OutputFolderError``) before anything is written.
    """
    out_dir, earlier = claim_output_folder(out_dir, TOOL)
    written_before = (earlier or {}).get("written", {})
    written_now, paths = dict(written_before), []
    for path in notebooks:
        path = Path(path)
        nb = nbformat.read(path, as_version=4)
        if not any(has_tag(cell, "solution") for cell in nb.cells):
            print(f"  note: {path.name} has no cell tagged 'solution'; copied with exercise outputs cleared",
                  file=sys.stderr)
        target = out_dir / path.name
        if target.exists() and written_before.get(path.name) != sha256_of(target):
            print(f"  kept {target}: it changed since it was handed out (a student's answers?). Rename or delete "
                  "it to get a fresh copy.", file=sys.stderr)
            continue
        nbformat.write(student_notebook(nb), target)
        written_now[path.name] = sha256_of(target)
        paths.append(target)
    write_marker(out_dir, TOOL, written=written_now)
    return paths


def main(argv=None):
    def build_and_say(notebooks, out):
        for target in build(notebooks, out):
            print(f"wrote {target}")

    return run_tool(__doc__, build_and_say, REPO_ROOT / "student", argv)


if __name__ == "__main__":
    sys.exit(main())
