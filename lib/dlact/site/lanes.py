"""Render the deck and the notebooks beside the book, on a second core.

Runs from :func:`dlact.site.build.site` (``make site``, ``make retrain``) on a
machine with two cores or more.

Quarto renders one document at a time, and most of a render is one core
executing a chapter in a Jupyter kernel: the book executes each chapter for
HTML and for the PDF, the deck executes once, the notebooks each chapter once
more. The book and the other two are independent, but two Quarto processes
cannot share one project folder: both would write the same scratch files
(``.quarto/``, ``binary.quarto_ipynb`` beside the chapter) and the book's
render empties ``_site/`` as it starts.

So the deck and the notebooks are rendered in a copy of the project, the
*lane* (``_cache/lane/``), while the book renders in the project itself;
then what the lane made is brought back:

* its frozen results: the deck's (``_freeze/slides/``) and each chapter's
  notebook format (``execute-results/ipynb.json`` and ``figure-ipynb/``);
  the book's own formats are the book's render's, and are left alone;
* its pages and files (``_site/slides/``, ``_site/notebooks/``, ...);
* full copies of the fonts its render saw first (``_cache/fonts/``).

The site-wide steps of the post-render (:func:`dlact.site.webfix.site_wide`)
then run once more on the whole site, as they would after the last of three
renders in a row: the prune of files no page loads and the fonts cut to the
characters every page uses.
"""

from __future__ import annotations

import shutil
from pathlib import Path

#: Left out of the lane: what Quarto does not read, what is big, what each render makes.
NOT_COPIED = (
    ".git",
    ".venv",
    "_site",
    "_cache",
    ".quarto",
    "_results",
    "node_modules",
    "tests",
    "build",
    "*.quarto_ipynb",
    "*_files",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
)

#: In each chapter's frozen results, what the notebooks' render writes.
NOTEBOOK_FREEZE = ("execute-results/ipynb.json", "figure-ipynb")


def lane_dir(root: Path) -> Path:
    return root / "_cache" / "lane"


def copy_project(root: Path, lane: Path) -> Path:
    """A fresh copy of the project in ``lane``, with the full fonts Quarto copied before."""
    shutil.rmtree(lane, ignore_errors=True)
    shutil.copytree(root, lane, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    fonts = root / "_cache" / "fonts"
    if fonts.is_dir():
        shutil.copytree(fonts, lane / "_cache" / "fonts")
    return lane


def _replace(source: Path, target: Path) -> None:
    """``target`` made a copy of ``source`` (a file or a folder), or removed if ``source`` is not."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.exists() or target.is_symlink():
        target.unlink()
    if source.is_dir():
        shutil.copytree(source, target)
    elif source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def _folders(path: Path) -> list[Path]:
    return [p for p in path.iterdir() if p.is_dir()] if path.is_dir() else []


def bring_back(lane: Path, root: Path) -> None:
    """Bring the lane's frozen results, site files and font copies into the project."""
    freeze, lane_freeze = root / "_freeze", lane / "_freeze"
    _replace(lane_freeze / "slides", freeze / "slides")
    chapters = {p.name for f in (lane_freeze, freeze) for p in _folders(f / "chapters")}
    for chapter in sorted(chapters):
        for part in NOTEBOOK_FREEZE:
            _replace(
                lane_freeze / "chapters" / chapter / part, freeze / "chapters" / chapter / part
            )
    site, lane_site = root / "_site", lane / "_site"
    if lane_site.is_dir():
        shutil.copytree(lane_site, site, dirs_exist_ok=True)
    fonts = lane / "_cache" / "fonts"
    for font in sorted(fonts.rglob("*")) if fonts.is_dir() else []:
        kept = root / "_cache" / "fonts" / font.relative_to(fonts)
        if font.is_file() and not kept.exists():  # the first full copy seen is the one kept
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(font, kept)
