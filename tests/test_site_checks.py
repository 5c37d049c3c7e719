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
* the deck's PDF is tagged, has a language and one bookmark per slide title.

The first group (the functions of ``dlact.site.webfix`` and ``prune``) needs
nothing built. The rest use the site rendered once per session (the
``built_site`` fixture: skipped, saying why, without ``quarto``), and the PDF
test skips without the deck's PDF (Chromium) or poppler.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from dlact.site import prune, webfix

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
    page = webfix.lazy_images(PAGE)
    assert '<img src="a.png"' in page
    assert '<img loading="lazy" decoding="async" src="b.png"' in page
    assert webfix.lazy_images(page) == page


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


@pytest.mark.render
def test_deck_pdf_is_tagged_with_language_and_bookmarks(site):
    pdf = site / "slides" / "lecture.pdf"
    if not pdf.is_file():
        pytest.skip("no deck PDF (it is printed by Chromium: install chromium, then `make pdf`)")
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo is not installed (Debian: poppler-utils): the PDF checks need it")
    from dlact.site.sitecheck import pdf_language_and_bookmarks

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M), "the deck's PDF is not tagged"
    lang, bookmarks = pdf_language_and_bookmarks(pdf)
    assert lang == "en-GB"
    deck = (site / "slides" / "lecture.html").read_text(encoding="utf-8")
    titles = re.findall(r"<h2[^>]*>", deck)
    assert bookmarks >= len(titles) + 1, f"{bookmarks} bookmarks for {len(titles)} slide titles"
