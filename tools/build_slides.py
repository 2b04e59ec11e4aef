"""Build static reveal.js slides of every lecture from the committed notebooks, executing nothing.

    python tools/build_slides.py               # notebooks/NN_*.ipynb -> _slides/
    python tools/build_slides.py --out DIR     # elsewhere: a new or empty folder, or earlier slides

A notebook's cells carry their slide type in their metadata (``tools/tag_slides.py`` sets it:
titles and figures on slides, plumbing and solutions skipped). Each lecture becomes
``NN_topic.slides.html``; reveal.js, require.js, the widget manager and MathJax are copied next to
them from the course's pinned packages (``make assets`` installs the npm ones), so the slides open
offline, from disk. For slides with live widgets, run a notebook in JupyterLab and press the deck
button in its toolbar (the jupyterlab-slideshow extension, in the pinned environment).
"""

import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

import build_site
from common import REPO_ROOT, ToolError, check_output_folder, claim_fresh_output_folder, run_tool

TOOL = "build_slides"
REVEAL_DIR = "reveal.js"


JQUERY = "static/jquery.min.js"


def reveal_assets():
    """reveal.js and jQuery in node_modules/; ``build_site.MissingAssets`` when they are not installed."""
    reveal = build_site.NODE_MODULES / "reveal.js"
    jquery = build_site.NODE_MODULES / "jquery" / "dist" / "jquery.min.js"
    if not (reveal / "dist" / "reveal.js").is_file() or not jquery.is_file():
        raise build_site.MissingAssets(f"the slides serve reveal.js and jQuery from {build_site.NODE_MODULES}, which "
                                       "lacks them: run `npm ci` at the top of the course (needs Node.js), or "
                                       "`make slides`.")
    return reveal, jquery


def exporter(mathjax_url, widget_urls):
    config = Config({"ExtractOutputPreprocessor": {"enabled": True}})
    config.SlidesExporter.mathjax_url = mathjax_url
    config.SlidesExporter.widget_renderer_url, config.SlidesExporter.require_js_url = widget_urls
    config.SlidesExporter.jquery_url = JQUERY
    config.SlidesExporter.reveal_url_prefix = REVEAL_DIR
    config.SlidesExporter.reveal_theme = "white"  # its fonts ship with reveal.js
    config.SlidesExporter.reveal_scroll = True  # a tall figure scrolls instead of being cut
    return SlidesExporter(template_name="course_slides", extra_template_basedirs=[str(build_site.TEMPLATES)],
                          config=config)


def slide_page_name(path):
    return f"{Path(path).stem}.slides.html"


def build(notebooks, out_dir):
    """Write every notebook's slides into ``out_dir``; return the paths written."""
    # Refused before anything is written: a folder it must not touch, notebooks without slides, missing packages
    check_output_folder(out_dir, TOOL)
    notebooks = {Path(path): nbformat.read(path, as_version=4) for path in notebooks}
    for path, nb in notebooks.items():
        if not any(cell.metadata.get("slideshow") for cell in nb.cells):
            raise ToolError(f"{path.name} has no slide metadata: run python tools/tag_slides.py {path}")
    reveal, jquery = reveal_assets()
    build_site.widget_assets()
    out_dir = claim_fresh_output_folder(out_dir, TOOL)
    shutil.copytree(reveal / "dist", out_dir / REVEAL_DIR / "dist", ignore=shutil.ignore_patterns("*.map"))
    shutil.copytree(reveal / "plugin", out_dir / REVEAL_DIR / "plugin", ignore=shutil.ignore_patterns("*.map"))
    slides = exporter(build_site.copy_mathjax(out_dir), build_site.copy_widget_assets(out_dir))
    (out_dir / JQUERY).write_bytes(jquery.read_bytes())
    written = []
    for path, nb in notebooks.items():
        resources = {"output_files_dir": f"{path.stem}_files", "unique_key": path.stem,
                     "metadata": {"name": path.stem}}
        body, resources = slides.from_notebook_node(nb, resources=resources)
        for name, data in resources.get("outputs", {}).items():
            target = out_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        page = out_dir / slide_page_name(path)
        page.write_text(build_site.with_packaged_mathjax_fonts(body), encoding="utf-8")
        written.append(page)
        print(f"wrote {page}")
    return written


def main(argv=None):
    return run_tool(__doc__, build, REPO_ROOT / "_slides", argv)


if __name__ == "__main__":
    sys.exit(main())
