"""The static site (``make site``, tools/build_site.py): built from the committed notebooks
without executing anything, one page per notebook, every figure there with its alt text, every
link resolving, the student edition beside each page, and the widgets drawn offline."""

import base64
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from helpers import config

import build_site

NOTEBOOKS = config.notebook_paths()

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")


class Links(HTMLParser):
    """Every href and img src, and every element id, of a page."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.images, self.ids, self.alts = [], [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
            self.alts.append(attrs.get("alt") or "")


def parse(path):
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def output_images(path):
    """The decoded bytes of every image in a notebook's committed outputs, but for a widget's static
    picture: the site draws the widget itself there, from its saved state, with its figure."""
    found = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                continue
            for mime in IMAGE_TYPES:
                if mime in output.get("data", {}):
                    found.append(base64.b64decode(output["data"][mime]))
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    try:
        build_site.widget_assets()
    except build_site.MissingAssets as err:
        from test_browser import skip_or_fail

        skip_or_fail(str(err))
    out = tmp_path_factory.mktemp("site")
    mtimes = {p: p.stat().st_mtime_ns for p in NOTEBOOKS}
    index = build_site.build(NOTEBOOKS, out)
    assert {p: p.stat().st_mtime_ns for p in NOTEBOOKS} == mtimes, "building the site must not touch the notebooks"
    return index


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4


def test_every_notebook_has_a_page_listed_in_the_contents(site):
    index = parse(site)
    pages = {urlsplit(href).path for href in index.hrefs}
    for path in NOTEBOOKS:
        page = site.parent / f"{path.stem}.html"
        assert page.is_file(), f"no page for {path.name}"
        assert page.name in pages, f"{path.name} is missing from the table of contents"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_output_image_is_on_its_page(site, path):
    page = site.parent / f"{path.stem}.html"
    links = parse(page)
    shown = {}
    for src in links.images:
        if not src.startswith("data:"):
            target = page.parent / unquote(src)
            assert target.is_file(), f"{page.name} shows {src}, which is not there"
            shown[target.read_bytes()] = src
    for i, image in enumerate(output_images(path)):
        assert image in shown, f"image {i} of {path.name}'s outputs is not on its page"


def records_alt_text(path):
    """Whether the notebook's outputs come from a run that describes its figures (``setup()``
    gives every PNG output an ``alt`` text since the course's site has alt text)."""
    nb = nbformat.read(path, as_version=4)
    return any("alt" in output.get("metadata", {}).get("image/png", {})
               for cell in nb.cells for output in cell.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_every_figure_has_alt_text(site, path):
    if not records_alt_text(path):
        pytest.skip(f"{path.name}: its committed outputs predate figure descriptions; re-execute it (make execute)")
    links = parse(site.parent / f"{path.stem}.html")
    missing = [src for src, alt in zip(links.images, links.alts) if not alt.strip()]
    assert links.images and not missing, (
        f"{path.name}: {len(missing)} of {len(links.images)} figures have no text description; give each a title "
        "(or plots.caption(fig, ...)) and re-execute the notebook"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_each_page_offers_its_student_edition(site, path):
    page = site.parent / f"{path.stem}.html"
    href = f"student/{path.name}"
    assert href in [unquote(h) for h in parse(page).hrefs]
    student = nbformat.read(page.parent / href, as_version=4)
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)


def test_site_refuses_to_build_without_the_widget_manager(tmp_path, monkeypatch):
    monkeypatch.setattr(build_site, "NODE_MODULES", tmp_path / "nowhere")
    out = tmp_path / "site"
    with pytest.raises(build_site.MissingAssets, match="npm ci"):
        build_site.build(NOTEBOOKS[:1], out)
    assert not out.exists(), "nothing is written when the site cannot be built"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name[:2])
def test_equations_and_text_are_on_the_page(site, path):
    text = (site.parent / f"{path.stem}.html").read_text(encoding="utf-8")
    assert "MathJax" in text
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for equation in re.findall(r"\$([^$\n]{4,60})\$", markdown)[:5]:  # a few inline equations, left for MathJax
        assert equation.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in text, equation


def test_every_link_resolves(site):
    pages = [site, *sorted(site.parent.glob("*.html"))]
    checked = 0
    for page in pages:
        for href in parse(page).hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("mailto:"):
                continue  # the web: not checked offline
            target = page if not parts.path else page.parent / unquote(parts.path)
            if not parts.path and not parts.fragment:
                continue
            assert target.is_file(), f"{page.name}: link {href!r} points to nothing"
            if parts.fragment and target.suffix == ".html":
                ids = parse(target).ids  # a browser tries the fragment as it is, then percent-decoded
                assert parts.fragment in ids or unquote(parts.fragment) in ids, f"{page.name}: no anchor for {href!r}"
            checked += 1
    assert checked >= 2 * len(NOTEBOOKS)


def test_table_of_contents_lists_the_sections(site):
    index = parse(site)
    for path in NOTEBOOKS:
        sections = [h for h in index.hrefs if h.startswith(f"{path.stem}.html#")]
        nb = nbformat.read(path, as_version=4)
        headings = [line for c in nb.cells if c.cell_type == "markdown"
                    for line in c.source.splitlines() if line.startswith("## ")]
        assert len(sections) == len(headings), f"{path.name}: {len(headings)} sections, {len(sections)} in the contents"


def test_pages_link_to_each_other(site):
    for i, path in enumerate(NOTEBOOKS):
        hrefs = parse(site.parent / f"{path.stem}.html").hrefs
        assert "index.html" in hrefs
        if i + 1 < len(NOTEBOOKS):
            assert f"{NOTEBOOKS[i + 1].stem}.html" in hrefs


@pytest.mark.browser
def test_pages_render_in_a_browser_with_equations_and_figures(site):
    """Opened from disk in Chromium with every request off the disk refused (no web server, no
    network): MathJax typesets the equations without errors, every figure loads, and every saved
    widget is drawn by the site's own widget manager."""
    from test_browser import find_chromium, offline_page, skip_or_fail

    chromium = find_chromium()
    if chromium is None:
        skip_or_fail("no Chromium or Chrome found to open the site in")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install -r requirements.txt)")
    assert (site.parent / build_site.MATHJAX_DIR / "MathJax.js").is_file(), "MathJax is not in the site"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        page, refused = offline_page(browser)
        try:
            for path in NOTEBOOKS:
                page.goto((site.parent / f"{path.stem}.html").as_uri(), wait_until="load", timeout=120_000)
                page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                                       " && document.querySelectorAll('.MathJax, .MathJax_Display').length > 0",
                                       timeout=120_000)
                text = page.inner_text("body")
                assert "Math Processing Error" not in text and "Math input error" not in text, path.name
                broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                                       ".map(i => i.src)")
                assert broken == [], f"{path.name}: images that do not load: {broken}"
                views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
                if views:  # the manager replaces each saved view with live controls and the figure they show
                    page.wait_for_function(
                        f"() => document.querySelectorAll('.widget-slider, .widget-dropdown, .widget-text, "
                        f".widget-textarea, .jupyter-widgets.widget-box').length >= {views}", timeout=60_000)
                    pictures = page.evaluate("[...document.querySelectorAll('.widget-output img')]"
                                             ".filter(i => i.naturalWidth > 0).length")
                    assert pictures >= 1, f"{path.name}: its widgets show no figure offline"
            assert refused == [], f"the site asked the network for {refused[:5]}"
        finally:
            browser.close()
