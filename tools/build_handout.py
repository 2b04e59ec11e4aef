"""Zip the student edition of the course, with its data instructions, for a learning platform.

    python tools/build_handout.py                       # every lecture -> handout/nn-course-student.zip
    python tools/build_handout.py --out FILE.zip NB...  # chosen notebooks into FILE.zip

The zip holds one folder, ``nn-course-student/``, with

* the student edition of each notebook (``tools/build_student.py``: solutions replaced by a
  self-check of the student's answers), built afresh from ``notebooks/``;
* ``DATA.md``: where the notebooks find MNIST and what to do offline (the README's "Data and
  offline use" section);
* ``data/README.md``: the course's ``data/README.md``, word for word.

The tool writes only a new zip, or one it wrote before (it leaves its name in the zip's
comment); it refuses any other file, and any place inside ``notebooks/``.
"""

import argparse
import re
import sys
import tempfile
import zipfile
from pathlib import Path

import build_student
from common import NOTEBOOK_DIR, REPO_ROOT, OutputFolderError, ToolError, notebook_paths

TOOL = "build_handout"
FOLDER = "nn-course-student"
COMMENT = f"written by tools/{TOOL}.py".encode()
DEFAULT_OUT = REPO_ROOT / "handout" / f"{FOLDER}.zip"
DATA_SECTION = "Data and offline use"


def readme_section(title, readme=None):
    """The text of the README's ``## title`` section (heading included, up to the next ``## ``)."""
    text = Path(readme or REPO_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}[ \t]*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    if not match:
        raise ToolError(f"README.md has no '## {title}' section: the data instructions come from there.")
    return f"## {title}{match[1]}".rstrip() + "\n"


def data_instructions():
    """{relative path: text} of the data instructions that go with the student edition."""
    data_readme = REPO_ROOT / "data" / "README.md"
    if not data_readme.is_file():
        raise ToolError(f"{data_readme} is missing: the data instructions come from there.")
    intro = ("# Data for the course's notebooks\n\n"
             "Most notebooks read MNIST (11 MB), through the course's `helpers` package. The notebooks\n"
             "download it once when they first need it; without a network, put a copy where they look\n"
             "for it, as described below; `data/` there is the folder of that name in the course's repository\n"
             "(`data/README.md` beside this file says the same in more detail).\n\n")
    return {"DATA.md": intro + readme_section(DATA_SECTION).replace("## ", "### ", 1),
            "data/README.md": data_readme.read_text(encoding="utf-8")}


def written_by_this_tool(path):
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.comment == COMMENT
    except (OSError, zipfile.BadZipFile):
        return False


def check_target(out):
    out = Path(out).expanduser().resolve()
    notebooks = NOTEBOOK_DIR.resolve()
    if out == notebooks or notebooks in out.parents:
        raise OutputFolderError(f"{out} is inside {notebooks}, the course's notebooks: no tool writes there.")
    if out.suffix != ".zip":
        raise ToolError(f"{out} does not end in .zip: name the zip file to write, e.g. --out handout/course.zip")
    if out.is_dir():
        raise ToolError(f"{out} is a folder: name the zip file to write inside it, e.g. {out / (FOLDER + '.zip')}")
    if out.exists() and not written_by_this_tool(out):
        raise ToolError(f"{out} exists and was not written by {TOOL}; nothing was changed. Choose a new file name.")
    return out


def build(notebooks, out):
    """Write the handout zip ``out``; return its path and the names it holds."""
    out = check_target(out)
    files = data_instructions()
    with tempfile.TemporaryDirectory() as tmp:
        student = build_student.build(notebooks, Path(tmp) / "student")
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.comment = COMMENT
            for path in student:
                archive.write(path, f"{FOLDER}/{path.name}")
            for name, text in files.items():
                archive.writestr(f"{FOLDER}/{name}", text)
            names = archive.namelist()
        partial.replace(out)
    return out, names


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to use (default: every lecture)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"the zip file to write (default: {DEFAULT_OUT.relative_to(REPO_ROOT)})")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or notebook_paths()
    missing = [str(path) for path in notebooks if not Path(path).is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    try:
        out, names = build(notebooks, args.out)
    except ToolError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote {out}: {len(names)} files ({', '.join(name.split('/', 1)[1] for name in names)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
