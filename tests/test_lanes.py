"""Two renders at once: the book's pages and the deck in the project, the notebooks and the
book's PDF in a copy of it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from dlact.site import build, lanes, webfix


def _write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    for name in ("_quarto.yml", "chapters/_binary.qmd", "slides/lecture.qmd", "lib/dlact/x.py"):
        _write(root / name, name)
    _write(root / "figures_src/generated/net.svg", "<svg/>")
    _write(root / "_freeze/chapters/binary/execute-results/html.json", "book html")
    _write(root / "_freeze/chapters/binary/execute-results/ipynb.json", "old notebook")
    _write(root / "_freeze/chapters/binary/figure-ipynb/old.png", "old")
    _write(root / "_freeze/chapters/dense/figure-ipynb/gone.png", "gone")
    _write(root / "_freeze/slides/lecture/execute-results/html.json", "old deck")
    _write(root / "_cache/fonts/book.woff", "full book font")
    _write(root / "_cache/fits/model.keras", "a fit")
    for skipped in (".git/HEAD", "_site/index.html", ".quarto/idx", "_results/r.json",
                    "tests/test_x.py", "chapters/binary.quarto_ipynb", "chapters/binary_files/x",
                    "tests/checkers/node_modules/x.js", "lib/dlact/__pycache__/x.pyc"):  # fmt: skip
        _write(root / skipped, "skip")
    (root / ".venv").symlink_to(tmp_path)
    return root


def test_the_copy_holds_what_quarto_reads_and_none_of_what_renders_make(project):
    lane = lanes.copy_project(project, lanes.lane_dir(project))
    assert lane == project / "_cache" / "lane"
    files = sorted(p.relative_to(lane).as_posix() for p in lane.rglob("*") if p.is_file())
    assert files == [
        "_cache/fonts/book.woff",
        "_freeze/chapters/binary/execute-results/html.json",
        "_freeze/chapters/binary/execute-results/ipynb.json",
        "_freeze/chapters/binary/figure-ipynb/old.png",
        "_freeze/chapters/dense/figure-ipynb/gone.png",
        "_freeze/slides/lecture/execute-results/html.json",
        "_quarto.yml",
        "chapters/_binary.qmd",
        "figures_src/generated/net.svg",
        "lib/dlact/x.py",
        "slides/lecture.qmd",
    ]
    # a second copy starts afresh
    _write(lane / "_site/slides/lecture.html", "from the last build")
    lanes.copy_project(project, lane)
    assert not (lane / "_site").exists()


def test_bringing_back_takes_the_lanes_formats_and_leaves_the_projects(project):
    lane = lanes.copy_project(project, lanes.lane_dir(project))
    # what the lane's renders did: the notebooks and the book's PDF executed again
    _write(lane / "_freeze/chapters/binary/execute-results/ipynb.json", "new notebook")
    (lane / "_freeze/chapters/binary/figure-ipynb/old.png").unlink()
    _write(lane / "_freeze/chapters/binary/figure-ipynb/new.png", "new")
    (lane / "_freeze/chapters/dense/figure-ipynb/gone.png").unlink()
    (lane / "_freeze/chapters/dense/figure-ipynb").rmdir()
    _write(lane / "_freeze/chapters/loss/execute-results/ipynb.json", "first notebook")
    _write(lane / "_freeze/chapters/binary/execute-results/typ.json", "new book pdf")
    _write(lane / "_freeze/chapters/binary/figure-typst/fig.png", "pdf figure")
    _write(lane / "_freeze/chapters/binary/execute-results/html.json", "stale copy of the book's")
    _write(lane / "_freeze/slides/lecture/execute-results/html.json", "stale copy of the deck's")
    _write(lane / "_site/classification-and-optimisation.pdf", "book pdf")
    _write(lane / "_site/notebooks/chapters/binary.ipynb", "notebook")
    _write(lane / "_cache/fonts/book.woff", "a subset: not kept")
    _write(lane / "_cache/fonts/deck/source-sans.woff", "full deck font")
    # meanwhile the project's renders wrote their own
    _write(project / "_freeze/chapters/binary/execute-results/html.json", "new book html")
    _write(project / "_freeze/slides/lecture/execute-results/html.json", "new deck")
    _write(project / "_site/slides/lecture.html", "deck")

    lanes.bring_back(lane, project)

    freeze = project / "_freeze"
    binary = freeze / "chapters" / "binary"
    assert (binary / "execute-results/html.json").read_text() == "new book html"
    assert (binary / "execute-results/ipynb.json").read_text() == "new notebook"
    assert (binary / "execute-results/typ.json").read_text() == "new book pdf"
    assert (binary / "figure-typst/fig.png").read_text() == "pdf figure"
    assert sorted(p.name for p in (binary / "figure-ipynb").iterdir()) == ["new.png"]
    assert not (freeze / "chapters/dense/figure-ipynb").exists()
    assert (freeze / "chapters/loss/execute-results/ipynb.json").read_text() == "first notebook"
    assert (freeze / "slides/lecture/execute-results/html.json").read_text() == "new deck"
    site = project / "_site"
    assert (site / "index.html").read_text() == "skip"  # the project's pages stay
    assert (site / "slides/lecture.html").read_text() == "deck"
    assert (site / "classification-and-optimisation.pdf").read_text() == "book pdf"
    assert (site / "notebooks/chapters/binary.ipynb").read_text() == "notebook"
    fonts = project / "_cache" / "fonts"
    assert (fonts / "book.woff").read_text() == "full book font"
    assert (fonts / "deck/source-sans.woff").read_text() == "full deck font"


def test_a_format_the_lane_did_not_freeze_is_not_left_behind(project):
    """A chapter the lane's render no longer executes for a format loses that format's old
    frozen results, as it would in a render in the project."""
    lane = lanes.copy_project(project, lanes.lane_dir(project))
    import shutil

    shutil.rmtree(lane / "_freeze" / "chapters" / "binary" / "figure-ipynb")
    lanes.bring_back(lane, project)
    assert not (project / "_freeze" / "chapters" / "binary" / "figure-ipynb").exists()


@pytest.fixture
def two_lanes(tmp_path, monkeypatch):
    """``render_in_two_lanes`` with a render that only records where and when it ran."""
    root = tmp_path / "project"
    _write(root / "_quarto.yml")
    monkeypatch.setattr(build, "ROOT", root)
    monkeypatch.setattr(build, "SITE", root / "_site")
    runs, steps = [], []

    def render(profile, *, project=None, log=None, args=(), **settings):
        start = time.monotonic()
        time.sleep(0.3)
        name = " ".join((profile, *args))
        if log is not None:
            with open(log, "a") as out:
                out.write(f"rendered {name}\n")
        runs.append((name, project, log, settings, start, time.monotonic()))

    monkeypatch.setattr(build, "render", render)
    monkeypatch.setattr(lanes, "bring_back", lambda lane, root: steps.append(("back", lane, root)))
    monkeypatch.setattr(webfix, "site_wide", lambda site: steps.append(("finish", site)) or (0, []))
    return root, runs, steps


def test_the_pages_and_deck_render_here_while_the_notebooks_and_pdf_render_in_the_lane(
    two_lanes, capsys
):
    root, runs, steps = two_lanes
    settings = {"fit_cache": root / "_cache" / "fits", "results": None, "claims": None}
    build.render_in_two_lanes(settings)
    by_name = {r[0]: r for r in runs}
    html, deck = "book --to html", "slides"
    notebooks, pdf = "notebooks", "book --to typst --no-clean"
    assert sorted(by_name) == sorted([html, deck, notebooks, pdf])
    lane = root / "_cache" / "lane"
    assert by_name[html][1:3] == by_name[deck][1:3] == (None, None)  # in the project, shown
    assert by_name[notebooks][1:3] == by_name[pdf][1:3] == (lane, lane / "render.log")
    assert all(r[3] == settings for r in runs)
    assert by_name[html][5] <= by_name[deck][4]  # the pages first: they empty _site/
    assert by_name[notebooks][5] <= by_name[pdf][4]  # the notebooks first: they train
    here, beside = by_name[html], by_name[notebooks]
    assert beside[4] < here[5] and here[4] < beside[5]  # the two sides overlap in time
    assert steps == [("back", lane, root), ("finish", root / "_site")]
    out = capsys.readouterr().out
    assert f"rendered {notebooks}\nrendered {pdf}" in out  # the lane's log, once all is done
    assert "rendered book (--to html), slides in " in out  # and how long each side took


def test_a_failed_lane_is_reported_after_the_projects_renders_and_nothing_is_brought_back(
    two_lanes, monkeypatch
):
    root, runs, steps = two_lanes
    recorded = build.render
    done = threading.Event()

    def render(profile, **kw):
        if profile == "notebooks":
            raise build.subprocess.CalledProcessError(1, ["quarto", "render"])
        recorded(profile, **kw)
        if profile == "slides":
            done.set()

    monkeypatch.setattr(build, "render", render)
    with pytest.raises(build.subprocess.CalledProcessError):
        build.render_in_two_lanes({})
    assert done.is_set() and [r[0] for r in runs] == ["book --to html", "slides"]
    assert steps == []


@pytest.mark.parametrize(
    ("cores", "setting", "lanes_used"), [(2, None, True), (2, "0", False), (1, None, False)]
)
def test_two_lanes_where_there_are_two_cores(monkeypatch, cores, setting, lanes_used):
    calls = []
    monkeypatch.setattr(build.os, "cpu_count", lambda: cores)
    if setting is None:
        monkeypatch.delenv("DLACT_LANES", raising=False)
    else:
        monkeypatch.setenv("DLACT_LANES", setting)
    monkeypatch.setattr(
        build, "render_in_two_lanes", lambda settings, then: calls.append("lanes") or then()
    )
    monkeypatch.setattr(build, "render", lambda profile, **kw: calls.append(profile))
    for step in ("build_wheel", "write_constraints", "deck_pdfs"):
        monkeypatch.setattr(build, step, lambda step=step: calls.append(step))
    monkeypatch.setattr(build, "warn_if_many_files", lambda: None)
    build.site()
    renders = ["lanes"] if lanes_used else ["book", "slides", "notebooks"]
    assert calls == [*renders, "build_wheel", "write_constraints", "deck_pdfs"]


def test_the_site_wide_steps_point_the_lanes_deck_at_the_books_runtime(tmp_path):
    """In the lane the deck had no book beside it and kept its own copy of the Observable
    runtime; once both are in the site, the site-wide steps leave one copy."""
    site = tmp_path / "_site"
    deck_runtime = _write(site / "slides/lecture_files/libs/quarto-ojs/quarto-ojs-runtime.js", "r")
    _write(site / "site_libs/quarto-ojs/quarto-ojs-runtime.js", "r")
    deck = _write(
        site / "slides/lecture.html",
        '<script type="module" src="lecture_files/libs/quarto-ojs/quarto-ojs-runtime.js"></script>',
    )
    removed, _ = webfix.site_wide(site)
    assert removed == 1 and not deck_runtime.exists()
    assert '"../site_libs/quarto-ojs/quarto-ojs-runtime.js"' in deck.read_text()


def test_what_follows_the_deck_runs_in_the_project_while_the_lane_renders(
    two_lanes, monkeypatch, capsys
):
    """The wheel and the deck's PDFs need only the deck: they run while the book's PDF is
    still rendering beside it, and before the lane's files are brought back."""
    root, runs, steps = two_lanes
    recorded, ran = build.render, threading.Event()
    seen_by_the_lane = []

    def render(profile, **kw):
        if kw.get("args", ())[:2] == ("--to", "typst"):
            seen_by_the_lane.append(ran.wait(timeout=10))  # the book's PDF renders on...
        recorded(profile, **kw)

    def then():
        assert [r[0] for r in runs if r[1] is None] == ["book --to html", "slides"]
        steps.append(("then",))
        ran.set()

    monkeypatch.setattr(build, "render", render)
    build.render_in_two_lanes({}, then=then)
    assert seen_by_the_lane == [True]  # ...until the project's step has run
    assert steps[0] == ("then",) and steps[1][0] == "back"
    assert " s more), beside them" in capsys.readouterr().out
