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
    assert fonts.math_characters(pages) == set("x∑w1(θ")


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
