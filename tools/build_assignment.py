"""Export the student edition as nbgrader assignments: one assignment per lecture, one graded
test cell per exercise, the course's own checks as the tests.

    python tools/build_assignment.py                  # every lecture -> assignment/
    python tools/build_assignment.py --out DIR NB...  # chosen notebooks into DIR (new, empty or an earlier export)

The output folder is an nbgrader course folder (run nbgrader's commands inside it):

    nbgrader_config.py          the course's settings (cell time limit, the exporter below)
    source/NN_name/NN_name.ipynb  the student edition with nbgrader's metadata: the instructor's version
    source/NN_name/DATA.md, data/README.md   where MNIST comes from (released with the notebook)
    release/NN_name/...         what students get (written by `nbgrader generate_assignment`)
    gradebook.db                nbgrader's gradebook: the assignments, their test cells and points
    exercise_grades.py          an nbgrader exporter: one CSV row per exercise and student

Each notebook is the student edition (``tools/build_student.py``: blanks kept, solutions gone,
other outputs kept so that the figures show before anything runs), except that its final
self-check cell becomes one read-only autograder test cell per exercise, worth that exercise's
points, running the exercise's own ``<module>.check_...(answer, ...)`` call again on the
student's answer and asserting its verdict. Points are 1 per exercise unless the instructor
notebook's exercise cell says otherwise in its metadata (``"points": 2``) or ``POINTS`` below
does. Nothing in ``notebooks/`` is changed, and this tool writes only into a folder it
created, an empty one, or its own earlier export (where it rewrites ``source/`` and
``release/`` and leaves students' submissions and grades alone).
"""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from build_handout import data_instructions

import build_student
from common import REPO_ROOT, ToolError, claim_output_folder, run_tool, write_marker

TOOL = "build_assignment"

POINTS = {
    # "03": [1, 1, 2, 1],   # notebook 03: the points of its exercises, in order (default: 1 each)
}

CELL_TIME_LIMIT = 900  # seconds one cell may run when nbgrader executes a submission (training cells in full mode)

GRADED_HEADING = (
    "## Graded checks\n\n"
    "Each cell below checks one exercise again, on your answers above, exactly as the grader will: it\n"
    "runs your whole notebook from the top in a fresh kernel, then these cells. They are read-only.\n"
    "Before you hand in, restart the kernel and run all cells, and read what each check says."
)

CONFIG = f'''\
# nbgrader's settings for this course folder (written by tools/{TOOL}.py; edit as you like).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # for exercise_grades.py

c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = "nn-autoencoders"
c.Execute.timeout = {CELL_TIME_LIMIT}  # seconds per cell when autograding
'''

EXPORTER = '''\
"""One CSV row per exercise and student: nbgrader export --exporter=exercise_grades.ExerciseGrades --to FILE.csv"""

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin


class ExerciseGrades(ExportPlugin):
    """assignment, notebook, exercise (the test cell's grade id), student_id, score, max_score."""

    def export(self, gradebook):
        dest = self.to or "exercise_grades.csv"
        with open(dest, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["assignment", "notebook", "exercise", "student_id", "score", "max_score"])
            for assignment in gradebook.assignments:
                if self.assignment and assignment.name not in self.assignment:
                    continue
                for notebook in assignment.notebooks:
                    for cell in sorted(notebook.grade_cells, key=lambda cell: cell.name):
                        for student in gradebook.students:
                            if self.student and student.id not in self.student:
                                continue
                            try:
                                grade = gradebook.find_grade(cell.name, notebook.name, assignment.name, student.id)
                                score = grade.score
                            except MissingEntry:  # no submission: no points
                                score = 0.0
                            writer.writerow([assignment.name, notebook.name, cell.name, student.id, score,
                                             cell.max_score])
        self.log.info("Exported one row per exercise and student to %s", dest)
'''


def exercise_points(number, exercise_cells):
    """The points of each exercise of notebook ``number`` ("01"...), in order."""
    table = POINTS.get(number)
    if table is not None and len(table) != len(exercise_cells):
        raise ToolError(f"POINTS[{number!r}] in tools/{TOOL}.py lists {len(table)} exercise(s), but notebook "
                        f"{number} has {len(exercise_cells)}: give one number per exercise.")
    points = []
    for k, cell in enumerate(exercise_cells):
        value = cell.metadata.get("points", table[k] if table else 1)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ToolError(f"notebook {number}, exercise {k + 1}: points must be a positive number, not {value!r}")
        points.append(value)
    return points


def test_cell_source(number, calls, points):
    """An autograder test cell: the exercise's own check calls, printed and asserted."""
    plural = "" if points == 1 else "s"
    lines = [f"# Exercise {number} ({points:g} point{plural}): your answer above, checked again."]
    if len(calls) == 1:
        lines += [f"verdict = {calls[0]}", "print(verdict)",
                  f'assert verdict, "exercise {number} is not solved yet: read the hint above"']
    else:
        lines += ["verdicts = ["] + [f"    {call},".replace("\n", "\n    ") for call in calls] + ["]"]
        lines += ["for verdict in verdicts:", "    print(verdict)",
                  f'assert all(verdicts), "exercise {number} is not solved yet: read the hints above"']
    return "\n".join(lines)


def test_cell(number, calls, points):
    cell = nbformat.v4.new_code_cell(test_cell_source(number, calls, points), metadata={
        "nbgrader": {"grade": True, "grade_id": f"exercise_{number}", "locked": True, "points": points,
                     "schema_version": 3, "solution": False, "task": False},
        "student_edition": True,
    })
    cell["id"] = f"exercise-{number}-test"
    return cell


def assignment_notebook(nb, number):
    """The nbgrader source version of instructor notebook ``nb`` (a new object; ``nb`` is left alone)."""
    points = exercise_points(number, [cell for cell in nb.cells if build_student.has_tag(cell, "exercise")])
    student = build_student.student_notebook(nb)
    exercises = [cell for cell in student.cells if build_student.has_tag(cell, "exercise")]
    if not exercises:
        return student, []
    tests = [test_cell(k, build_student.check_calls(cell.source), p)
             for k, (cell, p) in enumerate(zip(exercises, points), start=1)]
    cells, placed = [], False
    for cell in student.cells:
        if cell.metadata.get("student_edition"):
            if cell.cell_type == "markdown":
                cell.source = cell.source.replace(build_student.CHECK_HEADING, GRADED_HEADING)
            elif not placed:  # the self-check cell: one graded test cell per exercise instead
                cells += tests
                placed = True
                continue
        cells.append(cell)
    if not placed:  # a notebook with exercises but no solutions section: the tests go at the end
        cells += [nbformat.v4.new_markdown_cell(GRADED_HEADING, metadata={"student_edition": True}), *tests]
        cells[-len(tests) - 1]["id"] = "graded-checks"
    student.cells = cells
    return student, points


def nbgrader(args, course_dir):
    """Run one nbgrader command in ``course_dir``; raise ToolError with its output when it fails."""
    if importlib.util.find_spec("nbgrader") is None:
        raise ToolError("nbgrader is not installed here: pip install -r requirements.txt (or make setup)")
    # nbgrader runs `alembic` (its database migrations) from PATH: that of this Python's environment
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir, capture_output=True,
                            text=True, env={**os.environ, "PATH": path})
    if result.returncode != 0:
        raise ToolError(f"nbgrader {' '.join(args)} failed in {course_dir}:\n{result.stdout}{result.stderr}")
    return result.stdout + result.stderr


def build(notebooks, out_dir):
    """Write the nbgrader course folder; return {assignment name: points of its exercises}."""
    out_dir, _ = claim_output_folder(out_dir, TOOL)
    instructions = data_instructions()
    (out_dir / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    (out_dir / "exercise_grades.py").write_text(EXPORTER, encoding="utf-8")
    assignments = {}
    for path in notebooks:
        path = Path(path)
        source, points = assignment_notebook(nbformat.read(path, as_version=4), path.name[:2])
        if not points:
            print(f"  skipped {path.name}: it has no exercise cells", file=sys.stderr)
            continue
        name = path.stem
        folder = out_dir / "source" / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        nbformat.write(source, folder / path.name)
        for relative, text in instructions.items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(text, encoding="utf-8")
        assignments[name] = points
    if assignments:  # every assignment in source/ at once (one start of nbgrader); the release keeps the figures
        nbgrader(["generate_assignment", "*", "--force", "--ClearOutput.enabled=False"], out_dir)
    write_marker(out_dir, TOOL, assignments=sorted(assignments))
    return assignments


def main(argv=None):
    def build_and_say(notebooks, out):
        assignments = build(notebooks, out)
        for name, points in assignments.items():
            print(f"wrote {Path(out) / 'release' / name}: {len(points)} exercises, {sum(points):g} points")
        print(f"grade in {out} with nbgrader (see the README's section on grading)")

    return run_tool(__doc__, build_and_say, REPO_ROOT / "assignment", argv)


if __name__ == "__main__":
    sys.exit(main())
