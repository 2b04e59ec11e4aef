"""Build a static web site of the whole course from the committed notebooks, executing nothing.

    python tools/build_site.py               # notebooks/NN_*.ipynb -> _site/
    python tools/build_site.py --out DIR     # elsewhere: a new or empty folder, or an earlier site

Each notebook becomes one HTML page (nbconvert's JupyterLab template) with its committed
outputs: equations typeset by MathJax, figures written next to it as image files
(``NN_name_files/``), widgets drawn from their saved state. ``index.html`` holds the table of
contents: every notebook and its sections, linked to their anchors. Every page links back to
the index and to the previous and next lecture. Serve it with any static web server, e.g.
``python -m http.server -d _site``. Everything a page needs comes with the site, so it works
offline: MathJax (copied from the jupyter-server-mathjax package) for the equations, and the
widgets' manager (``@jupyter-widgets/html-manager``) and require.js, from the course's pinned npm
packages (``npm ci`` installs them into ``node_modules/``; ``make site`` does it), which draw
every widget from its saved state. Every figure carries its text description as alt text.
"""

import html
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

import build_student
from common import REPO_ROOT, ToolError, check_output_folder, claim_fresh_output_folder, run_tool

TOOL = "build_site"
FRAGMENT_SAFE = "!$&'()*+,;=:@/?.-_~"  # kept as they are in a link's #fragment; the rest is %-encoded
COURSE_TITLE = "Neural networks and autoencoders, from scratch"

NAV_STYLE = (
    "<style>.course-nav{font:14px sans-serif;padding:8px 16px;border-bottom:1px solid #ddd;"
    "display:flex;gap:24px}.course-nav a{text-decoration:none}</style>"
)

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em; color: #222; }}
h1 {{ font-size: 1.8em; }} li {{ margin: 0.2em 0; }} ol.lectures > li {{ margin: 1em 0; }}
ol.lectures > li > a {{ font-weight: bold; font-size: 1.1em; }} ul.sections {{ font-size: 0.95em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>The lectures with the outputs of a full run: equations, figures, tables and widgets as the
notebooks were last executed. To run them and turn the widgets' knobs, clone the course and
run <code>make lab</code>.</p>
<nav id="toc">
<h2>Contents</h2>
<ol class="lectures">
{items}
</ol>
</nav>
</body>
</html>
"""


class Headings(HTMLParser):
    """The (level, id, text) of every h1/h2 with an id in a page nbconvert wrote."""

    def __init__(self):
        super().__init__()
        self.found, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2") and dict(attrs).get("id"):
            self._open = [int(tag[1]), dict(attrs)["id"], ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if self._open is not None and tag == f"h{self._open[0]}":
            level, anchor, text = self._open
            self.found.append((level, anchor, " ".join(text.replace("¶", "").split())))
            self._open = None


MATHJAX_DIR = "mathjax"
MATHJAX_CONFIG = "?config=TeX-AMS-MML_HTMLorMML-full,Safe"  # the configuration that package ships


def copy_mathjax(out_dir):
    """Copy MathJax 2.7 (from the jupyter-server-mathjax package) into the site, so that equations
    render offline too; return the URL for the pages, or nbconvert's CDN URL if it is not installed."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        print("  note: jupyter-server-mathjax is not installed: equations will load MathJax from a CDN",
              file=sys.stderr)
        return HTMLExporter().mathjax_url
    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    ignore = shutil.ignore_patterns("localization", "SVG", "PreviewHTML", "otf", "eot", "svg", "*.md")
    shutil.copytree(source, out_dir / MATHJAX_DIR, ignore=ignore)
    return f"{MATHJAX_DIR}/MathJax.js{MATHJAX_CONFIG}"


# The packaged MathJax carries the STIX-Web fonts only (as the classic Notebook used them): say so.
MATHJAX_FONTS = (
    '<script type="text/x-mathjax-config">MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], '
    'preferredFont: null, webFont: "STIX-Web", imageFont: null}});</script>\n'
)


TEMPLATES = Path(__file__).resolve().parent / "templates"
NODE_MODULES = REPO_ROOT / "node_modules"
WIDGETS_DIR = "static/html-manager"
REQUIRE_JS = "static/require.js"


class MissingAssets(ToolError):
    """The npm packages the site serves are not installed."""


def widget_assets():
    """The widget manager's folder and require.js in node_modules/; ``MissingAssets`` if absent."""
    manager = NODE_MODULES / "@jupyter-widgets" / "html-manager" / "dist"
    require = NODE_MODULES / "requirejs" / "require.js"
    if not (manager / "embed-amd.js").is_file() or not require.is_file():
        raise MissingAssets(f"the site serves the widget manager and require.js from {NODE_MODULES}, which lacks "
                            "them: run `npm ci` at the top of the course (needs Node.js), or `make site`.")
    return manager, require


def copy_widget_assets(out_dir):
    """Copy the widget manager and require.js (from node_modules/) into the site; return their URLs."""
    manager, require = widget_assets()
    shutil.copytree(manager, out_dir / WIDGETS_DIR, ignore=shutil.ignore_patterns("*.map", "libembed-amd.js"))
    (out_dir / REQUIRE_JS).write_bytes(require.read_bytes())
    return f"{WIDGETS_DIR}/embed-amd.js", REQUIRE_JS


def with_packaged_mathjax_fonts(body):
    """The page ``body`` told to use the fonts the packaged MathJax carries (when it uses that MathJax)."""
    local_mathjax = f'<script src="{MATHJAX_DIR}/MathJax.js'
    return body.replace(local_mathjax, MATHJAX_FONTS + local_mathjax, 1)


def exporter(mathjax_url=None, widget_urls=None):
    config = Config({"ExtractOutputPreprocessor": {"enabled": True}})
    if mathjax_url:
        config.HTMLExporter.mathjax_url = mathjax_url
    if widget_urls:
        config.HTMLExporter.widget_renderer_url, config.HTMLExporter.require_js_url = widget_urls
    return HTMLExporter(template_name="course_site", extra_template_basedirs=[str(TEMPLATES)], config=config)


BADGE = re.compile(r"\[!\[([^\]]*)\]\([^)]*\)\]\(([^)]*)\)")


def for_reading(nb):
    """The notebook as the site shows it: its launch badges as plain links (the badge images live
    on the web, and the site works offline), and without the bootstrap cell (it only matters on
    Colab and Kaggle)."""
    nb = nbformat.from_dict(nb)
    cells = []
    for cell in nb.cells:
        role = cell.metadata.get("course_launch")
        if role == "bootstrap":
            continue
        if role == "badges":
            cell.source = BADGE.sub(lambda m: f"[{m.group(1)}]({m.group(2)})", cell.source)
        cells.append(cell)
    nb.cells = cells
    return nb


def page_name(path):
    return f"{Path(path).stem}.html"


STUDENT_DIR = "student"


def nav_bar(path, prev_path, next_path):
    links = ['<a href="index.html">&#8962; Contents</a>',
             f'<a href="{STUDENT_DIR}/{quote(Path(path).name)}" download>Student edition (notebook)</a>']
    if prev_path:
        links.append(f'<a href="{page_name(prev_path)}">&larr; {html.escape(Path(prev_path).stem)}</a>')
    if next_path:
        links.append(f'<a href="{page_name(next_path)}">{html.escape(Path(next_path).stem)} &rarr;</a>')
    return f'{NAV_STYLE}<nav class="course-nav">{" ".join(links)}</nav>'


def render(path, out_dir, prev_path=None, next_path=None, html_exporter=None):
    """Write one notebook's page and its image files; return (page path, [(level, id, text)])."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    student = out_dir / STUDENT_DIR / path.name
    student.parent.mkdir(exist_ok=True)
    nbformat.write(build_student.student_notebook(nb), student)
    nb = for_reading(nb)
    files_dir = f"{path.stem}_files"
    resources = {"output_files_dir": files_dir, "unique_key": path.stem, "metadata": {"name": path.stem}}
    body, resources = (html_exporter or exporter()).from_notebook_node(nb, resources=resources)
    for name, data in resources.get("outputs", {}).items():
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    head, sep, rest = body.partition("<body")
    tag_end = rest.index(">") + 1
    body = head + sep + rest[:tag_end] + "\n" + nav_bar(path, prev_path, next_path) + rest[tag_end:]
    body = with_packaged_mathjax_fonts(body)
    page = out_dir / page_name(path)
    page.write_text(body, encoding="utf-8")
    parser = Headings()
    parser.feed(body)
    return page, parser.found


def toc_item(path, headings):
    title = next((text for level, _, text in headings if level == 1), path.stem)
    sections = "".join(
        f'<li><a href="{page_name(path)}#{html.escape(quote(anchor, safe=FRAGMENT_SAFE))}">'
        f"{html.escape(text)}</a></li>\n"
        for level, anchor, text in headings if level == 2
    )
    return (f'<li><a href="{page_name(path)}">{html.escape(title)}</a>\n'
            f'<ul class="sections">\n{sections}</ul></li>')


def build(notebooks, out_dir):
    """Render every notebook and the index into ``out_dir``; return the index path.

    ``out_dir`` is new, empty, or an earlier site (whose files are replaced); any other folder is
    refused (``common.OutputFolderError``) before anything is written.
    """
    check_output_folder(out_dir, TOOL)  # a folder it must not touch is refused first,
    widget_assets()  # then missing packages, both before anything is written
    out_dir = claim_fresh_output_folder(out_dir, TOOL)
    notebooks = [Path(p) for p in notebooks]
    html_exporter = exporter(copy_mathjax(out_dir), copy_widget_assets(out_dir))
    items = []
    for i, path in enumerate(notebooks):
        prev_path = notebooks[i - 1] if i > 0 else None
        next_path = notebooks[i + 1] if i + 1 < len(notebooks) else None
        page, headings = render(path, out_dir, prev_path, next_path, html_exporter)
        items.append(toc_item(path, headings))
        print(f"wrote {page} ({len(headings)} headings)")
    index = out_dir / "index.html"
    index.write_text(INDEX_TEMPLATE.format(title=html.escape(COURSE_TITLE), items="\n".join(items)),
                     encoding="utf-8")
    (out_dir / ".nojekyll").write_text("")  # GitHub Pages: serve the *_files folders as they are
    return index


def main(argv=None):
    return run_tool(__doc__, lambda notebooks, out: print(f"wrote {build(notebooks, out)}"), REPO_ROOT / "_site", argv)


if __name__ == "__main__":
    sys.exit(main())
