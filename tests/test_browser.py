"""The widgets as an instructor meets them: JupyterLab in a real (headless) Chromium.

For each case in ``CASES`` the test copies the notebook into a temporary folder (cut after the
cell that builds the widget, outputs and saved widget state removed), starts JupyterLab on
127.0.0.1 with a token, opens the copy in Debian's Chromium driven by Playwright, runs all
cells, drags a slider with the mouse or types a value as a person would, and asserts that the
widget's text and figure change as they should, within a time limit, on a 1366x768 page that
shows the whole widget without scrolling. Screenshots before and after, and the measured times,
go to ``test-output/browser/`` (git-ignored; CI keeps it).

The browser is never downloaded: Playwright drives the Chromium found on the machine
(``COURSE_CHROMIUM``, else ``chromium``, ``chromium-browser``, ``google-chrome`` on PATH).
Without one the test is skipped, except in CI (``CI`` or ``COURSE_REQUIRE_BROWSER=1`` set),
where a missing browser fails. Deselect it with ``-m "not browser"``.
"""

import contextlib
import dataclasses
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from helpers import config

NOTEBOOKS = config.REPO_ROOT / "notebooks"
SCREENSHOTS = config.REPO_ROOT / "test-output" / "browser"
RUN_TIMEOUT_MS = 240_000  # running the cells up to the widget, in fast mode, on 2 busy cores
UPDATE_TIMEOUT_MS = 60_000  # one redraw of the widget


def first_number(pattern):
    """A function of the widget's status text: the float that ``pattern``'s first group matches."""

    def read(text):
        found = re.search(pattern, text)
        assert found, f"no match for {pattern!r} in the widget's text: {text!r}"
        return float(found.group(1).replace(",", ""))

    return read


@dataclasses.dataclass(frozen=True)
class Case:
    """One widget to test.

    notebook: the notebook's number prefix, e.g. "01" (the case is skipped while no such notebook exists);
    widget_cell: a piece of the source of the code cell that builds the widget (cells after it are cut);
    control: the description of the control to move, as shown beside it;
    action: "drag-min" / "drag-max" (drag a slider's handle to an end with the mouse),
        "type:224" (type a value into the slider's readout or into a text box, then Enter or leave it);
    expect: ``expect(text_before, text_after)`` is true when the widget's status text changed as it
        should (the figure must change as well, always).
    """

    notebook: str
    widget_cell: str
    control: str
    action: str
    expect: Callable[[str, str], bool]


accuracy = first_number(r"training accuracy ([\d.]+)%")
latent_z1 = first_number(r"\(z1, z2\) = \(([-\d.]+),")
diversity = first_number(r"pixel spread\) ([\d.]+)")

K_shown = first_number(r"K = (\d+)")
noisy_error = first_number(r"noisy input ([\d.]+)")

CASES = [
    # 01: the spiral playground; one hidden unit cannot follow three arms.
    Case("01", "mlp.playground(", "hidden units", "drag-min",
         lambda before, after: accuracy(after) < accuracy(before) - 20),
    # 02: gradient flow through a deeper stack; the status names the last layer.
    Case("02", "training.gradient_flow(", "depth", "drag-max",
         lambda before, after: "layer 10" in before and ("layer 30" in after or "vanished" in after)),
    # 02: the losses of a family; the slider's δ is the one drawn.
    Case("02", "training.loss_comparison(", "δ", "drag-min",
         lambda before, after: "δ = 1" in before and "δ = 0.1" in after),
    # 03: reconstructions of one image after another.
    Case("03", "autoencoders.reconstruction_explorer(", "image", "type:5",
         lambda before, after: before.startswith("image 0:") and after.startswith("image 5:")),
    # 03: more noise on the input, a larger error of the noisy images.
    Case("03", "autoencoders.denoising_explorer(", "input noise σ", "drag-max",
         lambda before, after: noisy_error(after) > noisy_error(before)),
    # 04: PCA and the autoencoders at the smallest code.
    Case("04", "pca.compare_reconstructions(", "code size K", "drag-min",
         lambda before, after: K_shown(before) == 10 and K_shown(after) == 2),
    # 05: the architecture designer; AlexNet's first layer (11x11, stride 4) fits 227 pixels, not 224.
    Case("05", "cnn.architecture_designer(", "input size", "type:224",
         lambda before, after: "All" in before and "does not fit" in after),
    # 06: the gates back at the first step of the sequence.
    Case("06", "rnn.gate_explorer(", "time step t", "drag-min",
         lambda before, after: "step 1 of" in after and "step 1 of" not in before),
    # 07: the 2-d latent space of a VAE; dragging z1 to the right end decodes the point (3.00, z2).
    Case("07", "variational.latent_decoder(", "z1", "drag-max",
         lambda before, after: latent_z1(before) < 3.0 and latent_z1(after) == 3.0),
    # 08: the GAN's samples shrunk towards the mean code: less diverse.
    Case("08", "gan.latent_walk(", "truncation", "drag-min",
         lambda before, after: diversity(after) < diversity(before)),
    # A new widget is one more entry: Case("NN", "<code in its cell>", "<control label>", "<action>", <expect>).
]


# The browser and JupyterLab ------------------------------------------------------------------------


def find_chromium():
    candidates = [os.environ.get("COURSE_CHROMIUM", "")]
    candidates += [shutil.which(name) or "" for name in
                   ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")]
    candidates.append("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def browser_required():
    flag = os.environ.get("COURSE_REQUIRE_BROWSER", "").strip().lower()
    return bool(os.environ.get("CI", "").strip()) or flag not in {"", "0", "false", "no"}


def skip_or_fail(reason):
    if browser_required():
        pytest.fail(f"{reason} (CI or COURSE_REQUIRE_BROWSER is set, so this fails instead of skipping)")
    pytest.skip(reason)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chromium_path():
    path = find_chromium()
    if path is None:
        skip_or_fail("no Chromium or Chrome found (install one, e.g. `apt-get install chromium`, "
                     "or point COURSE_CHROMIUM at its binary)")
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install -r requirements.txt)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True,
                                    args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a temporary folder: (base URL, token, folder)."""
    root = tmp_path_factory.mktemp("lab")
    home = tmp_path_factory.mktemp("jupyter-home")
    port, token = free_port(), os.urandom(16).hex()
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel must draw inline, as in a person's JupyterLab
    env.update(
        COURSE_FAST="1",
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
    )
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # no "get notified about Jupyter news?" toast over the widgets
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    data_dir = config.course_data_dir()  # COURSE_DATA_DIR, made absolute for the kernel in root
    if data_dir is not None:
        env["COURSE_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # a CI container runs as root
        command.append("--allow-root")
    log = open(root.parent / f"{root.name}-server.log", "w")  # noqa: SIM115  (closed below)
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{Path(log.name).read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer in 120 s:\n{Path(log.name).read_text()[-3000:]}")
                time.sleep(1)
        yield base, token, root
    finally:
        stop(server)
        log.close()


def stop(server):
    """Stop the server and the kernels it started (its process group)."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(server.pid, sig)
            server.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


# One case --------------------------------------------------------------------------------------------


def cut_copy(source, widget_cell, target):
    """Copy a notebook, keeping the cells up to the one that builds the widget; no outputs, no widget state."""
    nb = nbformat.read(source, as_version=4)
    index = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and widget_cell in c.source), None)
    assert index is not None, f"{source.name}: no code cell contains {widget_cell!r}; update CASES"
    nb.cells = nb.cells[: index + 1]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, target)
    return index


def open_in_lab(page, base, token, name):
    """Open the notebook ``name`` in JupyterLab, alone (a fresh workspace), and wait for its kernel."""
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}", timeout=120_000)
    page.wait_for_function(
        """name => {
            const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const kernel = nb && nb.context && nb.context.path === name && nb.sessionContext.session
                && nb.sessionContext.session.kernel;
            return kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
        }""",
        arg=name,
        timeout=120_000,
    )


def offline_page(browser, **options):
    """A new page that may load only from disk: ``(page, refused)``, where ``refused`` collects
    every other address the page asked for (and was refused)."""
    page = browser.new_page(**options)
    refused = []

    def only_from_disk(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_from_disk)
    return page, refused


def control_locator(widget, description):
    """The control whose description label reads ``description`` inside the widget's box."""
    label = widget.page.locator("label.widget-label", has_text=re.compile(rf"^\s*{re.escape(description)}\s*$"))
    return widget.locator(".widget-inline-hbox", has=label)


def act(page, control, action):
    if action in ("drag-min", "drag-max"):
        handle = control.locator(".noUi-handle").first
        track = control.locator(".noUi-target, .slider").first
        h, t = handle.bounding_box(), track.bounding_box()
        page.mouse.move(h["x"] + h["width"] / 2, h["y"] + h["height"] / 2)
        page.mouse.down()
        x = t["x"] - 20 if action == "drag-min" else t["x"] + t["width"] + 20
        page.mouse.move(x, h["y"] + h["height"] / 2, steps=10)
        page.mouse.up()
    elif action.startswith("type:"):
        box = control.locator(".widget-readout, textarea, input").first
        box.click()
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type(action[5:])
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
    else:
        raise ValueError(f"unknown action {action!r}")


def widget_state(widget):
    """(status text, figure source) of a LiveFigure: its HTML line and the image in its output."""
    text = widget.locator(".widget-html-content").first.inner_text()
    image = widget.locator(".widget-output img").first.get_attribute("src")
    return text, image


def case_id(case):
    return f"{case.notebook}-{re.sub(r'[^a-z0-9]+', '-', case.widget_cell.split('.')[-1].lower()).strip('-')}"


def present_cases():
    found = []
    for case in CASES:
        paths = sorted(NOTEBOOKS.glob(f"{case.notebook}_*.ipynb"))
        marks = [] if paths else [pytest.mark.skip(reason=f"no notebooks/{case.notebook}_*.ipynb yet")]
        found.append(pytest.param(case, paths[0] if paths else None, id=case_id(case), marks=marks))
    return found


@pytest.mark.parametrize(
    ("env", "outcome"),
    [({}, pytest.skip.Exception), ({"CI": "true"}, pytest.fail.Exception),
     ({"COURSE_REQUIRE_BROWSER": "1"}, pytest.fail.Exception)],
)
def test_a_missing_browser_skips_on_a_laptop_and_fails_in_ci(monkeypatch, env, outcome):
    for name in ("CI", "COURSE_REQUIRE_BROWSER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(outcome, match="no Chromium"):
        skip_or_fail("no Chromium or Chrome found")


def test_chromium_can_be_named(monkeypatch, tmp_path):
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("COURSE_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)


LAPTOP = {"width": 1366, "height": 768}  # a common laptop screen, and a projector's
UPDATE_LIMIT_S = 5.0  # a control that takes longer than this to redraw its figure is broken, not slow


def fits(page, widget):
    """(fits, what was measured): the whole widget inside the notebook's visible area."""
    area = page.locator(".jp-NotebookPanel-notebook").first.bounding_box()
    box = widget.bounding_box()
    measured = (f"widget {box['width']:.0f}x{box['height']:.0f} px, "
                f"notebook area {area['width']:.0f}x{area['height']:.0f} px")
    return box["height"] <= area["height"] and box["width"] <= area["width"], measured


@pytest.mark.browser
@pytest.mark.parametrize(("case", "path"), present_cases())
def test_widget_responds_in_jupyterlab(case, path, browser, lab):
    base, token, root = lab
    name = f"browser_{case_id(case)}.ipynb"
    index = cut_copy(path, case.widget_cell, root / name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / case_id(case)
    for old in SCREENSHOTS.glob(f"{case_id(case)}-*.png"):
        old.unlink()

    page = browser.new_page(viewport=LAPTOP)
    page.set_default_timeout(UPDATE_TIMEOUT_MS)
    try:
        open_in_lab(page, base, token, name)
        start = time.perf_counter()
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
        widget = cell.locator(".jp-OutputArea-output .widget-vbox").first
        try:
            widget.locator(".widget-output img").first.wait_for(timeout=RUN_TIMEOUT_MS)
        except Exception:
            page.screenshot(path=f"{shot}-failed.png", full_page=True)
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            details = "\n".join(errors.all_inner_texts())[-3000:]
            raise AssertionError(f"{path.name}: the widget did not appear; error outputs:\n{details}") from None
        run_seconds = time.perf_counter() - start
        widget.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # let the image settle in its place
        before = widget_state(widget)
        fitted, measured = fits(page, widget)
        page.screenshot(path=f"{shot}-before.png")

        control = control_locator(widget, case.control)
        assert control.count() == 1, f"{path.name}: no control labelled {case.control!r} in the widget"
        act(page, control, case.action)
        moved = time.perf_counter()
        page.wait_for_function(
            "([el, text]) => el.innerText !== text",
            arg=[widget.locator(".widget-html-content").first.element_handle(), before[0]],
            timeout=UPDATE_TIMEOUT_MS,
        )
        page.wait_for_function(
            "([el, src]) => { const img = el.querySelector('.widget-output img'); return img && img.src !== src; }",
            arg=[widget.element_handle(), before[1]],
            timeout=UPDATE_TIMEOUT_MS,
        )
        update_seconds = time.perf_counter() - moved
        after = widget_state(widget)
        page.screenshot(path=f"{shot}-after.png")
    finally:
        with contextlib.suppress(Exception):  # free the 2 cores for the next case; never hide a failure
            page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        page.close()
    (SCREENSHOTS / f"{case_id(case)}-times.txt").write_text(
        f"cells ran in {run_seconds:.1f} s\nupdate {update_seconds:.2f} s\n{measured}\n")
    print(f"\n{case_id(case)}: cells ran in {run_seconds:.0f} s; update {update_seconds:.2f} s; {measured}; "
          f"widget text before: {before[0][:100]!r}; after: {after[0][:100]!r}")
    assert after[1] != before[1], "the figure did not change"
    assert case.expect(before[0], after[0]), f"unexpected change: {before[0]!r} -> {after[0]!r}"
    assert fitted, f"{path.name}: the widget does not fit a {LAPTOP['width']}x{LAPTOP['height']} screen: {measured}"
    assert update_seconds < UPDATE_LIMIT_S, f"{path.name}: the figure took {update_seconds:.1f} s to change"


# Live slides: the lecture as a deck in JupyterLab (jupyterlab-slideshow), its widget working -------------


@pytest.mark.browser
def test_live_slides_drive_a_widget(browser, lab):
    """Run notebook 01 up to its playground, present it as slides, go to the widget's slide and move it."""
    base, token, root = lab
    case = CASES[0]
    path = sorted(NOTEBOOKS.glob(f"{case.notebook}_*.ipynb"))[0]
    name = "browser_live_slides.ipynb"
    index = cut_copy(path, case.widget_cell, root / name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=LAPTOP)
    page.set_default_timeout(UPDATE_TIMEOUT_MS)
    try:
        open_in_lab(page, base, token, name)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
        cell.locator(".jp-OutputArea-output .widget-vbox .widget-output img").first.wait_for(timeout=RUN_TIMEOUT_MS)
        page.evaluate("window.jupyterapp.commands.execute('deck:start')")
        page.locator("[data-jp-deck-mode='presenting']").first.wait_for(state="attached")
        page.screenshot(path=str(SCREENSHOTS / "live-slides-first.png"))
        for _ in range(200):  # forward, slide by slide, as a lecturer would, until the widget's slide shows
            if cell.is_visible() and cell.locator(".widget-vbox").first.is_visible():
                break
            page.evaluate("window.jupyterapp.commands.execute('deck:forward')")
            page.wait_for_timeout(150)
        widget = cell.locator(".widget-vbox").first
        assert widget.is_visible(), "going forward through the slides never showed the widget"
        before = widget_state(widget)
        page.screenshot(path=str(SCREENSHOTS / "live-slides-widget-before.png"))
        act(page, control_locator(widget, case.control), case.action)
        page.wait_for_function(
            "([el, src]) => { const img = el.querySelector('.widget-output img'); return img && img.src !== src; }",
            arg=[widget.element_handle(), before[1]],
        )
        after = widget_state(widget)
        page.screenshot(path=str(SCREENSHOTS / "live-slides-widget-after.png"))
    finally:
        with contextlib.suppress(Exception):
            page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        page.close()
    assert case.expect(before[0], after[0]), f"unexpected change: {before[0]!r} -> {after[0]!r}"


# Run All, as a student does: every notebook in fast mode, in the browser -------------------------------

RUN_ALL_TIMEOUT_MS = 900_000  # a whole notebook in fast mode, on 2 busy cores


@pytest.mark.browser
@pytest.mark.parametrize("path", config.notebook_paths(), ids=lambda path: path.stem[:2])
def test_run_all_in_fast_mode(path, browser, lab):
    """Open a clean copy of the notebook, Run All, wait until every code cell has run; no cell may end in
    an error. The time, from Run All to the last cell's end, is what the README's fast-mode column quotes."""
    base, token, root = lab
    name = f"run_all_{path.stem[:2]}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, root / name)
    page = browser.new_page(viewport=LAPTOP)
    try:
        open_in_lab(page, base, token, name)
        start = time.perf_counter()
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        state = page.wait_for_function(
            """() => {
                const nb = window.jupyterapp.shell.currentWidget;
                const cells = nb.content.widgets.filter(c => c.model.type === 'code');
                const failed = cells.findIndex(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
                if (failed >= 0) return {failed};
                const ran = c => c.model.executionCount !== null
                    && !c.node.querySelector('.jp-InputPrompt').textContent.includes('*');
                const done = cells.every(ran);
                return done && nb.sessionContext.session.kernel.status === 'idle' ? {failed: -1} : null;
            }""",
            timeout=RUN_ALL_TIMEOUT_MS,
            polling=500,
        ).json_value()
        seconds = time.perf_counter() - start
        if state["failed"] >= 0:
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            raise AssertionError(f"{path.name}: code cell {state['failed']} ended in an error:\n"
                                 + "\n".join(errors.all_inner_texts())[-3000:])
    finally:
        with contextlib.suppress(Exception):
            page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        page.close()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"run-all-{path.stem[:2]}.txt").write_text(f"{path.name}: Run All in fast mode {seconds:.1f} s\n")
    print(f"\n{path.name}: Run All in fast mode took {seconds:.0f} s in JupyterLab")
