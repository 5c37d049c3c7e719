"""The in-browser gradient-descent demo computes what the Python library computes.

Opens the rendered optimisation chapter in Chromium with every request outside
the local server blocked (the demo must work offline), moves the sliders and
compares the demo's read-out with :func:`dlact.figures.optimisation.gd_iterates`
on the same curve. Skips, saying why, when there is no rendered site or no
Chromium.
"""

from __future__ import annotations

import functools
import http.server
import math
import re
import shutil
import threading
from pathlib import Path

import pytest

from dlact.demo import GD_DEMO_DEFAULTS, GD_DEMO_LOSS
from dlact.figures.optimisation import gd_iterates

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_site"
PAGE = SITE / "chapters" / "optimisation.html"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page():
    if not PAGE.is_file():
        pytest.skip(f"no rendered book at {PAGE}: run `quarto render` first")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium on PATH")
    sync_api = pytest.importorskip("playwright.sync_api")

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SITE))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        tab = browser.new_page()
        # Offline: nothing but our own server answers.
        tab.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(base) else route.abort())
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(f"{base}/chapters/optimisation.html")
        tab.wait_for_selector(".gd-demo figcaption", timeout=20_000)
        tab.errors = errors
        yield tab
        browser.close()
    server.shutdown()


def set_slider(page, name: str, value: float) -> None:
    page.eval_on_selector(
        f'.gd-demo-controls input[name="{name}"]',
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
        str(value),
    )
    page.wait_for_timeout(150)


def read_out(page) -> str:
    return page.locator(".gd-demo figcaption").inner_text()


def test_demo_starts_at_the_library_defaults(page):
    xs, left = gd_iterates(GD_DEMO_LOSS.grad, GD_DEMO_DEFAULTS["start"],
                           GD_DEMO_DEFAULTS["learning_rate"], GD_DEMO_DEFAULTS["steps"],
                           GD_DEMO_LOSS.x_range)
    assert left is None
    assert f"x = {xs[-1]:.3f}" in read_out(page)
    shown = page.locator(".gd-demo-controls output").all_inner_texts()
    assert shown[0] == f"{GD_DEMO_DEFAULTS['learning_rate']:g}"


@pytest.mark.parametrize(
    ("learning_rate", "start", "steps"),
    [(0.01, 3.0, 10), (0.1, -1.0, 10), (0.6, 3.0, 10), (0.45, 2.5, 40), (1.0, 3.0, 10),
     (0.1, 0.25, 0)],
)
def test_demo_steps_match_the_library(page, learning_rate, start, steps):
    set_slider(page, "lr", math.log10(learning_rate))
    set_slider(page, "start", start)
    set_slider(page, "steps", steps)
    text = read_out(page)
    xs, left = gd_iterates(GD_DEMO_LOSS.grad, start, learning_rate, steps, GD_DEMO_LOSS.x_range)
    if left is None:
        match = re.search(r"After (\d+) steps: x = (-?[\d.]+), loss = (-?[\d.]+)", text)
        assert match, text
        assert int(match[1]) == steps
        assert float(match[2]) == pytest.approx(xs[-1], abs=1e-3)
        assert float(match[3]) == pytest.approx(float(GD_DEMO_LOSS(xs[-1])), abs=1e-3)
    else:
        assert f"Step {left} jumps out of the picture" in text


def test_no_script_errors_of_the_demo(page):
    # Quarto adds require.js and jQuery from a CDN to any page with HTML
    # output; offline their loader line fails ("define is not defined").
    # That is not the demo's doing; everything else must be clean.
    assert [e for e in page.errors if "define is not defined" not in e] == []
