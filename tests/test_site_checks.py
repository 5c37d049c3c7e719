"""What the web's checkers ask of the site, kept from regressing.

Lighthouse and the Nu Html Checker are too slow for every test run (``make
check-site`` runs them); these tests check, on the built site, the findings
of theirs the project fixed:

* every page has a meta description and links an icon that is deployed;
* every viewport lets readers pinch-zoom;
* no page has a ``<style>`` in its body;
* no deployed file is one the prune removes (source maps, unused reveal.js
  plugins and builds, the deck's second OJS runtime), and every file of the
  deck's and the book's libraries is named by some page, stylesheet or script;
* the deck's PDF and its handout are tagged, have a language and one bookmark
  per slide title, grouped under one per part.

The first group (the functions of ``dlact.site.webfix`` and ``prune``) needs
nothing built. The rest use the site rendered once per session (the
``built_site`` fixture: skipped, saying why, without ``quarto``), and the PDF
test skips without the deck's PDF (Chromium) or poppler.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dlact.site import fonts, prune, webfix

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_site"


# ---------------------------------------------------------------- the fixes themselves

PAGE = """<!DOCTYPE html><html lang="en-GB"><head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=no, minimal-ui">
<title>t</title>
</head><body><main>
<p>First &amp; <em>foremost</em> paragraph.</p>
<aside class="notes"><p>n</p>
<style type="text/css">
        span.MJX_Assistive_MathML {
          position:absolute!important;
      }</style></aside>
<div><style scoped="">
    .dataframe tbody tr th {
        vertical-align: top;
    }
</style><table class="dataframe"></table></div>
<div><style scoped="">
    .dataframe tbody tr th {
        vertical-align: top;
    }
</style><table class="dataframe"></table></div>
<div class="callout-header d-flex collapsed" data-bs-toggle="collapse" data-bs-target=".c" aria-controls="c" aria-expanded="false" aria-label="Toggle callout">
<img src="a.png" alt="a" width="10" height="10">
<img src="b.png" alt="b" width="10" height="10">
</main></body></html>
"""


def _body(page: str) -> str:
    return page[page.index("</head>") :]


def test_description_is_added_once_and_escaped():
    page = webfix.add_description(PAGE, 'Loss & "gradients"\n  of it')
    assert '<meta name="description" content="Loss &amp; &quot;gradients&quot; of it">' in page
    assert webfix.add_description(page, "other") == page


def test_favicon_is_linked_once():
    page = webfix.add_favicon(PAGE, "../chapters/favicon.svg")
    assert '<link rel="icon" href="../chapters/favicon.svg" type="image/svg+xml">' in page
    assert webfix.add_favicon(page, "x.svg") == page


def test_viewport_allows_zoom():
    page = webfix.allow_zoom(PAGE)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1.0">' in page


def test_styles_leave_the_body_and_pandas_css_is_kept_once():
    page = webfix.lift_body_styles(PAGE)
    assert "<style" not in _body(page)
    assert "MJX_Assistive_MathML" not in page
    assert page.count(".dataframe tbody tr th {") == 1
    assert page.count("<table") == 2


def test_folded_callout_headers_are_buttons_named_by_their_title():
    page = webfix.callout_buttons(PAGE)
    assert 'role="button" tabindex="0"' in page
    assert 'aria-label="Toggle callout"' not in page
    assert 'aria-expanded="false"' in page


def test_images_after_the_first_load_lazily():
    page = webfix.lazy_images(PAGE)  # no section: the first image is the opening's
    assert '<img src="a.png"' in page
    assert '<img loading="lazy" decoding="async" src="b.png"' in page
    assert webfix.lazy_images(page) == page


def test_images_from_the_first_section_on_load_lazily():
    page = (
        '<header><img src="logo.png"></header><main><p>Opening</p><img src="top.png">'
        '<section id="s1"><img src="one.png"></section>'
        '<section id="s2"><img src="two.png"></section></main>'
    )
    fixed = webfix.lazy_images(page)
    assert '<img src="logo.png">' in fixed and '<img src="top.png">' in fixed
    assert fixed.count('loading="lazy"') == 2
    assert '<img loading="lazy" decoding="async" src="two.png">' in fixed
    assert webfix.lazy_images(fixed) == fixed


def assert_in_order(text: str, *parts: str) -> None:
    """Each of ``parts`` is in ``text`` (``str.index`` fails on one that is not), in that order."""
    at = [text.index(part) for part in parts]
    assert at == sorted(at), f"not in this order: {parts}"


OJS_PAGE = """<head>
<script type="module" src="../site_libs/quarto-ojs/quarto-ojs-runtime.js"></script>
<link href="../site_libs/quarto-ojs/quarto-ojs.css" rel="stylesheet">
</head><body><main><div id="ojs-cell-1"></div></main>
<script type="ojs-module-contents">e30=</script>
<script type="module">
if (window.location.protocol === "file:") { alert("no file URLs"); }
window._ojs.paths.runtimeToDoc = "../../chapters";
window._ojs.runtime.interpretFromScriptTags();
</script>
</body>"""


def test_the_explorables_runtime_is_imported_when_an_explorable_nears_the_screen():
    page = webfix.ojs_when_near(OJS_PAGE)
    head, body = page.split("</head>")
    assert "quarto-ojs-runtime.js" not in head and "quarto-ojs.css" in head
    start = body.index('<script type="module">')
    script = body[start : body.index("</script>", start)]
    # wait for load and for a cell near the screen, import the runtime, then
    # Quarto's own lines, in that order
    assert_in_order(
        script,
        'addEventListener("load"',
        "new IntersectionObserver",
        'await import("../site_libs/quarto-ojs/quarto-ojs-runtime.js")',
        "window._ojs.paths.runtimeToDoc",
        "interpretFromScriptTags()",
    )
    assert webfix.ojs_when_near(page) == page
    assert webfix.ojs_when_near(PAGE) == PAGE  # no explorables, nothing to do


DECK_OJS_PAGE = """<head>
  <script type="module" src="lecture_files/libs/quarto-ojs/quarto-ojs-runtime.js"></script>
</head><body><div class="reveal"><div class="slides"><section><div id="ojs-cell-1"></div></section></div></div>
    <script type="module">
    if (window.location.protocol === "file:") { alert("no file URLs"); }
    window._ojs.runtime.interpretFromScriptTags();
    </script>
</body>"""


def test_the_decks_explorables_wait_for_reveal_and_their_slide(tmp_path):
    """The deck's start script is indented and names the deck's own copy of the
    runtime: it waits for reveal.js too, imports the copy by a relative URL, and
    the prune can still point it at the book's identical copy."""
    page = webfix.ojs_when_near(DECK_OJS_PAGE)
    head, body = page.split("</head>")
    assert "quarto-ojs-runtime.js" not in head
    assert_in_order(
        body,
        'addEventListener("load"',
        'Reveal.on("ready"',
        "new IntersectionObserver",
        'await import("./lecture_files/libs/quarto-ojs/quarto-ojs-runtime.js")',
        '    if (window.location.protocol === "file:")',
    )
    assert webfix.ojs_when_near(page) == page

    site = tmp_path / "site"
    own = site / "slides" / "lecture_files" / "libs" / "quarto-ojs"
    shared = site / "site_libs" / "quarto-ojs"
    for folder in (own, shared):
        folder.mkdir(parents=True)
        (folder / "quarto-ojs-runtime.js").write_text("// the runtime", encoding="utf-8")
    (site / "slides" / "lecture.html").write_text(page, encoding="utf-8")
    prune.share_ojs_runtime(site)
    deck = (site / "slides" / "lecture.html").read_text(encoding="utf-8")
    assert 'await import("../site_libs/quarto-ojs/quarto-ojs-runtime.js")' in deck


OJS_DEFINE = '<script type="ojs-define">{"contents": [{"name": "t", "value": [0.5, "≥"]}]}</script>'


def test_the_explorables_data_and_code_are_fetched_with_their_runtime(tmp_path):
    """Quarto's blocks leave the page for a file beside it, which the start script
    fetches and puts back into the body just before it imports the runtime."""
    page = webfix.ojs_when_near(OJS_PAGE.replace("</main>", f"</main>\n{OJS_DEFINE}"))
    url = "page_files/explorables.json"
    apart, data = webfix.ojs_data_apart(page, url)
    assert "ojs-define" not in apart and "ojs-module-contents" not in apart
    assert json.loads(data) == [
        ["ojs-define", OJS_DEFINE[len('<script type="ojs-define">') : -len("</script>")]],
        ["ojs-module-contents", "e30="],
    ]
    assert_in_order(
        apart,
        "new IntersectionObserver",
        f'await fetch("{url}")',
        "block.type = type",
        "document.body.append(block)",
        'await import("../site_libs/quarto-ojs/quarto-ojs-runtime.js")',
        "interpretFromScriptTags()",
    )
    # once moved, nothing more to move; a page without the start script keeps its blocks
    assert webfix.ojs_data_apart(apart, url) == (apart, None)
    kept = OJS_PAGE.replace("</main>", f"</main>{OJS_DEFINE}")
    assert webfix.ojs_data_apart(kept, url) == (kept, None)

    # what the site's other readers see (the font cut, the tests): the page's
    # blocks, then its file's
    built = tmp_path / "page.html"
    built.write_text(
        apart.replace("</body>", '<script type="ojs-define">{"contents": []}</script></body>'),
        encoding="utf-8",
    )
    webfix.ojs_data_path(built).parent.mkdir()
    webfix.ojs_data_path(built).write_text(data, encoding="utf-8")
    assert webfix.ojs_data_path(built) == tmp_path / url
    assert webfix.ojs_blocks(built) == [
        ("ojs-define", '{"contents": []}'),
        *[tuple(block) for block in json.loads(data)],
    ]


DECK_WITH_CHALKBOARD = """<body><div class="reveal"></div>
  <script src="lecture_files/libs/revealjs/dist/reveal.js"></script>
  <script src="lecture_files/libs/revealjs/plugin/reveal-chalkboard/plugin.js"></script>
  <script src="lecture_files/libs/revealjs/plugin/notes/notes.js"></script>
  <script>
      Reveal.initialize({
        plugins: [QuartoLineHighlight, RevealMenu, RevealChalkboard, QuartoSupport,

          RevealNotes
        ]
      });
    </script>
  <script>/* the menu's fix */</script>
</body>"""


def test_the_chalkboard_is_loaded_when_first_asked_for():
    page = webfix.chalkboard_on_demand(DECK_WITH_CHALKBOARD)
    assert '<script src="lecture_files/libs/revealjs/plugin/reveal-chalkboard' not in page
    assert "plugins: [QuartoLineHighlight, RevealMenu, QuartoSupport,\n" in page
    # the stand-in comes after reveal.js starts, names the plugin's script (so the
    # prune keeps the plugin's files), takes B and C, and the menu's calls
    assert_in_order(
        page,
        "Reveal.initialize(",
        'const src = "lecture_files/libs/revealjs/plugin/reveal-chalkboard/plugin.js"',
        "Reveal.registerPlugin(window.RevealChalkboard)",
        "toggleChalkboard: () =>",
        "Reveal.addKeyBinding(",
        "/* the menu's fix */",
    )
    assert '[66, "B"' in page and '[67, "C"' in page
    assert webfix.chalkboard_on_demand(page) == page
    assert webfix.chalkboard_on_demand(PAGE) == PAGE  # not a deck


def test_the_decks_head_scripts_are_deferred_and_reveal_is_not():
    page = (
        '<script src="lecture_files/libs/clipboard/clipboard.min.js"></script>\n'
        '<script src="lecture_files/libs/quarto-html/tabby.min.js"></script>\n'
        "</head><body>"
        '<script src="lecture_files/libs/revealjs/dist/reveal.js"></script>'
    )
    fixed = webfix.defer_scripts(page)
    assert '<script defer src="lecture_files/libs/clipboard/clipboard.min.js">' in fixed
    assert '<script defer src="lecture_files/libs/quarto-html/tabby.min.js">' in fixed
    assert fixed.endswith('<script src="lecture_files/libs/revealjs/dist/reveal.js"></script>')


def test_first_paragraph_is_the_fallback_description():
    assert webfix.first_paragraph(PAGE) == "First & foremost paragraph."
    assert len(webfix.first_paragraph(PAGE.replace("First", "word " * 80), 50)) <= 50


def test_only_scripts_that_wait_for_the_page_are_deferred():
    head = (
        '<script src="../site_libs/quarto-nav/quarto-nav.js"></script>\n'
        '<script src="../site_libs/quarto-search/fuse.min.js"></script>\n'
        '<script src="../site_libs/bootstrap/bootstrap.min.js"></script>\n</head><body>'
        '<script src="../site_libs/quarto-search/fuse.min.js"></script>'
    )
    page = webfix.defer_scripts(head)
    assert '<script src="../site_libs/quarto-nav/quarto-nav.js">' in page
    assert '<script defer src="../site_libs/quarto-search/fuse.min.js">' in page
    assert '<script defer src="../site_libs/bootstrap/bootstrap.min.js">' in page
    assert page.endswith('<body><script src="../site_libs/quarto-search/fuse.min.js"></script>')


QUARTO_SCHEME_HEAD = (
    '<link href="hl.css" rel="stylesheet" class="quarto-color-scheme" id="quarto-text-highlighting-styles">\n'
    '<link href="hl-dark.css" rel="stylesheet" class="quarto-color-scheme quarto-color-alternate" id="quarto-text-highlighting-styles">\n'
    '<link href="bs.css" rel="stylesheet" class="quarto-color-scheme" id="quarto-bootstrap" data-mode="light">\n'
    '<link href="bs-dark.css" rel="stylesheet" append-hash="true" class="quarto-color-scheme quarto-color-alternate" id="quarto-bootstrap" data-mode="dark">\n'
    '<link href="bs.css" rel="stylesheet" class="quarto-color-scheme-extra" id="quarto-bootstrap" data-mode="light">\n'
    "</head><body>"
    '<link href="late-dark.css" rel="stylesheet" class="quarto-color-scheme quarto-color-alternate">'
)


def test_dark_sheets_wait_for_a_dark_page_and_the_script_follows_them():
    page = webfix.dark_sheets_on_demand(QUARTO_SCHEME_HEAD)
    head, body = page.split("</head>")
    links = re.findall(r"<link [^>]*>", head)
    dark = [link for link in links if "-dark.css" in link]
    assert len(dark) == 2
    assert all('media="(prefers-color-scheme: dark)"' in link for link in dark)
    assert not any("media=" in link for link in links if link not in dark)
    # the script comes after the last dark sheet and before the extra light one
    assert head.index("bs-dark.css") < head.index('id="dark-on-demand"') < head.index("extra")
    assert "media=" not in body  # only the head is Quarto's
    assert webfix.dark_sheets_on_demand(page) == page
    assert webfix.dark_sheets_on_demand(PAGE) == PAGE  # no dark theme, nothing to do


def test_fix_page_leaves_a_page_nu_and_lighthouse_accept():
    page = webfix.fix_page(PAGE, description="d", favicon="f.svg", is_deck=False)
    assert 'name="description"' in page and 'rel="icon"' in page
    assert "user-scalable" not in page and "<style" not in _body(page)


def test_prune_removes_what_no_page_loads(tmp_path):
    site = tmp_path
    libs = site / "slides" / "deck_files" / "libs"
    files = {
        "revealjs/dist/reveal.js": "x",
        "revealjs/dist/reveal.esm.js": "x",
        "revealjs/dist/reveal.js.map": "x",
        "revealjs/plugin/highlight/highlight.js": "x",
        "revealjs/plugin/notes/notes.js": "x",
        "revealjs/plugin/notes/plugin.js": "x",
        "revealjs/plugin/notes/speaker-view.html": "x",
        "revealjs/dist/theme/quarto.css": '@import"./fonts/sans/sans.css";',
        "revealjs/dist/theme/fonts/sans/sans.css": "x",
        "revealjs/dist/theme/fonts/sans/sans.woff": "x",
        "revealjs/dist/theme/fonts/sans/sans.ttf": "x",
        "revealjs/dist/theme/fonts/gothic/gothic.woff": "x",
        "quarto-ojs/quarto-ojs-runtime.js": "runtime",
    }
    for name, text in files.items():
        (libs / name).parent.mkdir(parents=True, exist_ok=True)
        (libs / name).write_text(text)
    (site / "site_libs" / "quarto-ojs").mkdir(parents=True)
    (site / "site_libs" / "quarto-ojs" / "quarto-ojs-runtime.js").write_text("runtime")
    (site / "slides" / "deck.html").write_text(
        '<script src="deck_files/libs/revealjs/dist/reveal.js"></script>'
        '<script src="deck_files/libs/revealjs/plugin/notes/notes.js"></script>'
        '<script type="module" src="deck_files/libs/quarto-ojs/quarto-ojs-runtime.js"></script>'
    )
    removed = prune.prune(site)
    left = sorted(p.relative_to(libs).as_posix() for p in libs.rglob("*") if p.is_file())
    assert left == [
        "revealjs/dist/reveal.js",
        "revealjs/dist/theme/fonts/sans/sans.css",
        "revealjs/dist/theme/fonts/sans/sans.woff",
        "revealjs/dist/theme/quarto.css",
        "revealjs/plugin/notes/notes.js",
    ]
    assert removed > 0
    assert (
        '"../site_libs/quarto-ojs/quarto-ojs-runtime.js"' in (site / "slides/deck.html").read_text()
    )
    assert prune.leftovers(site) == []


def test_prune_keeps_what_a_loaded_plugin_loads(tmp_path):
    """The chalkboard's script fetches its pens' images and its stylesheet the icon
    fonts: the deck's HTML names neither, and the prune must keep both (offline)."""
    plugin = tmp_path / "slides" / "deck_files" / "libs" / "revealjs" / "plugin" / "chalkboard"
    files = {
        "plugin.js": "var a = path + 'img/sponge.png'; var b = 'url(' + path + 'img/chalk-white.png), auto';",
        "plugin.yml": "name: RevealChalkboard",
        "style.css": ".x{}",
        "img/sponge.png": "png",
        "img/chalk-white.png": "png",
        "img/unused.png": "png",
        "font-awesome/css/all.css": (
            "src:url(../webfonts/fa.eot);src:url(../webfonts/fa.woff2) format('woff2'),"
            'url("../webfonts/fa.ttf") format("truetype"),url(../webfonts/fa.svg#fa)'
        ),
        "font-awesome/css/brands.css": "src:url(../webfonts/fb.woff2)",
        "font-awesome/webfonts/fa.eot": "f",
        "font-awesome/webfonts/fa.woff2": "f",
        "font-awesome/webfonts/fa.ttf": "f",
        "font-awesome/webfonts/fa.svg": "f",
        "font-awesome/webfonts/fb.woff2": "f",
    }
    for name, text in files.items():
        (plugin / name).parent.mkdir(parents=True, exist_ok=True)
        (plugin / name).write_text(text)
    (tmp_path / "slides" / "deck.html").write_text(
        '<link href="deck_files/libs/revealjs/plugin/chalkboard/font-awesome/css/all.css">'
        '<link href="deck_files/libs/revealjs/plugin/chalkboard/style.css">'
        '<script src="deck_files/libs/revealjs/plugin/chalkboard/plugin.js"></script>'
    )
    prune.prune(tmp_path)
    left = sorted(p.relative_to(plugin).as_posix() for p in plugin.rglob("*") if p.is_file())
    assert left == [
        "font-awesome/css/all.css",
        "font-awesome/webfonts/fa.woff2",
        "img/chalk-white.png",
        "img/sponge.png",
        "plugin.js",
        "style.css",
    ]


def test_every_book_page_and_the_deck_has_a_written_description():
    book = yaml.safe_load((ROOT / "_quarto-book.yml").read_text())["book"]
    chapters = [c for c in book["chapters"] + book.get("appendices", []) if isinstance(c, str)]
    expected = {Path(c).with_suffix(".html").as_posix() for c in chapters}
    expected |= {f"slides/{p.stem}.html" for p in (ROOT / "slides").glob("*.qmd")}
    descriptions = webfix.load_descriptions()
    assert expected <= set(descriptions), (
        f"chapters/_descriptions.yml has no description for {sorted(expected - set(descriptions))}"
    )
    for page, text in descriptions.items():
        assert 50 <= len(text) <= 160, f"{page}: {len(text)} characters (50 to 160 read well)"


# ---------------------------------------------------------------- the built site


def _pages() -> list[Path]:
    return [SITE / "index.html", *sorted((SITE / "chapters").glob("*.html"))] + sorted(
        (SITE / "slides").glob("*.html")
    )


@pytest.fixture(scope="module")
def site(request) -> Path:
    """The rendered site: built in this session where quarto is installed, else as found."""
    if shutil.which("quarto"):
        request.getfixturevalue("built_site")
    if not (SITE / "index.html").is_file():
        pytest.skip(f"no rendered site at {SITE} and no quarto to build it: run `make site`")
    return SITE


@pytest.mark.render
def test_every_page_has_a_description(site):
    for page in _pages():
        html = page.read_text(encoding="utf-8")
        m = re.search(r'<meta name="description" content="([^"]+)"', html)
        assert m and len(m.group(1)) >= 50, f"{page.relative_to(site)} has no meta description"


@pytest.mark.render
def test_every_page_links_a_deployed_icon(site):
    for page in _pages():
        html = page.read_text(encoding="utf-8")
        m = re.search(r'<link rel="icon" href="([^"]+)"', html)
        assert m, (
            f"{page.relative_to(site)} links no icon: browsers then ask for /favicon.ico (404)"
        )
        assert (page.parent / m.group(1)).resolve().is_file(), f"{m.group(1)} is not deployed"


@pytest.mark.render
def test_every_viewport_allows_zoom(site):
    for page in _pages():
        html = page.read_text(encoding="utf-8")
        viewport = re.search(r'<meta name="viewport" content="([^"]*)"', html).group(1)
        assert "user-scalable=no" not in viewport, f"{page.relative_to(site)}: {viewport}"
        m = re.search(r"maximum-scale=([\d.]+)", viewport)
        assert not m or float(m.group(1)) >= 5, f"{page.relative_to(site)}: {viewport}"


@pytest.mark.render
def test_no_style_element_in_any_body(site):
    for page in _pages():
        html = page.read_text(encoding="utf-8")
        body = html[html.index("<body") :]
        assert "<style" not in body, f"{page.relative_to(site)} has a <style> in its body"


def _cmap(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(path).getBestCmap())


@pytest.mark.render
def test_the_deployed_math_font_has_every_character_of_every_page(site):
    font = site / fonts.MATH_FONT_SITE
    pages = sorted(site.rglob("*.html"))
    missing = {c for c in fonts.math_characters(pages) if ord(c) not in _cmap(font)}
    assert not missing, f"characters of the pages' maths missing from {font.name}: {missing}"
    assert font.stat().st_size < fonts.MATH_FONT.stat().st_size / 4


@pytest.mark.render
def test_every_icon_the_site_names_is_in_its_stylesheet_and_font(site):
    css, font = site / fonts.ICONS_CSS_SITE, site / fonts.ICONS_FONT_SITE
    codes = fonts.icon_codes(css.read_text(encoding="utf-8"))
    assert 10 < len(codes) < 200, f"{len(codes)} icon rules: the stylesheet was not cut"
    classes = set()
    for page in site.rglob("*.html"):
        for attr in re.findall(r'class="([^"]*)"', page.read_text(encoding="utf-8")):
            classes |= {c[3:] for c in attr.split() if c.startswith("bi-")}
    assert classes, "no page shows an icon"
    assert classes <= set(codes), f"icons shown but cut: {classes - set(codes)}"
    assert set(codes.values()) <= _cmap(font)


@pytest.mark.render
def test_nothing_unused_is_deployed(site):
    left = prune.leftovers(site)
    assert not left, f"deployed but never loaded: {[str(p) for p in left]}"
    assert not list(site.rglob("*.map")), "source maps are deployed"


@pytest.mark.render
def test_every_library_file_is_named_by_the_site(site):
    """A static crawl: each file of the libraries is named by a page, stylesheet or script."""
    libraries = [site / "site_libs", *(site / "slides").glob("*_files/libs")]
    files = [p for lib in libraries for p in lib.rglob("*") if p.is_file()]
    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in site.rglob("*")
        if p.suffix in (".html", ".css", ".js") and p.is_file()
    ]
    corpus = "\n".join(texts)
    unnamed = [
        str(p.relative_to(site))
        for p in files
        if p.name not in corpus and p.suffix not in (".txt",) and p.name != "LICENSE"
    ]
    assert not unnamed, f"deployed files nothing names: {unnamed}"


PRINT_WITH_PART_BOOKMARKS = """
import sys
from playwright.sync_api import sync_playwright
from dlact.site.build import PART_BOOKMARKS
chromium, html, pdf = sys.argv[1:4]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    page = browser.new_page()
    page.set_content(open(html, encoding="utf-8").read())
    page.evaluate(PART_BOOKMARKS)
    page.pdf(path=pdf, tagged=True, outline=True)
    browser.close()
"""


def test_pdf_outline_reads_chromiums_bookmarks_as_a_tree(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium (Debian: `apt-get install chromium`) to print a PDF with")
    from dlact.site.pdfcheck import pdf_outline

    html = tmp_path / "deck.html"
    html.write_text(
        '<html lang="en"><body><div class="reveal"><h1>Title é</h1>'
        '<section class="outline"><h2>Lecture outline</h2><ul><li><strong>One</strong></li>'
        "<li>Two</li></ul></section><section><h2>Slide (a)</h2></section>"
        '<section class="outline"><h2>Lecture outline</h2><ul><li>One</li>'
        "<li><strong>Two</strong></li></ul></section><section><h2>Slide b</h2></section>"
        "</div></body></html>",
        encoding="utf-8",
    )
    # in its own process: the browser tests may hold Playwright's loop in this one
    subprocess.run(
        [
            sys.executable,
            "-c",
            PRINT_WITH_PART_BOOKMARKS,
            chromium,
            str(html),
            str(tmp_path / "t.pdf"),
        ],
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "lib")},
        timeout=120,
    )
    assert pdf_outline(tmp_path / "t.pdf") == [
        (0, "Title é"),
        (0, "Part 1: One"),
        (1, "Lecture outline"),
        (1, "Slide (a)"),
        (0, "Part 2: Two"),
        (1, "Lecture outline"),
        (1, "Slide b"),
    ]


LINKS_AS_PRINTED = """
import json, sys
from playwright.sync_api import sync_playwright
from dlact.site.build import PDF_LINKS
DECK = (
    '<div class="reveal"><section id="one"><a href="#/two">to two</a>'
    '<a href="" aria-hidden="true">.</a><a href="../notebooks/chapters/binary.ipynb">nb</a>'
    '<a href="https://keras.io/">Keras</a><a href="#/nowhere">?</a></section>'
    '<section id="two"><h2>Two</h2></section></div><a href="">outside</a>'
)
found = {}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=sys.argv[1], args=["--no-sandbox"])
    page = browser.new_page()
    for site in ("", "https://example.org/course"):
        page.set_content(DECK)
        counts = page.evaluate(PDF_LINKS, site or None)
        hrefs = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
        found[site] = [counts, hrefs]
    browser.close()
print(json.dumps(found))
"""


def test_deck_links_are_made_for_the_pdf():
    """A link to a slide points at the slide; one to a site file at the published site,
    or nowhere (its text kept) when the site's address is unknown; Quarto's empty
    links on code lines are dropped; web links stay."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium (Debian: `apt-get install chromium`) to run the deck's script")
    import json

    out = subprocess.run(
        [sys.executable, "-c", LINKS_AS_PRINTED, chromium],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "lib")},
        timeout=120,
    ).stdout
    found = json.loads(out)
    for site, (counts, hrefs) in found.items():
        notebook = f"{site}/notebooks/chapters/binary.ipynb" if site else None
        assert hrefs == ["#two", None, notebook, "https://keras.io/", "#/nowhere", ""], site
        assert counts == {"dropped": 2 - bool(site), "slides": 1, "site": int(bool(site))}, site


@pytest.mark.render
@pytest.mark.parametrize("name", ["lecture.pdf", "lecture-handout.pdf"])
def test_deck_pdfs_are_tagged_with_language_and_bookmarks_by_part(site, name):
    pdf = site / "slides" / name
    if not pdf.is_file():
        pytest.skip(f"no {name} (it is printed by Chromium: install chromium, then `make pdf`)")
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo is not installed (Debian: poppler-utils): the PDF checks need it")
    from dlact.site.pdfcheck import pdf_language_and_bookmarks, pdf_outline

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M), f"{name} is not tagged"
    from dlact.site.pdfcheck import pdf_file_links

    assert pdf_file_links(pdf) == [], f"{name} links to files on the machine that printed it"
    lang, bookmarks = pdf_language_and_bookmarks(pdf)
    assert lang == "en-GB"
    deck = (site / "slides" / "lecture.html").read_text(encoding="utf-8")
    titles = re.findall(r"<h2[^>]*>", deck)
    assert bookmarks >= len(titles) + 1, f"{bookmarks} bookmarks for {len(titles)} slide titles"
    parts = yaml.safe_load((ROOT / "slides" / "lecture.qmd").read_text().split("---")[1])["parts"]
    outline = pdf_outline(pdf)
    top = [title for depth, title in outline if depth == 0]
    assert [t for t in top if t.startswith("Part ")] == [
        f"Part {i}: {part}" for i, part in enumerate(parts, start=1)
    ]
    # each part's bookmarks hold its slides: at least its outline slide and three more
    starts = [i for i, (depth, title) in enumerate(outline) if title.startswith("Part ")]
    for begin, end in zip(starts, [*starts[1:], len(outline)], strict=True):
        inside = [d for d, _ in outline[begin + 1 : end] if d >= 1]
        assert len(inside) >= 4, f"{outline[begin][1]} holds {len(inside)} bookmarks"


def test_prune_removes_other_formats_figures_beside_a_page_and_all_beside_a_notebook(tmp_path):
    """A render from the frozen results restores every format's figures into a document's
    ``_files`` folder, and Quarto may copy that whole folder into the site."""
    site = tmp_path / "_site"
    files = {
        "chapters/p_files/figure-html/shown.png": True,  # the page names it
        "chapters/p_files/figure-html/print-only.png": False,  # another format's cell
        "chapters/p_files/figure-typst/shown.png": False,  # the PDF's figure
        "chapters/p_files/explorables.json": True,  # not a figure: the page's own file
        "chapters/p_files/libs/quarto-ojs/runtime.js": True,
        "notebooks/chapters/p_files/figure-html/shown.png": False,  # a notebook embeds its images
        "notebooks/chapters/p_files/libs/quarto-ojs/runtime.js": False,
        "notebooks/chapters/lonely_files/figure-html/a.png": True,  # no page beside it: left
    }
    for name in files:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(name)
    (site / "chapters/p.html").write_text('<img src="p_files/figure-html/shown.png">')
    (site / "notebooks/chapters/p.ipynb").write_text('{"cells": []}')
    assert sorted(prune.leftovers(site)) == sorted(Path(n) for n, kept in files.items() if not kept)
    prune.prune(site)
    left = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert left == sorted(
        [n for n, kept in files.items() if kept] + ["chapters/p.html", "notebooks/chapters/p.ipynb"]
    )
    assert not (site / "chapters/p_files/figure-typst").exists()  # emptied folders go too
    assert not (site / "notebooks/chapters/p_files").exists()
    assert prune.leftovers(site) == []
