"""The deck and the notebooks rendered beside the book, in a copy of the project."""

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


def test_bringing_back_takes_the_lanes_formats_and_leaves_the_books(project):
    lane = lanes.copy_project(project, lanes.lane_dir(project))
    # what the lane's renders did: the deck and the notebooks executed again
    _write(lane / "_freeze/chapters/binary/execute-results/ipynb.json", "new notebook")
    (lane / "_freeze/chapters/binary/figure-ipynb/old.png").unlink()
    _write(lane / "_freeze/chapters/binary/figure-ipynb/new.png", "new")
    (lane / "_freeze/chapters/dense/figure-ipynb/gone.png").unlink()
    (lane / "_freeze/chapters/dense/figure-ipynb").rmdir()
    _write(lane / "_freeze/chapters/loss/execute-results/ipynb.json", "first notebook")
    _write(lane / "_freeze/slides/lecture/execute-results/html.json", "new deck")
    _write(lane / "_freeze/chapters/binary/execute-results/html.json", "stale copy of the book's")
    _write(lane / "_site/slides/lecture.html", "deck")
    _write(lane / "_site/notebooks/chapters/binary.ipynb", "notebook")
    _write(lane / "_cache/fonts/book.woff", "a subset: not kept")
    _write(lane / "_cache/fonts/deck/source-sans.woff", "full deck font")
    # meanwhile the book's render wrote its own
    _write(project / "_freeze/chapters/binary/execute-results/html.json", "new book html")

    lanes.bring_back(lane, project)

    freeze = project / "_freeze"
    binary = freeze / "chapters" / "binary"
    assert (binary / "execute-results/html.json").read_text() == "new book html"
    assert (binary / "execute-results/ipynb.json").read_text() == "new notebook"
    assert sorted(p.name for p in (binary / "figure-ipynb").iterdir()) == ["new.png"]
    assert not (freeze / "chapters/dense/figure-ipynb").exists()
    assert (freeze / "chapters/loss/execute-results/ipynb.json").read_text() == "first notebook"
    assert (freeze / "slides/lecture/execute-results/html.json").read_text() == "new deck"
    site = project / "_site"
    assert (site / "index.html").read_text() == "skip"  # the book's pages stay
    assert (site / "slides/lecture.html").read_text() == "deck"
    assert (site / "notebooks/chapters/binary.ipynb").read_text() == "notebook"
    fonts = project / "_cache" / "fonts"
    assert (fonts / "book.woff").read_text() == "full book font"
    assert (fonts / "deck/source-sans.woff").read_text() == "full deck font"


def test_a_deck_the_lane_did_not_freeze_is_not_left_behind(project):
    lane = lanes.copy_project(project, lanes.lane_dir(project))
    import shutil

    shutil.rmtree(lane / "_freeze" / "slides")
    lanes.bring_back(lane, project)
    assert not (project / "_freeze" / "slides").exists()


@pytest.fixture
def two_lanes(tmp_path, monkeypatch):
    """``render_in_two_lanes`` with a render that only records where and when it ran."""
    root = tmp_path / "project"
    _write(root / "_quarto.yml")
    monkeypatch.setattr(build, "ROOT", root)
    monkeypatch.setattr(build, "SITE", root / "_site")
    runs, steps = [], []

    def render(profile, *, project=None, log=None, **settings):
        start = time.monotonic()
        time.sleep(0.3)
        if log is not None:
            with open(log, "a") as out:
                out.write(f"rendered {profile}\n")
        runs.append((profile, project, log, settings, start, time.monotonic()))

    monkeypatch.setattr(build, "render", render)
    monkeypatch.setattr(lanes, "bring_back", lambda lane, root: steps.append(("back", lane, root)))
    monkeypatch.setattr(webfix, "site_wide", lambda site: steps.append(("finish", site)) or (0, []))
    return root, runs, steps


def test_the_book_renders_here_while_the_deck_and_notebooks_render_in_the_lane(two_lanes, capsys):
    root, runs, steps = two_lanes
    settings = {"fit_cache": root / "_cache" / "fits", "results": None, "claims": None}
    build.render_in_two_lanes(settings)
    by_profile = {r[0]: r for r in runs}
    assert sorted(by_profile) == ["book", "notebooks", "slides"]
    lane = root / "_cache" / "lane"
    assert by_profile["book"][1:3] == (None, None)  # in the project, output shown
    assert by_profile["slides"][1:3] == by_profile["notebooks"][1:3] == (lane, lane / "render.log")
    assert all(r[3] == settings for r in runs)
    book, deck, notebooks = (by_profile[p] for p in ("book", "slides", "notebooks"))
    assert deck[4] < book[5] and book[4] < deck[5]  # the book and the deck overlap in time
    assert deck[5] <= notebooks[4]  # the lane's two renders follow each other
    assert steps == [("back", lane, root), ("finish", root / "_site")]
    out = capsys.readouterr().out
    assert "rendered slides\nrendered notebooks" in out  # the lane's log, once the book is done


def test_a_failed_lane_is_reported_after_the_book_and_nothing_is_brought_back(
    two_lanes, monkeypatch
):
    root, runs, steps = two_lanes
    recorded = build.render
    done = threading.Event()

    def render(profile, **kw):
        if profile == "slides":
            raise build.subprocess.CalledProcessError(1, ["quarto", "render"])
        recorded(profile, **kw)
        if profile == "book":
            done.set()

    monkeypatch.setattr(build, "render", render)
    with pytest.raises(build.subprocess.CalledProcessError):
        build.render_in_two_lanes({})
    assert done.is_set() and [r[0] for r in runs] == ["book"]
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
    monkeypatch.setattr(build, "render_in_two_lanes", lambda settings: calls.append("lanes"))
    monkeypatch.setattr(build, "render", lambda profile, **kw: calls.append(profile))
    for step in ("build_wheel", "write_constraints", "deck_pdfs"):
        monkeypatch.setattr(build, step, lambda: None)
    monkeypatch.setattr(build, "warn_if_many_files", lambda: None)
    build.site()
    assert calls == (["lanes"] if lanes_used else ["book", "slides", "notebooks"])


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
