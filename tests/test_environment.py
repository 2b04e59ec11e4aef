"""The environment: one list of versions (requirements.txt) that conda, Binder, the devcontainer and
the Makefile all install; every pin installed here; Colab's list well formed; helpers imports."""

import importlib
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

import helpers
from helpers import config

ROOT = config.REPO_ROOT
REQUIREMENTS = ROOT / "requirements.txt"
ENVIRONMENT = ROOT / "environment.yml"
COLAB = ROOT / "requirements-colab.txt"
BINDER = ROOT / "binder"
DEVCONTAINER = ROOT / ".devcontainer" / "devcontainer.json"
PYPROJECT = ROOT / "pyproject.toml"
MAKEFILE = ROOT / "Makefile"


def requirement_lines(text):
    """The requirement lines of a requirements file: no blanks, no comments."""
    lines = (line.split(" #", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def pip_lines(text):
    """The items of the ``- pip:`` list in an environment.yml, quotes stripped (no YAML parser needed)."""
    items, pip_indent = [], None
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        if pip_indent is None:
            if stripped in ("- pip:", "-  pip:"):
                pip_indent = indent
            continue
        if indent <= pip_indent or not stripped.startswith("- "):
            break
        item = stripped[2:].strip()
        if len(item) >= 2 and item[0] == item[-1] and item[0] in "'\"":
            item = item[1:-1]
        items.append(item)
    return items


def only_includes(lines, folder):
    """True when ``lines`` (a requirements list read in ``folder``) is exactly one ``-r`` of requirements.txt."""
    if len(lines) != 1:
        return False
    match = re.fullmatch(r"(?:-r|--requirement)\s*=?\s*(\S+)", lines[0])
    return bool(match) and (folder / match[1]).resolve() == REQUIREMENTS.resolve()


def requires_python():
    match = re.search(r'^requires-python\s*=\s*"([^"]+)"', PYPROJECT.read_text(), re.MULTILINE)
    assert match, "pyproject.toml has no requires-python"
    return SpecifierSet(match[1])


# The one list ----------------------------------------------------------------------------------


def test_requirements_list_is_not_empty():
    assert len(requirement_lines(REQUIREMENTS.read_text())) >= 10


def test_every_requirement_is_pinned():
    for line in requirement_lines(REQUIREMENTS.read_text()):
        specifiers = list(Requirement(line).specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"not pinned with ==: {line}"


def applicable_requirements():
    reqs = [Requirement(line) for line in requirement_lines(REQUIREMENTS.read_text())]
    return [req for req in reqs if req.marker is None or req.marker.evaluate()]


@pytest.mark.parametrize("req", applicable_requirements(), ids=lambda req: req.name)
def test_pinned_version_is_installed(req):
    try:
        installed = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        pytest.fail(f"{req.name} is not installed; run: pip install -r requirements.txt")
    assert installed in req.specifier, f"{req.name} {installed} is installed, requirements.txt pins {req.specifier}"


def test_exactly_one_tensorflow_applies_here():
    names = {canonicalize_name(req.name) for req in applicable_requirements()}
    assert len(names & {"tensorflow", "tensorflow-cpu"}) == 1


# Python 3.10 to 3.13 ---------------------------------------------------------------------------


def test_requires_python_is_3_10_to_3_13():
    spec = requires_python()
    assert all(f"3.{minor}.0" in spec for minor in (10, 11, 12, 13)), spec
    assert "3.9.18" not in spec and "3.14.0" not in spec, spec


def test_this_python_is_supported():
    version = ".".join(map(str, sys.version_info[:3]))
    assert version in requires_python(), f"Python {version} is outside pyproject.toml's requires-python"


# conda, Binder, devcontainer: the same pins, through requirements.txt --------------------------


def test_environment_yml_installs_requirements_txt():
    lines = pip_lines(ENVIRONMENT.read_text())
    assert only_includes(lines, ENVIRONMENT.parent), (
        f"environment.yml's pip list should be exactly `-r requirements.txt` (the one list), not {lines}")
    python = re.search(r"^\s*-\s*python\s*=\s*([\d.]+)\s*$", ENVIRONMENT.read_text(), re.MULTILINE)
    assert python and f"{python[1]}.0" in requires_python(), "environment.yml's python is not one the course supports"


def test_binder_installs_requirements_txt_then_helpers():
    lines = requirement_lines((BINDER / "requirements.txt").read_text())
    assert only_includes(lines, BINDER), f"binder/requirements.txt should be exactly `-r ../requirements.txt`: {lines}"
    commands = [line for line in (BINDER / "postBuild").read_text().splitlines() if not line.lstrip().startswith("#")]
    installs = [line for line in commands if "pip install" in line]
    assert installs and all("--no-deps" in line and line.rstrip().endswith("-e .") for line in installs), installs
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime) and f"{runtime[7:]}.0" in requires_python(), runtime


def test_binder_starts_in_fast_mode():
    start = (BINDER / "start").read_text()
    assert re.search(r'^export COURSE_FAST="\$\{COURSE_FAST-1\}"$', start, re.MULTILINE), start
    assert start.rstrip().endswith('exec "$@"')


@pytest.mark.parametrize("name", ["postBuild", "start"])
def test_binder_scripts_are_executable(name):
    path = BINDER / name
    assert path.read_text().startswith("#!/bin/bash\n")
    assert os.access(path, os.X_OK), f"{path} must be executable (chmod +x {path.relative_to(ROOT)})"


def test_devcontainer_runs_make_setup_on_a_supported_python():
    spec = json.loads(DEVCONTAINER.read_text())
    assert spec["postCreateCommand"] == "make setup"
    python = re.search(r":(?:\d+-)?(3\.\d+)(?:-|$)", spec["image"])
    assert python and f"{python[1]}.0" in requires_python(), spec["image"]
    interpreter = spec["customizations"]["vscode"]["settings"]["python.defaultInterpreterPath"]
    assert interpreter.endswith("/.venv/bin/python"), "VS Code should use the .venv that make setup builds"


def test_make_setup_installs_requirements_txt_then_helpers():
    recipe = re.search(r"^\$\(STAMP\):.*\n((?:\t.*\n)+)", MAKEFILE.read_text(), re.MULTILINE)
    assert recipe, "the Makefile has no $(STAMP) rule (what make setup builds)"
    assert "pip install -r requirements.txt" in recipe[1] and "pip install --no-deps -e ." in recipe[1], recipe[1]


@pytest.mark.parametrize(
    ("lines", "folder"),
    [
        (["keras==3.12.4", "numpy==2.2.6"], BINDER),  # pins repeated: they would drift
        (["-r requirements.txt"], BINDER),  # binder/requirements.txt, which is not the course's list
        (["-r ../requirements.txt", "keras==3.13.2"], BINDER),  # an extra pin on top
        (["-r requirements-colab.txt"], ROOT),  # another list
    ],
)
def test_the_include_check_notices_another_list(lines, folder):
    assert not only_includes(lines, folder)


# Colab's versions ------------------------------------------------------------------------------


def colab_requirements():
    return [Requirement(line) for line in requirement_lines(COLAB.read_text())]


def test_colab_list_is_pinned_and_names_what_differs():
    reqs = colab_requirements()
    for req in reqs:
        specifiers = list(req.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"not pinned with ==: {req}"
        assert req.marker is None, f"{req}: Colab is one platform, no markers needed"
    names = {canonicalize_name(req.name) for req in reqs}
    assert {"keras", "numpy", "ipywidgets", "ipykernel"} <= names
    assert len(names & {"tensorflow", "tensorflow-cpu"}) == 1


def test_colab_list_names_only_packages_the_course_pins():
    course = {canonicalize_name(Requirement(line).name) for line in requirement_lines(REQUIREMENTS.read_text())}
    course |= {"tensorflow", "tensorflow-cpu"}
    extra = {canonicalize_name(req.name) for req in colab_requirements()} - course
    assert not extra, f"requirements-colab.txt pins packages the course does not use: {sorted(extra)}"


def test_colab_list_says_how_to_refresh_it():
    text = COLAB.read_text()
    assert "Refreshing this list" in text and "make test-colab" in text


# Everything imports ----------------------------------------------------------------------------

SUBMODULES = sorted(info.name for info in pkgutil.iter_modules(helpers.__path__))


def test_the_core_modules_are_there():
    assert {"config", "data", "plots", "doctor"} <= set(SUBMODULES)


@pytest.mark.parametrize("name", SUBMODULES)
def test_submodule_imports(name):
    module = importlib.import_module(f"helpers.{name}")
    assert module.__doc__


def test_helpers_all_names_exist():
    for name in helpers.__all__:
        assert hasattr(helpers, name), name


# make test is fast by default; make test-colab skips clearly without Python 3.13 ---------------------


def make_recipe(target):
    recipe = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", MAKEFILE.read_text(), re.MULTILINE)
    assert recipe, f"the Makefile has no {target} target"
    return recipe[1]


def test_make_test_is_fast_unless_told_otherwise():
    assert "COURSE_FAST=$${COURSE_FAST-1} $(BIN)/python -m pytest" in make_recipe("test")
    assert "COURSE_FAST= $(BIN)/python -m pytest" in make_recipe("test-full")


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")
def test_make_test_colab_skips_with_a_message_without_python_3_13(tmp_path):
    fake = tmp_path / "bin" / "python3.13"  # a python3.13 that does not work, first on the PATH
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}:/usr/bin:/bin", "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path)}
    done = subprocess.run(["make", "--no-print-directory", "test-colab"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SKIPPED: no Python 3.13 found" in done.stdout and "COLAB_PYTHON=" in done.stdout
    named = subprocess.run(["make", "--no-print-directory", "test-colab", f"COLAB_PYTHON={fake}"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
    assert named.returncode != 0 and "is not a working Python 3.13" in named.stdout
