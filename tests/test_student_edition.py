"""The student edition (``make student``, tools/build_student.py): solutions gone, checks kept;
its self-checks fail on the blanks and pass on the instructor's solutions.

Fast by design: instead of executing a whole notebook, each test runs, in this process, only
the cells that the exercise and solution cells need (found from the names they use, e.g. the
setup cell and the functions a solution calls), then the exercise cells with their blanks, the
student edition's self-check cell, the instructor's solution cells, and the self-check again
with the solutions' answers bound to the exercises' variables.
"""

import ast
import contextlib
import importlib
import inspect
import io
import re

import nbformat
import pytest

from helpers import config

import build_student
from notebook_cells import needed_cells, run_source

NOTEBOOKS = config.notebook_paths()


def has_tag(cell, tag):
    return tag in cell.metadata.get("tags", [])


def with_solutions(paths):
    return [p for p in paths if any(has_tag(c, "solution") for c in nbformat.read(p, as_version=4).cells)]


TAGGED = with_solutions(NOTEBOOKS)


def run(source, namespace, name):
    """Execute one cell's source in ``namespace``; return what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run_source(source, namespace, name)
    return out.getvalue()


def check_modules(cells):
    """The helpers modules whose checks a notebook's exercises call, by name (e.g. ``{"cnn"}``)."""
    calls = [re.finditer(r"\b(\w+)\.check_\w+\(", c.source) for c in cells if has_tag(c, "exercise")]
    return sorted({m.group(1) for found in calls for m in found})


class RecordingChecks:
    """Stands in for a lecture module and records the answer each ``check_...`` was called with."""

    def __init__(self, module):
        self.module = module
        self.answers = {}

    def __getattr__(self, name):
        real = getattr(self.module, name)
        if not name.startswith("check_"):
            return real

        def recorded(*args, **kwargs):
            bound = inspect.signature(real).bind(*args, **kwargs)
            first = next(iter(inspect.signature(real).parameters))
            self.answers.setdefault(name, []).append(bound.arguments[first])
            return real(*args, **kwargs)

        return recorded


def answer_variables(self_check_source, modules):
    """(check name, the variable the student edition passes as its answer) for each check call."""
    tree = ast.parse(self_check_source)
    pairs = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.attr.startswith("check_")):
            name = node.func.attr
            first = next(iter(inspect.signature(getattr(modules[node.func.value.id], name)).parameters))
            arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == first), None)
            assert isinstance(arg, ast.Name), (
                f"{node.func.value.id}.{name}(...) in an exercise cell must pass the answer as a variable "
                "(e.g. `answer`), "
                "so that the student edition's self-check can be fed the solution"
            )
            pairs.append((name, arg.id))
    return pairs


# The tests -------------------------------------------------------------------------------------


def test_every_notebook_with_exercises_has_tagged_solutions():
    """A notebook whose exercises are tagged must tag its solutions too (and the other way round)."""
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        exercises = sum(has_tag(c, "exercise") for c in cells)
        solutions = sum(has_tag(c, "solution") and c.cell_type == "code" for c in cells)
        assert bool(exercises) == bool(solutions), (
            f"{path.name}: {exercises} exercise and {solutions} solution code cell(s); "
            "run python tools/tag_exercises.py on it"
        )


def test_notebooks_01_to_04_are_tagged():
    assert {p.name[:2] for p in TAGGED} >= {"01", "02", "03", "04"}


def test_build_writes_one_student_notebook_per_notebook(tmp_path):
    written = build_student.build(NOTEBOOKS, tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in NOTEBOOKS)
    for path in written:
        nbformat.validate(nbformat.read(path, as_version=4))
    again = build_student.build(NOTEBOOKS, tmp_path / "again")
    assert [p.read_text() for p in written] == [p.read_text() for p in again], "rebuilding must give the same files"


@pytest.mark.parametrize("path", TAGGED, ids=lambda p: p.name[:2])
def test_student_edition_gives_no_solution_away(path):
    instructor = nbformat.read(path, as_version=4)
    student = build_student.student_notebook(instructor)
    assert not any(has_tag(c, "solution") for c in student.cells)
    assert not any(re.match(r"#{1,3}\s*Solutions\b", line) for c in student.cells for line in c.source.splitlines())
    texts = [str(o) for c in student.cells if c.cell_type == "code" for o in c.outputs]
    assert not any("Correct:" in text for text in texts), "an output shows a passing check"
    for cell in student.cells:
        if has_tag(cell, "exercise"):
            assert cell.outputs == [] and re.search(r"\.\.\.\s*# your (answer|code)", cell.source)
    # every exercise's check is in the self-check cell, word for word
    self_check = [c for c in student.cells if c.metadata.get("student_edition") and c.cell_type == "code"]
    assert len(self_check) == 1
    instructor_exercises = [c for c in instructor.cells if has_tag(c, "exercise")]
    student_exercises = [c for c in student.cells if has_tag(c, "exercise")]
    assert len(student_exercises) == len(instructor_exercises)
    for cell, original in zip(student_exercises, instructor_exercises):
        calls = build_student.check_calls(cell.source)
        assert [c.split("(")[0] for c in calls] == [c.split("(")[0] for c in build_student.check_calls(original.source)]
        for call in calls:
            assert call.replace("\n", "\n    ") in self_check[0].source
    names = [name for cell in student_exercises for name in build_student.answer_names(cell.source)]
    assert len(names) == len(set(names)), f"exercises share an answer variable: {names}"
    # the instructor notebook is untouched
    assert nbformat.read(path, as_version=4) == instructor


@pytest.mark.parametrize("path", TAGGED, ids=lambda p: p.name[:2])
def test_self_checks_fail_on_blanks_and_pass_on_solutions(path, monkeypatch):
    monkeypatch.chdir(path.parent)  # as in a notebook kernel
    instructor = nbformat.read(path, as_version=4)
    student = build_student.student_notebook(instructor)
    cells = instructor.cells
    exercises = [i for i, c in enumerate(cells) if has_tag(c, "exercise")]
    solutions = [i for i, c in enumerate(cells) if has_tag(c, "solution") and c.cell_type == "code"]
    self_check = next(c.source for c in student.cells if c.metadata.get("student_edition") and c.cell_type == "code")

    namespace = {"__name__": "__main__"}
    setup_cell = next(i for i, c in enumerate(cells) if c.cell_type == "code" and "from helpers import" in c.source)
    setup = sorted({setup_cell, *needed_cells(cells, exercises + solutions)})
    for i in setup:
        run(cells[i].source, namespace, f"{path.name} cell {i}")

    # The blanks, as a student first meets them (the student edition's exercise cells): "Not yet".
    for i, cell in enumerate(c for c in student.cells if has_tag(c, "exercise")):
        run(cell.source, namespace, f"{path.name} exercise {i + 1}")
    printed = run(self_check, namespace, f"{path.name} self-check")
    verdicts = namespace[build_student.SELF_CHECK_NAME]
    assert verdicts and not any(verdicts), printed
    assert f"0 of {len(verdicts)} correct" in printed

    # The instructor's solutions pass (their own asserts), and their answers are recorded.
    modules = {name: importlib.import_module(f"helpers.{name}") for name in check_modules(cells)}
    recorders = {name: RecordingChecks(module) for name, module in modules.items()}
    namespace.update(recorders)
    for i in solutions:
        run(cells[i].source, namespace, f"{path.name} solution cell {i}")
    namespace.update(modules)

    # The same self-check, with each exercise's variable holding the solution's answer: all pass.
    seen = {}
    answers = {name: recorded for recorder in recorders.values() for name, recorded in recorder.answers.items()}
    for name, variable in answer_variables(self_check, modules):
        k = seen.get(name, 0)
        seen[name] = k + 1
        assert len(answers.get(name, [])) > k, f"{path.name}: the solutions never call {name}"
        namespace[variable] = answers[name][k]
    printed = run(self_check, namespace, f"{path.name} self-check with the solutions")
    verdicts = namespace[build_student.SELF_CHECK_NAME]
    assert all(verdicts), printed
    assert f"{len(verdicts)} of {len(verdicts)} correct" in printed
