"""One chapter executed in a fresh kernel (the benchmark's runs), and the retrain's steps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlact.site import build, kernel


def chapter(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.qmd"
    path.write_text(f"---\ntitle: {name}\n---\n\nSome prose.\n\n```{{python}}\n{body}\n```\n")
    return path


WRITES_ITS_PID = """import os, pathlib, time
time.sleep(1)
out = pathlib.Path(os.environ["KERNEL_OUT"])
(out / pathlib.Path.cwd().name).write_text(f"{os.getpid()} {os.environ['DLACT_FIT_CACHE']}")"""


def test_a_chapter_runs_in_a_kernel_of_its_own_from_its_folder_with_the_settings(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    pids = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        path = chapter(tmp_path / name, name, WRITES_ITS_PID)
        seconds = kernel.execute(path, {"KERNEL_OUT": str(out), "DLACT_FIT_CACHE": "/the/cache"})
        assert seconds >= 1  # it waited its second
        pid, cache = (out / name).read_text().split()  # it ran in its own folder
        assert cache == "/the/cache"
        pids.append(pid)
    assert len(set(pids)) == 2 and str(os.getpid()) not in pids  # each in a kernel of its own
    assert "KERNEL_OUT" not in os.environ  # this process's environment is untouched


def test_a_failing_cell_names_its_chapter_and_line(tmp_path):
    bad = chapter(tmp_path, "bad", "raise ValueError('the loss is NaN')")
    with pytest.raises(kernel.ChapterFailed) as caught:
        kernel.execute(bad, {"DLACT_FIT_CACHE": "x"})
    message = str(caught.value)
    assert message.startswith("bad.qmd: the cell at bad.qmd:7 failed:")
    assert "the loss is NaN" in message
    assert os.environ.get("DLACT_FIT_CACHE") != "x"  # this process's environment is untouched


@pytest.fixture
def retrain_here(tmp_path, monkeypatch):
    """``build.retrain`` in ``tmp_path``, with ``site`` replaced by the test's."""
    monkeypatch.setattr(build, "find_quarto", lambda: "quarto")
    monkeypatch.setattr(build, "FREEZE", tmp_path / "_freeze")
    monkeypatch.setattr(build, "SITE", tmp_path / "_site")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    from dlact.site import checks

    monkeypatch.setattr(checks, "main", lambda argv: 0)
    (tmp_path / "_freeze" / "chapters" / "binary").mkdir(parents=True)
    (tmp_path / "_freeze" / "chapters" / "binary" / "html.json").write_text("frozen")
    (tmp_path / "_freeze" / "inputs.json").write_text("{}")
    (tmp_path / "_cache" / "fits").mkdir(parents=True)
    (tmp_path / "_cache" / "fits" / "old.pkl").write_text("a fit of the last build")
    (tmp_path / "_site").mkdir()
    (tmp_path / "_site" / "index.html").write_text("site")
    return tmp_path


def test_retrain_renders_with_an_empty_fit_cache_and_no_frozen_chapters(retrain_here, monkeypatch):
    """Nothing is trained beforehand: the render's kernels train each model the first time
    they reach it (the fit cache, emptied), with the claims reported, not stopping."""
    calls = []

    def site(**settings):
        calls.append(settings)
        assert not (retrain_here / "_freeze" / "chapters").exists()  # every chapter executes
        assert (retrain_here / "_freeze" / "inputs.json").is_file()
        assert not list((retrain_here / "_cache" / "fits").glob("*"))  # every model trains

    monkeypatch.setattr(build, "site", site)
    build.retrain()
    assert calls == [
        {
            "fit_cache": retrain_here / "_cache" / "fits",
            "results": retrain_here / "_results",
            "claims": "report",
        }
    ]
    assert not [p.name for p in retrain_here.iterdir() if "before-retrain" in p.name]


def test_a_failed_render_puts_back_the_previous_site(retrain_here, monkeypatch):
    def fail(**settings):
        (retrain_here / "_site" / "index.html").write_text("half a new site")
        raise build.subprocess.CalledProcessError(1, ["quarto", "render"])

    monkeypatch.setattr(build, "site", fail)
    with pytest.raises(build.subprocess.CalledProcessError):
        build.retrain()
    frozen = retrain_here / "_freeze" / "chapters" / "binary" / "html.json"
    assert frozen.read_text() == "frozen"
    assert (retrain_here / "_site" / "index.html").read_text() == "site"
    assert not [p.name for p in retrain_here.iterdir() if "before-retrain" in p.name]


def test_the_notebooks_render_the_chapters_with_binary_last():
    """On two cores the book's pages begin with the binary chapter and train its models,
    while the notebooks, beside them, train the other chapters' (dlact.site.lanes)."""
    import yaml

    root = Path(build.ROOT)
    notebooks = yaml.safe_load((root / "_quarto-notebooks.yml").read_text())["project"]["render"]
    book = yaml.safe_load((root / "_quarto-book.yml").read_text())["book"]["chapters"]
    offered = yaml.safe_load((root / "_quarto.yml").read_text())["notebooks"]
    assert sorted(notebooks) == sorted(f"chapters/{name}.qmd" for name in offered)
    assert notebooks[-1] == "chapters/binary.qmd"
    first_chapter = next(c for c in book if c in notebooks)
    assert first_chapter == "chapters/binary.qmd"
