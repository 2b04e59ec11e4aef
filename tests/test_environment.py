"""The environment: requirements.txt and environment.yml agree, every pin is installed, helpers imports."""

import importlib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from helpers import config

REQUIREMENTS = config.REPO_ROOT / "requirements.txt"
ENVIRONMENT = config.REPO_ROOT / "environment.yml"


def requirement_lines(text):
    """The requirement lines of a requirements.txt: no blanks, no comments."""
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


def normalized(lines):
    """Each requirement as (name, specifier, marker), so that spacing and spelling do not matter."""
    keys = set()
    for line in lines:
        req = Requirement(line)
        keys.add((canonicalize_name(req.name), str(req.specifier), str(req.marker) if req.marker else ""))
    return keys


def test_pin_lists_are_not_empty():
    requirements = requirement_lines(REQUIREMENTS.read_text())
    assert len(requirements) >= 10
    assert len(pip_lines(ENVIRONMENT.read_text())) == len(requirements)


def test_requirements_and_environment_agree():
    in_requirements = normalized(requirement_lines(REQUIREMENTS.read_text()))
    in_environment = normalized(pip_lines(ENVIRONMENT.read_text()))
    assert in_requirements - in_environment == set(), "in requirements.txt but not (so) in environment.yml"
    assert in_environment - in_requirements == set(), "in environment.yml but not (so) in requirements.txt"


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text.replace("keras==3.12.4", "keras==3.12.3"),  # a version differs
        lambda text: text.replace("      - nbval==0.11.0\n", ""),  # a package is missing
        lambda text: text.replace('platform_machine != "arm64"', 'platform_machine != "x86_64"', 1),  # a marker differs
    ],
)
def test_comparison_notices_a_difference(edit):
    """The agreement test above would fail on an out-of-step environment.yml."""
    text = ENVIRONMENT.read_text()
    edited = edit(text)
    assert edited != text
    assert normalized(pip_lines(edited)) != normalized(requirement_lines(REQUIREMENTS.read_text()))


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


# Everything imports -----------------------------------------------------------------------------

SUBMODULES = ["config", "data", "plots", "checks", "widgets"]


@pytest.mark.parametrize("name", SUBMODULES)
def test_submodule_imports(name):
    module = importlib.import_module(f"helpers.{name}")
    assert module.__doc__


def test_helpers_all_names_exist():
    import helpers

    for name in helpers.__all__:
        assert hasattr(helpers, name), name
    assert set(SUBMODULES) <= set(helpers.__all__)
