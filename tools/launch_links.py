"""Write every notebook's launch badges (Colab, Kaggle, Binder) and its bootstrap cell from the
course's one repository address, ``Repository`` under ``[project.urls]`` in pyproject.toml.

    python tools/launch_links.py                      # every lecture, and the README's launch links
    python tools/launch_links.py notebooks/08_*.ipynb # one notebook (and the README)
    python tools/launch_links.py --check              # change nothing; exit 1 if something is out of date

Each notebook opens with two cells that this tool owns, recognized by the cell metadata key
``course_launch`` ("badges" or "bootstrap"):

* a Markdown cell of badges that open the notebook on Google Colab, on Kaggle and on Binder;
* a code cell that does nothing on a machine where the course is installed and, on Colab or
  Kaggle, downloads the course and installs its ``helpers`` with ``pip install --no-deps``, so
  that the platform's own TensorFlow and Keras stay as they are.

Both are left out of slides (``slideshow`` metadata ``skip``, kept by tools/tag_slides.py).
A notebook without them gets them at the top; a notebook with them gets their text brought up
to date in place (their position, cell id, execution count and outputs stay). Nothing else in a
notebook changes, and a notebook whose cells are already current is not rewritten. In the
README, every Colab, Kaggle, Binder and Codespaces link is pointed at the configured repository
and branch; a lecture that has no Colab link in the README yet is reported with the Markdown to
paste into the lecture table.

A fork changes the one line in pyproject.toml and runs this tool.
"""

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

from common import REPO_ROOT, notebook_paths

PYPROJECT = REPO_ROOT / "pyproject.toml"
README = REPO_ROOT / "README.md"
KEY = "course_launch"
"""The cell-metadata key that marks this tool's cells; its value is "badges" or "bootstrap"."""
ROLES = ("badges", "bootstrap")
CELL_IDS = {"badges": "launch-badges", "bootstrap": "launch-bootstrap"}
DEFAULT_BRANCH = "main"
GITHUB_URL = re.compile(r"^https://github\.com/(?P<slug>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+?)(?:\.git)?/?$")

COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
KAGGLE_BADGE = "https://kaggle.com/static/images/open-in-kaggle.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"


class LaunchLinkError(ValueError):
    """The repository address is missing or unusable, or a notebook cannot be rewritten safely."""


# The one address -------------------------------------------------------------------------------


def _urls_table(text):
    """The ``[project.urls]`` table of a pyproject.toml's text, as a dict (tomllib where there is one)."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: read the few lines of that one table by hand
        table, inside = {}, False
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip() if not raw.strip().startswith("#") else ""
            if line.startswith("["):
                inside = line == "[project.urls]"
            elif inside and "=" in line:
                key, value = (part.strip() for part in line.split("=", 1))
                table[key.strip("\"'")] = value.strip("\"'")
        return table
    return tomllib.loads(text).get("project", {}).get("urls", {})


def repository_url(pyproject=PYPROJECT):
    """The course's repository address, ``https://github.com/OWNER/NAME``, from pyproject.toml."""
    urls = _urls_table(Path(pyproject).read_text(encoding="utf-8"))
    url = urls.get("Repository", "")
    match = GITHUB_URL.match(url.strip())
    if not match:
        shown = f"is {url!r}" if url else "is missing"
        raise LaunchLinkError(
            f"{pyproject}: [project.urls] Repository {shown}. Colab, Kaggle and Binder open notebooks from "
            'GitHub: set it to your repository, e.g. Repository = "https://github.com/OWNER/NAME".')
    return f"https://github.com/{match['slug']}"


def slug_of(url):
    """``OWNER/NAME`` of a GitHub address."""
    return GITHUB_URL.match(url)["slug"]


# The cells -------------------------------------------------------------------------------------


def launch_urls(repository, notebook_name, branch=DEFAULT_BRANCH):
    """{"colab": ..., "kaggle": ..., "binder": ...}: where each platform opens ``notebooks/<notebook_name>``."""
    slug = slug_of(repository)
    blob = f"{slug}/blob/{branch}/notebooks/{notebook_name}"
    return {
        "colab": f"https://colab.research.google.com/github/{blob}",
        "kaggle": f"https://kaggle.com/kernels/welcome?src=https://github.com/{blob}",
        "binder": f"https://mybinder.org/v2/gh/{slug}/{branch}?labpath=notebooks%2F{notebook_name}",
    }


def badge_markdown(repository, notebook_name, branch=DEFAULT_BRANCH):
    """The badges, one line of Markdown."""
    urls = launch_urls(repository, notebook_name, branch)
    return (f"[![Open In Colab]({COLAB_BADGE})]({urls['colab']}) "
            f"[![Open in Kaggle]({KAGGLE_BADGE})]({urls['kaggle']}) "
            f"[![Launch Binder]({BINDER_BADGE})]({urls['binder']})")


def badges_source(repository, notebook_name, branch=DEFAULT_BRANCH):
    return (badge_markdown(repository, notebook_name, branch) + "\n\n"
            "Run this notebook in your browser, nothing to install: Colab, Kaggle or Binder (the badges above). "
            "On your own computer, follow the README's Quickstart.")


BOOTSTRAP_TEMPLATE = '''\
# Run this cell first. On your own computer, with the course installed, it does nothing.
# On Google Colab or Kaggle it downloads the course and installs its `helpers` package alone
# (--no-deps): the TensorFlow and Keras that Colab or Kaggle provide stay as they are.
import importlib.util
import os
import subprocess
import sys

COURSE_REPOSITORY = "{repository}"
on_colab = "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ
on_kaggle = "KAGGLE_KERNEL_RUN_TYPE" in os.environ
if on_colab or on_kaggle:
    course = os.path.join("/kaggle/working" if on_kaggle else "/content", "{name}")
    if not os.path.isdir(course):
        cloned = subprocess.run(["git", "clone", "--quiet", "--depth", "1", COURSE_REPOSITORY, course])
        if cloned.returncode != 0:
            raise RuntimeError(f"Could not download the course from {{COURSE_REPOSITORY}}. On Kaggle, switch on "
                               "Internet in the notebook's settings (panel on the right), then run this cell again.")
    if importlib.util.find_spec("helpers") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "-e", course], check=True)
        sys.path.insert(0, course)  # this kernel sees helpers at once; a restarted one finds it installed
    os.chdir(os.path.join(course, "notebooks"))  # as on your own computer: data/ is next to notebooks/
    print(f"{{'Colab' if on_colab else 'Kaggle'}}: the course's helpers are ready (in {{course}}).")
elif importlib.util.find_spec("helpers") is None:
    raise ModuleNotFoundError("The course's helpers are not installed in this Python. In a terminal at the top "
                              "of the course folder run `pip install --no-deps -e .` (README, Quickstart), then "
                              "restart the kernel.")'''


def bootstrap_source(repository):
    return BOOTSTRAP_TEMPLATE.format(repository=repository, name=slug_of(repository).split("/")[1])


def wanted_cells(repository, notebook_name, branch=DEFAULT_BRANCH):
    """{"badges": (cell type, source), "bootstrap": (cell type, source)} for one notebook."""
    return {"badges": ("markdown", badges_source(repository, notebook_name, branch)),
            "bootstrap": ("code", bootstrap_source(repository))}


SLIDESHOW = {"slide_type": "skip"}
"""Slides leave the launch cells out (tools/tag_slides.py keeps a slide type it did not set by rule)."""


def _skip_in_slides(cell):
    current = cell.metadata.get("slideshow")
    if not current or current.get("course_rule"):
        cell.metadata["slideshow"] = dict(SLIDESHOW)


def _new_cell(role, cell_type, source, nb):
    cell = (nbformat.v4.new_markdown_cell if cell_type == "markdown" else nbformat.v4.new_code_cell)(source)
    cell.metadata[KEY] = role
    _skip_in_slides(cell)
    if (nb.nbformat, nb.nbformat_minor) >= (4, 5):
        taken = {c.get("id") for c in nb.cells}
        cell.id = CELL_IDS[role] if CELL_IDS[role] not in taken else f"{CELL_IDS[role]}-{len(nb.cells)}"
    else:
        cell.pop("id", None)
    return cell


def with_launch_cells(nb, repository, notebook_name, branch=DEFAULT_BRANCH):
    """A copy of ``nb`` whose launch cells are current; ``nb`` itself is left alone.

    Cells of this tool found in the notebook are updated in place (and extra copies of one
    dropped); missing ones go to the top, badges first, then the bootstrap cell.
    """
    nb = copy.deepcopy(nb)
    wanted = wanted_cells(repository, notebook_name, branch)
    kept, seen = [], set()
    for cell in nb.cells:
        role = cell.get("metadata", {}).get(KEY)
        if role not in ROLES:
            kept.append(cell)
            continue
        if role in seen:
            continue  # a second copy of one of this tool's cells (pasted by hand): one is enough
        seen.add(role)
        cell_type, source = wanted[role]
        if cell.cell_type != cell_type:
            continue  # changed to another type by hand: replaced below by a fresh cell
        if cell.source != source:
            cell.source = source
            if cell_type == "code":
                cell.outputs = []  # what the old text printed no longer belongs to it
        _skip_in_slides(cell)
        kept.append(cell)
    nb.cells = kept
    present = {c.metadata.get(KEY) for c in nb.cells if c.metadata.get(KEY) in ROLES}
    for role in ROLES:
        if role in present:
            continue
        cell = _new_cell(role, *wanted[role], nb)
        if role == "badges":
            nb.cells.insert(0, cell)
        else:
            badges_at = next(i for i, c in enumerate(nb.cells) if c.metadata.get(KEY) == "badges")
            nb.cells.insert(badges_at + 1, cell)
    return nb


def as_text(nb):
    """The notebook as nbformat writes it (as tools/normalize_notebooks.py leaves it)."""
    return nbformat.writes(nb) + "\n"


def update_notebook(path, repository, branch=DEFAULT_BRANCH, check=False):
    """Bring one notebook's launch cells up to date (``check``: only compare). True if they were current."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    if as_text(nb) != text:
        raise LaunchLinkError(f"{path} is not in the form nbformat writes, so rewriting it would change more than "
                              f"its launch cells; nothing was changed. Run `python tools/normalize_notebooks.py "
                              f"{path}` first, then this tool again.")
    wanted = as_text(with_launch_cells(nb, repository, path.name, branch))
    if wanted == text:
        return True
    if not check:
        path.write_text(wanted, encoding="utf-8")
    return False


# The README ------------------------------------------------------------------------------------

SLUG = r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+?"
BRANCH = r"[A-Za-z0-9._/-]+?"
README_LINKS = [
    (re.compile(rf"https://colab\.research\.google\.com/github/{SLUG}/blob/{BRANCH}/(?=notebooks/)"),
     "https://colab.research.google.com/github/{slug}/blob/{branch}/"),
    (re.compile(rf"https://(?:www\.)?kaggle\.com/kernels/welcome\?src=https://github\.com/{SLUG}/blob/{BRANCH}/"
                r"(?=notebooks/)"),
     "https://kaggle.com/kernels/welcome?src=https://github.com/{slug}/blob/{branch}/"),
    (re.compile(rf"https://mybinder\.org/v2/gh/{SLUG}/{BRANCH}(?=[?)\s]|$)"), "https://mybinder.org/v2/gh/{slug}/{branch}"),
    (re.compile(rf"https://codespaces\.new/{SLUG}(?=[?)\s]|$)"), "https://codespaces.new/{slug}"),
]
"""Launch links in the README, each with what it becomes: the repository and branch are replaced."""


LAUNCH_SLUG = re.compile(rf"(?:colab\.research\.google\.com/github/|kaggle\.com/kernels/welcome\?src=https://github\.com/"
                         rf"|mybinder\.org/v2/gh/|codespaces\.new/)({SLUG})(?=[/?)\s]|$)")


def readme_with_links(text, repository, branch=DEFAULT_BRANCH):
    """The README's text with every launch link pointing at ``repository`` and ``branch``, and the
    repository the launch links pointed at before (``https://github.com/OLD/NAME``, as in a
    ``git clone``) replaced by the new one; other GitHub addresses stay."""
    slug = slug_of(repository)
    old_slugs = {match[1] for match in LAUNCH_SLUG.finditer(text)} - {slug}
    for pattern, replacement in README_LINKS:
        text = pattern.sub(replacement.format(slug=slug, branch=branch).replace("\\", "\\\\"), text)
    for old in sorted(old_slugs):
        text = re.sub(rf"https://github\.com/{re.escape(old)}(?![A-Za-z0-9._-])", repository.replace("\\", "\\\\"),
                      text)
    return text


def readme_missing_rows(text, notebooks, repository, branch=DEFAULT_BRANCH):
    """{notebook name: Markdown for its badges} for the lectures the README has no Colab link for."""
    missing = {}
    for path in notebooks:
        urls = launch_urls(repository, path.name, branch)
        if urls["colab"] not in text:
            missing[path.name] = (f"[![Open In Colab]({COLAB_BADGE})]({urls['colab']}) "
                                  f"[![Open in Kaggle]({KAGGLE_BADGE})]({urls['kaggle']})")
    return missing


def update_readme(repository, branch=DEFAULT_BRANCH, check=False, readme=README):
    """Point the README's launch links at the repository (``check``: only compare). True if they were current."""
    readme = Path(readme)
    if not readme.is_file():
        return True
    text = readme.read_text(encoding="utf-8")
    wanted = readme_with_links(text, repository, branch)
    if wanted == text:
        return True
    if not check:
        readme.write_text(wanted, encoding="utf-8")
    return False


# The command line ------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: every lecture)")
    parser.add_argument("--branch", default=DEFAULT_BRANCH,
                        help=f"the branch the badges open (default: {DEFAULT_BRANCH})")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if something is out of date")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or notebook_paths()
    missing = [str(path) for path in notebooks if not Path(path).is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    try:
        repository = repository_url(PYPROJECT)
        stale = [path for path in notebooks if not update_notebook(path, repository, args.branch, check=args.check)]
        readme_current = update_readme(repository, args.branch, check=args.check, readme=README)
    except LaunchLinkError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    verb = "out of date" if args.check else "updated"
    for path in stale:
        print(f"{path}: launch cells {verb}" + (" (run: python tools/launch_links.py)" if args.check else ""))
    if not readme_current:
        print(f"{README.name}: launch links {verb}" + (" (run: python tools/launch_links.py)" if args.check else ""))
    rows = readme_missing_rows(README.read_text(encoding="utf-8"), notebook_paths(), repository, args.branch) \
        if README.is_file() else {}
    for name, markdown in rows.items():
        print(f"{README.name}: the lecture table has no Colab badge for {name}; add to its row:\n  {markdown}")
    if not stale and readme_current:
        print(f"Launch links point at {repository} ({args.branch}): {len(notebooks)} notebook(s) current.")
    return 1 if args.check and (stale or not readme_current or rows) else 0


if __name__ == "__main__":
    sys.exit(main())
