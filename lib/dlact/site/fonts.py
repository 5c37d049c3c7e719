"""The site's font files cut down to the characters and icons its pages use; after every render.

Runs from the ``post-render`` script ``webfix.py``. A font is fetched as soon
as a page shows one of its characters, so on a phone's connection every font
competes with the page's first paint:

* **STIX Two Math** (``chapters/fonts/``, 403 KB): the maths of the book and
  the deck uses about a hundred of its characters. The subset keeps them, with
  their OpenType MATH data (the larger sizes and the pieces from which a
  bracket or a root is stretched, and where accents and limits go).
* **Icon fonts**: Bootstrap's icons (``site_libs/bootstrap/``, 180 KB, 2,000
  icons) on the book's pages, Font Awesome (the chalkboard's and the slide
  menu's, three fonts of 1,000 icons) in the deck; the site shows a few dozen.
  The subsets keep every icon a page, script or stylesheet names (``bi-search``,
  ``fa-bars``, or a bare ``"file-richtext"`` that a script turns into a
  ``bi-`` class), and each icon stylesheet keeps only their rules.
* **The deck's text font** (reveal.js's Source Sans Pro, four WOFF files of
  100-115 KB): cut to the characters of the deck's text, of its explorables'
  code and of its plugins' scripts, and to the whole of Latin-1 and common
  punctuation, without hinting, as WOFF2 (about 20 KB each); the font
  stylesheet then points at the WOFF2 files.

Every cut starts from a full copy: the math font from ``chapters/fonts/``; the
fonts Quarto copies are kept in ``_cache/fonts/`` the first time they are seen,
so that a later render, with more characters or icons, starts from them again
and not from a subset. fontTools writes the files (WOFF2 with Brotli, WOFF
with zlib).
"""

from __future__ import annotations

import base64
import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from dlact.site.webfix import ojs_blocks

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


@dataclass(frozen=True)
class IconSet:
    """An icon font: its stylesheet, its font files, and how pages name an icon."""

    name: str
    css: str  #: the stylesheet, a glob under the site
    fonts: tuple[str, ...]  #: the font files, relative to the stylesheet's folder
    rule: re.Pattern  #: one icon's rule: its name and its code point (hex)
    mention: re.Pattern  #: an icon named as a class (group 1: the name)
    quoted_in_scripts: bool  #: scripts also name icons bare, in quotes


BOOTSTRAP_ICONS = IconSet(
    "Bootstrap icons",
    ICONS_CSS_SITE,
    ("bootstrap-icons.woff",),
    ICON_RULE,
    ICON_CLASS,
    quoted_in_scripts=True,
)
FONT_AWESOME = IconSet(
    "Font Awesome",
    "**/font-awesome/css/all.css",
    tuple(
        f"../webfonts/fa-{style}.{ext}"
        for style in ("solid-900", "regular-400", "brands-400")
        for ext in ("woff2", "woff")
    ),
    re.compile(r'\.fa-([a-z0-9-]+):before\{content:"\\([0-9a-f]+)"\}'),
    re.compile(r"\bfa-([a-z0-9-]+)"),
    quoted_in_scripts=False,
)
ICON_SETS = (BOOTSTRAP_ICONS, FONT_AWESOME)

#: The deck's text font: reveal.js's stylesheet for it, and one face's WOFF in it.
TEXT_FONT_CSS = "**/fonts/source-sans-pro/source-sans-pro.css"
TEXT_FACE = re.compile(r"url\('\./([A-Za-z0-9-]+)\.woff(2?)'\) format\('woff2?'\)")
#: Kept in the text font whatever the pages say: printable ASCII, Latin-1, the
#: general punctuation (dashes, quotes, the ellipsis), the arrows, the euro and
#: the minus sign; text a reader types into the deck's search, or a number an
#: explorable formats, stays in the deck's font.
TEXT_BASE = {
    *range(0x20, 0x7F),
    *range(0xA0, 0x100),
    *range(0x2010, 0x205F),
    *range(0x2190, 0x219A),
    0x20AC,
    0x2212,
}
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>(.*?)</\1>", re.S | re.I)


def math_variant(char: str, variant: str) -> str | None:
    """``char`` in a ``mathvariant`` (``italic``, ``bold-italic``, ``double-struck``...):
    the character of Unicode's Mathematical Alphanumeric Symbols a browser draws
    for it (x in italic is U+1D465 𝑥), or None when there is none."""
    import unicodedata

    name = unicodedata.name(char, "")
    style = variant.upper().replace("-", " ").replace("DOUBLE STRUCK", "DOUBLE-STRUCK")
    letter = re.fullmatch(r"(?:LATIN|GREEK) (CAPITAL|SMALL) LETTER (\w+)", name)
    if letter:
        wanted = [
            f"MATHEMATICAL {style} {letter[1]} {letter[2]}",
            f"{style} {letter[1]} {letter[2]}",
        ]
    elif name.startswith("GREEK ") and name.endswith(" SYMBOL"):  # ϕ, ϑ, ϵ
        wanted = [f"MATHEMATICAL {style} {name.removeprefix('GREEK ')}"]
    else:  # ∂, ∇
        wanted = [f"MATHEMATICAL {style} {name}"]
    # the letters Unicode had before the block: ℎ (italic h), ℝ, ℕ, ℤ (double-struck)
    wanted += ["PLANCK CONSTANT"] if (char, variant) == ("h", "italic") else []
    for candidate in wanted:
        try:
            return unicodedata.lookup(candidate)
        except KeyError:
            pass
    return None


MI = re.compile(r'<mi(?: mathvariant="([a-z-]+)")?>([^<]*)</mi>')


def math_characters(pages: list[Path]) -> set[str]:
    """Every character inside a ``<math>`` element of ``pages``, and the one a
    browser draws in its place: a single letter in ``<mi>`` is drawn in italic
    (MathML's ``math-auto``, 𝑥 for x), and ``mathvariant`` asks for another style
    (𝒙 for ``bold-italic``); both are characters of their own in the font."""
    found: set[str] = set()
    for page in pages:
        for m in MATH.finditer(page.read_text(encoding="utf-8")):
            found |= set(html.unescape(TAG.sub("", m.group(0))))
            for variant, text in MI.findall(m.group(0)):
                text = html.unescape(text)
                if not variant and len(text) == 1:
                    variant = "italic"
                if variant and variant != "normal":
                    found |= {v for c in text if (v := math_variant(c, variant))}
    return found - set("\n\r\t")


def text_characters(pages: list[Path], scripts: list[Path]) -> set[str]:
    """The characters a page's text font must have: the text of ``pages`` (their
    markup and scripts aside, their Observable code included), every character
    beyond ASCII in ``scripts``, and :data:`TEXT_BASE`."""
    found = {chr(c) for c in TEXT_BASE}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for kind, block in ojs_blocks(page):  # in the page, or in the file beside it
            if kind == "ojs-module-contents":
                found |= set(base64.b64decode(block.strip()).decode("utf-8", errors="replace"))
        found |= set(html.unescape(TAG.sub(" ", SCRIPT_OR_STYLE.sub(" ", text))))
    for script in scripts:
        found |= {c for c in script.read_text(encoding="utf-8", errors="replace") if ord(c) > 0x7F}
    return found - set("\n\r\t\ufffd")


def icon_codes(css: str, rule: re.Pattern = ICON_RULE) -> dict[str, int]:
    """Each icon's name and code point, from an icon stylesheet (Bootstrap's by default)."""
    return {name: int(code, 16) for name, code in rule.findall(css)}


def icons_used(
    files: list[Path],
    names: set[str],
    mention: re.Pattern = ICON_CLASS,
    quoted_in_scripts: bool = True,
) -> set[str]:
    """The icon names among ``names`` that ``files`` mention: as a class (``bi-``
    by default) anywhere, or, in a script, as a quoted name a script prefixes."""
    used: set[str] = set()
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        used |= set(mention.findall(text)) & names
        if quoted_in_scripts and path.suffix in (".js", ".mjs"):
            used |= set(QUOTED.findall(text)) & names
    return used


#: Bump when :func:`subset`'s options change: the cached cuts are then made again.
SUBSET_RECIPE = 1


def subset(
    source: Path, target: Path, codepoints: set[int], flavor: str, *, hinting: bool = True
) -> None:
    """``source`` with only ``codepoints`` (and what they need: ligatures, math
    variants and assemblies), written to ``target`` as ``flavor`` (woff or woff2)."""
    import hashlib
    import logging

    import fontTools

    # the same cut of the same font is taken from the cache (a render often
    # changes no character): milliseconds instead of seconds
    key = hashlib.sha256(
        source.read_bytes()
        + repr((sorted(codepoints), flavor, hinting, fontTools.version, SUBSET_RECIPE)).encode()
    ).hexdigest()[:24]
    done = CACHE / "subsets" / f"{key}.{flavor}"
    if done.is_file():
        shutil.copyfile(done, target)
        return

    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    # fontTools warns about padding in Bootstrap's icon font's glyph names, and
    # about FontForge's own tables in reveal.js's fonts (dropped): harmless
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    options = ft_subset.Options()
    options.layout_features = ["*"]  # every feature, the math ones among them
    options.name_IDs = ["*"]  # keep the names (and the licence) as they are
    options.notdef_outline = True
    options.hinting = hinting
    options.flavor = flavor
    font = TTFont(source)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    tmp = target.with_name(target.name + ".tmp")
    font.flavor = flavor
    font.save(tmp)
    done.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp, done)
    tmp.replace(target)


def _full_copies(deployed: list[Path], kept: Path, fresh: bool) -> list[Path] | None:
    """The full copies of ``deployed``: when ``fresh`` (Quarto has just copied
    them whole) they are first kept in the folder ``kept``; None when one of
    them is neither fresh nor kept."""
    copies = [kept / path.name for path in deployed]
    if fresh:
        kept.mkdir(parents=True, exist_ok=True)
        for path, copy in zip(deployed, copies, strict=True):
            shutil.copyfile(path, copy)
    return copies if all(copy.is_file() for copy in copies) else None


def cut_icons(site: Path, icons: IconSet, files: list[Path]) -> list[str]:
    """Each of ``icons``' stylesheets in ``site`` and its fonts cut to the icons ``files`` name."""
    done = []
    for css in sorted(site.glob(icons.css)):
        fonts = [(css.parent / f).resolve() for f in icons.fonts]
        fonts = [f for f in fonts if f.is_file()]
        where = css.parent.relative_to(site)
        fresh = len(icon_codes(css.read_text(encoding="utf-8"), icons.rule)) > 900
        full = _full_copies([css, *fonts], CACHE / where, fresh)
        if not fonts or full is None:
            done.append(f"{icons.name}: no full copy of {css.name} to cut from; left as it is")
            continue
        text = full[0].read_text(encoding="utf-8")
        codes = icon_codes(text, icons.rule)
        used = icons_used(
            [f for f in files if f != css], set(codes), icons.mention, icons.quoted_in_scripts
        )
        css.write_text(
            icons.rule.sub(lambda m, used=used: m.group(0) if m.group(1) in used else "", text),
            encoding="utf-8",
        )
        before = sum(f.stat().st_size for f in full[1:])
        for source, font in zip(full[1:], fonts, strict=True):
            subset(source, font, {codes[name] for name in used}, font.suffix[1:])
        done.append(
            f"{icons.name}: {len(used)} of {len(codes)} icons, {before / 1024:.0f} -> "
            f"{sum(f.stat().st_size for f in fonts) / 1024:.0f} KiB ({len(fonts)} files)"
        )
    return done


def _pages_of(css: Path, site: Path) -> list[Path]:
    """The pages whose files hold ``css``: ``x.html`` for ``x_files/...``."""
    for folder in css.parents:
        if folder.name.endswith("_files") and folder.is_relative_to(site):
            page = folder.with_name(folder.name[: -len("_files")] + ".html")
            return [page] if page.is_file() else []
    return sorted(site.rglob("*.html"))


def cut_text_font(site: Path) -> list[str]:
    """The deck's text font (:data:`TEXT_FONT_CSS`) cut to its pages' characters, as WOFF2."""
    done = []
    for css in sorted(site.glob(TEXT_FONT_CSS)):
        text = css.read_text(encoding="utf-8")
        faces = {m.group(1): m.group(2) for m in TEXT_FACE.finditer(text)}
        woffs = [css.parent / f"{face}.woff" for face in faces]
        # Quarto's copy names the WOFF files; a cut one, the WOFF2 files
        fresh = all(flavor == "" for flavor in faces.values()) and all(w.is_file() for w in woffs)
        full = _full_copies(woffs, CACHE / css.parent.relative_to(site), fresh)
        if not faces or full is None:
            done.append(f"text font: no full copy of {css.parent.name} to cut from; left as it is")
            continue
        pages = _pages_of(css, site)
        scripts = sorted(
            p for page in pages for p in page.parent.glob(f"{page.stem}_files/**/*.js")
        )
        chars = text_characters(pages, scripts)
        for source in full:
            subset(
                source,
                css.parent / f"{source.stem}.woff2",
                {ord(c) for c in chars},
                "woff2",
                hinting=False,
            )
        css.write_text(
            TEXT_FACE.sub(lambda m: f"url('./{m.group(1)}.woff2') format('woff2')", text),
            encoding="utf-8",
        )
        for woff in woffs:
            woff.unlink(missing_ok=True)
        after = sum((css.parent / f"{s.stem}.woff2").stat().st_size for s in full)
        done.append(
            f"text font: {len(chars)} characters, {len(full)} faces, "
            f"{sum(s.stat().st_size for s in full) / 1024:.0f} -> {after / 1024:.0f} KiB"
        )
    return done


def missing_font_tools() -> str | None:
    """What cutting the fonts needs and this Python lacks (fontTools, and Brotli for WOFF2)."""
    try:
        from fontTools.ttLib import woff2
    except ImportError:
        return "fontTools"
    return None if woff2.haveBrotli else "Brotli"


def subset_site_fonts(site: Path) -> list[str]:
    """Cut the fonts of ``site`` down to what its pages use; what was done, one line each.

    Without fontTools or Brotli (a plain ``quarto render`` with a Python that has
    only Jupyter and matplotlib) the fonts are left whole, as Quarto copied them:
    the pages are the same, only their fonts are larger.
    """
    missing = missing_font_tools()
    if missing:
        return [
            f"fonts left whole: this Python has no {missing} (`pip install fonttools brotli`, "
            "or `make setup` for the project's environment); the pages work, with larger fonts"
        ]
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
    files = [*pages, *site.rglob("*.js"), *site.rglob("*.mjs"), *site.rglob("*.css")]
    for icons in ICON_SETS:
        done += cut_icons(site, icons, files)
    done += cut_text_font(site)
    return done
