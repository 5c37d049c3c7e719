"""Keep the rendered site free of CDN scripts, so it works with no network.

Quarto adds require.js and jQuery from a CDN to every page with an HTML cell
output (any pandas table), for Jupyter widgets.  The lecture has no widgets,
so nothing uses them; offline they only fail to load and log errors.  Run as
a Quarto ``post-render`` script, this removes those three tags from every
HTML page Quarto just wrote.
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
    re.compile(r"<script type=\"application/javascript\">define\('jquery', \[\],"
               r"function\(\) \{return window\.jQuery;\}\)</script>\n?"),
)


def strip_widget_scripts(html: str) -> str:
    """``html`` without Quarto's widget loader tags (nothing else changes)."""
    for pattern in WIDGET_TAGS:
        html = pattern.sub("", html)
    return html


def remote_scripts(html: str) -> list[str]:
    """Every script or stylesheet the page loads from another host."""
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)


def output_pages() -> list[Path]:
    """The HTML files of this render (Quarto's post-render environment), or all of _site/."""
    listed = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "")
    pages = [Path(p) for p in listed.splitlines() if p.endswith(".html")]
    if pages:
        return pages
    site = Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", Path(__file__).resolve().parents[2] / "_site"))
    return sorted(site.rglob("*.html"))


def main() -> int:
    changed = 0
    for page in output_pages():
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        cleaned = strip_widget_scripts(text)
        if cleaned != text:
            page.write_text(cleaned, encoding="utf-8")
            changed += 1
    if changed:
        print(f"offline: removed CDN widget scripts from {changed} page(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
