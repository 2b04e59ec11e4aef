"""tools/launch_links.py: every notebook's launch badges and bootstrap cell come from the one
repository address in pyproject.toml, are rewritten in place (never duplicated), and the
bootstrap cell does nothing locally and installs only the course's helpers on Colab or Kaggle."""

import contextlib
import io
import os
import subprocess
import sys
import types

import launch_links
import nbformat
import pytest

from helpers import config

REPO = launch_links.repository_url()
FORK = "https://github.com/a-teacher/my-course-fork"


def lecture_notebook(path, *sources):
    """A small notebook in the course's shape: a title, a setup cell, more cells; written as nbformat writes."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 01 · A lecture"),
                nbformat.v4.new_code_cell("from helpers import setup\n\nrng = setup()", execution_count=1),
                *(nbformat.v4.new_code_cell(source, execution_count=i + 2) for i, source in enumerate(sources))]
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:03d}"
    path.write_text(launch_links.as_text(nb), encoding="utf-8")
    return path


def roles(nb):
    return [cell.metadata.get(launch_links.KEY) for cell in nb.cells]


# The one address --------------------------------------------------------------------------------


def test_the_address_comes_from_pyproject():
    assert REPO == "https://github.com/nn-autoencoders-course/nn-autoencoders-course"


@pytest.mark.parametrize(
    ("urls", "expected"),
    [
        ('Repository = "https://github.com/me/course"', "https://github.com/me/course"),
        ('Repository = "https://github.com/me/course.git"', "https://github.com/me/course"),
        ('Repository = "https://github.com/me/course/"', "https://github.com/me/course"),
    ],
)
def test_the_address_is_normalized(tmp_path, urls, expected):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "x"\n\n[project.urls]\n{urls}\n')
    assert launch_links.repository_url(pyproject) == expected


@pytest.mark.parametrize("urls", ["", 'Homepage = "https://github.com/me/course"',
                                  'Repository = "https://gitlab.com/me/course"', 'Repository = "github.com/me"'])
def test_a_missing_or_foreign_address_is_refused_with_the_fix(tmp_path, urls):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "x"\n\n[project.urls]\n{urls}\n')
    with pytest.raises(launch_links.LaunchLinkError, match=r"Repository = \"https://github.com/OWNER/NAME\""):
        launch_links.repository_url(pyproject)


def test_badges_open_this_notebook_from_the_repository():
    urls = launch_links.launch_urls(FORK, "03_autoencoders_mnist.ipynb")
    assert urls == {
        "colab": "https://colab.research.google.com/github/a-teacher/my-course-fork/blob/main/notebooks/"
                 "03_autoencoders_mnist.ipynb",
        "kaggle": "https://kaggle.com/kernels/welcome?src=https://github.com/a-teacher/my-course-fork/blob/main/"
                  "notebooks/03_autoencoders_mnist.ipynb",
        "binder": "https://mybinder.org/v2/gh/a-teacher/my-course-fork/main?labpath=notebooks%2F"
                  "03_autoencoders_mnist.ipynb",
    }
    markdown = launch_links.badge_markdown(FORK, "03_autoencoders_mnist.ipynb")
    assert all(f"]({url})" in markdown for url in urls.values())


# The cells --------------------------------------------------------------------------------------


def test_cells_go_on_top_and_a_second_run_changes_nothing(tmp_path):
    path = lecture_notebook(tmp_path / "01_x.ipynb", "print(1)")
    before = nbformat.read(path, as_version=4)
    assert launch_links.update_notebook(path, REPO) is False  # it wrote
    text = path.read_text()
    after = nbformat.read(path, as_version=4)
    assert roles(after) == ["badges", "bootstrap", None, None, None]
    assert after.cells[2:] == before.cells  # everything else exactly as it was
    assert after.cells[0].cell_type == "markdown" and after.cells[1].cell_type == "code"
    assert after.cells[1].execution_count is None and after.cells[1].outputs == []
    assert REPO in after.cells[1].source and "01_x.ipynb" in after.cells[0].source
    assert launch_links.update_notebook(path, REPO) is True  # current: not rewritten
    assert path.read_text() == text
    assert all(c.metadata["slideshow"] == {"slide_type": "skip"} for c in after.cells[:2])  # not in slides


def test_slides_skip_the_launch_cells_and_tag_slides_keeps_it(tmp_path):
    import tag_slides

    path = lecture_notebook(tmp_path / "01_x.ipynb")
    launch_links.update_notebook(path, REPO)
    tag_slides.tag(path)
    nb = nbformat.read(path, as_version=4)
    assert [c.metadata["slideshow"]["slide_type"] for c in nb.cells[:3]] == ["skip", "skip", "slide"]
    assert launch_links.update_notebook(path, REPO) is True and tag_slides.tag(path, check=True) == 0


def test_a_fork_rewrites_the_cells_in_place(tmp_path):
    path = lecture_notebook(tmp_path / "01_x.ipynb", "print(1)")
    launch_links.update_notebook(path, REPO)
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].execution_count = 1  # as after a run: kept
    nb.cells.insert(0, nb.cells.pop(2))  # an author moved the title above the badges: kept
    path.write_text(launch_links.as_text(nb))
    assert launch_links.update_notebook(path, FORK) is False
    after = nbformat.read(path, as_version=4)
    assert roles(after) == [None, "badges", "bootstrap", None, None]
    assert [c.id for c in after.cells] == [c.id for c in nb.cells]
    assert after.cells[2].execution_count == 1
    assert "a-teacher/my-course-fork" in after.cells[1].source and FORK in after.cells[2].source
    assert "nn-autoencoders-course/nn-autoencoders-course" not in launch_links.as_text(after)


def test_copies_are_dropped_and_a_missing_cell_comes_back(tmp_path):
    path = lecture_notebook(tmp_path / "01_x.ipynb")
    launch_links.update_notebook(path, REPO)
    nb = nbformat.read(path, as_version=4)
    copy = nbformat.from_dict(dict(nb.cells[0]))
    copy.id = "pasted"
    nb.cells.append(copy)  # a pasted second copy of the badges
    del nb.cells[1]  # and the bootstrap cell deleted by hand
    path.write_text(launch_links.as_text(nb))
    launch_links.update_notebook(path, REPO)
    after = nbformat.read(path, as_version=4)
    assert roles(after) == ["badges", "bootstrap", None, None]
    nbformat.validate(after)


def test_check_mode_writes_nothing(tmp_path):
    path = lecture_notebook(tmp_path / "01_x.ipynb")
    text = path.read_text()
    assert launch_links.update_notebook(path, REPO, check=True) is False
    assert path.read_text() == text


def test_a_notebook_in_another_form_is_refused_untouched(tmp_path):
    path = lecture_notebook(tmp_path / "01_x.ipynb")
    text = path.read_text().replace('\n "nbformat"', '\n\n "nbformat"')  # written by some other program
    path.write_text(text)
    with pytest.raises(launch_links.LaunchLinkError, match="normalize_notebooks.py"):
        launch_links.update_notebook(path, REPO)
    assert path.read_text() == text


def test_main_updates_named_notebooks_and_the_readme(tmp_path, monkeypatch, capsys):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "x"\n\n[project.urls]\nRepository = "{FORK}"\n')
    readme = tmp_path / "README.md"
    old_colab = launch_links.launch_urls(REPO, "01_x.ipynb")["colab"]
    readme.write_text(f"| 01 | [![Open In Colab](badge)]({old_colab}) |\n[nbval](https://github.com/computationalmodelling/nbval)\n")
    monkeypatch.setattr(launch_links, "PYPROJECT", pyproject)
    monkeypatch.setattr(launch_links, "README", readme)
    path = lecture_notebook(tmp_path / "01_x.ipynb")
    assert launch_links.main(["--check", str(path)]) == 1
    assert "01_x.ipynb: launch cells out of date" in capsys.readouterr().out
    assert launch_links.main([str(path)]) == 0
    assert FORK in path.read_text()
    text = readme.read_text()
    assert launch_links.launch_urls(FORK, "01_x.ipynb")["colab"] in text
    assert "https://github.com/computationalmodelling/nbval" in text  # other links untouched
    capsys.readouterr()
    assert launch_links.main(["--check", str(path)]) in (0, 1)  # 1 only for lectures the README lacks
    assert "launch cells out of date" not in capsys.readouterr().out


def test_the_address_is_read_without_tomllib(monkeypatch):
    """Python 3.10 has no tomllib: the tool reads the one table by hand."""
    monkeypatch.setitem(sys.modules, "tomllib", None)
    assert launch_links.repository_url() == REPO


def test_readme_links_follow_a_fork():
    text = ("[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/old/course/main?urlpath=lab)\n"
            "[Codespaces](https://codespaces.new/old/course)\n"
            "[k](https://kaggle.com/kernels/welcome?src=https://github.com/old/course/blob/dev/notebooks/01_x.ipynb)\n")
    new = launch_links.readme_with_links(text, FORK, "main")
    assert "old/course" not in new
    assert "https://mybinder.org/v2/gh/a-teacher/my-course-fork/main?urlpath=lab" in new
    assert "https://codespaces.new/a-teacher/my-course-fork)" in new
    assert "https://github.com/a-teacher/my-course-fork/blob/main/notebooks/01_x.ipynb" in new
    assert launch_links.readme_with_links(new, FORK, "main") == new


def test_readme_clone_commands_follow_a_fork_and_other_addresses_stay():
    text = launch_links.README.read_text()
    assert f"git clone {REPO} " in text
    new = launch_links.readme_with_links(text, FORK)
    assert f"git clone {FORK} " in new and REPO not in new
    assert "https://github.com/computationalmodelling/nbval" in new
    assert launch_links.readme_with_links(new, REPO) == text  # and back: nothing else changed


# The bootstrap cell, run as a student would ------------------------------------------------------


@pytest.fixture
def bootstrap(monkeypatch):
    """Run the bootstrap cell's code; subprocess, chdir and sys.path are recorded, not carried out."""
    calls = {"run": [], "chdir": []}

    def fake_run(args, **kwargs):
        calls["run"].append(list(args))
        return subprocess.CompletedProcess(args, calls.get("returncode", 0))

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(os, "chdir", lambda path: calls["chdir"].append(path))
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("KAGGLE_KERNEL_RUN_TYPE", "COLAB_RELEASE_TAG"):
        monkeypatch.delenv(name, raising=False)

    def run_cell(helpers_installed=True):
        real_find_spec = __import__("importlib.util").util.find_spec
        monkeypatch.setattr("importlib.util.find_spec",
                            lambda name, *a: (real_find_spec(name, *a) if helpers_installed or name != "helpers"
                                              else None))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(launch_links.bootstrap_source(REPO), "bootstrap", "exec"), {"__name__": "__main__"})
        calls["printed"] = out.getvalue()
        return calls

    return run_cell


def test_bootstrap_does_nothing_on_an_installed_course(bootstrap):
    calls = bootstrap()
    assert calls == {"run": [], "chdir": [], "printed": ""}


def test_bootstrap_says_how_to_install_when_helpers_are_missing(bootstrap):
    with pytest.raises(ModuleNotFoundError, match=r"pip install --no-deps -e \."):
        bootstrap(helpers_installed=False)


@pytest.mark.parametrize(("platform", "home"), [("Colab", "/content"), ("Kaggle", "/kaggle/working")])
def test_bootstrap_on_colab_or_kaggle_installs_helpers_alone(bootstrap, monkeypatch, platform, home):
    if platform == "Colab":
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    course = f"{home}/nn-autoencoders-course"
    calls = bootstrap(helpers_installed=False)
    clone, install = calls["run"]
    assert clone == ["git", "clone", "--quiet", "--depth", "1", REPO, course]
    assert install == [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "-e", course]
    assert not any(word in " ".join(install) for word in ("tensorflow", "keras", "requirements"))
    assert sys.path[0] == course
    assert calls["chdir"] == [f"{course}/notebooks"]
    assert calls["printed"] == f"{platform}: the course's helpers are ready (in {course}).\n"


def test_bootstrap_explains_a_failed_download(bootstrap, monkeypatch):
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: subprocess.CompletedProcess(args, 128))
    with pytest.raises(RuntimeError, match="switch on Internet"):
        bootstrap(helpers_installed=False)


# The course's own notebooks and README ------------------------------------------------------------


@pytest.mark.parametrize("path", config.notebook_paths(), ids=lambda p: p.name[:2])
def test_every_lecture_opens_with_current_launch_cells(path):
    nb = nbformat.read(path, as_version=4)
    found = roles(nb)
    assert found.count("badges") == 1 and found.count("bootstrap") == 1, (
        f"{path.name} lacks its launch cells: run python tools/launch_links.py {path.relative_to(config.REPO_ROOT)}")
    assert found.index("badges") < found.index("bootstrap") < next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "from helpers import" in c.source)
    assert launch_links.update_notebook(path, REPO, check=True), f"run python tools/launch_links.py: {path.name}"


def test_the_readme_links_every_lecture_to_colab_and_kaggle():
    text = launch_links.README.read_text()
    assert launch_links.readme_with_links(text, REPO) == text, "run python tools/launch_links.py"
    missing = launch_links.readme_missing_rows(text, config.notebook_paths(), REPO)
    assert not missing, f"the README's lecture table lacks badges for {sorted(missing)}"
    for path in config.notebook_paths():
        assert launch_links.launch_urls(REPO, path.name)["kaggle"] in text, path.name
