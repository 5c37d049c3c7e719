"""Two small fixes to the HTML Quarto writes, run as a ``post-render`` script.

Runs after every render (Quarto's ``post-render``).

* **Offline.** Quarto adds require.js and jQuery from a CDN to every page with
  an HTML cell output (any pandas table), for Jupyter widgets.  The lecture
  has no widgets, so nothing uses them; offline they only fail to load and
  log errors.  Those three tags are removed.
* **Accessibility.** The book's previous/next links carry an ``aria-label``
  of the chapter's title alone, while their visible text also shows the
  chapter's number; screen-reader users then hear a name that does not match
  what is on screen (axe: label-content-name-mismatch).  The label is
  removed, so the accessible name is the visible text.
* **Maths.** Pandoc writes the accent of ``\\hat``, ``\\bar``, ``\\tilde`` and
  ``\\dot`` as a combining character (U+0302 and kin) in ``<mo accent>``;
  MathML Core asks for the spacing form (U+02C6 and kin), which Chromium
  places on its letter from the math font, where the combining one may be
  dropped or drift.  The accents are swapped for their spacing forms.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

#: The tags Quarto adds for Jupyter widgets (and the jQuery shim that needs require.js).
WIDGET_TAGS = (
    re.compile(r'<script src="https://cdn\.jsdelivr\.net/npm/requirejs@[^"]*"[^>]*></script>\n?'),
    re.compile(r'<script src="https://cdn\.jsdelivr\.net/npm/jquery@[^"]*"[^>]*></script>\n?'),
    re.compile(
        r"<script type=\"application/javascript\">define\('jquery', \[\],"
        r"function\(\) \{return window\.jQuery;\}\)</script>\n?"
    ),
)


def strip_widget_scripts(html: str) -> str:
    """``html`` without Quarto's widget loader tags (nothing else changes)."""
    for pattern in WIDGET_TAGS:
        html = pattern.sub("", html)
    return html


PAGINATION_LABEL = re.compile(r'(<a href="[^"]*" class="pagination-link")\s+aria-label="[^"]*"')


def unlabel_pagination(html: str) -> str:
    """``html`` with the ``aria-label`` of Quarto's previous/next links removed."""
    return PAGINATION_LABEL.sub(r"\1", html)


#: Combining accents pandoc writes in MathML, and the spacing forms MathML Core expects.
SPACING_ACCENTS = {
    "\u0302": "\u02c6",  # hat
    "\u0303": "\u02dc",  # tilde
    "\u0304": "\u00af",  # bar
    "\u0307": "\u02d9",  # dot
    "\u0308": "\u00a8",  # double dot
}
ACCENT = re.compile(r'(<mo accent="true"[^>]*>)(' + "|".join(SPACING_ACCENTS) + r")(</mo>)")


def spacing_accents(html: str) -> str:
    """``html`` with MathML accents written in their spacing forms."""
    return ACCENT.sub(lambda m: m[1] + SPACING_ACCENTS[m[2]] + m[3], html)


def fix_page(html: str) -> str:
    """All the post-render fixes, applied to one page."""
    return spacing_accents(unlabel_pagination(strip_widget_scripts(html)))


def remote_scripts(html: str) -> list[str]:
    """Every script or stylesheet the page loads from another host."""
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)


def output_pages() -> list[Path]:
    """The HTML files of this render (Quarto's post-render environment), or all of _site/."""
    listed = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")
    pages = [Path(p) for p in listed.splitlines() if p.endswith(".html")]
    if pages:
        return pages
    site = Path(
        os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", Path(__file__).resolve().parents[3] / "_site")
    )
    return sorted(site.rglob("*.html"))


def main() -> int:
    changed = 0
    for page in output_pages():
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        cleaned = fix_page(text)
        if cleaned != text:
            page.write_text(cleaned, encoding="utf-8")
            changed += 1
    if changed:
        print(f"post-render: fixed {changed} page(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
