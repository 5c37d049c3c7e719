"""The deck's and the book's PDFs: tagged, language, bookmarks by part, no empty page,
no link to a file.

Runs from :mod:`dlact.site.sitecheck` (``make check-site``), after ``make site``
and ``make pdf``; the render tests use :func:`pdf_outline`,
:func:`pdf_language_and_bookmarks` and :func:`pdf_file_links` too. Needs poppler's ``pdfinfo`` and
``pdftotext`` and ``pdftohtml`` (Debian: ``poppler-utils``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from dlact.site.lighthouse import SITE

if TYPE_CHECKING:
    from dlact.site.sitecheck import Report


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


# ---------------------------------------------------------------- PDFs


def pdf_language_and_bookmarks(pdf: Path) -> tuple[str | None, int | None]:
    """The document language and the number of bookmarks of ``pdf``, ``None`` where unknown.

    Read from the file's catalog and outline dictionaries as written (Chromium's
    PDFs keep them uncompressed); for PDFs that compress them into object
    streams (Typst's), pypdf is used where it is installed.
    """
    raw = pdf.read_bytes()
    lang = re.search(rb"/Lang\s*\(([^)]*)\)", raw)
    outline = re.search(rb"/Type\s*/Outlines\b([^>]*)>>", raw)
    if b"/ObjStm" not in raw or (lang and outline):
        count = re.search(rb"/Count\s+(\d+)", outline.group(1)) if outline else None
        return (
            lang.group(1).decode("latin-1") if lang else None,
            int(count.group(1)) if count else 0,
        )
    try:
        import pypdf
    except ImportError:
        return None, None
    reader = pypdf.PdfReader(str(pdf))

    def count_items(items) -> int:
        return sum(count_items(i) if isinstance(i, list) else 1 for i in items)

    return str(reader.trailer["/Root"].get("/Lang", "")) or None, count_items(reader.outline)


def _pdf_string(raw: bytes) -> str:
    """A PDF string as written: ``(literal)`` or ``<FEFF...>`` (UTF-16 hex)."""
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode("ascii"))
        return data.decode("utf-16") if data[:2] == b"\xfe\xff" else data.decode("latin-1")
    text = raw[1:-1].decode("latin-1")
    return re.sub(r"\\(.)", r"\1", text)


def pdf_outline(pdf: Path) -> list[tuple[int, str]]:
    """The bookmarks of a PDF Chromium printed, in order: ``(depth, title)``, depth 0 at the top.

    Read from the outline's dictionaries as written (Chromium does not compress
    them); an empty list when there is no outline.
    """
    raw = pdf.read_bytes()
    objects = {
        int(m.group(1)): m.group(2)
        for m in re.finditer(rb"(\d+) 0 obj\s*<<(.*?)>>\s*endobj", raw, re.S)
    }

    def ref(body: bytes, key: bytes) -> int | None:
        m = re.search(rb"/" + key + rb" (\d+) 0 R", body)
        return int(m.group(1)) if m else None

    root = next(
        (n for n, body in objects.items() if re.search(rb"/Type\s*/Outlines\b", body)), None
    )
    found: list[tuple[int, str]] = []

    def walk(first: int | None, depth: int) -> None:
        node = first
        while node is not None and node in objects:
            body = objects[node]
            title = re.search(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>)", body)
            found.append((depth, _pdf_string(title.group(1)) if title else ""))
            walk(ref(body, b"First"), depth + 1)
            node = ref(body, b"Next")

    if root is not None:
        walk(ref(objects[root], b"First"), 0)
    return found


def pdf_file_links(pdf: Path) -> list[str]:
    """The links of ``pdf`` that point at a file rather than a page of it or a web address.

    In a book's PDF, a link to another page of the site (``library-maths.qmd``)
    that Quarto did not turn into a link inside the PDF leads nowhere. Read
    with poppler's ``pdftohtml``, which writes a link inside the PDF as
    ``<name>.html#<page>``.
    """
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-stdout", "-i", "-q", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    inside = f"{pdf.stem}.html#"
    return [
        href
        for href in re.findall(r'<a href="([^"]*)"', xml)
        if not href.startswith((inside, "http://", "https://", "mailto:"))
    ]


def pdf_facts(pdf: Path) -> dict:
    """Tagged, language, bookmarks and pages without text of one PDF."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    facts = {
        "pages": int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)),
        "tagged": bool(re.search(r"^Tagged:\s+yes", info, re.M)),
    }
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    facts["pages_without_text"] = [
        i + 1 for i, page in enumerate(text.split("\f")[: facts["pages"]]) if not page.strip()
    ]
    facts["lang"], facts["bookmarks"] = pdf_language_and_bookmarks(pdf)
    facts["file_links"] = pdf_file_links(pdf)
    return facts


def check_pdfs(report: Report, site: Path = SITE) -> dict:
    if shutil.which("pdfinfo") is None:
        report.skip("PDFs", "no poppler (Debian: `apt-get install poppler-utils`)")
        return {}
    facts = {}
    deck = _read(site / "slides" / "lecture.html")
    slides = len(re.findall(r'<section id="[^"]*" class="[^"]*\bslide\b', deck))
    outlines = len(re.findall(r'<section id="[^"]*" class="[^"]*\boutline\b', deck))
    for pdf in [*sorted(site.glob("*.pdf")), *sorted((site / "slides").glob("*.pdf"))]:
        f = pdf_facts(pdf)
        facts[pdf.relative_to(site).as_posix()] = f
        report.say(
            f"PDF {pdf.relative_to(site)}: {f['pages']} pages, tagged {'yes' if f['tagged'] else 'no'}, "
            f"language {f['lang'] or 'none'}, {f['bookmarks'] if f['bookmarks'] is not None else '?'} bookmarks, "
            f"pages without text: {f['pages_without_text'] or 'none'}, "
            f"links to files: {len(f['file_links'])}"
        )
        if f["file_links"]:
            report.fail(
                f"{pdf.name} links to files, not to its pages: {sorted(set(f['file_links']))}"
            )
        if pdf.parent.name == "slides":
            if not f["tagged"]:
                report.fail(f"{pdf.name} is not tagged")
            if not f["lang"]:
                report.fail(f"{pdf.name} has no document language")
            if f["bookmarks"] is not None and f["bookmarks"] < slides:
                report.fail(f"{pdf.name} has {f['bookmarks']} bookmarks for {slides} slide titles")
            f["parts"] = sum(
                1 for d, title in pdf_outline(pdf) if d == 0 and title.startswith("Part ")
            )
            report.say(
                f"  bookmarks grouped under {f['parts']} parts (one per outline slide: {outlines})"
            )
            if f["parts"] != outlines:
                report.fail(
                    f"{pdf.name} groups its bookmarks under {f['parts']} parts, not {outlines}"
                )
            if f["pages_without_text"]:
                report.fail(f"{pdf.name} has pages without text: {f['pages_without_text']}")
    return facts
