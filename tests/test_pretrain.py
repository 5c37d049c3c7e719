"""The retrain's first step: the chapters executed side by side, each in a kernel of its own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlact.site import build, pretrain


def chapter(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.qmd"
    path.write_text(f"---\ntitle: {name}\n---\n\nSome prose.\n\n```{{python}}\n{body}\n```\n")
    return path


WRITES_ITS_PID = """import os, pathlib, time
time.sleep(1)
out = pathlib.Path(os.environ["PRETRAIN_OUT"])
(out / pathlib.Path.cwd().name).write_text(f"{os.getpid()} {os.environ['DLACT_FIT_CACHE']}")"""


def test_each_chapter_runs_in_its_own_kernel_from_its_folder_with_the_settings(tmp_path):
    paths = []
    for name in ("one", "two", "three"):
        (tmp_path / name).mkdir()
        paths.append(chapter(tmp_path / name, name, WRITES_ITS_PID))
    out = tmp_path / "out"
    out.mkdir()
    seconds = pretrain.execute_all(
        paths, env={"PRETRAIN_OUT": str(out), "DLACT_FIT_CACHE": "/the/cache"}, workers=2
    )
    assert list(seconds) == paths  # in the order given
    assert all(s >= 1 for s in seconds.values())  # each waited its second
    written = {p.name: p.read_text().split() for p in out.iterdir()}
    assert sorted(written) == ["one", "three", "two"]  # each ran in its own folder
    assert len({pid for pid, _ in written.values()}) == 3  # in its own kernel
    assert {cache for _, cache in written.values()} == {"/the/cache"}
    assert "PRETRAIN_OUT" not in os.environ  # this process's environment is untouched


def test_two_workers_run_two_chapters_at_once(tmp_path):
    """Two chapters that each wait until the other has started can only finish together."""
    body = """import os, pathlib, time
here = pathlib.Path(os.environ["PRETRAIN_OUT"]) / pathlib.Path.cwd().name
here.write_text("")
deadline = time.time() + 60
while len(list(here.parent.iterdir())) < 2 and time.time() < deadline:
    time.sleep(0.1)
assert len(list(here.parent.iterdir())) == 2, "the other chapter never started"
"""
    out = tmp_path / "out"
    out.mkdir()
    paths = []
    for name in ("left", "right"):
        (tmp_path / name).mkdir()
        paths.append(chapter(tmp_path / name, name, body))
    seconds = pretrain.execute_all(paths, env={"PRETRAIN_OUT": str(out)}, workers=2)
    assert len(seconds) == 2


def test_a_failing_cell_names_its_chapter_and_line_after_every_chapter_ran(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    bad = chapter(tmp_path, "bad", "raise ValueError('the loss is NaN')")
    (tmp_path / "good").mkdir()
    good = chapter(tmp_path / "good", "good", WRITES_ITS_PID)
    with pytest.raises(pretrain.ChapterFailed) as caught:
        pretrain.execute_all(
            [bad, good], env={"PRETRAIN_OUT": str(out), "DLACT_FIT_CACHE": "x"}, workers=1
        )
    message = str(caught.value)
    assert message.startswith("bad.qmd: the cell at bad.qmd:7 failed:")
    assert "the loss is NaN" in message
    assert (out / "good").is_file()  # the other chapter still ran to its end


def test_the_chapters_are_those_offered_as_notebooks():
    import yaml

    listed = yaml.safe_load((pretrain.ROOT / "_quarto-notebooks.yml").read_text())
    assert [p.relative_to(pretrain.ROOT).as_posix() for p in pretrain.CHAPTERS] == listed[
        "project"
    ]["render"]


def test_retrain_trains_first_with_the_render_settings_then_renders(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(build, "find_quarto", lambda: "quarto")
    monkeypatch.setattr(build, "FREEZE", tmp_path / "_freeze")
    monkeypatch.setattr(build, "SITE", tmp_path / "_site")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(
        pretrain, "execute_all", lambda env: calls.append(("pretrain", env)) or {Path("a.qmd"): 1.0}
    )
    monkeypatch.setattr(build, "site", lambda **kw: calls.append(("site", kw)))
    from dlact.site import checks

    monkeypatch.setattr(checks, "main", lambda argv: 0)
    build.retrain()
    (step, env), (render, settings) = calls
    assert (step, render) == ("pretrain", "site")
    assert env == build.kernel_settings(**settings)  # the render's settings, fit cache included
    assert env["DLACT_FIT_CACHE"] == str(tmp_path / "_cache" / "fits")
    assert env["DLACT_CLAIMS"] == "report"


def test_a_failed_training_step_puts_back_the_previous_site(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "find_quarto", lambda: "quarto")
    monkeypatch.setattr(build, "FREEZE", tmp_path / "_freeze")
    monkeypatch.setattr(build, "SITE", tmp_path / "_site")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    (tmp_path / "_freeze" / "chapters").mkdir(parents=True)
    (tmp_path / "_freeze" / "chapters" / "kept").write_text("frozen")
    (tmp_path / "_site").mkdir()
    (tmp_path / "_site" / "index.html").write_text("site")

    def fail(env):
        raise pretrain.ChapterFailed("binary.qmd: the cell at _binary.qmd:12 failed")

    monkeypatch.setattr(pretrain, "execute_all", fail)
    with pytest.raises(pretrain.ChapterFailed):
        build.retrain()
    assert (tmp_path / "_freeze" / "chapters" / "kept").read_text() == "frozen"
    assert (tmp_path / "_site" / "index.html").read_text() == "site"
    assert not [p.name for p in tmp_path.iterdir() if "before-retrain" in p.name]  # no copies left
