"""The site's two font files cut down to the characters its pages use; after every render.

Runs from the ``post-render`` script ``webfix.py``. Both fonts are fetched as
soon as a page shows one of their characters, so on a phone's connection they
compete with the page's first paint:

* **STIX Two Math** (``chapters/fonts/``, 403 KB): the maths of the book and
  the deck uses about a hundred of its characters. The subset keeps them, with
  their OpenType MATH data (the larger sizes and the pieces from which a
  bracket or a root is stretched, and where accents and limits go).
* **Bootstrap's icons** (``site_libs/bootstrap/bootstrap-icons.woff``, 180 KB,
  2,000 icons): the site shows a few dozen. The subset keeps every icon a page,
  script or stylesheet names (``bi-search``, or a bare ``"file-richtext"`` that
  a script turns into a class), and the icon stylesheet keeps only their rules.

The math font is always cut from the full copy in ``chapters/fonts/``. The
icon font is Quarto's: its full copy is kept in ``_cache/fonts/`` the first
time it is seen, so that a later render, with more characters or icons, starts
from it again and not from a subset. fontTools writes the files (WOFF2 with
Brotli, WOFF with zlib).
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MATH_FONT = ROOT / "chapters" / "fonts" / "STIXTwoMath-Regular.woff2"
MATH_FONT_SITE = "chapters/fonts/STIXTwoMath-Regular.woff2"
ICONS_CSS_SITE = "site_libs/bootstrap/bootstrap-icons.css"
ICONS_FONT_SITE = "site_libs/bootstrap/bootstrap-icons.woff"
CACHE = ROOT / "_cache" / "fonts"

MATH = re.compile(r"<math\b.*?</math>", re.S)
TAG = re.compile(r"<[^>]+>")
ICON_RULE = re.compile(r'\.bi-([a-z0-9-]+)::before \{ content: "\\([0-9a-f]+)"; \}\n?')
ICON_CLASS = re.compile(r"\bbi-([a-z0-9-]+)")
QUOTED = re.compile(r"""["'`]([a-z0-9-]+)["'`]""")


def math_characters(pages: list[Path]) -> set[str]:
    """Every character inside a ``<math>`` element of ``pages``."""
    found: set[str] = set()
    for page in pages:
        for m in MATH.finditer(page.read_text(encoding="utf-8")):
            found |= set(html.unescape(TAG.sub("", m.group(0))))
    return found - set("\n\r\t")


def icon_codes(css: str) -> dict[str, int]:
    """Each icon's name and code point, from Bootstrap's icon stylesheet."""
    return {name: int(code, 16) for name, code in ICON_RULE.findall(css)}


def icons_used(files: list[Path], names: set[str]) -> set[str]:
    """The icon names among ``names`` that ``files`` mention: as a ``bi-`` class
    anywhere, or, in a script, as a quoted name a script prefixes with ``bi-``."""
    used: set[str] = set()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        used |= set(ICON_CLASS.findall(text)) & names
        if path.suffix in (".js", ".mjs"):
            used |= set(QUOTED.findall(text)) & names
    return used


def subset(source: Path, target: Path, codepoints: set[int], flavor: str) -> None:
    """``source`` with only ``codepoints`` (and what they need: ligatures, math
    variants and assemblies), written to ``target`` as ``flavor`` (woff or woff2)."""
    import logging

    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    # fontTools warns about padding in Bootstrap's icon font's glyph names: harmless
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    options = ft_subset.Options()
    options.layout_features = ["*"]  # every feature, the math ones among them
    options.name_IDs = ["*"]  # keep the names (and the licence) as they are
    options.notdef_outline = True
    options.flavor = flavor
    font = TTFont(source)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    tmp = target.with_name(target.name + ".tmp")
    font.flavor = flavor
    font.save(tmp)
    tmp.replace(target)


def _full_icon_files(css: Path, font: Path) -> tuple[Path, Path] | None:
    """The full icon stylesheet and font: the deployed ones when Quarto has just
    copied them (they are kept in the cache then), else the cached copies; None
    when neither is at hand."""
    kept_css, kept_font = CACHE / css.name, CACHE / font.name
    if len(icon_codes(css.read_text(encoding="utf-8"))) > 1000:  # Quarto's own copy
        CACHE.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(css, kept_css)
        shutil.copyfile(font, kept_font)
    if kept_css.is_file() and kept_font.is_file():
        return kept_css, kept_font
    return None


def subset_site_fonts(site: Path) -> list[str]:
    """Cut both fonts of ``site`` down to what its pages use; what was done, one line each."""
    done = []
    pages = sorted(site.rglob("*.html"))
    math_font = site / MATH_FONT_SITE
    if math_font.is_file() and MATH_FONT.is_file() and pages:
        chars = math_characters(pages)
        subset(MATH_FONT, math_font, {ord(c) for c in chars}, "woff2")
        done.append(
            f"math font: {len(chars)} characters, {MATH_FONT.stat().st_size / 1024:.0f} -> "
            f"{math_font.stat().st_size / 1024:.0f} KiB"
        )
    css, font = site / ICONS_CSS_SITE, site / ICONS_FONT_SITE
    if css.is_file() and font.is_file():
        full = _full_icon_files(css, font)
        if full is None:
            return [*done, f"icon font: no full copy of {css.name} to cut from; left as it is"]
        full_css, full_font = full
        text = full_css.read_text(encoding="utf-8")
        codes = icon_codes(text)
        files = [*pages, *site.rglob("*.js"), *site.rglob("*.mjs"), *site.rglob("*.css")]
        used = icons_used([f for f in files if f != css], set(codes))
        css.write_text(
            ICON_RULE.sub(lambda m: m.group(0) if m.group(1) in used else "", text),
            encoding="utf-8",
        )
        subset(full_font, font, {codes[name] for name in used}, "woff")
        done.append(
            f"icon font: {len(used)} of {len(codes)} icons, "
            f"{full_font.stat().st_size / 1024:.0f} -> {font.stat().st_size / 1024:.0f} KiB"
        )
    return done
