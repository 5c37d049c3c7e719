"""Render the book, the deck and the notebooks with Quarto; check the output.

Skipped, saying why, where no ``quarto`` is on the PATH.  The render uses the
frozen results (re-executing only documents whose inputs changed), so it is
the build a lecturer gets from ``make site``.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
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
        line
        for line in render_log.splitlines()
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


def test_book_pdf_links_to_its_own_pages_not_to_files(render_log):
    """A link to another page (``library-maths.qmd#dlact-maths``) is a link inside the PDF."""
    if shutil.which("pdftohtml") is None:
        pytest.skip("pdftohtml is not installed (Debian: poppler-utils): the PDF checks need it")
    from dlact.site.pdfcheck import pdf_file_links

    pdf = SITE / f"{_book()['output-file']}.pdf"
    assert pdf_file_links(pdf) == []


def test_deck_has_a_slide_per_heading(render_log):
    from dlact.site.qmd import expand_includes

    html = (SITE / "slides" / "lecture.html").read_text()
    lines = [line for line, _ in expand_includes(ROOT / "slides" / "lecture.qmd")]
    in_code, headings, hidden = False, 0, []  # hidden: the book-only divs we are in
    for line in lines:
        if line.startswith("```"):
            in_code = not in_code
        elif in_code:
            continue
        elif re.match(r"^:{3,}\s*[^:\s]", line):  # a div opens (::: explain, ::: {...})
            hidden.append('unless-format="revealjs"' in line)
        elif re.match(r"^:{3,}\s*$", line) and hidden:
            hidden.pop()
        elif line.startswith("## ") and not any(hidden):
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
        # first the explained install cell (not run by the build), then the set-up call
        assert len(code) > 2 and "%pip install" in code[0].source, chapter
        assert "setup_notebook" in code[1].source, chapter


def test_results_in_freeze_match_recorded_inputs(render_log):
    from dlact.site.freeze import find_stale

    stale, _ = find_stale()
    assert not stale, [str(s.document) for s in stale]
    manifest = json.loads((ROOT / "_freeze" / "inputs.json").read_text())
    assert "chapters/binary.qmd" in manifest


@pytest.fixture(scope="module")
def served_site(render_log):
    """The built site on a local HTTP server, standing in for the hosted one."""
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(SITE), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_downloaded_notebooks_run_in_a_fresh_environment(served_site, tmp_path, stroke_csv):
    """As a student runs them: a new virtual environment with Jupyter and nothing else
    (no checkout on the path, no dlact installed), the notebooks downloaded from the
    site; each runs top to bottom, its first cell installing what it needs."""
    import os
    import subprocess
    import sys

    from dlact.site.build import wheel_name

    if not (SITE / "notebooks" / wheel_name()).is_file():
        pytest.fail(f"the build put no {wheel_name()} beside the notebooks")
    student = tmp_path / "student"
    subprocess.run([sys.executable, "-m", "venv", str(student)], check=True)
    python = student / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "jupyter"], check=True)
    run = (
        "import sys, nbclient, nbformat\n"
        "notebook = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(notebook, timeout=1800, kernel_name='python3',\n"
        "    resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DLACT_", "PYTHON", "KERAS_", "VIRTUAL_ENV", "JUPYTER"))
    }
    env["DLACT_STROKE_DATA"] = str(stroke_csv)  # a machine without internet: a local copy
    env["PATH"] = f"{student / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    home = tmp_path / "downloads"
    home.mkdir()
    for chapter in yaml.safe_load((ROOT / "_quarto.yml").read_text())["notebooks"]:
        text = (SITE / "notebooks" / "chapters" / f"{chapter}.ipynb").read_text()
        # the notebook as served from the hosted site installs the wheel from there
        text = text.replace('site = \\"..\\"', f'site = \\"{served_site}/notebooks\\"')
        assert served_site in text, f"{chapter}.ipynb has no set-up cell installing the library"
        path = home / f"{chapter}.ipynb"
        path.write_text(text)
        done = subprocess.run(
            [str(python), "-c", run, str(path), str(home)],
            env=env,
            cwd=home,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"{chapter}.ipynb failed:\n{done.stderr[-4000:]}"


def test_colab_links_appear_only_with_a_notebooks_folder(tmp_path):
    """Without a GitHub folder for the notebooks the link is absent, not broken."""
    import subprocess

    for colab, expected in [
        ("", None),
        (
            "me/course/blob/gh-pages/notebooks/chapters",
            "https://colab.research.google.com/github/me/course/blob/gh-pages/"
            "notebooks/chapters/binary.ipynb",
        ),
    ]:
        project = tmp_path / (colab.replace("/", "_") or "none")
        shutil.copytree(ROOT / "_extensions", project / "_extensions")
        (project / "chapters").mkdir(parents=True)
        (project / "_quarto.yml").write_text(
            "project: {type: default}\nfilters: [lecture]\n"
            f'notebooks: [binary]\ncolab-notebooks: "{colab}"\n'
        )
        (project / "chapters" / "binary.qmd").write_text(
            "---\ntitle: B\n---\n\n{{< downloads >}}\n"
        )
        subprocess.run(
            [shutil.which("quarto"), "render", "chapters/binary.qmd", "--to", "html"],
            cwd=project,
            check=True,
            capture_output=True,
        )
        html = (project / "chapters" / "binary.html").read_text()
        assert "notebooks/chapters/binary.ipynb" in html
        if expected is None:
            assert "colab.research.google.com" not in html
        else:
            assert f'href="{expected}"' in html and "Open in Colab" in html


# --------------------------------------------------------------------------
# What a reader sees: no Python reprs, no nan, no empty figure or slide
# --------------------------------------------------------------------------

#: Python reprs that must never reach prose, captions, alt text or notes.
REPRS = re.compile(r"np\.(int|float|bool_?)\d*\(|\barray\(|dtype=")
NAN = re.compile(r"\b(nan|NaN)\b")


def prose_of_page(html: str) -> str:
    """The text a reader reads on a page (speaker notes and alt text included),
    without code and its output, where reprs are legitimate."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.select("pre, code, .cell-output, .cell-output-display, script, style"):
        tag.decompose()
    alts = " ".join(img.get("alt", "") for img in soup.find_all("img"))
    return soup.get_text(" ") + " " + alts


def reader_problems(text: str, where: str) -> list[str]:
    found = [
        f"{where}: {m.group(0)!r} in ...{text[max(m.start() - 60, 0) : m.end() + 40]!r}"
        for m in REPRS.finditer(text)
    ]
    found += [
        f"{where}: nan in ...{text[max(m.start() - 60, 0) : m.end() + 40]!r}"
        for m in NAN.finditer(text)
    ]
    return found


def html_pages() -> list[Path]:
    pages = [
        SITE / Path(p).with_suffix(".html") for p in _book()["chapters"] + _book()["appendices"]
    ]
    return pages + [SITE / "slides" / "lecture.html"]


def test_pages_and_notes_show_no_python_reprs_or_nan(render_log):
    problems = []
    for page in html_pages():
        problems += reader_problems(prose_of_page(page.read_text()), str(page.relative_to(SITE)))
    assert not problems, "\n".join(problems)


def test_notebooks_prose_shows_no_python_reprs_or_nan(render_log):
    import nbformat

    problems = []
    for path in sorted((SITE / "notebooks").rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        prose = re.sub(r"`[^`]*`", "", markdown_prose(markdown))  # inline code is code
        problems += reader_problems(prose, str(path.relative_to(SITE)))
    assert not problems, "\n".join(problems)


def markdown_prose(markdown: str) -> str:
    """Markdown without its code: fenced blocks and indented blocks (a worked
    solution's output in a notebook is an indented block inside a quote)."""
    lines, fenced = [], False
    for line in markdown.splitlines():
        bare = re.sub(r"^(> ?)+", "", line)
        if bare.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced and not bare.startswith("    "):
            lines.append(bare)
    return "\n".join(lines)


def pdf_pages(pdf: Path) -> list[str]:
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils): PDF text checks need it")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


@pytest.mark.parametrize("which", ["book", "deck"])
def test_pdfs_show_no_python_reprs_or_nan(render_log, which):
    pdf = (
        SITE / f"{_book()['output-file']}.pdf"
        if which == "book"
        else SITE / "slides" / "lecture.pdf"
    )
    if not pdf.is_file():
        pytest.skip(f"{pdf.name} was not built (the deck's PDF needs chromium)")
    problems = []
    for number, page in enumerate(pdf_pages(pdf), start=1):
        # code output in a PDF cannot be told from prose: only reprs that never belong
        for m in re.finditer(r"np\.(int|float)\d+\(|\bnan\b", page):
            problems.append(
                f"{pdf.name} page {number}: {page[max(m.start() - 60, 0) : m.end() + 30]!r}"
            )
    assert not problems, "\n".join(problems)


def test_book_figures_are_not_empty(render_log):
    from bs4 import BeautifulSoup

    problems = []
    for page in html_pages()[:-1]:
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for figure in soup.select("figure, div.quarto-float"):
            images = figure.find_all("img")
            if figure.find("svg") is not None or figure.select(
                ".observablehq, .cell-output-display"
            ):
                continue
            if not images:
                problems.append(
                    f"{page.name}: a figure with no image: {figure.get_text(' ')[:80]!r}"
                )
            for img in images:
                src = (page.parent / img["src"]).resolve()
                if not src.is_file() or src.stat().st_size < 1000:
                    problems.append(f"{page.name}: image {img['src']} is missing or empty")
    assert not problems, "\n".join(problems)


def test_every_slide_has_a_body(render_log):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((SITE / "slides" / "lecture.html").read_text(), "html.parser")
    empty = []
    for slide in soup.select("section.slide"):
        body = [c for c in slide.children if getattr(c, "name", None) not in (None, "h1", "h2")]
        has_content = any(
            (tag.get_text(strip=True) and tag.name != "aside")
            or tag.find(["img", "svg", "ojs", "div"]) is not None
            for tag in body
        )
        if not has_content and "title-slide" not in (slide.get("class") or []):
            empty.append(slide.get("id") or slide.find("h2").get_text())
    assert not empty, f"slides with a heading and nothing else: {empty}"


def test_every_deck_pdf_page_has_ink_below_its_title(render_log, tmp_path):
    """An interactive slide printed empty (its OJS needs a browser) shows up here."""
    import subprocess

    import numpy as np
    from PIL import Image

    pdf = SITE / "slides" / "lecture.pdf"
    if not pdf.is_file():
        pytest.skip("the deck's PDF was not built (it needs chromium)")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (Debian: poppler-utils): PDF page checks need it")
    subprocess.run(["pdftoppm", "-r", "24", "-gray", str(pdf), str(tmp_path / "p")], check=True)
    blank = []
    for png in sorted(tmp_path.glob("p-*.pgm")):
        pixels = np.asarray(Image.open(png), dtype=float)
        height = pixels.shape[0]
        body = pixels[int(0.18 * height) : int(0.92 * height)]  # below the title, above the number
        if (body < 200).mean() < 0.003:
            blank.append(png.stem.split("-")[-1])
    assert not blank, f"deck PDF pages with nothing below the title: {blank}"


def test_handout_has_each_slide_with_its_notes_under_it(render_log):
    """One page per slide, in the deck's order, each slide's notes on its own page."""
    deck, handout = SITE / "slides" / "lecture.pdf", SITE / "slides" / "lecture-handout.pdf"
    if not handout.is_file() or not deck.is_file():
        pytest.skip("the deck's PDFs were not built (they need chromium)")
    from bs4 import BeautifulSoup

    slides_pages, handout_pages = pdf_pages(deck), pdf_pages(handout)
    assert len(handout_pages) == len(slides_pages), "the handout has a page per slide"
    soup = BeautifulSoup(
        (SITE / "slides" / "lecture.html").read_text(encoding="utf-8"), "html.parser"
    )
    sections = [s for s in soup.select("div.slides section") if not s.select("section")]
    # letters and digits only (maths' italic letters as plain ones): line breaks,
    # hyphens and spacing differ between HTML and PDF
    words = lambda text: re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKC", text).lower())  # noqa: E731
    for annotation in soup.select("annotation"):  # a formula's TeX source, not printed
        annotation.decompose()
    assert len(sections) == len(slides_pages) - 1  # pdftotext ends the last page with a \f
    checked = 0
    for number, section in enumerate(sections):
        notes = section.select_one("aside.notes")
        if notes is None:
            continue
        first = words(notes.get_text(" "))[:30]
        page = words(handout_pages[number])
        title = section.find(["h1", "h2"])
        assert title is None or words(title.get_text(" "))[:15] in page, (
            f"handout page {number + 1} is not the slide {title.get_text()!r}"
        )
        assert first in page, f"handout page {number + 1} lacks its notes {first!r}"
        assert words(slides_pages[number]).find(first) == -1, "the deck's PDF has no notes"
        checked += 1
    assert checked > 50, f"only {checked} slides with notes were found"


# --------------------------------------------------------------------------
# Teaching structure: objectives, takeaways, exercises, self-check, pseudocode
# --------------------------------------------------------------------------

PARTS = ("binary", "multiclass", "dense", "optimisation", "loss")


def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(), "html.parser")


@pytest.mark.parametrize("part", PARTS)
def test_every_chapter_has_objectives_takeaways_exercises_and_self_check(render_log, part):
    soup = _soup(SITE / "chapters" / f"{part}.html")
    titles = [t.get_text(" ", strip=True) for t in soup.select(".callout-title-container")]
    assert any(t.endswith("Learning objectives") for t in titles)
    objectives = soup.select_one(".callout-note ul")
    assert objectives is not None and 3 <= len(objectives.find_all("li")) <= 5
    headings = [h.get_text(" ", strip=True) for h in soup.select("h2")]
    assert any("Key takeaways" in h for h in headings)
    assert any("Exercises" in h for h in headings) and any("Self-check" in h for h in headings)
    exercises = soup.select(
        f"#sec-{'multi' if part == 'multiclass' else 'opt' if part == 'optimisation' else part}-exercises h3"
    )
    assert 4 <= len(exercises) <= 6, [e.get_text() for e in exercises]
    solutions = [
        c for c in soup.select(".callout") if "Solution" in c.get_text(" ", strip=True)[:20]
    ]
    assert len(solutions) == len(exercises)
    assert all("callout-titled" in c.get("class", []) for c in solutions)
    answers = [c for c in soup.select(".callout") if "Answer" in c.get_text(" ", strip=True)[:20]]
    assert 5 <= len(answers) <= 8


def test_the_deck_has_no_imports_slide_and_no_exercises(render_log):
    soup = _soup(SITE / "slides" / "lecture.html")
    titles = [h.get_text(" ", strip=True) for h in soup.select("section.slide h2")]
    assert not [t for t in titles if t.lower().startswith("imports")]
    assert not [t for t in titles if t in ("Exercises", "Self-check")]
    assert "Learning objectives" not in soup.get_text()
    assert sum(t == "Key takeaways" for t in titles) == len(PARTS)


def test_the_deck_shows_pseudocode_and_the_book_the_library_loops(render_log):
    deck = _soup(SITE / "slides" / "lecture.html")
    book = _soup(SITE / "chapters" / "optimisation.html")
    for slide_id, line in [
        ("sec-opt-batch", "grad = gradient(loss, all_examples, params)"),
        ("sec-opt-sgd", "for example in examples:"),
        ("sec-opt-minibatch", "for batch in split(examples, batch_size):"),
    ]:
        code = deck.select_one(f"section#{slide_id}").find("pre").get_text()
        assert line in code and len(code.strip().splitlines()) <= 6
        assert "log.record" not in code
        listing = book.select_one(f"section#{slide_id} .callout pre").get_text()
        assert "log.record" in listing  # the library's real loop, folded in the book


def test_sklearn_displays_are_called_in_the_cells(render_log):
    text = _soup(SITE / "chapters" / "binary.html").get_text()
    for call in (
        "RocCurveDisplay.from_predictions",
        "PrecisionRecallDisplay.from_predictions",
        "ConfusionMatrixDisplay.from_predictions",
        "CalibrationDisplay.from_predictions",
        "make_column_transformer",
    ):
        assert call in text, call


@pytest.mark.parametrize("part", PARTS)
def test_notebooks_carry_exercises_with_solutions_as_text(render_log, part):
    import nbformat

    notebook = nbformat.read(SITE / "notebooks" / "chapters" / f"{part}.ipynb", as_version=4)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "Exercises" in markdown and "Solution" in markdown
    # the solutions' code is shown as text, not as cells a student runs by accident
    solution_code = re.findall(r"```(?:python)?\n(.*?)```", markdown, re.S)
    assert solution_code
    assert not any(block.strip() and block.strip() in code for block in solution_code)


@pytest.mark.slow
def test_plain_quarto_render_needs_neither_dlact_nor_keras(render_log, tmp_path):
    """A lecturer's fresh clone and a Python with Jupyter and matplotlib, nothing else:
    ``quarto render`` of the book and of the deck succeeds from the frozen results,
    executing no cell (the pre- and post-render steps find the library in ``lib/``)."""
    import os
    import subprocess
    import sys

    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        pytest.skip(f"not a git checkout, so no clone to copy: {listed.stderr.strip()}")
    clone = tmp_path / "clone"
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    lecturer = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(lecturer)], check=True)
    python = lecturer / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "jupyter", "matplotlib"], check=True
    )
    for missing in ("dlact", "keras"):
        found = subprocess.run([str(python), "-c", f"import {missing}"], capture_output=True)
        assert found.returncode != 0, f"{missing} is importable in the bare environment"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DLACT_", "PYTHON", "KERAS_", "VIRTUAL_ENV", "QUARTO_"))
    }
    env["QUARTO_PYTHON"] = str(python)
    for profile, output in [
        ("book", "chapters/binary.html"),
        ("slides", "slides/lecture.html"),
    ]:
        done = subprocess.run(
            ["quarto", "render", "--profile", profile],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
        )
        log = done.stdout + done.stderr
        assert done.returncode == 0, f"quarto render --profile {profile} failed:\n{log[-4000:]}"
        assert "Starting python3 kernel" not in log, f"{profile}: a document was executed"
        # no fontTools' Brotli there: the fonts are not cut, and the log says so
        assert "post-render: fonts left whole: this Python has no Brotli" in log
        assert (clone / "_site" / output).is_file()
    # the frozen results are on the pages, as in the full build
    ours = (SITE / "chapters" / "binary.html").read_text()
    theirs = (clone / "_site" / "chapters" / "binary.html").read_text()
    main = re.compile(r"<main.*?</main>", re.S)
    assert main.search(theirs)[0] == main.search(ours)[0]
