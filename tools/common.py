"""What the course's tools share: the notebook list, their command line, and output folders that
keep what the tools did not make.

A tool that writes a folder (the site, the student edition) writes only into

* a folder it creates (it leaves a marker file, ``.course-tool.json``, that names the tool), or
* an empty folder (it leaves the marker there too), or
* a folder that already holds that tool's marker,

and refuses anything else (a folder with other files, another tool's folder, the course's
``notebooks/``, the repository itself or a folder above it) with a message that names the folder.
"""

import argparse
import json
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # run as `python tools/x.py` without installing helpers

from helpers.config import NOTEBOOK_DIR, notebook_paths  # noqa: E402

MARKER = ".course-tool.json"

__all__ = ["MARKER", "NOTEBOOK_DIR", "REPO_ROOT", "OutputFolderError", "ToolError", "claim_fresh_output_folder",
           "claim_output_folder", "notebook_paths", "read_marker", "run_tool", "write_marker"]


class ToolError(Exception):
    """A tool cannot do what it was asked; its message says why and what to do. Nothing was written."""


class OutputFolderError(ToolError, ValueError):
    """A tool was asked to write into a folder it must not touch."""


def _is_within(path, folder):
    return path == folder or folder in path.parents


def read_marker(folder):
    """The marker a tool left in ``folder`` (a dict), or None when there is none."""
    marker = Path(folder) / MARKER
    if not marker.is_file():
        return None
    try:
        return json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_marker(folder, tool, **extra):
    """Leave (or rewrite) the marker that says ``tool`` made ``folder``."""
    (Path(folder) / MARKER).write_text(json.dumps({"tool": tool, **extra}, indent=1, sort_keys=True) + "\n",
                                       encoding="utf-8")


def check_output_folder(folder, tool):
    """Refuse, without writing anything, a folder ``tool`` must not write into: the course's
    notebooks, the repository or a folder above it, a file, or a folder holding files that another
    tool or nobody's tool wrote (``OutputFolderError``). Returns the folder's resolved path."""
    folder = Path(folder).expanduser().resolve()
    notebooks = NOTEBOOK_DIR.resolve()
    if _is_within(folder, notebooks):
        raise OutputFolderError(f"{folder} is inside {notebooks}, the course's notebooks: no tool writes there. "
                                "Choose a folder outside it.")
    repo = REPO_ROOT.resolve()
    if folder == repo or folder in repo.parents:
        raise OutputFolderError(f"{folder} is the course repository or a folder above it: {tool} would mix its "
                                "files with the course's. Choose a new folder, e.g. --out _site.")
    if folder.exists() and not folder.is_dir():
        raise OutputFolderError(f"{folder} is a file, not a folder: choose a folder that does not exist yet.")
    if not folder.exists():
        return folder
    marker = read_marker(folder)
    if marker is None and any(folder.iterdir()):
        raise OutputFolderError(f"{folder} already holds files that {tool} did not write (it has no {MARKER}); "
                                "nothing was changed. Choose a new or empty folder.")
    if marker is not None and marker.get("tool") != tool:
        raise OutputFolderError(f"{folder} was written by {marker.get('tool')!r}, not by {tool}; nothing was "
                                "changed. Choose another folder.")
    return folder


def claim_output_folder(folder, tool):
    """Make sure ``tool`` may write into ``folder`` (``check_output_folder``); create it (with the
    marker) if needed.

    Returns the folder's resolved path and the marker found there before (None for a new or
    empty folder).
    """
    folder = check_output_folder(folder, tool)
    folder.mkdir(parents=True, exist_ok=True)
    marker = read_marker(folder)
    if marker is None:
        write_marker(folder, tool)
    return folder, marker


def claim_fresh_output_folder(folder, tool):
    """``claim_output_folder``, then empty the folder if it holds this tool's earlier output (which
    it made itself), so that nothing stale is left; returns the folder's resolved path."""
    folder, earlier = claim_output_folder(folder, tool)
    if earlier is not None:
        for entry in folder.iterdir():
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        write_marker(folder, tool)
    return folder


def run_tool(doc, build, default_out, argv=None):
    """The command line every folder-writing tool shares: ``[NOTEBOOK ...] [--out DIR]``.

    ``build(notebooks, out_dir)`` does the work. A ``ToolError`` (a folder the tool must not touch,
    a missing package) ends the tool with its message and exit status 2.
    """
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to use (default: every lecture)")
    parser.add_argument("--out", type=Path, default=default_out, help=f"output folder (default: {default_out})")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or notebook_paths()
    missing = [str(path) for path in notebooks if not Path(path).is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    try:
        build(notebooks, args.out)
    except ToolError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
