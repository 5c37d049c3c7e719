"""Render the book, the deck and the notebooks with Quarto; check the output.

Skipped, saying why, where no ``quarto`` is on the PATH.  The render uses the
frozen results (re-executing only documents whose inputs changed), so it is
the build a lecturer gets from ``make site``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_site"

pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(
        shutil.which("quarto") is None,
        reason="quarto is not installed (not on PATH): render tests need it; "
        "see https://quarto.org/docs/get-started/",
    ),
]

# Lines Quarto prints that are not problems with the sources.
HARMLESS = (
    # OJS cells reach the page through {{< include >}}; only line numbers in OJS errors suffer
    "OJS block count mismatch",
    # 'quarto check' style note: a pandoc one minor release away from Quarto's pin
    "does not strictly match",
    # ipykernel's notice about its local connection, printed by every kernel start
    "Kernel is running over TCP without encryption",
)


@pytest.fixture(scope="session")
def render_log(built_site) -> str:
    return built_site


def test_render_has_no_errors_or_warnings(render_log):
    problems = [
        line for line in render_log.splitlines()
        if re.search(r"\b(WARN(ING)?|ERROR)\b", line) and not any(h in line for h in HARMLESS)
    ]
    assert not problems, "\n".join(problems)


def _book():
    return yaml.safe_load((ROOT / "_quarto-book.yml").read_text())["book"]


def test_every_book_page_exists(render_log):
    book = _book()
    for source in book["chapters"] + book["appendices"]:
        page = SITE / Path(source).with_suffix(".html")
        assert page.is_file(), page
        assert "<main" in page.read_text()


def test_book_pdf_exists(render_log):
    pdf = SITE / f"{_book()['output-file']}.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 100_000
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_deck_has_a_slide_per_heading(render_log):
    from dlact.qmd import expand_includes

    html = (SITE / "slides" / "lecture.html").read_text()
    lines = [line for line, _ in expand_includes(ROOT / "slides" / "lecture.qmd")]
    in_code, headings = False, 0
    for line in lines:
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("## "):
            headings += 1
    slides = len(re.findall(r"<section id=\"[^\"]*\" class=\"slide level2", html))
    slides += len(re.findall(r"<section class=\"slide level2", html))
    assert slides == headings


def test_notebooks_exist_and_are_valid(render_log):
    import nbformat

    chapters = yaml.safe_load((ROOT / "_quarto.yml").read_text())["notebooks"]
    assert len(chapters) == 5
    for chapter in chapters:
        path = SITE / "notebooks" / "chapters" / f"{chapter}.ipynb"
        assert path.is_file(), path
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert code and "setup_notebook" in code[0].source


def test_results_in_freeze_match_recorded_inputs(render_log):
    from dlact.freeze import find_stale

    stale, _ = find_stale()
    assert not stale, [str(s.document) for s in stale]
    manifest = json.loads((ROOT / "_freeze" / "inputs.json").read_text())
    assert "chapters/binary.qmd" in manifest


@pytest.mark.slow
@pytest.mark.parametrize("chapter", yaml.safe_load((ROOT / "_quarto.yml").read_text())["notebooks"])
def test_downloaded_notebook_runs_top_to_bottom(render_log, chapter, tmp_path, stroke_csv,
                                                fit_cache, monkeypatch):
    """A student's download runs on its own, in a fresh kernel, from any folder."""
    import nbclient
    import nbformat

    notebook = nbformat.read(SITE / "notebooks" / "chapters" / f"{chapter}.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    monkeypatch.setenv("DLACT_RESULTS_DIR", str(tmp_path / "results"))
    monkeypatch.setenv("DLACT_STROKE_DATA", str(stroke_csv))
    monkeypatch.setenv("DLACT_FIT_CACHE", str(fit_cache))
    nbclient.NotebookClient(notebook, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
