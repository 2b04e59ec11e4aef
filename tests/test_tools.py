"""The course's tools keep what they did not make: output folders, notebooks, a student's answers.
Also: the executor's time limit, the normalizer, and headline figures recorded in outputs."""

import json

import execute
import nbformat
import normalize_notebooks
import pytest

from helpers import config

import build_site
import build_student
import common


def small_notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, path)
    return path


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# Output folders --------------------------------------------------------------------------------


@pytest.mark.parametrize("tool", [build_site, build_student])
@pytest.mark.parametrize("where", ["repo", "notebooks", "inside notebooks", "above repo"])
def test_tools_refuse_the_course_and_its_notebooks(tool, where, capsys):
    out = {"repo": config.REPO_ROOT, "notebooks": config.NOTEBOOK_DIR,
           "inside notebooks": config.NOTEBOOK_DIR / "site", "above repo": config.REPO_ROOT.parent}[where]
    before = snapshot(config.NOTEBOOK_DIR)
    assert tool.main(["--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(out.resolve()) in err and "error:" in err
    assert snapshot(config.NOTEBOOK_DIR) == before
    assert not (config.NOTEBOOK_DIR / "site").exists()


@pytest.mark.parametrize("tool", [build_site, build_student])
def test_tools_refuse_a_folder_with_files_they_did_not_write(tool, tmp_path, capsys):
    keep = tmp_path / "thesis.txt"
    keep.write_text("my work")
    assert tool.main(["--out", str(tmp_path), str(config.notebook_paths()[0])]) == 2
    assert "did not write" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.txt"] and keep.read_text() == "my work"


def test_a_tool_refuses_another_tools_folder(tmp_path, capsys):
    path = config.notebook_paths()[0]
    assert build_student.main(["--out", str(tmp_path / "edition"), str(path)]) == 0
    assert build_site.main(["--out", str(tmp_path / "edition"), str(path)]) == 2
    assert "build_student" in capsys.readouterr().err


def test_claim_output_folder_creates_marks_and_reclaims(tmp_path):
    folder, earlier = common.claim_output_folder(tmp_path / "new" / "site", "build_site")
    assert earlier is None and common.read_marker(folder) == {"tool": "build_site"}
    assert common.claim_output_folder(folder, "build_site")[1] == {"tool": "build_site"}
    with pytest.raises(common.OutputFolderError, match="a file"):
        (tmp_path / "f").write_text("x")
        common.claim_output_folder(tmp_path / "f", "build_site")


def test_site_rebuild_replaces_only_its_own_folder(tmp_path):
    try:
        build_site.widget_assets()
    except build_site.MissingAssets as err:  # the site needs the npm packages (make assets)
        from test_browser import skip_or_fail

        skip_or_fail(str(err))
    path = config.notebook_paths()[0]
    out = tmp_path / "site"
    assert build_site.main(["--out", str(out), str(path)]) == 0
    (out / "stale.html").write_text("old page")
    assert build_site.main(["--out", str(out), str(path)]) == 0
    assert not (out / "stale.html").exists() and (out / "index.html").exists()


def test_student_rebuild_keeps_a_students_answers(tmp_path, capsys):
    paths = config.notebook_paths()[:2]
    out = tmp_path / "student"
    assert build_student.main(["--out", str(out), *map(str, paths)]) == 0
    answered = out / paths[0].name
    nb = nbformat.read(answered, as_version=4)
    nb.cells[0].source += "\n\nMy notes."
    nbformat.write(nb, answered)
    mine = answered.read_bytes()
    untouched = out / paths[1].name
    untouched.unlink()  # a missing notebook is written again
    capsys.readouterr()
    assert build_student.main(["--out", str(out), *map(str, paths)]) == 0
    captured = capsys.readouterr()
    assert answered.read_bytes() == mine
    assert f"kept {answered}" in captured.err
    assert untouched.exists() and f"wrote {untouched}" in captured.out


# Executing and normalizing ---------------------------------------------------------------------


def test_execute_records_figures_and_normalizes(tmp_path, capsys):
    path = small_notebook(
        tmp_path / "figures.ipynb",
        "from helpers import record_figure, report_run_time\nimport ipywidgets as W\nW.IntSlider(value=3)",
        "record_figure('test accuracy', 0.975, unit='%', bar=0.97)\nreport_run_time()",
    )
    assert execute.main([str(path), "--limit", "120"]) == 0
    listed = capsys.readouterr().out.split("its slowest cells:")[1].strip().splitlines()
    assert len(listed) == 2 and "cell   0  from helpers import" in listed[0]  # the import is the slow one
    nb = nbformat.read(path, as_version=4)
    assert [c.execution_count for c in nb.cells] == [1, 2]
    figures = [o["metadata"][config.FIGURE_KEY] for o in nb.cells[1].outputs]
    assert figures[0]["label"] == "test accuracy" and figures[0]["value"] == 0.975 and figures[0]["bar"] == 0.97
    assert "97.50%" in nb.cells[1].outputs[0]["data"]["text/plain"]
    assert figures[1]["label"] == "run time" and figures[1]["value"] >= 0
    assert normalize_notebooks.normalize(path, check=True)
    state = nb.metadata["widgets"][normalize_notebooks.WIDGET_STATE]["state"]
    assert sorted(state)[0] == "0" * 31 + "1"


def test_execute_stops_a_hung_notebook_and_leaves_it_alone(tmp_path, capsys):
    path = small_notebook(tmp_path / "hangs.ipynb", "x = 1", "import time\ntime.sleep(60)")
    before = path.read_bytes()
    assert execute.main([str(path), "--limit", "6"]) == 1
    assert "did not finish within 6 s" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_execute_leaves_a_failing_notebook_alone(tmp_path, capsys):
    path = small_notebook(tmp_path / "fails.ipynb", "1 / 0")
    before = path.read_bytes()
    assert execute.main([str(path)]) == 1
    assert "ZeroDivisionError" in capsys.readouterr().err and path.read_bytes() == before


def test_normalizer_drops_timestamps_and_keeps_outputs(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=1,
                                     outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "2"})])
    cell.metadata["execution"] = {"iopub.status.busy": "2026-11-23T21:00:00Z"}
    widget_id = "ab" * 16
    cell.outputs.append(nbformat.v4.new_output("display_data", {
        "application/vnd.jupyter.widget-view+json": {"model_id": widget_id, "version_major": 2, "version_minor": 0}}))
    nb.cells = [cell]
    state = {"state": {widget_id: {"state": {}}}, "version_major": 2, "version_minor": 0}
    nb.metadata["widgets"] = {normalize_notebooks.WIDGET_STATE: state}
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert not normalize_notebooks.normalize(path)
    text = path.read_text()
    assert "iopub" not in text and widget_id not in text
    assert json.loads(text)["cells"][0]["outputs"][0]["data"]["text/plain"] == ["2"]
    assert json.loads(text)["cells"][0]["outputs"][1]["data"]["application/vnd.jupyter.widget-view+json"][
        "model_id"] == "0" * 31 + "1"
    assert normalize_notebooks.normalize(path), "a second pass changes nothing"


def test_committed_notebooks_are_normalized():
    stale = [p.name for p in config.notebook_paths() if not normalize_notebooks.normalize(p, check=True)]
    assert not stale, f"run: python tools/normalize_notebooks.py ({stale})"
