"""The site's fonts cut down to the characters and icons its pages use (dlact.site.fonts)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("fontTools")
pytest.importorskip("brotli", reason="WOFF2 needs brotli: `pip install brotli`")

from fontTools.ttLib import TTFont  # noqa: E402

from dlact.site import fonts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def cmap(path: Path) -> set[int]:
    return set(TTFont(path).getBestCmap())


def test_math_characters_are_read_from_every_math_element(tmp_path):
    (tmp_path / "a.html").write_text(
        "<p>x and y</p><math><mi>x</mi><mo>&#x2211;</mo><msub><mi>w</mi><mn>1</mn></msub></math>",
        encoding="utf-8",
    )
    (tmp_path / "b.html").write_text(
        '<math display="block">\n<mo stretchy="true">(</mo><mi>&#x3B8;</mi></math>',
        encoding="utf-8",
    )
    pages = sorted(tmp_path.glob("*.html"))
    # with the italic letters a browser draws for single-letter <mi>s (𝑥, 𝑤, 𝜃)
    assert fonts.math_characters(pages) == set("x∑w1(θ\U0001d465\U0001d464\U0001d703")


def test_the_math_subset_keeps_the_characters_and_their_stretching(tmp_path):
    out = tmp_path / "math.woff2"
    chars = "(∑θ√x"
    fonts.subset(fonts.MATH_FONT, out, {ord(c) for c in chars}, "woff2")
    assert out.stat().st_size < fonts.MATH_FONT.stat().st_size / 10
    assert {ord(c) for c in chars} <= cmap(out)
    assert ord("y") not in cmap(out)
    font = TTFont(out)
    assert "MATH" in font
    variants = font["MATH"].table.MathVariants
    # the bracket, the sum and the root keep their larger sizes and their pieces
    kept = set(variants.VertGlyphCoverage.glyphs)
    for c in "(∑√":
        name = font.getBestCmap()[ord(c)]
        assert name in kept, f"{c}: no vertical variants left"
    assert font.flavor == "woff2"


def test_icons_used_by_pages_scripts_and_styles(tmp_path):
    names = {"search", "file-richtext", "clipboard", "alarm", "x", "gear"}
    (tmp_path / "p.html").write_text('<i class="bi bi-search"></i> x marks', encoding="utf-8")
    (tmp_path / "s.js").write_text(
        'card("file-richtext"); const linkIcon = "bi-clipboard"; el.className = `bi bi-${icon}`;',
        encoding="utf-8",
    )
    (tmp_path / "s.css").write_text(".callout .bi-gear{color:red}", encoding="utf-8")
    found = fonts.icons_used(sorted(tmp_path.iterdir()), names)
    # a bare word in a page ("x marks") is not an icon; a quoted name in a script is
    assert found == {"search", "file-richtext", "clipboard", "gear"}


ICON_CSS = """@font-face { font-family: "bootstrap-icons"; src: url("./bootstrap-icons.woff") format("woff"); }
.bi::before { display: inline-block; font-family: bootstrap-icons !important; }
.bi-alarm::before { content: "\\f102"; }
.bi-search::before { content: "\\f52a"; }
"""


def test_the_icon_rules_and_codes_are_read_from_bootstraps_stylesheet():
    assert fonts.icon_codes(ICON_CSS) == {"alarm": 0xF102, "search": 0xF52A}


def test_a_site_is_cut_again_from_the_full_copies(tmp_path, monkeypatch):
    """A second render's post-render starts from the full font and stylesheet, not
    from the subset the first one left, so an icon a page gains is not lost."""
    full_css = tmp_path / "full.css"
    monkeypatch.setattr(fonts, "CACHE", tmp_path / "cache")
    site = tmp_path / "site"
    (site / "site_libs" / "bootstrap").mkdir(parents=True)
    (site / "chapters" / "fonts").mkdir(parents=True)
    shutil.copyfile(fonts.MATH_FONT, site / fonts.MATH_FONT_SITE)
    # a stand-in for Bootstrap's icons: over a thousand rules on STIX's letters
    available = cmap(fonts.MATH_FONT)
    letters = [c for c in map(chr, range(0x41, 0x2000)) if ord(c) in available]
    rules = "".join(
        f'.bi-i{i}::before {{ content: "\\{ord(c):x}"; }}\n' for i, c in enumerate(letters[:1100])
    )
    full_css.write_text(ICON_CSS.split(".bi-alarm")[0] + rules, encoding="utf-8")
    shutil.copyfile(full_css, site / fonts.ICONS_CSS_SITE)
    shutil.copyfile(fonts.MATH_FONT, site / fonts.ICONS_FONT_SITE)
    page = site / "index.html"
    page.write_text('<i class="bi bi-i0"></i><math><mi>x</mi></math>', encoding="utf-8")
    fonts.subset_site_fonts(site)
    assert set(fonts.icon_codes((site / fonts.ICONS_CSS_SITE).read_text())) == {"i0"}
    assert cmap(site / fonts.MATH_FONT_SITE) >= {ord("x")}
    # the page gains an icon; the deployed files are the first run's subsets
    page.write_text('<i class="bi bi-i0"></i><i class="bi bi-i5"></i>', encoding="utf-8")
    fonts.subset_site_fonts(site)
    codes = fonts.icon_codes((site / fonts.ICONS_CSS_SITE).read_text())
    assert set(codes) == {"i0", "i5"}
    assert set(codes.values()) <= cmap(site / fonts.ICONS_FONT_SITE)


def test_without_brotli_the_fonts_are_left_whole_and_the_log_says_why(tmp_path, monkeypatch):
    from fontTools.ttLib import woff2

    site = tmp_path / "site"
    (site / "chapters" / "fonts").mkdir(parents=True)
    shutil.copyfile(fonts.MATH_FONT, site / fonts.MATH_FONT_SITE)
    (site / "index.html").write_text("<math><mi>x</mi></math>", encoding="utf-8")
    before = (site / fonts.MATH_FONT_SITE).read_bytes()
    monkeypatch.setattr(woff2, "haveBrotli", False)
    assert fonts.missing_font_tools() == "Brotli"
    (line,) = fonts.subset_site_fonts(site)
    assert line.startswith("fonts left whole: this Python has no Brotli")
    assert "pip install fonttools brotli" in line
    assert (site / fonts.MATH_FONT_SITE).read_bytes() == before
    monkeypatch.setattr(woff2, "haveBrotli", True)
    assert fonts.missing_font_tools() is None


# ---- the characters a browser draws for MathML's letters ----------------------


def test_a_letter_in_maths_is_drawn_in_its_mathematical_style():
    # MathML draws <mi>x</mi> as U+1D465, not as x: the font must keep that one
    assert fonts.math_variant("x", "italic") == "\U0001d465"
    assert fonts.math_variant("θ", "italic") == "\U0001d703"
    assert fonts.math_variant("ϕ", "italic") == "\U0001d719"  # GREEK PHI SYMBOL
    assert fonts.math_variant("∂", "italic") == "\U0001d715"
    assert fonts.math_variant("x", "bold-italic") == "\U0001d499"
    # the letters Unicode encoded before the block: italic h, double-struck R
    assert fonts.math_variant("h", "italic") == "\u210e"
    assert fonts.math_variant("R", "double-struck") == "\u211d"
    assert fonts.math_variant("A", "double-struck") == "\U0001d538"
    # no mathematical style for an operator
    assert fonts.math_variant("−", "italic") is None


def test_math_characters_add_the_style_a_browser_draws(tmp_path):
    (tmp_path / "a.html").write_text(
        '<math><mi>x</mi><mi>ab</mi><mi mathvariant="normal">e</mi>'
        '<mi mathvariant="bold-italic">w</mi><mi mathvariant="double-struck">R</mi>'
        "<mi>&#x3B8;</mi><mo>=</mo></math>",
        encoding="utf-8",
    )
    found = fonts.math_characters([tmp_path / "a.html"])
    assert found == set("xabewRθ=") | {
        "\U0001d465",  # a single letter: italic
        "\U0001d498",  # bold-italic w
        "\u211d",  # ℝ
        "\U0001d703",  # italic θ
    }
    # "ab" is a name, drawn upright; "e" is asked for upright
    assert "\U0001d44e" not in found and "\U0001d452" not in found


# ---- the deck's text font -----------------------------------------------------


def test_text_characters_read_the_text_the_code_and_the_scripts(tmp_path):
    import base64

    code = base64.b64encode('{"source": "md`Grenze ≥ ${x}`"}'.encode()).decode()
    page = tmp_path / "deck.html"
    page.write_text(
        "<html><head><style>.a::after{content:'Ж'}</style></head><body>"
        "<h2>Caf&eacute; — ok</h2><script>var s = 'Ω';</script>"
        f'<script type="ojs-module-contents">\n{code}\n</script></body></html>',
        encoding="utf-8",
    )
    script = tmp_path / "menu.js"
    script.write_text('label = "Suche…"; arrow = "→";', encoding="utf-8")
    found = fonts.text_characters([page], [script])
    assert set("Café—ok≥→…") <= found
    # the base set whatever the page says: ASCII, Latin-1, punctuation
    assert {"Q", "ß", "“", "€"} <= found
    # markup, a page's own scripts and styles are not text
    assert "Ω" not in found and "Ж" not in found and "\n" not in found


def test_text_characters_read_the_code_kept_beside_the_page(tmp_path):
    import base64
    import json

    from dlact.site.webfix import ojs_data_path

    code = base64.b64encode('{"source": "md`Schwelle ≤ ${x}`"}'.encode()).decode()
    page = tmp_path / "deck.html"
    page.write_text("<html><body><h2>Deck</h2></body></html>", encoding="utf-8")
    ojs_data_path(page).parent.mkdir()
    ojs_data_path(page).write_text(json.dumps([["ojs-module-contents", code]]), encoding="utf-8")
    assert "≤" in fonts.text_characters([page], [])
    ojs_data_path(page).unlink()
    assert "≤" not in fonts.text_characters([page], [])


def _stand_in_text_font(folder: Path, face: str) -> None:
    """reveal.js's font stylesheet naming one WOFF face, the face a copy of STIX."""
    from fontTools.ttLib import TTFont

    folder.mkdir(parents=True)
    font = TTFont(fonts.MATH_FONT)
    font.flavor = "woff"
    font.save(folder / f"{face}.woff")
    (folder / "source-sans-pro.css").write_text(
        "@font-face {\n    font-family: 'Source Sans Pro';\n"
        f"    src: url('./{face}.eot');\n"
        f"    src: url('./{face}.woff') format('woff'),\n"
        f"         url('./{face}.ttf') format('truetype');\n}}\n",
        encoding="utf-8",
    )


def test_the_text_font_is_cut_to_woff2_and_again_from_its_full_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "CACHE", tmp_path / "cache")
    site = tmp_path / "site"
    folder = site / "slides" / "deck_files" / "libs" / "fonts" / "source-sans-pro"
    _stand_in_text_font(folder, "face-regular")
    deck = site / "slides" / "deck.html"
    deck.write_text("<p>Λ∑</p>", encoding="utf-8")
    (site / "chapters").mkdir()
    (site / "chapters" / "other.html").write_text("<p>∞</p>", encoding="utf-8")

    done = fonts.cut_text_font(site)
    assert done and done[0].startswith("text font:")
    css = (folder / "source-sans-pro.css").read_text()
    assert "url('./face-regular.woff2') format('woff2')" in css
    assert not (folder / "face-regular.woff").exists()
    cut = cmap(folder / "face-regular.woff2")
    assert {ord("Λ"), ord("∑"), ord("A")} <= cut
    # only the deck's own page counts: another page's ∞ is not kept
    assert ord("∞") not in cut
    assert (folder / "face-regular.woff2").stat().st_size < fonts.MATH_FONT.stat().st_size / 5

    # the deck gains a character; the deployed font is the first cut's WOFF2
    deck.write_text("<p>Λ∑√</p>", encoding="utf-8")
    fonts.cut_text_font(site)
    assert ord("√") in cmap(folder / "face-regular.woff2")


def test_font_awesome_is_cut_to_the_icons_named(tmp_path, monkeypatch):
    """The slide menu's and the chalkboard's icons, like Bootstrap's: rules and
    glyphs for the icons named, from the full copies on the next render too."""
    monkeypatch.setattr(fonts, "CACHE", tmp_path / "cache")
    site = tmp_path / "site"
    root = site / "slides" / "deck_files" / "plugin" / "font-awesome"
    (root / "css").mkdir(parents=True)
    (root / "webfonts").mkdir()
    available = cmap(fonts.MATH_FONT)
    letters = [c for c in map(chr, range(0x41, 0x2000)) if ord(c) in available][:1000]
    rules = "".join(f'.fa-i{i}:before{{content:"\\{ord(c):x}"}}' for i, c in enumerate(letters))
    (root / "css" / "all.css").write_text(".fa,.fas{display:inline-block}" + rules, "utf-8")
    shutil.copyfile(fonts.MATH_FONT, root / "webfonts" / "fa-solid-900.woff2")
    page = site / "slides" / "deck.html"
    page.write_text('<i class="fas fa-i3"></i>', encoding="utf-8")
    script = site / "slides" / "deck_files" / "menu.js"
    script.write_text('icon("fa-i7", "fas")', encoding="utf-8")
    files = [page, script, root / "css" / "all.css"]

    fonts.cut_icons(site, fonts.FONT_AWESOME, files)
    css = (root / "css" / "all.css").read_text()
    codes = fonts.icon_codes(css, fonts.FONT_AWESOME.rule)
    assert set(codes) == {"i3", "i7"}
    assert css.startswith(".fa,.fas{display:inline-block}")
    assert set(codes.values()) <= cmap(root / "webfonts" / "fa-solid-900.woff2")

    page.write_text('<i class="fas fa-i3"></i><i class="fas fa-i9"></i>', encoding="utf-8")
    fonts.cut_icons(site, fonts.FONT_AWESOME, files)
    codes = fonts.icon_codes((root / "css" / "all.css").read_text(), fonts.FONT_AWESOME.rule)
    assert set(codes) == {"i3", "i7", "i9"}
    assert set(codes.values()) <= cmap(root / "webfonts" / "fa-solid-900.woff2")


def test_a_cut_is_taken_from_the_cache_the_second_time(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "CACHE", tmp_path / "cache")
    first, second = tmp_path / "a.woff2", tmp_path / "b.woff2"
    fonts.subset(fonts.MATH_FONT, first, {ord("x")}, "woff2")
    assert len(list((tmp_path / "cache" / "subsets").iterdir())) == 1
    fonts.subset(fonts.MATH_FONT, second, {ord("x")}, "woff2")
    assert first.read_bytes() == second.read_bytes()
    # another set of characters is another cut
    fonts.subset(fonts.MATH_FONT, second, {ord("y")}, "woff2")
    assert ord("y") in cmap(second) and ord("x") not in cmap(second)
