"""Render on two cores: half the outputs in the project, half in a copy of it.

Runs from :func:`dlact.site.build.site` (``make site``, ``make retrain``) on a
machine with two cores or more.

Quarto renders one document at a time, and most of a render is one core
executing a chapter in a Jupyter kernel: each chapter is executed for the
book's pages, for its PDF and for its notebook, and the deck executes every
chapter's cells once more. Two Quarto processes cannot share one project
folder (both would write the same scratch files, ``.quarto/`` and
``binary.quarto_ipynb`` beside the chapter, and the book's render empties
``_site/`` as it starts), so the second core works in a copy of the project,
the *lane* (``_cache/lane/``):

* in the project (:data:`HERE`): the book's pages (``--to html``), then the
  deck, then what needs only the deck (the build's ``site_files``: the
  library's wheel and the deck's PDFs);
* in the lane (:data:`BESIDE`): the notebooks, then the book's PDF
  (``--to typst``, with ``--no-clean`` so that the notebooks stay).

The two sides take about as long. In a retrain nothing is trained
beforehand: each model is trained by the first kernel that reaches its fit,
and a kernel that reaches a fit another is training waits for it
(:func:`dlact.site.fitcache.training_lock`). The book begins with the binary
chapter, the longest to train, and the notebooks with the others (binary is
last in ``_quarto-notebooks.yml``), so the two sides train different models
at the same time.

Then what the lane made is brought back (:func:`bring_back`):

* its frozen results, each chapter's notebook and PDF formats
  (:data:`LANE_FREEZE`); the project's own formats are left alone;
* its files in ``_site/`` (the notebooks, the book's PDF);
* full copies of the fonts its render saw first (``_cache/fonts/``).

The site-wide steps of the post-render (:func:`dlact.site.webfix.site_wide`)
then run once more on the whole site, as they would after the last of the
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

#: What each side renders, in order: (profile, further arguments of ``quarto render``).
HERE = (("book", ("--to", "html")), ("slides", ()))
BESIDE = (("notebooks", ()), ("book", ("--to", "typst", "--no-clean")))

#: In each chapter's frozen results, what the lane's renders write (notebook, Typst).
LANE_FREEZE = (
    "execute-results/ipynb.json",
    "figure-ipynb",
    "execute-results/typ.json",
    "figure-typst",
)


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
    chapters = {p.name for f in (lane_freeze, freeze) for p in _folders(f / "chapters")}
    for chapter in sorted(chapters):
        for part in LANE_FREEZE:
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
