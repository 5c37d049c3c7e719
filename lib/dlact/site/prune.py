"""Remove the files Quarto deploys that no page of the site loads.

Runs after every render (called by the ``post-render`` script ``webfix.py``),
and from the tests and ``make check-site`` (:func:`leftovers`).

Quarto copies reveal.js whole into the deck's ``lecture_files/libs/``, and a
second copy of the Observable runtime beside the one the book already has:

* reveal.js plugins the deck does not load (``highlight`` twice over,
  ``markdown``, ``math``: Quarto highlights code itself and the maths is MathML),
  and of the plugins it loads, the files neither it nor they load (ES-module
  sources, Quarto's ``plugin.yml``, the notes window's HTML that ``notes.js``
  bundles, the chalkboard's unused icon stylesheets and old font formats; its
  pens' images, which its script fetches, stay);
* the ES-module builds (``*.esm.js``) beside the script builds the deck loads;
* source maps (``*.map``), only ever read by a browser's developer tools;
* fonts of themes the deck does not import (League Gothic), and the EOT and
  TTF copies of the ones it does (every browser takes the WOFF first);
* the deck's copy of the OJS runtime and its CSS when the book's copy in
  ``site_libs/`` is byte for byte the same: the deck is pointed at that one;
* beside a page, the figures of other output formats: Quarto copies a
  document's whole ``<page>_files/`` folder into the site when the document
  was first executed with nothing else in that folder, and a render from
  the frozen results restores every format's figures into it first. So a
  figure folder's file that the page beside it does not name goes (the
  book's PDF figures beside its HTML page), and so does every file beside a
  notebook that the notebook does not name (a notebook carries its images).
"""

from __future__ import annotations

import filecmp
import re
from pathlib import Path


def _deck_pages(site: Path) -> list[Path]:
    return [p for p in (site / "slides").glob("*.html") if (p.parent / f"{p.stem}_files").is_dir()]


#: Font formats no current browser needs when a WOFF2 copy sits beside them.
_OLD_FONTS = (".eot", ".ttf", ".svg")


def _unused_plugin_files(plugin: Path, html: str) -> list[Path]:
    """The files of one reveal.js plugin folder that neither the deck nor the plugin loads.

    Loaded: the files the deck's HTML names, and what those name in turn: a
    stylesheet's ``url(...)`` (resolved from the stylesheet's folder) and a
    script's quoted paths relative to the plugin's folder (the chalkboard's
    ``'img/sponge.png'``, fetched when the lecturer opens it). A font is not
    loaded in EOT, TrueType or SVG form when its WOFF2 sits beside it.
    """
    files = [p for p in plugin.rglob("*") if p.is_file()]
    loaded = {
        p for p in files if f"plugin/{plugin.name}/{p.relative_to(plugin).as_posix()}" in html
    }
    for named in [p for p in loaded if p.suffix in (".css", ".js")]:
        text = named.read_text(encoding="utf-8", errors="replace")
        if named.suffix == ".css":
            for url in re.findall(r"url\(\s*['\"]?([^'\")?#]+)", text):
                target = (named.parent / url).resolve()
                if target.suffix not in _OLD_FONTS or not target.with_suffix(".woff2").is_file():
                    loaded.add(target)
        else:
            for p in files:  # a path opening a string: 'img/chalk-white.png), auto'
                name = p.relative_to(plugin).as_posix()
                if f"'{name}" in text or f'"{name}' in text:
                    loaded.add(p)
    kept = {q.resolve() for q in loaded}
    return [p for p in files if p.resolve() not in kept]


def unused_files(site: Path) -> list[Path]:
    """Files in ``site`` that no page loads (the same rules the prune applies)."""
    found: list[Path] = list(site.rglob("*.map"))
    for deck in _deck_pages(site):
        html = deck.read_text(encoding="utf-8")
        libs = site / "slides" / f"{deck.stem}_files" / "libs"
        plugins = libs / "revealjs" / "plugin"
        # a plugin's files the deck does not name: whole plugins, and the ES-module
        # sources (plugin.js), Quarto's plugin.yml and files bundled into the script
        # (the notes plugin's speaker-view.html) of the ones it loads
        for plugin in sorted(plugins.glob("*")) if plugins.is_dir() else []:
            found += _unused_plugin_files(plugin, html)
        found += [
            p
            for p in (libs / "revealjs").rglob("*.esm.js")
            if p.name not in html and p.with_name(p.name.replace(".esm.js", ".js")).is_file()
        ]
        theme_css = "".join(
            p.read_text(encoding="utf-8", errors="replace")
            for p in (libs / "revealjs" / "dist" / "theme").glob("*.css")
        )
        fonts = libs / "revealjs" / "dist" / "theme" / "fonts"
        for family in sorted(fonts.glob("*")) if fonts.is_dir() else []:
            if f"fonts/{family.name}/" not in theme_css:
                found += [p for p in family.rglob("*") if p.is_file()]
            else:
                found += [
                    p
                    for p in family.iterdir()
                    if p.suffix in (".eot", ".ttf") and p.with_suffix(".woff").is_file()
                ]
        for name in ("quarto-ojs-runtime.js", "quarto-ojs.css"):
            own, shared = libs / "quarto-ojs" / name, site / "site_libs" / "quarto-ojs" / name
            if own.is_file() and shared.is_file() and filecmp.cmp(own, shared, shallow=False):
                found.append(own)
    found += _other_formats_files(site)
    return sorted({p for p in found if p.is_file()})


def _other_formats_files(site: Path) -> list[Path]:
    """Files in the ``<page>_files/`` folders of the site's pages that the page does not
    name: figures of other formats beside an HTML page, anything beside a notebook."""
    found = []
    for folder in sorted(site.rglob("*_files")):
        stem = folder.name.removesuffix("_files")
        page, notebook = folder.with_name(f"{stem}.html"), folder.with_name(f"{stem}.ipynb")
        if page.is_file():
            text, files = page.read_text(encoding="utf-8"), folder.glob("figure-*/*")
        elif notebook.is_file():
            text, files = notebook.read_text(encoding="utf-8"), folder.rglob("*")
        else:
            continue
        found += [
            f for f in files if f.is_file() and f.relative_to(folder.parent).as_posix() not in text
        ]
    return found


def share_ojs_runtime(site: Path) -> None:
    """Point each deck at the book's copy of the OJS runtime where the two are identical."""
    for deck in _deck_pages(site):
        html = deck.read_text(encoding="utf-8")
        fixed = html
        for name in ("quarto-ojs-runtime.js", "quarto-ojs.css"):
            own = site / "slides" / f"{deck.stem}_files" / "libs" / "quarto-ojs" / name
            shared = site / "site_libs" / "quarto-ojs" / name
            if own.is_file() and shared.is_file() and filecmp.cmp(own, shared, shallow=False):
                fixed = re.sub(
                    rf'"(?:\./)?{re.escape(deck.stem)}_files/libs/quarto-ojs/{re.escape(name)}"',
                    f'"../site_libs/quarto-ojs/{name}"',
                    fixed,
                )
        if fixed != html:
            deck.write_text(fixed, encoding="utf-8")


def prune(site: Path) -> int:
    """Remove every unused file from ``site``; returns the bytes removed."""
    if not site.is_dir():
        return 0
    share_ojs_runtime(site)
    removed = 0
    for path in unused_files(site):
        removed += path.stat().st_size
        path.unlink()
    # folders left empty: a deck's whole plugin or font family, another format's figures
    for top in site.rglob("*_files"):
        folders = sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts))
        for folder in [*folders, top]:
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    return removed


def leftovers(site: Path) -> list[Path]:
    """Unused files still deployed (after a prune, none), relative to ``site``."""
    return [p.relative_to(site) for p in unused_files(site)]
