"""Lighthouse on the built site, served as a static host serves it; for ``make check-site``.

Runs from :mod:`dlact.site.sitecheck` (``make check-site``), after ``make site``:
npm ``lighthouse``, driving the machine's Chromium, on the book's pages and the
deck, mobile and desktop, served from ``_site/`` by a local server that gzips
text like GitHub Pages does. Prints the table of scores against
:data:`TARGETS`; a checker that is missing is reported as skipped.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlact.site.sitecheck import Report

ROOT = Path(__file__).resolve().parents[3]
SITE = ROOT / "_site"
NODE = ROOT / "tests" / "checkers" / "node_modules"

#: Lighthouse targets (issue: accessibility 100, best practices 100, SEO >= 95,
#: performance >= 95 desktop / >= 85 mobile, CLS < 0.05).
TARGETS = {
    "performance": {"desktop": 95, "mobile": 85},
    "accessibility": {"desktop": 100, "mobile": 100},
    "best-practices": {"desktop": 100, "mobile": 100},
    "seo": {"desktop": 95, "mobile": 95},
}
CLS_TARGET = 0.05
CATEGORIES = tuple(TARGETS)

#: Text types a static host (GitHub Pages) serves gzipped.
COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml", ".map")


# ---------------------------------------------------------------- serving


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it (as GitHub Pages does)."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".svg": "image/svg+xml",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
    }

    def log_message(self, *args):  # quiet
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        gz = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gz and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(site: Path = SITE):
    """Serve ``site`` on a free local port; yields the base URL."""
    handler = functools.partial(_GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- tools


def chromium() -> str | None:
    for name in (os.environ.get("DLACT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def node_tool(name: str) -> Path | None:
    path = NODE / ".bin" / name
    return path if path.exists() and shutil.which("node") else None


# ---------------------------------------------------------------- Lighthouse


def lighthouse(url: str, form: str, chrome: str) -> dict:
    """One Lighthouse run; the four category scores, CLS, LCP and the failed audits."""
    tool = node_tool("lighthouse")
    args = [
        str(tool),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox",
        "--max-wait-for-load=60000",
    ]
    if form == "desktop":
        args.append("--preset=desktop")
    out = subprocess.run(
        args, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chrome}
    )
    if out.returncode != 0 or not out.stdout.strip():
        raise RuntimeError(f"lighthouse failed on {url} ({form}): {out.stderr[-500:]}")
    lhr = json.loads(out.stdout)
    scores = {c: round(100 * (lhr["categories"][c]["score"] or 0)) for c in CATEGORIES}
    audits = lhr["audits"]
    failed = sorted(
        {
            a
            for c in CATEGORIES
            if c != "performance"
            for ref in lhr["categories"][c]["auditRefs"]
            if ref["weight"] > 0
            for a in [ref["id"]]
            if audits[a].get("score") is not None and audits[a]["score"] < 1
        }
    )
    return {
        **scores,
        "cls": audits["cumulative-layout-shift"].get("numericValue", 0.0),
        "lcp": audits["largest-contentful-paint"].get("numericValue", 0.0) / 1000,
        "failed": failed,
    }


def check_lighthouse(
    report: Report, pages: list[str], site: Path = SITE, runs: int = 1
) -> list[dict]:
    chrome = chromium()
    if node_tool("lighthouse") is None:
        report.skip("Lighthouse", "not installed: `npm ci --prefix tests/checkers` installs it")
        return []
    if chrome is None:
        report.skip("Lighthouse", "no Chromium (Debian: `apt-get install chromium`)")
        return []
    rows = []
    with serve(site) as base:
        for page in pages:
            for form in ("mobile", "desktop"):
                # the run with the median performance score, as Lighthouse's docs advise
                results = sorted(
                    (lighthouse(base + page, form, chrome) for _ in range(runs)),
                    key=lambda r: r["performance"],
                )
                rows.append({"page": page, "form": form, **results[len(results) // 2]})
    report.say(
        "Lighthouse (served with gzip; perf / a11y / best practices / SEO, CLS, LCP"
        + (f"; median of {runs} runs)" if runs > 1 else ")")
    )
    report.say(f"  {'page':32} {'form':8} perf a11y  bp  seo   CLS    LCP  failed audits")
    for r in rows:
        marks = []
        for c in CATEGORIES:
            ok = r[c] >= TARGETS[c][r["form"]]
            marks.append(f"{r[c]:3d}{' ' if ok else '!'}")
            if not ok and c != "performance":
                report.fail(
                    f"Lighthouse {c} {r[c]} < {TARGETS[c][r['form']]}: {r['page']} ({r['form']})"
                )
        cls_ok = r["cls"] < CLS_TARGET
        if not cls_ok:
            report.fail(f"Lighthouse CLS {r['cls']:.3f} >= {CLS_TARGET}: {r['page']} ({r['form']})")
        report.say(
            f"  {r['page']:32} {r['form']:8} {' '.join(marks)} {r['cls']:.3f}{' ' if cls_ok else '!'}"
            f" {r['lcp']:4.1f}s  {', '.join(r['failed'])}"
        )
    report.say("  (! = below target; performance depends on this machine's load and only warns)")
    return rows
