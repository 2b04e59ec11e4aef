"""Check this machine for the course and print a short report to paste into a question.

    python -m helpers.doctor        (or: make doctor)

It prints the platform, the versions of the packages the course uses (and, where one differs
from the course's pinned version, that pin), the mode, where TensorFlow computes (CPU or
GPU), and whether MNIST is on this machine and verified. Nothing is downloaded or changed.
It exits with status 1 when something is broken (TensorFlow does not import, a damaged
MNIST file), 0 otherwise.
"""

import os
import platform
import sys
from importlib import metadata

from . import config, data

PACKAGES = ["tensorflow", "tensorflow-cpu", "keras", "numpy", "scipy", "scikit-learn", "matplotlib", "ipywidgets",
            "ipykernel", "jupyterlab", "nbval", "pytest"]
"""The distributions whose versions the report shows (one of the two TensorFlows is usually absent)."""

REQUIREMENTS = config.REPO_ROOT / "requirements.txt"


def where_am_i(environ=None):
    """'Google Colab', 'Kaggle', 'Binder' or 'this machine': where the kernel runs, as far as it can tell."""
    environ = os.environ if environ is None else environ
    if "COLAB_RELEASE_TAG" in environ or "COLAB_GPU" in environ or "google.colab" in sys.modules:
        return "Google Colab"
    if "KAGGLE_KERNEL_RUN_TYPE" in environ or "KAGGLE_URL_BASE" in environ:
        return "Kaggle"
    if "BINDER_LAUNCH_HOST" in environ or "BINDER_REQUEST" in environ:
        return "Binder"
    return "this machine"


def pinned_versions(path=REQUIREMENTS):
    """{distribution name (lower case): pinned version} of the pins in ``path`` that apply here ({} if none)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    pins = {}
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate():
            continue
        exact = [spec.version for spec in req.specifier if spec.operator == "=="]
        if exact:
            pins[canonicalize_name(req.name)] = exact[0]
    return pins


def version_lines(pins=None):
    """One line per package: its installed version, and the course's pin where they differ."""
    pins = pinned_versions() if pins is None else pins
    place, lines = where_am_i(), []
    for name in PACKAGES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name in pins:
                lines.append(f"  {name:<15} not installed (the course pins {pins[name]})")
            continue
        pin, note = pins.get(name), ""
        if pin and pin != version:
            note = (f"   (the course pins {pin}; fine here: {place} brings its own)" if place != "this machine"
                    else f"   (the course pins {pin}: run `pip install -r requirements.txt`)")
        lines.append(f"  {name:<15} {version}{note}")
    return lines


def device_report():
    """(line, ok): where TensorFlow computes, or why TensorFlow does not import."""
    try:
        return config.device_line(), True
    except Exception as err:  # ImportError, or a broken installation raising anything else
        return (f"Device: unknown, TensorFlow does not import ({type(err).__name__}: {err}). Install the course's "
                "environment (README, Quickstart), or use Colab, Kaggle or Binder (README, Platforms)."), False


def mnist_report():
    """(lines, ok): where MNIST is and whether every array matches the official SHA-256."""
    try:
        path = data.find_mnist(download=False)
    except FileNotFoundError as err:
        if config.course_data_dir() is not None:  # COURSE_DATA_DIR names a folder without the file
            return [f"MNIST: NOT found: {err}"], False
        searched = "\n".join(f"    {folder / data.MNIST_FILENAME}" for folder in data.mnist_search_dirs())
        return [f"MNIST: not on this machine yet; the first notebook that needs it downloads it (11 MB) into "
                f"{config.DATA_DIR}. Looked for:\n{searched}"], True
    except OSError as err:  # a folder where the file should be, a file that cannot be read
        return [f"MNIST: NOT usable: {err}"], False
    try:
        data.read_verified_npz(path, data.MNIST_ARRAY_SHA256)
    except (data.DataFileError, OSError) as err:
        return [f"MNIST: {path} is NOT usable: {err}"], False
    return [f"MNIST: {path}, verified (each array's SHA-256 matches the official MNIST)"], True


def report():
    """The report's lines, and whether everything is usable."""
    lines = [
        f"Course: {config.REPO_ROOT}",
        f"Python: {sys.version.split()[0]} on {platform.system()} {platform.machine()} ({where_am_i()})",
        f"Mode: {config.mode_name()} (COURSE_FAST={os.environ.get('COURSE_FAST', '')!r})",
        "Versions:",
        *version_lines(),
    ]
    device, device_ok = device_report()
    mnist, mnist_ok = mnist_report()
    return lines + [device, *mnist], device_ok and mnist_ok


def main():
    lines, ok = report()
    print("\n".join(lines))
    print("All set." if ok else "Something above needs fixing (see its line).")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
