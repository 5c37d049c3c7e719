"""What students get: the rendered deck and book, looked at in a real browser.

The built site (``_site/``) is served from a thread on localhost and opened in
headless Chromium (Debian's, driven by Playwright's sync API). One browser
serves the whole session and every page is loaded once and reused.

Every request to a host other than the local server is aborted and recorded:
the site must work offline (in a lecture theatre, on a train), so the tests
look at it the way an offline student would, and the offline tests assert
that no such request was even attempted.

What is checked:

1. the deck: its slides (one per ``##`` of the sources, plus the title) all
   fit 1280x720 with nothing cut off, its images load, it has no console
   errors, arrow keys move, the outline slides highlight parts 1..5, every
   ``::: explain`` and ``::: notes`` became speaker notes, and the in-browser
   gradient-descent demo follows its sliders (and computes what
   :func:`dlact.figures.optimisation.gd_iterates` computes, in the book);
2. the book: every chapter loads, search finds what it should, every internal
   link and cross-reference resolves, images have alt text, the downloads
   (book PDF, deck PDF, notebooks) exist;
3. offline: nothing is requested from other hosts, nothing fails to load,
   math is MathML (no raw TeX), fonts load, search works;
4. accessibility: axe-core finds nothing serious or critical, and the slide
   theme's text has enough contrast on every slide;
5. screenshots of the title slide, the first slide of each part and two book
   pages (a chapter, the course library), in ``tests/screenshots/``, for a
   human to look at.

Skips, saying why, when there is no rendered site, no Chromium, no
Playwright, or (for the accessibility tests) no axe-core in
``tests/node_modules`` (run ``npm ci --prefix tests``).
"""

from __future__ import annotations

import difflib
import http.server
import json
import math
import re
import shutil
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import numpy as np
import pytest
import yaml

from dlact.site.qmd import Cell, expand_includes, read_blocks

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_site"
DECK = "slides/lecture.html"
DECK_SOURCE = ROOT / "slides" / "lecture.qmd"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WIDTH, HEIGHT = 1280, 720
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Hosts that serve libraries and fonts to pages: the site must not need them.
CDN = re.compile(
    r"cdn|unpkg\.com|jsdelivr|cloudflare|googleapis\.com|gstatic\.com|jquery\.com"
    r"|mathjax|polyfill\.io|skypack|esm\.sh|bootstrapcdn|fontawesome|typekit",
    re.IGNORECASE,
)

pytestmark = pytest.mark.browser


# --------------------------------------------------------------------------
# What the sources say the site should contain
# --------------------------------------------------------------------------

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def prose_lines(source: Path) -> list[str]:
    """The lines of ``source`` with includes expanded, minus fenced code blocks."""
    lines, fence = [], None
    for line, _origin in expand_includes(source):
        opened = FENCE.match(line)
        if fence is None and opened:
            fence = opened[1]
        elif (
            fence is not None
            and line.strip().startswith(fence)
            and not line.strip()[len(fence) :].strip()
        ):
            fence = None
        elif fence is None:
            lines.append(line)
    return lines


def front_matter(source: Path) -> dict:
    text = source.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
    return yaml.safe_load(match[1]) if match else {}


DIV_OPEN = re.compile(r"^(:{3,})\s*(\S.*)$")
DIV_CLOSE = re.compile(r"^:{3,}\s*$")
HTML_FORMATS = {"html", "revealjs"}  # Quarto's "html" matches every HTML format, reveal.js too


def _in_deck(attrs: str) -> bool:
    """Whether a div with these attributes shows in the reveal.js deck."""
    for cls, sign in (("content-visible", True), ("content-hidden", False)):
        if f".{cls}" in attrs:
            when = re.search(r'when-format="([^"]+)"', attrs)
            unless = re.search(r'unless-format="([^"]+)"', attrs)
            if when:
                return (when[1] in HTML_FORMATS) == sign
            if unless:
                return (unless[1] not in HTML_FORMATS) == sign
    return True


def deck_lines() -> list[str]:
    """The deck's prose lines (includes expanded, no code), minus blocks the deck hides."""
    lines, stack = [], []  # stack: is each open div shown in the deck?
    for line in prose_lines(DECK_SOURCE):
        stripped = line.strip()
        if DIV_CLOSE.match(stripped):
            if stack:
                stack.pop()
            continue
        opened = DIV_OPEN.match(stripped)
        if opened:
            stack.append(_in_deck(opened[2]))
        if all(stack):
            lines.append(line)
    return lines


def slide_headings() -> list[str]:
    """The ``##`` headings of the deck: one slide each (after the title slide)."""
    return [line[3:].strip() for line in deck_lines() if line.startswith("## ")]


def div_count(cls: str) -> int:
    """How many ``::: cls`` / ``::: {.cls ...}`` divs the deck's sources open."""
    opening = re.compile(rf"^:{{3,}}\s*(?:{cls}|\{{[^}}]*\.{cls}\b[^}}]*\}})\s*$")
    return sum(bool(opening.match(line.strip())) for line in deck_lines())


MATH = re.compile(r"\$\$|(?<![\\$\w])\$[^\s$][^$\n]*?(?<![\s\\])\$")
INLINE_CODE = re.compile(r"`[^`\n]*`")


def has_math(source: Path) -> bool:
    return any(MATH.search(INLINE_CODE.sub("", line)) for line in prose_lines(source))


def book_config() -> dict:
    return yaml.safe_load((ROOT / "_quarto-book.yml").read_text(encoding="utf-8"))["book"]


def book_sources() -> list[str]:
    """Every chapter and appendix of the book, as .qmd paths, in order."""
    found: list[str] = []

    def visit(items):
        for item in items or []:
            if isinstance(item, str):
                found.append(item)
            elif isinstance(item, dict):
                if "href" in item:
                    found.append(item["href"])
                visit(item.get("chapters"))

    book = book_config()
    visit(book.get("chapters"))
    visit(book.get("appendices"))
    return found


BOOK_PAGES = [str(Path(s).with_suffix(".html")) for s in book_sources()]
BOOK_SOURCE = {str(Path(s).with_suffix(".html")): ROOT / s for s in book_sources()}


def notebook_chapters() -> list[str]:
    """The chapters the notebooks profile renders as .ipynb downloads."""
    config = yaml.safe_load((ROOT / "_quarto-notebooks.yml").read_text(encoding="utf-8"))
    return [Path(p).stem for p in config["project"]["render"]]


NOTEBOOKS = notebook_chapters()
PARTS = [str(p) for p in front_matter(DECK_SOURCE).get("parts", [])]


# --------------------------------------------------------------------------
# Server, browser, pages
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_dir(request) -> Path:
    """The rendered site: built in this session where quarto is installed, else as found."""
    if shutil.which("quarto"):
        request.getfixturevalue("built_site")
    if not (SITE / "index.html").is_file():
        pytest.skip(
            f"no rendered site at {SITE} and no quarto to build it: "
            "install quarto and run `make site`"
        )
    return SITE


@pytest.fixture(scope="session")
def base_url(site_dir) -> str:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site_dir), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip(
            "chromium is not on PATH (Debian: `apt-get install chromium`); browser tests need it"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: `pip install playwright`"
    )
    playwright = sync_api.sync_playwright().start()
    try:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - any launch failure means: cannot test here
        playwright.stop()
        pytest.skip(f"chromium at {chromium} does not start under Playwright: {exc}")
    yield instance
    instance.close()
    playwright.stop()


@dataclass
class Tab:
    """A loaded page and what happened while it loaded and ran."""

    page: object
    path: str
    blocked: list[str] = field(default_factory=list)  # requests to other hosts (aborted)
    failed: list[str] = field(default_factory=list)  # local requests that failed
    fonts_failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def own_errors(tab: Tab) -> list[str]:
    """Console errors and uncaught exceptions, minus failed loads of blocked URLs.

    (A blocked request logs "Failed to load resource"; the offline tests report those.)
    """
    blocked = set(tab.blocked)
    return [e for e in tab.console_errors if not any(url in e for url in blocked)] + [
        f"uncaught: {e}" for e in tab.page_errors
    ]


def _is_favicon(url: str) -> bool:
    # Chromium asks every origin for /favicon.ico on its own; that is not the page's request.
    return urlsplit(url).path == "/favicon.ico"


def start_explorables(page) -> None:
    """Go to a page's first Observable cell, as a reader would, so that the page
    starts the explorables' runtime (dlact.site.webfix.ojs_when_near); then back
    to the top. In a book page the reader scrolls to it; in the deck they go to
    its slide (or scroll to it, in the scroll view)."""
    if not page.query_selector('main [id^="ojs-cell-"], .reveal [id^="ojs-cell-"]'):
        return
    deck = page.evaluate("() => !!window.Reveal")
    if deck:
        page.wait_for_function("() => Reveal.isReady()", timeout=20_000)
        if page.evaluate("() => Reveal.isPrintView()"):
            return  # reveal.js's print view shows the explorables' static snapshots
    page.evaluate(
        """() => {
        const cell = document.querySelector('main [id^="ojs-cell-"], .reveal [id^="ojs-cell-"]');
        if (window.Reveal && !Reveal.isScrollView()) {
            const at = Reveal.getIndices(cell.closest('.slides > section, .slides > section > section'));
            Reveal.slide(at.h, at.v);
        } else {
            cell.scrollIntoView();
        }
    }"""
    )
    page.wait_for_function("() => window._ojs !== undefined", timeout=20_000)
    if deck and not page.evaluate("() => Reveal.isScrollView()"):
        page.evaluate("Reveal.slide(0, 0)")
    else:
        page.evaluate("window.scrollTo(0, 0)")


class Site:
    """Opens pages of the served site in one browser context, each once."""

    def __init__(self, browser, base_url: str):
        self.base = base_url
        self.host = urlsplit(base_url).netloc
        self.context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        self.tabs: dict[str, Tab] = {}

    def local(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme not in ("http", "https", "ws", "wss") or parts.netloc == self.host

    def open(self, path: str, *, key: str | None = None, wait_for: str | None = None) -> Tab:
        key = key or path
        if key in self.tabs:
            return self.tabs[key]
        page = self.context.new_page()
        tab = Tab(page, path)

        def route(route):
            url = route.request.url
            if self.local(url):
                route.continue_()
            else:
                tab.blocked.append(url)
                route.abort()

        def failed(request):
            if self.local(request.url) and not _is_favicon(request.url):
                tab.failed.append(f"{request.url}: {request.failure}")
            if request.resource_type == "font" or "font" in urlsplit(request.url).netloc:
                tab.fonts_failed.append(f"{request.url}: {request.failure}")

        def response(resp):
            if resp.status >= 400 and not _is_favicon(resp.url):
                tab.failed.append(f"{resp.url}: HTTP {resp.status}")
                if resp.request.resource_type == "font":
                    tab.fonts_failed.append(f"{resp.url}: HTTP {resp.status}")

        def console(message):
            if message.type == "error" and not _is_favicon(message.location.get("url", "")):
                where = message.location.get("url", "")
                tab.console_errors.append(f"{message.text} ({where})" if where else message.text)

        page.route("**/*", route)
        page.on("requestfailed", failed)
        page.on("response", response)
        page.on("console", console)
        page.on("pageerror", lambda exc: tab.page_errors.append(str(exc)))
        page.goto(f"{self.base}/{path}", wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        start_explorables(page)
        if wait_for and page.query_selector('[id^="ojs-cell-"]'):  # a page with explorables
            try:
                page.wait_for_selector(wait_for, state="attached", timeout=20_000)
            except Exception:  # noqa: BLE001 - the tests that need it say what is missing
                pass
        page.wait_for_timeout(200)
        self.tabs[key] = tab
        return tab

    def close(self):
        self.context.close()


@pytest.fixture(scope="session")
def site(browser, base_url):
    opened = Site(browser, base_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE.parent}: run `npm ci --prefix tests`")
    return str(AXE)


def with_axe(page, axe_source: str):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=axe_source)
    return page


# ---- the deck ------------------------------------------------------------


@pytest.fixture(scope="session")
def deck(site, site_dir) -> Tab:
    if not (site_dir / DECK).is_file():
        pytest.skip(f"no rendered deck at {site_dir / DECK}: run `make site` first")
    tab = site.open(DECK, wait_for=".gd-demo figcaption")
    tab.page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=20_000)
    # No slide transitions: each slide is in place as soon as it is shown.
    tab.page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    return tab


def go_to_slide(page, index: int) -> None:
    page.evaluate(
        """async (i) => {
            const slide = Reveal.getSlides()[i];
            const {h, v} = Reveal.getIndices(slide);
            Reveal.slide(h, v);
            await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            const pending = [...slide.querySelectorAll('img')].filter(img => !img.complete);
            await Promise.all(pending.map(img => new Promise(done => {
                img.addEventListener('load', done, {once: true});
                img.addEventListener('error', done, {once: true});
                setTimeout(done, 5000);
            })));
        }""",
        index,
    )


# What overflows the present slide. Elements that clip their content (code
# blocks, scrolling outputs, tables in scroll boxes) are checked for content
# cut off inside them; other elements for boxes reaching past the slide.
SURVEY_JS = """(tolerance) => {
    const slideTitle = s => {
        const h = s.querySelector('h1, h2, h3');
        if (!h) return '';
        const copy = h.cloneNode(true);
        copy.querySelectorAll('annotation').forEach(a => a.remove());
        return copy.textContent.trim();
    };
    const slide = Reveal.getCurrentSlide();
    const {width: W, height: H} = Reveal.getConfig();
    const scale = Reveal.getScale();
    const box = document.querySelector('.reveal .slides').getBoundingClientRect();
    const name = el => {
        let s = el.tagName.toLowerCase();
        if (el.id) s += '#' + el.id;
        for (const c of [...el.classList].slice(0, 2)) s += '.' + c;
        const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ');
        return text ? `${s} "${text.slice(0, 40)}${text.length > 40 ? '…' : ''}"` : s;
    };
    const CUT = 'pre, code, table, .cell-output, .cell-output-display, .cell-output-stdout, .sourceCode';
    const problems = [];
    if (slide.scrollHeight > H + tolerance) {
        problems.push(`slide content is ${slide.scrollHeight}px tall (slide: ${H}px)`);
    }
    const walk = parent => {
        for (const el of parent.children) {
            if (el.matches('aside.notes, script, style, template, noscript')) continue;
            const cs = getComputedStyle(el);
            if (cs.display === 'none' || cs.visibility === 'hidden') continue;
            const r = el.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) { walk(el); continue; }
            const left = (r.left - box.left) / scale, right = (r.right - box.left) / scale;
            const top = (r.top - box.top) / scale, bottom = (r.bottom - box.top) / scale;
            const past = [];
            if (right > W + tolerance) past.push(`${Math.round(right - W)}px past the right edge`);
            if (bottom > H + tolerance) past.push(`${Math.round(bottom - H)}px below the bottom`);
            if (left < -tolerance) past.push(`${Math.round(-left)}px past the left edge`);
            if (top < -tolerance) past.push(`${Math.round(-top)}px above the top`);
            if (past.length) { problems.push(`${name(el)}: ${past.join(', ')}`); continue; }
            const clipsX = cs.overflowX !== 'visible', clipsY = cs.overflowY !== 'visible';
            if ((clipsX || el.matches(CUT)) && el.clientWidth > 0
                    && el.scrollWidth > el.clientWidth + tolerance) {
                problems.push(`${name(el)}: cut off, ${el.scrollWidth}px wide in a ${el.clientWidth}px box`);
            }
            if ((clipsY || el.matches(CUT)) && el.clientHeight > 0
                    && el.scrollHeight > el.clientHeight + tolerance) {
                problems.push(`${name(el)}: cut off, ${el.scrollHeight}px tall in a ${el.clientHeight}px box`);
            }
            if (clipsX || clipsY || el.matches('svg, math, img')) continue;
            walk(el);
        }
    };
    walk(slide);
    // How far down the content reaches (a share of the slide's height), and the
    // smallest code on the slide in pixels of the screen.
    let bottom = 0;
    for (const el of slide.querySelectorAll('*')) {
        if (el.closest('aside.notes, script, style, template')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const cs = getComputedStyle(el);
        if (cs.visibility === 'hidden') continue;
        bottom = Math.max(bottom, (r.bottom - box.top) / scale);
    }
    const code = [...slide.querySelectorAll('pre')]
        .filter(el => el.getBoundingClientRect().height > 0)
        .map(el => parseFloat(getComputedStyle(el).fontSize) * scale);
    return {
        title: slideTitle(slide),
        classes: [...slide.classList],
        id: slide.id,
        fill: bottom / H,
        code_px: code.length ? Math.min(...code) : null,
        problems,
        images: [...slide.querySelectorAll('img')].map(img => ({
            src: img.getAttribute('src') || img.getAttribute('data-src') || '',
            loaded: Boolean(img.getAttribute('src')) && img.complete && img.naturalWidth > 0,
        })),
    };
}"""


@pytest.fixture(scope="session")
def slides(deck) -> list[dict]:
    """Every slide, visited in order: its title, classes, overflow problems, images."""
    page = deck.page
    found = []
    for index in range(page.evaluate("Reveal.getTotalSlides()")):
        go_to_slide(page, index)
        survey = page.evaluate(SURVEY_JS, 2)
        survey["index"] = index
        found.append(survey)
    go_to_slide(page, 0)
    return found


@pytest.fixture(scope="session")
def landmarks(slides) -> dict[str, int]:
    """Slide indices worth a closer look: the title, an outline, each part's first slide."""
    marks = {"title": 0}
    outlines = [s["index"] for s in slides if "outline" in s["classes"]]
    if outlines:
        marks["outline"] = outlines[0]
    for part, index in enumerate(outlines, start=1):
        if index + 1 < len(slides):
            marks[f"part{part}"] = index + 1
    return marks


def slide_label(index: int, title: str) -> str:
    """How a lecturer finds the slide: the number the deck shows (1-based), the index, the title."""
    return f"slide {index + 1} (index {index}) {title!r}"


def label(survey: dict) -> str:
    return slide_label(survey["index"], survey["title"])


# --------------------------------------------------------------------------
# 1. The deck
# --------------------------------------------------------------------------


def test_deck_has_a_slide_per_heading(deck):
    headings = slide_headings()
    expected = 1 + len(headings)
    total = deck.page.evaluate("Reveal.getTotalSlides()")
    titles = deck.page.evaluate(
        "Reveal.getSlides().slice(1).map(s => (s.querySelector('h2') || {textContent: ''}).textContent.trim())"
    )
    plain = [re.sub(r"\s*\{[^}]*\}\s*$", "", h).replace("'", "\u2019") for h in headings]
    diff = [
        line
        for line in difflib.unified_diff(plain, titles, "sources", "deck", n=1, lineterm="")
        if not line.startswith("@@")
    ]
    assert total == expected, (
        f"the deck has {total} slides; the sources give {expected} (title + one per `##`); "
        "is the rendered site older than the sources?\n" + "\n".join(diff)
    )


def test_every_slide_fits(slides):
    offending = [s for s in slides if s["problems"]]
    message = "\n".join(
        f"{label(s)}:\n"
        + "\n".join(f"    {p}" for p in s["problems"][:6])
        + (f"\n    ... and {len(s['problems']) - 6} more" if len(s["problems"]) > 6 else "")
        for s in offending
    )
    assert not offending, (
        f"{len(offending)} of {len(slides)} slides do not fit {WIDTH}x{HEIGHT}:\n{message}"
    )


#: Slides that are meant to be sparse: the title, the outlines, a part's title.
SPARSE_SLIDES = ("title-slide", "outline", "level1")


def test_no_slide_is_nearly_empty(slides):
    """Every content slide fills at least a third of its height: merge or enlarge the rest."""
    sparse = [
        f"{label(s)}: content reaches {s['fill']:.0%} of the height"
        for s in slides
        if s["fill"] < 1 / 3 and not {s["id"], *s["classes"]} & set(SPARSE_SLIDES)
    ]
    assert not sparse, "slides less than a third full:\n" + "\n".join(sparse)


def test_code_is_readable_from_the_back_of_the_room(slides):
    """Code and its output at least 20 px on a 1280x720 screen, on every slide."""
    assert any(s["code_px"] for s in slides), "no code found in the deck"
    small = [
        f"{label(s)}: {s['code_px']:.1f} px" for s in slides if s["code_px"] and s["code_px"] < 20
    ]
    assert not small, "code smaller than 20 px:\n" + "\n".join(small)


def _highlighted(spec: str) -> int:
    """How many lines a step of ``code-line-numbers`` highlights: ``"5-6,9"`` is 3."""
    count = 0
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        count += int(last or first) - int(first) + 1
    return count


def test_key_keras_slides_step_through_their_code(deck):
    """A cell with ``code-line-numbers: "|2|3-8"`` is shown whole, then each step's lines."""
    specs = [
        str(b.options["code-line-numbers"])
        for b in read_blocks(DECK_SOURCE)
        if isinstance(b, Cell) and "|" in str(b.options.get("code-line-numbers", ""))
    ]
    assert len(specs) >= 3, "the key Keras slides step through their code"
    page = deck.page
    stepping = page.evaluate(
        "Reveal.getSlides().flatMap((s, i) => s.querySelector('pre code.fragment.has-line-highlights') ? [i] : [])"
    )
    assert len(stepping) == len(specs)
    for index, spec in zip(stepping, specs, strict=True):
        go_to_slide(page, index)
        page.evaluate(
            "(i) => { const {h, v} = Reveal.getIndices(Reveal.getSlides()[i]); Reveal.slide(h, v, -1); }",
            index,
        )
        for step in spec.split("|")[1:]:
            page.evaluate("Reveal.next()")
            shown = page.evaluate(
                """() => { const s = Reveal.getCurrentSlide();
                    const code = s.querySelector('pre code.current-fragment');
                    return [Reveal.getIndices(s).h, code ? code.querySelectorAll('.highlight-line').length : -1]; }"""
            )
            assert shown[1] == _highlighted(step), (
                f"{slide_label(index, '')}: step {step!r} shows {shown[1]} lines"
            )
        page.evaluate("Reveal.next()")  # past the last step: the next slide
        assert page.evaluate("Reveal.getSlides().indexOf(Reveal.getCurrentSlide())") == index + 1
    go_to_slide(page, 0)


def test_every_deck_image_loads(slides):
    images = [(s, img) for s in slides for img in s["images"]]
    assert images, "the deck has no images at all: are the figures missing?"
    broken = [f"{label(s)}: {img['src'] or '(no src)'}" for s, img in images if not img["loaded"]]
    assert not broken, "images that did not load:\n" + "\n".join(broken)


def test_deck_has_no_console_errors(deck, slides):
    # `slides` first: every slide has been shown, so its images and scripts ran.
    errors = own_errors(deck)
    assert not errors, "\n".join(errors)


def test_arrow_keys_move_between_slides(deck):
    page = deck.page
    go_to_slide(page, 0)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(100)
    after_right = page.evaluate("Reveal.getIndices().h")
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(100)
    after_left = page.evaluate("Reveal.getIndices().h")
    assert (after_right, after_left) == (1, 0)


def test_outline_slides_highlight_each_part_in_turn(deck):
    outlines = deck.page.evaluate(
        """() => [...document.querySelectorAll('.reveal .slides section.outline')].map(s =>
            [...s.querySelectorAll('li')].map(li => ({
                text: li.textContent.trim(),
                bold: [li, ...li.querySelectorAll('*')].some(el =>
                    Number(getComputedStyle(el).fontWeight) >= 600 && el.textContent.trim()),
            })))"""
    )
    assert len(outlines) == len(PARTS), f"{len(outlines)} outline slides for {len(PARTS)} parts"
    problems = []
    for number, items in enumerate(outlines, start=1):
        bold = [i for i, item in enumerate(items, start=1) if item["bold"]]
        texts = [item["text"] for item in items]
        if texts != PARTS:
            problems.append(f"outline {number} lists {texts}, the deck's parts are {PARTS}")
        if bold != [number]:
            problems.append(f"outline {number} highlights item(s) {bold}, expected [{number}]")
    assert not problems, "\n".join(problems)


def test_speaker_notes_come_from_explain_and_notes_divs(deck):
    explain = div_count("explain")
    notes = div_count("notes")
    found = deck.page.evaluate(
        "[...document.querySelectorAll('.reveal aside.notes')].map(a => a.textContent.trim().length)"
    )
    assert len(found) == explain + notes, (
        f"{len(found)} speaker notes in the deck; the sources have {explain} `::: explain` "
        f"and {notes} `::: notes` divs"
    )
    assert all(found), "some speaker notes are empty"


def test_demo_in_the_deck_follows_the_learning_rate(deck):
    page = deck.page
    index = page.evaluate("Reveal.getSlides().findIndex(s => s.querySelector('.gd-demo'))")
    assert index >= 0, "no slide holds the gradient-descent demo (.gd-demo)"
    go_to_slide(page, index)
    page.wait_for_selector(".gd-demo figcaption", timeout=10_000)
    path = ".gd-demo svg[role=img] path"
    before = page.get_attribute(path, "d")
    caption = page.inner_text(".gd-demo figcaption")
    slider = '.gd-demo-controls input[name="lr"]'
    original = page.eval_on_selector(slider, "el => el.value")
    new_value = page.eval_on_selector(slider, "el => el.value == el.max ? el.min : el.max")
    set_slider(page, "lr", new_value)
    page.wait_for_function(
        "([sel, d]) => document.querySelector(sel).getAttribute('d') !== d",
        arg=[path, before],
        timeout=5_000,
    )
    assert page.inner_text(".gd-demo figcaption") != caption
    set_slider(page, "lr", original)
    assert page.get_attribute(path, "d") == before, (
        "moving the slider back did not restore the path"
    )


# ---- the demo computes what the library computes (book page) -------------


def set_slider(page, name: str, value) -> None:
    page.eval_on_selector(
        f'.gd-demo-controls input[name="{name}"]',
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
        str(value),
    )
    page.wait_for_timeout(150)


@pytest.fixture(scope="session")
def demo_page(site, site_dir):
    tab = site.open("chapters/optimisation.html", key="demo", wait_for=".gd-demo figcaption")
    if not tab.page.query_selector(".gd-demo figcaption"):
        pytest.fail(
            "the gradient-descent demo did not render in chapters/optimisation.html "
            f"(page errors: {tab.page_errors}, blocked: {tab.blocked})"
        )
    return tab.page


def test_demo_starts_at_the_library_defaults(demo_page):
    from dlact.descent import gd_iterates
    from dlact.landscapes import GD_DEMO_DEFAULTS, GD_DEMO_LOSS

    xs, left = gd_iterates(
        GD_DEMO_LOSS.grad,
        GD_DEMO_DEFAULTS["start"],
        GD_DEMO_DEFAULTS["learning_rate"],
        GD_DEMO_DEFAULTS["steps"],
        GD_DEMO_LOSS.x_range,
    )
    assert left is None
    assert f"x = {xs[-1]:.3f}" in demo_page.locator(".gd-demo figcaption").inner_text()
    shown = demo_page.locator(".gd-demo-controls output").all_inner_texts()
    assert shown[0] == f"{GD_DEMO_DEFAULTS['learning_rate']:g}"


@pytest.mark.parametrize(
    ("learning_rate", "start", "steps"),
    [
        (0.01, 3.0, 10),
        (0.1, -1.0, 10),
        (0.6, 3.0, 10),
        (0.45, 2.5, 40),
        (1.0, 3.0, 10),
        (0.1, 0.25, 0),
    ],
)
def test_demo_steps_match_the_library(demo_page, learning_rate, start, steps):
    from dlact.descent import gd_iterates
    from dlact.landscapes import GD_DEMO_LOSS

    set_slider(demo_page, "lr", math.log10(learning_rate))
    set_slider(demo_page, "start", start)
    set_slider(demo_page, "steps", steps)
    text = demo_page.locator(".gd-demo figcaption").inner_text()
    xs, left = gd_iterates(GD_DEMO_LOSS.grad, start, learning_rate, steps, GD_DEMO_LOSS.x_range)
    if left is None:
        match = re.search(r"After (\d+) steps: x = (-?[\d.]+), loss = (-?[\d.]+)", text)
        assert match, text
        assert int(match[1]) == steps
        assert float(match[2]) == pytest.approx(xs[-1], abs=1e-3)
        assert float(match[3]) == pytest.approx(float(GD_DEMO_LOSS(xs[-1])), abs=1e-3)
    else:
        assert f"Step {left} jumps out of the picture" in text


# --------------------------------------------------------------------------
# 2. The book
# --------------------------------------------------------------------------


@pytest.mark.parametrize("path", BOOK_PAGES)
def test_book_page_loads(site, site_dir, path):
    assert (site_dir / path).is_file(), f"{path} was not rendered"
    tab = site.open(path)
    page = tab.page
    assert page.query_selector("main"), f"{path} has no <main> element"
    assert page.inner_text("main").strip(), f"{path}: <main> is empty"
    broken = page.evaluate(
        """async () => {
            const imgs = [...document.querySelectorAll('img')];
            imgs.forEach(img => { img.loading = 'eager'; });
            await Promise.all(imgs.filter(i => !i.complete).map(i => new Promise(done => {
                i.addEventListener('load', done, {once: true});
                i.addEventListener('error', done, {once: true});
                setTimeout(done, 5000);
            })));
            return imgs.filter(i => i.naturalWidth === 0).map(i => i.getAttribute('src'));
        }"""
    )
    errors = own_errors(tab)
    assert not broken, f"{path}: images that did not load: {broken}"
    assert not errors, f"{path}: console errors:\n" + "\n".join(errors)


@pytest.mark.parametrize("path", BOOK_PAGES)
def test_book_images_have_alt_text(site, path):
    page = site.open(path).page
    missing = page.evaluate(
        """() => [...document.querySelectorAll('main img')]
            .filter(img => !(img.getAttribute('alt') || '').trim())
            .map(img => img.getAttribute('src'))"""
    )
    assert not missing, f"{path}: images in <main> without alt text: {missing}"


@pytest.mark.parametrize("term", ["softmax", "early stopping"])
def test_search_finds(site, term):
    """Types into Quarto's own search box (offline, like everything here)."""
    tab = site.open("index.html", key=f"search {term}")
    page = tab.page
    page.locator(
        "#quarto-search .aa-DetachedSearchButton, #quarto-search input.aa-Input"
    ).first.click()
    box = page.locator("input.aa-Input").first
    box.fill(term)
    try:
        page.wait_for_selector(".aa-Item", timeout=10_000)
    except Exception:  # noqa: BLE001
        pytest.fail(f"search for {term!r} showed no results (page errors: {tab.page_errors})")
    results = page.evaluate(
        """() => [...document.querySelectorAll('.aa-Item')].map(item => ({
            text: item.innerText,
            href: (item.querySelector('a') || {}).href || '',
        }))"""
    )
    hits = [r for r in results if term.lower() in r["text"].lower()]
    assert hits, f"search for {term!r}: no result mentions it: {[r['text'][:80] for r in results]}"
    target = next((r["href"] for r in hits if r["href"]), "")
    assert target, f"search for {term!r}: results link nowhere"
    page.goto(target)
    assert term.lower() in page.inner_text("main").lower(), f"{target} does not mention {term!r}"


# ---- links ---------------------------------------------------------------


class LinkParser(HTMLParser):
    """Ids (link targets) and links (href/src) of one HTML file."""

    ATTRS = {
        "a": ("href",),
        "link": ("href",),
        "script": ("src",),
        "img": ("src", "data-src"),
        "source": ("src",),
        "iframe": ("src",),
        "video": ("src",),
        "audio": ("src",),
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag == "link" and attrs.get("rel", "") in ("preconnect", "dns-prefetch"):
            return
        for name in self.ATTRS.get(tag, ()):
            if attrs.get(name):
                self.links.append((tag, attrs[name]))


@pytest.fixture(scope="session")
def parsed_site(site_dir) -> dict[Path, LinkParser]:
    parsed = {}
    for html in sorted(site_dir.rglob("*.html")):
        parser = LinkParser()
        parser.feed(html.read_text(encoding="utf-8", errors="replace"))
        parsed[html] = parser
    return parsed


CSS_URL = re.compile(r"""(?:@import\s*(?:url\(\s*)?|url\(\s*)['"]?(https?://[^'")\s]+)""")


def external_urls(site_dir: Path, parsed: dict[Path, LinkParser]) -> dict[str, list[str]]:
    """Every http(s) URL in the site's HTML attributes and CSS, with where it is."""
    found: dict[str, list[str]] = {}
    for html, parser in parsed.items():
        for tag, url in parser.links:
            if urlsplit(url).scheme in ("http", "https"):
                found.setdefault(url, []).append(f"{html.relative_to(site_dir)} <{tag}>")
    for css in sorted(site_dir.rglob("*.css")):
        for url in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(url, []).append(f"{css.relative_to(site_dir)} (css)")
    return found


def test_internal_links_and_cross_references_resolve(site_dir, parsed_site):
    broken = []
    not_built = []  # links to files only `make pdf` builds
    for html, parser in parsed_site.items():
        page = html.relative_to(site_dir).as_posix()
        base = f"http://site/{page}"
        for tag, raw in parser.links:
            parts = urlsplit(raw)
            if parts.scheme or raw.startswith(("//", "mailto:", "javascript:", "data:")):
                continue
            url = urlsplit(urljoin(base, raw))
            target = site_dir / unquote(url.path).lstrip("/")
            if url.path.endswith("/"):
                target = target / "index.html"
            where = f"{page}: <{tag}> {raw}"
            if not target.is_file():
                if target.parent == site_dir / "slides" and target.suffix == ".pdf":
                    not_built.append(where)
                else:
                    broken.append(f"{where} -> {target.relative_to(site_dir)} does not exist")
                continue
            fragment = unquote(url.fragment)
            if tag != "a" or not fragment or target.suffix != ".html":
                continue
            if fragment.startswith("/"):  # reveal.js slide links: #/slide-id
                fragment = fragment[1:].split("/")[0]
                if not fragment or fragment.isdigit():
                    continue
            if fragment not in parsed_site[target].ids:
                broken.append(f"{where} -> no id {fragment!r} in {target.relative_to(site_dir)}")
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(sorted(set(broken)))
    if not_built:
        print("links to the deck's PDFs, which `make pdf` builds:", *not_built, sep="\n  ")


def test_no_external_links_to_cdns(site_dir, parsed_site):
    found = external_urls(site_dir, parsed_site)
    listing = "\n".join(
        f"  {url}  ({', '.join(sorted(set(where))[:3])})" for url, where in sorted(found.items())
    )
    print(f"external URLs in the site ({len(found)}):\n{listing}")
    cdns = {url: where for url, where in found.items() if CDN.search(urlsplit(url).netloc)}
    assert not cdns, (
        "the site points at CDNs (it must work offline):\n"
        + "\n".join(
            f"  {url}  ({', '.join(sorted(set(w))[:3])})" for url, w in sorted(cdns.items())
        )
        + f"\nall external URLs:\n{listing}"
    )


# ---- downloads -----------------------------------------------------------


def test_book_pdf_exists(site_dir):
    name = f"{book_config()['output-file']}.pdf"
    pdf = site_dir / name
    others = sorted(p.name for p in site_dir.glob("*.pdf"))
    assert pdf.is_file(), f"no book PDF at _site/{name} (book.output-file); PDFs there: {others}"
    assert pdf.stat().st_size > 10_000, f"{pdf} is only {pdf.stat().st_size} bytes"
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_deck_pdf_exists(site_dir):
    pdf = site_dir / "slides" / "lecture.pdf"
    if not pdf.is_file():
        pytest.skip("no _site/slides/lecture.pdf: the deck's PDF is built by `make pdf`")
    assert pdf.stat().st_size > 10_000
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("chapter", NOTEBOOKS)
def test_chapter_notebook_exists(site_dir, chapter):
    notebook = site_dir / "notebooks" / "chapters" / f"{chapter}.ipynb"
    assert notebook.is_file(), f"no notebook at {notebook}"
    content = json.loads(notebook.read_text(encoding="utf-8"))
    assert content.get("cells"), f"{notebook} has no cells"


def test_five_notebooks_are_offered():
    assert len(NOTEBOOKS) == 5, f"_quarto-notebooks.yml renders {NOTEBOOKS}"


# --------------------------------------------------------------------------
# 3. Offline
# --------------------------------------------------------------------------

RAW_TEX = r"\$\$|\\[A-Za-z]{2,}|\$[^$\s][^$]{0,80}?[\\^_][^$]{0,80}?\$"
# The text a reader sees, node by node (code, scripts and MathML's TeX
# annotations aside), with where each bit of raw TeX sits.
RAW_TEX_JS = """(pattern) => {
    const tex = new RegExp(pattern, 'g');
    const skip = 'pre, code, script, style, noscript, template, annotation, .sourceCode, .cell-output';
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const parent = node.parentElement;
        if (!parent || parent.closest(skip)) continue;
        const hits = node.data.match(tex);
        if (!hits) continue;
        const where = [];
        for (let el = parent; el && el !== document.body && where.length < 3; el = el.parentElement) {
            where.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.classList.length ? '.' + el.classList[0] : ''));
        }
        found.push(`${JSON.stringify(node.data.trim().slice(0, 80))} in ${where.join(' < ')}`);
    }
    return found;
}"""


def offline_problems(tab: Tab, source: Path) -> list[str]:
    page = tab.page
    problems = []
    if tab.blocked:
        problems.append("requests to other hosts: " + ", ".join(sorted(set(tab.blocked))))
    if tab.failed:
        problems.append("failed requests: " + ", ".join(sorted(set(tab.failed))))
    fonts = page.evaluate("document.fonts.ready.then(() => document.fonts.status)")
    if fonts != "loaded":
        problems.append(f"document.fonts.status is {fonts!r}")
    if tab.fonts_failed:
        problems.append("font requests failed: " + ", ".join(sorted(set(tab.fonts_failed))))
    if has_math(source):
        count = page.evaluate("document.querySelectorAll('math').length")
        if count == 0:
            problems.append(f"{source.name} has math but the page has no MathML <math>")
    raw = page.evaluate(RAW_TEX_JS, RAW_TEX)
    if raw:
        problems.append("raw TeX in the text: " + "; ".join(raw[:10]))
    return problems


def test_deck_works_offline(deck):
    assert deck.page.evaluate("Reveal.isReady()")
    problems = offline_problems(deck, DECK_SOURCE)
    assert not problems, "slides/lecture.html offline:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", BOOK_PAGES)
def test_book_page_works_offline(site, site_dir, path):
    if not (site_dir / path).is_file():
        pytest.fail(f"{path} was not rendered")
    tab = site.open(path)
    problems = offline_problems(tab, BOOK_SOURCE[path])
    assert not problems, f"{path} offline:\n" + "\n".join(problems)


# --------------------------------------------------------------------------
# 4. Accessibility
# --------------------------------------------------------------------------


def axe_violations(
    page, context: str = "document", rules: list[str] | None = None, impacts=("serious", "critical")
) -> list[str]:
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    violations = page.evaluate(
        f"(options) => axe.run({context}, options).then(r => r.violations)", options
    )
    found = []
    for v in violations:
        if v["impact"] not in impacts:
            continue
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
        detail = ""
        if v["id"] == "color-contrast":
            summaries = {(n.get("any") or [{}])[0].get("message", "") for n in v["nodes"][:3]}
            detail = " | " + " | ".join(s.split(" Expected")[0] for s in summaries if s)
        found.append(
            f"{v['id']} ({v['impact']}): {v['help']}; {len(targets)} element(s): "
            f"{', '.join(targets[:4])}{' ...' if len(targets) > 4 else ''}{detail}"
        )
    return found


DECK_LANDMARKS = ["title", "outline", "part1", "part2", "part3", "part4", "part5"]


@pytest.mark.parametrize("which", DECK_LANDMARKS)
def test_deck_slide_has_no_serious_a11y_violations(axe_source, deck, landmarks, which):
    if which not in landmarks:
        pytest.fail(f"the deck has no {which} slide")
    page = with_axe(deck.page, axe_source)
    go_to_slide(page, landmarks[which])
    title = page.evaluate("(Reveal.getCurrentSlide().querySelector('h1, h2') || {}).textContent")
    found = axe_violations(page, "Reveal.getCurrentSlide()")
    go_to_slide(page, 0)
    assert not found, f"{slide_label(landmarks[which], title)}:\n" + "\n".join(found)


def test_deck_controls_have_no_serious_a11y_violations(axe_source, deck):
    """Everything around the slides: the page, the menu, the controls, the slide number."""
    page = with_axe(deck.page, axe_source)
    go_to_slide(page, 0)
    found = axe_violations(page, "{exclude: [['.reveal .slides']]}")
    assert not found, f"{DECK} outside the slides:\n" + "\n".join(found)


def test_slide_text_contrast_on_every_slide(axe_source, site, deck):
    """The slide theme's colours, checked by axe's color-contrast rule on every slide.

    Uses reveal.js's print view (``?print-pdf``), where every slide is laid
    out at once, so one axe run covers the whole deck.
    """
    tab = site.open(f"{DECK}?print-pdf", key="deck print view")
    page = tab.page
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=20_000)
    page.wait_for_function("document.querySelectorAll('.pdf-page').length > 0", timeout=20_000)
    with_axe(page, axe_source)
    nodes = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']},
                                    resultTypes: ['violations']})
            .then(result => result.violations.flatMap(v => v.nodes.map(node => {
                const el = document.querySelector(node.target[0]);
                const page = el && el.closest('.pdf-page');
                const pages = [...document.querySelectorAll('.pdf-page')];
                const title = page && page.querySelector('h1, h2');
                return {
                    slide: page ? pages.indexOf(page) : -1,
                    title: title ? title.textContent.trim() : '',
                    target: node.target.join(' '),
                    message: ((node.any[0] || {}).message || '').split(' Expected')[0],
                };
            })))"""
    )
    by_slide: dict[tuple, list[dict]] = {}
    for node in nodes:
        by_slide.setdefault((node["slide"], node["title"]), []).append(node)
    message = "\n".join(
        f"{slide_label(slide, title)}: {len(found)} element(s), e.g. {found[0]['target']}; "
        + " | ".join(sorted({n["message"] for n in found}))
        for (slide, title), found in sorted(by_slide.items())
    )
    assert not nodes, f"text with too little contrast (axe color-contrast):\n{message}"


@pytest.mark.parametrize("path", BOOK_PAGES)
def test_book_page_has_no_serious_a11y_violations(axe_source, site, path):
    page = with_axe(site.open(path).page, axe_source)
    found = axe_violations(page)
    assert not found, f"{path}:\n" + "\n".join(found)


# --------------------------------------------------------------------------
# 5. Screenshots, for a human to look at
# --------------------------------------------------------------------------


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def test_screenshots(deck, slides, landmarks, site):
    """The title, each part's first slide and two book pages; also the demo and any slide that overflows."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("deck-*.png"):
        old.unlink()
    page = deck.page
    shots = {"deck-00-title.png": 0}
    for part in range(1, 6):
        if f"part{part}" in landmarks:
            index = landmarks[f"part{part}"]
            shots[f"deck-part{part}-{slug(slides[index]['title'])}.png"] = index
    wanted = set(shots)
    demo = page.evaluate("Reveal.getSlides().findIndex(s => s.querySelector('.gd-demo'))")
    if demo >= 0:
        shots["deck-demo.png"] = demo
    for survey in slides:
        if survey["problems"]:
            shots[f"deck-overflow-{survey['index']:02d}-{slug(survey['title'])}.png"] = survey[
                "index"
            ]
    for name, index in shots.items():
        go_to_slide(page, index)
        page.screenshot(path=str(SCREENSHOTS / name))
    go_to_slide(page, 0)
    book = site.open("chapters/binary.html", key="screenshot")
    book.page.screenshot(path=str(SCREENSHOTS / "book-binary.png"))
    # the course library appendix, at one function: signature, parameters, example
    library = site.open("chapters/library-maths.html", key="screenshot library")
    library.page.evaluate("document.getElementById('dlact-maths-softmax').scrollIntoView()")
    library.page.screenshot(path=str(SCREENSHOTS / "book-library.png"))
    written = {p.name for p in SCREENSHOTS.glob("*.png")}
    assert len(wanted) == 6, f"expected the title and five part slides, took {sorted(wanted)}"
    assert wanted | {"book-binary.png", "book-library.png"} <= written


def test_a_solution_opens_from_the_keyboard(site, browser, base_url):
    """A folded solution's header is a button a keyboard user can reach and press."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base_url}/chapters/binary.html", wait_until="load")
        header = page.locator(
            "#sec-binary-ex-threshold .callout-header[data-bs-toggle='collapse']"
        ).first
        assert header.get_attribute("role") == "button"
        assert header.get_attribute("tabindex") == "0"
        body = page.locator("#sec-binary-ex-threshold .callout-collapse").first
        assert not body.is_visible()
        header.focus()
        assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
        page.keyboard.press("Enter")
        body.wait_for(state="visible", timeout=5000)
        assert "cheapest threshold" in body.inner_text()
    finally:
        context.close()


# --------------------------------------------------------------------------
# The explorables: the numbers they show are what Python computes
# --------------------------------------------------------------------------


def ojs_data(html_path: Path) -> dict:
    """The values a page hands to its Observable JS cells (Quarto's ojs-define blocks)."""
    from dlact.site.webfix import ojs_blocks

    values = {}
    for kind, block in ojs_blocks(html_path):  # in the page or the file beside it
        if kind != "ojs-define":
            continue
        for item in json.loads(block)["contents"]:
            values[item["name"]] = item["value"]
    return values


def set_control(page, root: str, name: str, value) -> None:
    """Set a form control of an explorable and fire the input event a user's move fires."""
    page.eval_on_selector(
        f'{root} input[name="{name}"]',
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
        str(value),
    )
    page.wait_for_timeout(200)


def readout(page, root: str, attribute: str, key) -> str:
    return page.inner_text(f'{root} [{attribute}="{key}"]').strip()


def settles(page, check, timeout_ms: int = 10_000) -> None:
    """Run `check` (assertions on the readouts) until it passes or `timeout_ms` is spent.

    The Observable runtime recomputes after an input event asynchronously, later on a busy
    machine: the last failure is raised if the readouts never agree.
    """
    waited = 0
    while True:
        try:
            check()
            return
        except AssertionError:
            if waited >= timeout_ms:
                raise
            page.wait_for_timeout(100)
            waited += 100


EXPLORABLE_ROOTS = {
    "threshold": "#sec-binary-explore",
    "softmax": "#sec-multi-explore",
    "batch": "#sec-opt-explore",
}


def threshold_expectations(data: dict, threshold: float, missed: float, false_alarm: float):
    from sklearn.metrics import confusion_matrix

    y = np.array(data["stroke_scores"]["y"])
    p = np.array(data["stroke_scores"]["p"])
    (tn, fp), (fn, tp) = confusion_matrix(y, p > threshold)
    grid = np.round(np.arange(0.01, 1.0, 0.01), 2)
    costs = [
        missed * np.sum((p <= t) & (y == 1)) + false_alarm * np.sum((p > t) & (y == 0))
        for t in grid
    ]
    return {
        "tn": tn,
        "fp": fp,
        "fn": fn,
        "tp": tp,
        "best": grid[int(np.argmin(costs))],
        "cost": missed * fn + false_alarm * fp,
    }


def check_threshold_explorable(page, root: str, data: dict) -> None:
    for threshold, missed, false_alarm in [(0.5, 10, 1), (0.3, 10, 1), (0.62, 1, 1), (0.05, 50, 2)]:
        set_control(page, root, "threshold", threshold)
        set_control(page, root, "missed", missed)
        set_control(page, root, "falseAlarm", false_alarm)
        want = threshold_expectations(data, threshold, missed, false_alarm)

        def agrees(want=want, threshold=threshold):
            for key in ("tn", "fp", "fn", "tp"):
                assert int(readout(page, root, "data-count", key)) == want[key], (threshold, key)
            assert int(readout(page, root, "data-metric", "cost")) == want["cost"]
            assert readout(page, root, "data-metric", "best-threshold") == f"{want['best']:.2f}"
            assert float(readout(page, root, "data-metric", "recall")) == pytest.approx(
                want["tp"] / (want["tp"] + want["fn"]), abs=5e-4
            )

        settles(page, agrees)


def check_softmax_explorable(page, root: str, data: dict) -> None:
    from dlact.maths import softmax

    start = np.array(data["softmax_start"]["logits"])
    shown = [float(readout(page, root, "data-class", j)) for j in range(3)]
    np.testing.assert_allclose(shown, softmax(start), atol=5e-4)
    for logits, temperature in [
        ((5, -1, 6), 1),
        ((5, -1, 6), 2),
        ((0, 0, 0), 0.5),
        ((9, -9, 3), 0.3),
    ]:
        for j, value in enumerate(logits):
            set_control(page, root, f"z{j}", value)
        set_control(page, root, "temperature", temperature)

        def agrees(logits=logits, temperature=temperature):
            shown = [float(readout(page, root, "data-class", j)) for j in range(3)]
            np.testing.assert_allclose(shown, softmax(np.array(logits) / temperature), atol=5e-4)

        settles(page, agrees)


def check_batch_explorable(page, root: str, data: dict) -> None:
    from dlact.gd import gradient_descent
    from dlact.linreg import squared_error_grad

    x, y = np.array(data["batch_data"]["x"]), np.array(data["batch_data"]["y"])
    for batch_size, log_rate in [(8, math.log10(0.02)), (1, -2.0), (40, -1.3), (5, -1.0)]:
        set_control(page, root, "batchSize", batch_size)
        set_control(page, root, "logRate", log_rate)
        rate = float(f"{10**log_rate:.2g}")
        trace = gradient_descent(
            squared_error_grad,
            [0, 0],
            x,
            y,
            batch_size=batch_size,
            learning_rate=rate,
            epochs=5,
            seed=0,
        )

        def agrees(trace=trace, batch_size=batch_size):
            assert int(readout(page, root, "data-metric", "per-epoch")) == math.ceil(
                len(x) / batch_size
            )
            assert int(readout(page, root, "data-metric", "updates")) == len(trace)
            assert float(readout(page, root, "data-metric", "w")) == pytest.approx(
                trace.final[0], abs=2e-4
            )
            assert float(readout(page, root, "data-metric", "b")) == pytest.approx(
                trace.final[1], abs=2e-4
            )

        settles(page, agrees)


CHECKS = {
    "threshold": ("chapters/binary.html", check_threshold_explorable),
    "softmax": ("chapters/multiclass.html", check_softmax_explorable),
    "batch": ("chapters/optimisation.html", check_batch_explorable),
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_explorable_in_the_book_computes_what_python_computes(site, site_dir, name):
    path, check = CHECKS[name]
    root = EXPLORABLE_ROOTS[name]
    tab = site.open(path, key=f"explorable {name}", wait_for=f"{root} .explorable-readout")
    assert tab.page.query_selector(f"{root} .explorable-readout"), (
        f"the {name} explorable did not render (page errors: {tab.page_errors})"
    )
    for control in tab.page.query_selector_all(f"{root} input"):
        assert control.get_attribute("aria-label"), "every control is labelled for screen readers"
    check(tab.page, root, ojs_data(site_dir / path))


@pytest.mark.parametrize("name", list(CHECKS))
def test_explorable_in_the_deck_computes_what_python_computes(deck, site_dir, name):
    page = deck.page
    root = EXPLORABLE_ROOTS[name]
    index = page.evaluate(f"Reveal.getSlides().findIndex(s => s.matches('{root}'))")
    assert index >= 0, f"no slide {root} in the deck"
    go_to_slide(page, index)
    page.wait_for_selector(f"{root} .explorable-readout", timeout=10_000)
    # reachable from the keyboard: the first control takes the focus on Tab
    page.focus(f"{root} input")
    assert page.evaluate("document.activeElement.tagName") == "INPUT"
    CHECKS[name][1](page, root, ojs_data(site_dir / "slides" / "lecture.html"))


# --------------------------------------------------------------------------
# The maths: typeset as on a printed page, with nothing fetched
# --------------------------------------------------------------------------

MATH_LAYOUT = """() => {
  const box = el => el.getBoundingClientRect();
  const out = {font: document.fonts.check('16px "STIX Two Math"'),
               mathFont: getComputedStyle(document.querySelector('math')).fontFamily,
               sums: [], brackets: [], hats: []};
  for (const m of document.querySelectorAll('math[display="block"] munderover')) {
    const [base, under, over] = m.children;
    if (base.textContent.trim() !== '\u2211') continue;
    const letter = [...m.closest('math').querySelectorAll('mi')].find(
      e => e.textContent.trim() === 'n' && !m.contains(e));
    if (!letter || !box(base).height) continue;
    out.sums.push({sum: box(base), under: box(under), over: box(over),
                   letter: box(letter)});
  }
  for (const t of document.querySelectorAll('math[display="block"] mtable mtable')) {
    const open = t.previousElementSibling, close = t.nextElementSibling;
    if (!open || !close || !box(t).height) continue;
    out.brackets.push({table: box(t), open: box(open), close: box(close),
                       text: open.textContent + close.textContent});
  }
  for (const m of document.querySelectorAll('mover')) {
    const [base, accent] = m.children;
    if (!accent || accent.getAttribute('accent') !== 'true' || !box(base).height) continue;
    out.hats.push({base: box(base), accent: box(accent), text: accent.textContent});
  }
  return out;
}"""


def check_maths(page, where: str) -> None:
    page.evaluate("document.fonts.ready.then(() => true)")
    layout = page.evaluate(MATH_LAYOUT)
    assert layout["font"], f"{where}: STIX Two Math did not load (offline, from the site)"
    assert layout["mathFont"].startswith('"STIX Two Math"'), layout["mathFont"]
    assert layout["sums"], f"{where}: no display sum found"
    for sum_ in layout["sums"]:
        sigma, letter = sum_["sum"], sum_["letter"]
        # a display operator, clearly larger than the letters beside it
        assert sigma["height"] >= 1.6 * letter["height"], (where, sum_)
        # its limits below and above it, not to its side
        assert sum_["under"]["top"] >= sigma["bottom"] - 2, (where, sum_)
        assert sum_["over"]["bottom"] <= sigma["top"] + 2, (where, sum_)
        assert sum_["under"]["left"] < sigma["right"] and sum_["over"]["left"] < sigma["right"]
    for bracket in layout["brackets"]:
        # the brackets of a column vector as tall as its column
        for side in ("open", "close"):
            assert bracket[side]["height"] >= 0.95 * bracket["table"]["height"], (where, bracket)
    for hat in layout["hats"]:
        # an accent drawn on its letter: above it, over its middle
        accent, base = hat["accent"], hat["base"]
        assert accent["height"] > 0, (where, hat)
        assert accent["bottom"] <= base["top"] + 0.5 * base["height"], (where, hat)
        middle = (base["left"] + base["right"]) / 2
        assert accent["left"] - 1 <= middle <= accent["right"] + 1, (where, hat)


def test_book_maths_is_typeset_with_the_shipped_math_font(site):
    tab = site.open("chapters/loss.html", key="maths")
    check_maths(tab.page, "chapters/loss.html")
    assert not tab.blocked, f"fetched from other hosts: {tab.blocked}"
    assert not tab.fonts_failed, tab.fonts_failed


def test_deck_maths_is_typeset_with_the_shipped_math_font(deck):
    page = deck.page
    index = page.evaluate("Reveal.getSlides().findIndex(s => s.matches('#sec-loss-bgd'))")
    assert index >= 0, "no slide #sec-loss-bgd in the deck"
    go_to_slide(page, index)
    check_maths(page, "deck, Batch gradient descent")


MATH_BOXES = """() => [...document.querySelectorAll('math')].map(m => {
  const r = m.getBoundingClientRect();
  return [Math.round(r.width * 2) / 2, Math.round(r.height * 2) / 2, m.textContent.trim().slice(0, 40)];
})"""


@pytest.mark.parametrize(
    "path", ["chapters/binary.html", "chapters/loss.html", "chapters/multiclass.html"]
)
def test_the_cut_math_font_sets_the_maths_as_the_full_font_does(browser, base_url, site_dir, path):
    """Every formula of a page takes the same room with the deployed math font as
    with the full STIX Two Math: no character a browser draws (the italic 𝑥 it
    draws for x, a bold 𝒙) fell out of the cut (dlact.site.fonts)."""
    full = ROOT / "chapters" / "fonts" / "STIXTwoMath-Regular.woff2"
    if not (site_dir / path).is_file():
        pytest.skip(f"no rendered {path}: run `make site` first")
    boxes = []
    for font in ("deployed", "full"):
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        if font == "full":
            context.route(
                "**/STIXTwoMath-Regular.woff2",
                lambda route: route.fulfill(body=full.read_bytes(), content_type="font/woff2"),
            )
        page = context.new_page()
        page.goto(f"{base_url}/{path}", wait_until="load")
        page.evaluate(
            "document.fonts.load('16px \"STIX Two Math\"').then(() => document.fonts.ready).then(() => true)"
        )
        boxes.append(page.evaluate(MATH_BOXES))
        context.close()
    assert len(boxes[0]) > 10, f"{path}: only {len(boxes[0])} formulas"
    # the same widths; heights within a pixel (the rasteriser rounds a glyph's
    # ink a pixel either way between the two files)
    moved = [
        (a[2], a[:2], b[:2])
        for a, b in zip(*boxes, strict=True)
        if a[0] != b[0] or abs(a[1] - b[1]) > 1
    ]
    assert not moved, (
        f"{path}: formulas set differently with the cut font (text, cut, full): {moved[:5]}"
    )


def test_the_decks_text_font_has_every_character_the_deck_shows(deck, site_dir):
    """All the deck's text (slides, notes, the explorables' readouts, the slide
    menu) is drawn in its text font as before the cut: every character the full
    font has is in the cut one (the full copies are kept in ``_cache/fonts/`` by
    the render; Source Sans Pro has no Greek, which falls back as before)."""
    from fontTools.ttLib import TTFont

    from dlact.site import fonts as site_fonts

    page = deck.page
    # the text in the text font: code is in the monospace font, maths in STIX
    text = page.evaluate(
        """() => [...document.querySelectorAll('.reveal .slides, .slide-menu')].map(root => {
            const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let text = '';
            while (walk.nextNode()) {
                if (!walk.currentNode.parentElement.closest('pre, code, math, svg, script, style'))
                    text += walk.currentNode.data;
            }
            return text;
        }).join(' ')"""
    )
    fonts = sorted((site_dir / "slides").glob("lecture_files/**/source-sans-pro/*.woff2"))
    assert fonts, "the deck's text font was not cut to WOFF2 (dlact.site.fonts)"
    for font in fonts:
        full = site_fonts.CACHE / font.parent.relative_to(site_dir) / f"{font.stem}.woff"
        if not full.is_file():
            pytest.skip(f"no full copy of {font.stem} at {full}: render the site here first")
        has, cut = TTFont(full).getBestCmap(), TTFont(font).getBestCmap()
        lost = sorted({c for c in text if ord(c) in has and ord(c) not in cut})
        assert not lost, f"{font.name} lacks {''.join(lost)!r}, which the full font has"


# --------------------------------------------------------------------------
# Dark mode: the book follows the reader's colour scheme, and stays readable
# --------------------------------------------------------------------------

DARK_PAGES = ["chapters/binary.html", "chapters/optimisation.html", "chapters/loss.html"]


def luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of a computed CSS ``rgb(...)``/``rgba(...)`` colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css_colour)[:3])

    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.fixture(scope="module")
def dark_site(browser, base_url):
    """The served site in a browser whose system asks for dark pages."""
    opened = Site(browser, base_url)
    opened.context.close()
    opened.context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, color_scheme="dark"
    )
    yield opened
    opened.close()


@pytest.mark.parametrize("path", DARK_PAGES)
def test_book_page_is_dark_for_a_dark_system_and_readable(axe_source, dark_site, path):
    tab = dark_site.open(path, wait_for=".explorable-readout, .gd-demo svg")
    page = tab.page
    assert "quarto-dark" in page.evaluate("document.body.className")
    colours = page.evaluate(
        "() => [getComputedStyle(document.body).backgroundColor,"
        " getComputedStyle(document.body).color]"
    )
    assert luminance(colours[0]) < 0.05 < 0.6 < luminance(colours[1]), colours
    # every figure drawn for white paper sits on a white card
    backgrounds = page.evaluate(
        "() => [...document.querySelectorAll('main img, .explorable svg, .gd-demo svg')]"
        ".filter(e => e.getBoundingClientRect().width > 100)"
        ".map(e => [e.getAttribute('src') || e.tagName, getComputedStyle(e).backgroundColor])"
    )
    assert backgrounds, f"{path}: no figures found"
    for what, colour in backgrounds:
        assert luminance(colour) > 0.95, f"{path}: {what} on {colour}"
    found = axe_violations(with_axe(page, axe_source))
    assert not found, f"{path} (dark):\n" + "\n".join(found)
    assert not tab.blocked and not own_errors(tab), (tab.blocked, own_errors(tab))


def test_the_toggle_switches_between_the_schemes(dark_site):
    page = dark_site.open("index.html", key="toggle").page
    assert "quarto-dark" in page.evaluate("document.body.className")
    page.click(".quarto-color-scheme-toggle")
    page.wait_for_timeout(300)
    assert "quarto-light" in page.evaluate("document.body.className")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert luminance(background) > 0.9, background
    page.click(".quarto-color-scheme-toggle")  # leave the stored choice as it was


def test_a_light_page_does_not_apply_the_dark_sheets_until_asked(browser, base_url):
    """Dark stylesheets wait for a dark system; the toggle and a stored choice still work."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, color_scheme="light")
    try:
        page = context.new_page()
        page.goto(f"{base_url}/chapters/loss.html", wait_until="load")
        dark_sheets = "link.quarto-color-scheme.quarto-color-alternate"
        media = page.eval_on_selector_all(dark_sheets, "ls => ls.map(l => l.media)")
        assert media and set(media) == {"(prefers-color-scheme: dark)"}, media
        assert "quarto-light" in page.evaluate("document.body.className")
        assert luminance(page.evaluate("getComputedStyle(document.body).backgroundColor")) > 0.9
        page.click(".quarto-color-scheme-toggle")
        page.wait_for_timeout(300)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert luminance(background) < 0.05, f"toggled to dark on a light system: {background}"
        # the stored choice holds on the next page, from its first paint
        page.goto(f"{base_url}/chapters/binary.html", wait_until="load")
        assert page.eval_on_selector_all(dark_sheets, "ls => ls.map(l => l.media)") == ["", ""]
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert luminance(background) < 0.05, f"stored dark choice not applied: {background}"
        page.click(".quarto-color-scheme-toggle")
        page.wait_for_timeout(300)
        assert luminance(page.evaluate("getComputedStyle(document.body).backgroundColor")) > 0.9
    finally:
        context.close()


# --------------------------------------------------------------------------
# Phones and pointers: a still page, tap targets of 24 px
# --------------------------------------------------------------------------

PHONE_WIDTHS = [320, 412]


def _content_top(browser, base_url: str, path: str, width: int, *, scripts: bool) -> dict:
    context = browser.new_context(
        viewport={"width": width, "height": 823}, java_script_enabled=scripts
    )
    try:
        page = context.new_page()
        page.goto(f"{base_url}/{path}", wait_until="load")
        return page.evaluate(
            """() => ({
                top: document.querySelector('#quarto-content').getBoundingClientRect().top,
                header: document.querySelector('#quarto-header').getBoundingClientRect().height,
            })"""
        )
    finally:
        context.close()


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_a_phone_page_does_not_move_when_its_scripts_run(browser, base_url, width):
    """The fixed header's space is kept by the stylesheet, not by Quarto's script after
    the first paint (a layout shift Lighthouse counts), and the header stays one line."""
    for path in BOOK_PAGES:
        before = _content_top(browser, base_url, path, width, scripts=False)
        after = _content_top(browser, base_url, path, width, scripts=True)
        assert after["top"] == before["top"], (
            f"{path} at {width} px: content moves from {before['top']} to {after['top']} px"
        )
        assert after["header"] < 45, f"{path} at {width} px: header {after['header']} px tall"


HEADINGS_AND_MENU = """() => [
    ...document.querySelectorAll('main h2, main h3, main p, main table, #quarto-sidebar .sidebar-menu-container'),
].map(e => `${e.id || e.className} ${Math.round(e.getBoundingClientRect().top)}`)"""


#: Lighthouse's desktop screen is 1350 px wide
@pytest.mark.parametrize("width", [WIDTH, 1350])
def test_a_desktop_page_does_not_move_when_its_scripts_run(browser, base_url, width):
    """What Quarto's scripts add after the first paint (a heading's anchor link, the
    sidebar's search box) moves neither a heading nor the sidebar's contents in the
    first screen (where Lighthouse counts a layout shift; further down, an
    explorable drawn by its script replaces its static stand-in)."""
    tops = {}
    for scripts in (False, True):
        context = browser.new_context(
            viewport={"width": width, "height": HEIGHT}, java_script_enabled=scripts
        )
        try:
            page = context.new_page()
            for path in BOOK_PAGES:
                page.goto(f"{base_url}/{path}", wait_until="load")
                if scripts:  # they run on DOMContentLoaded; fonts may come later
                    page.evaluate("document.fonts.ready.then(() => null)")
                tops[path, scripts] = page.evaluate(HEADINGS_AND_MENU)
        finally:
            context.close()
    for path in BOOK_PAGES:
        moved = [
            f"{a} -> {b.rsplit(' ', 1)[1]}"
            for a, b in zip(tops[path, False], tops[path, True], strict=True)
            if a != b and int(a.rsplit(" ", 1)[1]) < HEIGHT
        ]
        assert not moved, f"{path} at {width} px: moved when the scripts ran: {moved[:5]}"


@pytest.mark.parametrize("width", [WIDTH, *PHONE_WIDTHS])
def test_every_tap_target_is_24_px(axe_source, browser, base_url, width):
    """WCAG 2.2's target size (AA), which Lighthouse checks and axe leaves off by default."""
    context = browser.new_context(viewport={"width": width, "height": 823})
    try:
        page = context.new_page()
        found = []
        for path in BOOK_PAGES:
            page.goto(f"{base_url}/{path}", wait_until="load")
            found += [
                f"{path}: {v}"
                for v in axe_violations(with_axe(page, axe_source), rules=["target-size"])
            ]
        assert not found, f"at {width} px:\n" + "\n".join(found)
    finally:
        context.close()


# --------------------------------------------------------------------------
# The lecturer's kit: speaker view with pacing, scroll view on a phone, offline
# --------------------------------------------------------------------------


@pytest.fixture
def offline_context(browser, base_url):
    """A browser context in which every request to another host is refused."""
    host = urlsplit(base_url).netloc
    blocked: list[str] = []

    def route(route):
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != host:
            blocked.append(url)
            route.abort()
        else:
            route.continue_()

    def open_context(**options):
        context = browser.new_context(**options)
        context.route("**/*", route)
        opened.append(context)
        return context

    opened: list = []
    yield open_context, blocked
    for context in opened:
        context.close()


def test_speaker_view_opens_offline_with_notes_and_pacing(offline_context, base_url):
    open_context, blocked = offline_context
    page = open_context(viewport={"width": WIDTH, "height": HEIGHT}).new_page()
    page.goto(f"{base_url}/{DECK}#/sec-loss-bgd", wait_until="load")
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=20_000)
    with page.expect_popup() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    speaker.wait_for_selector("#current-slide iframe", timeout=20_000)
    # the notes of the current slide, the elapsed time and the pacing timer
    speaker.wait_for_function(
        "document.querySelector('.speaker-controls-notes .value').textContent.trim().length > 20",
        timeout=20_000,
    )
    pacing = speaker.locator(".speaker-controls-time .pacing")
    pacing.wait_for(state="visible", timeout=10_000)
    assert re.fullmatch(r"-?\d\d:\d\d:\d\d", pacing.inner_text().replace("\n", "").strip())
    assert (
        speaker.locator(".speaker-controls-time .timer .seconds-value").inner_text().startswith(":")
    )
    assert not blocked, f"the speaker view fetched from other hosts: {blocked}"


def test_a_phone_gets_the_scroll_view_offline(offline_context, base_url):
    open_context, blocked = offline_context
    phone = open_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{base_url}/{DECK}", wait_until="load")
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=20_000)
    assert page.evaluate("Reveal.isScrollView()"), "a phone should get the scroll view"
    # every slide is laid out one under the other, readable by scrolling
    page.mouse.wheel(0, 5000)
    page.wait_for_timeout(500)
    assert page.evaluate("Reveal.getIndices().h") > 0, "scrolling did not move through the deck"
    assert not blocked, f"the deck fetched from other hosts: {blocked}"


def test_the_menus_tools_open_the_notes_canvas_then_the_chalkboard(browser, base_url):
    """The slide menu's tools load the chalkboard too; once loaded, its own keys act."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    try:
        page = context.new_page()
        page.goto(f"{base_url}/{DECK}#/sec-binary-model", wait_until="load")
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=20_000)
        page.evaluate("RevealMenuToolHandlers.toggleNotesCanvas(new Event('click'))")
        page.wait_for_function(
            "(() => { const c = document.getElementById('notescanvas');"
            " return c && getComputedStyle(c).pointerEvents !== 'none'; })()",
            timeout=10_000,
        )
        page.keyboard.press("c")  # the plugin's own key now: closes it
        page.wait_for_function(
            "getComputedStyle(document.getElementById('notescanvas')).pointerEvents === 'none'",
            timeout=10_000,
        )
        page.evaluate("RevealMenuToolHandlers.toggleChalkboard(new Event('click'))")
        page.wait_for_function(
            "getComputedStyle(document.getElementById('chalkboard')).visibility === 'visible'",
            timeout=10_000,
        )
        # set up once, and B toggles it once: the stand-in's keys were handed over
        assert page.evaluate("document.querySelectorAll('#chalkboard, #notescanvas').length") == 2
        page.keyboard.press("b")
        page.wait_for_function(
            "getComputedStyle(document.getElementById('chalkboard')).visibility === 'hidden'",
            timeout=10_000,
        )
    finally:
        context.close()


def test_chalkboard_draws_offline(offline_context, base_url):
    """The lecturer presses B: a blackboard served with the deck, and chalk that draws."""
    open_context, blocked = offline_context
    page = open_context(viewport={"width": WIDTH, "height": HEIGHT}).new_page()
    failed: list[str] = []
    loaded: list[str] = []

    def response(resp):
        if resp.status >= 400 and not _is_favicon(resp.url):
            failed.append(f"{resp.url}: HTTP {resp.status}")
        elif "chalkboard/" in resp.url:
            loaded.append(urlsplit(resp.url).path.split("chalkboard/", 1)[1])

    page.on("response", response)
    page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    page.goto(f"{base_url}/{DECK}#/sec-binary-model", wait_until="load")
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=20_000)
    # set up when first asked for (dlact.site.webfix.chalkboard_on_demand)
    assert not page.evaluate("Reveal.hasPlugin('RevealChalkboard')")
    early = [name for name in loaded if name == "plugin.js" or name.startswith("img/")]
    assert not early, f"the chalkboard loaded before it was asked for: {early}"
    page.keyboard.press("b")
    page.wait_for_function("Reveal.hasPlugin('RevealChalkboard')", timeout=10_000)
    page.wait_for_function(
        "(() => { const b = document.getElementById('chalkboard');"
        " return b && getComputedStyle(b).visibility === 'visible'"
        " && parseFloat(getComputedStyle(b).opacity) > 0.9; })()",
        timeout=10_000,
    )
    canvas = page.locator("#chalkboard canvas").first
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 3, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x + 15 * step, y + 5 * step)
    page.mouse.up()
    ink = page.evaluate(
        """() => {
            const c = document.querySelector('#chalkboard canvas');
            const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
            return n;
        }"""
    )
    assert ink > 100, f"drawing on the chalkboard left {ink} pixels of chalk"
    page.wait_for_timeout(300)
    assert "img/blackboard.png" in loaded, f"the board's background was not loaded: {loaded}"
    assert not failed, f"the chalkboard's files failed to load: {failed}"
    assert not blocked, f"the chalkboard fetched from other hosts: {blocked}"
    page.keyboard.press("b")
