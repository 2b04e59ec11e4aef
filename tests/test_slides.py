"""Slides: every notebook's cells carry a slide type by the course's rules (tools/tag_slides.py),
and ``make slides`` (tools/build_slides.py) writes reveal.js slides that open offline."""

import re
import shutil

import build_slides
import nbformat
import pytest
import tag_slides

from helpers import config

import build_site

NOTEBOOKS = config.notebook_paths()


def cell(kind, source, outputs=(), tags=()):
    made = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
    if kind == "code":
        made.outputs = list(outputs)
    if tags:
        made.metadata["tags"] = list(tags)
    return made


FIGURE = nbformat.v4.new_output("display_data", {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
TABLE = nbformat.v4.new_output("stream", text="a table\n")


@pytest.mark.parametrize("made, expected", [
    (cell("markdown", "# 01 · Title\n\ntext"), "slide"),
    (cell("markdown", "## 2. A section"), "slide"),
    (cell("markdown", "### A subsection"), "subslide"),
    (cell("markdown", "Some prose with $x$."), "-"),
    (cell("code", "plt.show()", [FIGURE]), "subslide"),
    (cell("code", "print(table)", [TABLE]), "skip"),
    (cell("code", "import numpy as np"), "skip"),
    (cell("code", "plt.show()", [FIGURE], tags=["solution"]), "skip"),
    (cell("markdown", "## Solutions", tags=["solution"]), "skip"),
])
def test_slide_rules(made, expected):
    assert tag_slides.slide_type(made) == expected


def test_tagging_keeps_a_slide_type_set_by_hand(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell("markdown", "# Title"), cell("code", "x = 1"), cell("code", "plt.show()", [FIGURE])]
    nb.cells[1].metadata["slideshow"] = {"slide_type": "fragment"}  # an author's choice
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert tag_slides.tag(path, check=True) == 2
    assert tag_slides.tag(path) == 2 and tag_slides.tag(path) == 0
    types = [c.metadata["slideshow"]["slide_type"] for c in nbformat.read(path, as_version=4).cells]
    assert types == ["slide", "fragment", "subslide"]


def test_every_notebook_carries_its_slide_types():
    stale = {p.name: tag_slides.tag(p, check=True) for p in NOTEBOOKS}
    assert not any(stale.values()), f"run: python tools/tag_slides.py ({stale})"


@pytest.fixture(scope="module")
def slides(tmp_path_factory):
    try:
        build_slides.reveal_assets()
        build_site.widget_assets()
    except build_site.MissingAssets as err:
        from test_browser import skip_or_fail

        skip_or_fail(str(err))
    copies = tmp_path_factory.mktemp("notebooks")
    chosen = [shutil.copy(p, copies / p.name) for p in NOTEBOOKS if p.name[:2] in ("01", "05")]
    for path in chosen:
        tag_slides.tag(path)
    out = tmp_path_factory.mktemp("slides")
    return build_slides.build(chosen, out)


def test_slides_are_written_with_their_assets(slides):
    out = slides[0].parent
    assert [p.name for p in slides] == ["01_perceptron_mlp_backprop.slides.html", "05_cnn_arithmetic.slides.html"]
    for asset in ("reveal.js/dist/reveal.js", "reveal.js/dist/theme/white.css", build_slides.JQUERY,
                  build_site.REQUIRE_JS, f"{build_site.WIDGETS_DIR}/embed-amd.js", "mathjax/MathJax.js"):
        assert (out / asset).is_file(), asset
    text = slides[1].read_text(encoding="utf-8")
    loaded = re.findall(r'(?:src|href)="(https?://[^"]+)"', text)
    assert not loaded, f"the slides load from the web: {loaded[:3]}"
    assert "Solutions" not in text, "solution cells are skipped"


def test_slides_refuse_without_slide_metadata(tmp_path):
    path = shutil.copy(NOTEBOOKS[0], tmp_path / NOTEBOOKS[0].name)
    nb = nbformat.read(path, as_version=4)
    for made in nb.cells:
        made.metadata.pop("slideshow", None)
    nbformat.write(nb, path)
    with pytest.raises(build_site.ToolError, match="tag_slides"):
        build_slides.build([path], tmp_path / "out")


@pytest.mark.browser
def test_slides_open_offline_in_chromium(slides):
    """Opened from disk with every request off the disk refused: reveal.js starts and shows the
    lecture's slides, and the widget on a slide is drawn."""
    from test_browser import find_chromium, offline_page, skip_or_fail

    chromium = find_chromium()
    if chromium is None:
        skip_or_fail("no Chromium or Chrome found to open the slides in")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        page, refused = offline_page(browser, viewport={"width": 1366, "height": 768})
        try:
            page.goto(slides[1].as_uri(), wait_until="load", timeout=120_000)
            page.wait_for_function("() => document.querySelector('.reveal.ready')", timeout=60_000)
            assert page.locator(".reveal .slides > section").count() >= 5
            page.wait_for_function("() => document.querySelectorAll('.widget-output img').length > 0", timeout=60_000)
            page.keyboard.press("ArrowRight")
            assert refused == [], f"the slides asked the network for {refused[:5]}"
        finally:
            browser.close()
