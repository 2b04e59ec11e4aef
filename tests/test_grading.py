"""Grading with nbgrader, locally and without Docker (``make assignment``, tools/build_assignment.py):
a blank student edition scores zero and a solved one full points, per exercise and in total, and
the grades come out as CSV.

The round trip: build the nbgrader course folder, hand in two submissions of each assignment
(``blank``: the released notebook untouched; ``solved``: the same notebook with the
instructor's solution cells run before the graded checks and each exercise's answer variable
bound to the answer those solutions pass to the check, as tests/test_student_edition.py records
them), run ``nbgrader autograde`` (it executes every submission in a fresh kernel and runs the
read-only test cells restored from the gradebook), then ``nbgrader export`` (totals) and the
course's exporter (one row per exercise). The submissions run in fast mode.

Executing whole notebooks takes time, so by default only notebook 01 is graded (two executions
of about 10 s each, plus nbgrader's start-up); ``COURSE_GRADE_ALL=1`` (``make grade-check``)
grades every lecture. The CSV files land in ``test-output/grading/``.
"""

import ast
import csv
import importlib
import inspect
import os
import re
import shutil
import time
import zipfile

import build_assignment
import build_handout
import nbformat
import pytest

from helpers import config

import build_student

GRADE_ALL = os.environ.get("COURSE_GRADE_ALL", "") not in ("", "0")
NOTEBOOKS = [p for p in config.notebook_paths() if GRADE_ALL or p.name.startswith("01_")]
OUTPUT = config.REPO_ROOT / "test-output" / "grading"

RECORDER = '''\
# The instructor's solutions, run here so that the checks below see their answers.
import inspect as _inspect


class _Recorder:
    def __init__(self, module):
        self.module, self.answers = module, {}

    def __getattr__(self, name):
        real = getattr(self.module, name)
        if not name.startswith("check_"):
            return real

        def recorded(*args, **kwargs):
            first = next(iter(_inspect.signature(real).parameters))
            self.answers.setdefault(name, []).append(_inspect.signature(real).bind(*args, **kwargs).arguments[first])
            return real(*args, **kwargs)

        return recorded


_modules = {%s}
_recorders = {name: _Recorder(module) for name, module in _modules.items()}
globals().update(_recorders)
'''


def has_tag(cell, tag):
    return tag in cell.metadata.get("tags", [])


def is_test_cell(cell):
    return cell.metadata.get("nbgrader", {}).get("grade", False)


def answer_bindings(test_sources):
    """Source lines binding each test cell's answer variable to the recorded solution's answer."""
    seen, lines = {}, []
    for source in test_sources:
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.attr.startswith("check_")):
                continue
            module, name = node.func.value.id, node.func.attr
            check = getattr(importlib.import_module(f"helpers.{module}"), name)
            first = next(iter(inspect.signature(check).parameters))
            arg = node.args[0] if node.args else next(k.value for k in node.keywords if k.arg == first)
            assert isinstance(arg, ast.Name), f"{module}.{name}: the answer must be passed as a variable"
            k = seen.get((module, name), 0)
            seen[(module, name)] = k + 1
            lines.append(f'{arg.id} = _recorders["{module}"].answers["{name}"][{k}]')
    return lines


def solved_notebook(release, instructor):
    """The released notebook with the instructor's solutions run before the graded checks."""
    nb = nbformat.from_dict(release)
    solutions = [c.source for c in instructor.cells if has_tag(c, "solution") and c.cell_type == "code"]
    first_test = next(i for i, c in enumerate(nb.cells) if is_test_cell(c))
    tests = [c.source for c in nb.cells if is_test_cell(c)]
    modules = sorted({m for source in tests for m in re.findall(r"\b(\w+)\.check_\w+\(", source)})
    cells = [RECORDER % ", ".join(f'"{m}": {m}' for m in modules), *solutions,
             "\n".join([*(f'{m} = _modules["{m}"]' for m in modules), *answer_bindings(tests)])]
    new = [nbformat.v4.new_code_cell(source, id=f"solved-{i}") for i, source in enumerate(cells)]
    nb.cells[first_test:first_test] = new
    return nb


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Build, submit, autograde, export: (course folder, {assignment: points}, totals, exercise rows, seconds)."""
    pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install -r requirements.txt)")
    start = time.perf_counter()
    course = tmp_path_factory.mktemp("grading") / "course"
    assignments = build_assignment.build(NOTEBOOKS, course)
    for path in NOTEBOOKS:
        name = path.stem
        if name not in assignments:
            continue
        release = nbformat.read(course / "release" / name / path.name, as_version=4)
        instructor = nbformat.read(path, as_version=4)
        for student, nb in (("blank", release), ("solved", solved_notebook(release, instructor))):
            folder = course / "submitted" / student / name
            shutil.copytree(course / "release" / name, folder)
            nbformat.write(nb, folder / path.name)
    env_fast = os.environ.get("COURSE_FAST")
    os.environ["COURSE_FAST"] = "1"  # the submissions run in fast mode, whatever the test run's mode
    try:
        build_assignment.nbgrader(["autograde", "*", "--force"], course)  # every assignment, every student
    finally:
        if env_fast is None:
            del os.environ["COURSE_FAST"]
        else:
            os.environ["COURSE_FAST"] = env_fast
    build_assignment.nbgrader(["export", "--to", "grades.csv"], course)
    build_assignment.nbgrader(["export", "--exporter=exercise_grades.ExerciseGrades", "--to",
                               "exercise_grades.csv"], course)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name in ("grades.csv", "exercise_grades.csv"):
        shutil.copy(course / name, OUTPUT / name)
    return course, assignments, read_csv(course / "grades.csv"), read_csv(course / "exercise_grades.csv"), \
        time.perf_counter() - start


def test_release_has_one_locked_test_cell_per_exercise(graded):
    course, assignments, *_ = graded
    for name, points in assignments.items():
        instructor = nbformat.read(config.NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)
        release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
        tests = [c for c in release.cells if is_test_cell(c)]
        exercises = [c for c in instructor.cells if has_tag(c, "exercise")]
        assert len(tests) == len(exercises) == len(points)
        assert all(c.metadata["nbgrader"]["locked"] for c in tests)
        assert [c.metadata["nbgrader"]["points"] for c in tests] == points
        student = build_student.student_notebook(instructor)
        for test, exercise in zip(tests, [c for c in student.cells if has_tag(c, "exercise")]):
            for call in build_student.check_calls(exercise.source):
                assert call in test.source  # the course's own check, word for word
        sources = "\n".join(c.source for c in release.cells)
        assert not any(has_tag(c, "solution") for c in release.cells)
        assert "solutions = [" not in sources and "instructor edition" not in sources
        assert (course / "release" / name / "DATA.md").is_file()
        assert (course / "release" / name / "data" / "README.md").is_file()


def test_blank_scores_zero_and_solved_full_points(graded):
    _, assignments, totals, exercises, seconds = graded
    print(f"round trip for {', '.join(assignments)}: {seconds:.0f} s")
    by_student = {(row["assignment"], row["student_id"]): row for row in totals}
    for name, points in assignments.items():
        blank, solved = by_student[(name, "blank")], by_student[(name, "solved")]
        assert float(blank["max_score"]) == float(solved["max_score"]) == sum(points)
        assert float(blank["score"]) == 0, blank
        assert float(solved["score"]) == sum(points), solved
        rows = [row for row in exercises if row["assignment"] == name]
        assert {row["exercise"] for row in rows} == {f"exercise_{k}" for k in range(1, len(points) + 1)}
        for row in rows:
            expected = float(row["max_score"]) if row["student_id"] == "solved" else 0.0
            assert float(row["score"]) == expected, row


def test_handout_zips_the_student_edition_with_the_data_instructions(tmp_path):
    notebooks = config.notebook_paths()[:2]
    out, names = build_handout.build(notebooks, tmp_path / "handout.zip")
    folder = build_handout.FOLDER
    assert sorted(names) == sorted([f"{folder}/{p.name}" for p in notebooks]
                                   + [f"{folder}/DATA.md", f"{folder}/data/README.md"])
    with zipfile.ZipFile(out) as archive:
        data = archive.read(f"{folder}/DATA.md").decode()
        assert "mnist.npz" in data and "COURSE_DATA_DIR" in data
        assert archive.read(f"{folder}/data/README.md") == (config.REPO_ROOT / "data" / "README.md").read_bytes()
        student = nbformat.reads(archive.read(f"{folder}/{notebooks[0].name}").decode(), as_version=4)
    assert not any(has_tag(c, "solution") for c in student.cells)
    assert build_handout.build(notebooks, out)[0] == out  # its own zip: rewritten
    foreign = tmp_path / "other.zip"
    foreign.write_bytes(b"not ours")
    with pytest.raises(build_handout.ToolError, match="not written by"):
        build_handout.build(notebooks, foreign)
    assert foreign.read_bytes() == b"not ours"
    with pytest.raises(build_handout.ToolError, match="notebooks"):
        build_handout.build(notebooks, config.NOTEBOOK_DIR / "handout.zip")
