"""The build's own steps that need no Quarto: the site's address, the course library's wheel."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from dlact import __version__
from dlact.site import build

ROOT = Path(__file__).resolve().parents[1]


def test_the_set_up_cell_installs_the_wheel_the_build_makes():
    assert build.wheel_name() == f"dlact-{__version__}-py3-none-any.whl"
    cell = (ROOT / "chapters" / "_setup.qmd").read_text()
    assert 'site = ".."' in cell
    assert f'f"{{site}}/{build.wheel_name()}"' in cell
    assert "--constraint {site}/constraints.txt" in cell
    project = (ROOT / "pyproject.toml").read_text()
    assert f'version = "{__version__}"' in project


def test_site_url_comes_from_the_setting_then_the_book(monkeypatch, tmp_path):
    monkeypatch.setenv("DLACT_SITE_URL", "https://example.org/course/")
    assert build.site_url() == "https://example.org/course"
    monkeypatch.delenv("DLACT_SITE_URL")
    (tmp_path / "_quarto-book.yml").write_text("book:\n  site-url: https://b.example/x\n")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    assert build.site_url() == "https://b.example/x"
    (tmp_path / "_quarto-book.yml").write_text("book:\n  title: T\n")
    assert build.site_url() is None


def test_the_wheel_holds_the_whole_library(tmp_path):
    wheel = build.build_wheel(tmp_path)
    assert wheel.name == build.wheel_name()
    names = zipfile.ZipFile(wheel).namelist()
    for module in (
        "dlact/data.py",
        "dlact/notebook.py",
        "dlact/figures/training.py",
        "dlact/site/fitcache.py",
    ):
        assert module in names
    metadata = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Dist: keras" in text and "Requires-Dist: pooch" in text


def test_the_constraints_pin_what_the_lock_pins(tmp_path, monkeypatch):
    path = build.write_constraints(tmp_path)
    assert path == tmp_path / "constraints.txt"
    pins = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    lock = (ROOT / "requirements.lock").read_text().split()
    assert pins == lock
    assert any(pin.startswith("keras==") for pin in pins)
    assert any(pin.startswith("jax==") for pin in pins)
    # a lock with a loose line is refused, not published
    (tmp_path / "requirements.lock").write_text("keras==3.15.1\nnumpy>=2\n")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    with pytest.raises(ValueError, match="pin every package"):
        build.write_constraints(tmp_path / "out")


def test_quarto_lists_few_files_in_this_project():
    """Quarto walks the project folder on every start: a venv or node_modules inside it
    costs seconds per render (the Makefile keeps them outside, behind links)."""
    counts = build.files_quarto_lists()
    assert sum(counts.values()) <= build.MANY_FILES, build.warn_if_many_files()
    for link in (".venv", "tests/checkers/node_modules"):
        path = ROOT / link
        assert not path.exists() or path.is_symlink(), f"{link} is a folder inside the project"


def test_files_quarto_lists_counts_folders_but_not_links_nor_the_site(tmp_path):
    outside = tmp_path / "outside"
    (outside / "lib").mkdir(parents=True)
    for i in range(5):
        (outside / "lib" / f"m{i}.py").write_text("")
    root = tmp_path / "project"
    (root / "chapters" / "figs").mkdir(parents=True)
    (root / "chapters" / "a.qmd").write_text("")
    (root / "chapters" / "figs" / "f.png").write_text("")
    (root / "_site" / "x").mkdir(parents=True)
    (root / ".git" / "objects").mkdir(parents=True)
    (root / "index.qmd").write_text("")
    (root / ".venv").symlink_to(outside)
    assert build.files_quarto_lists(root) == {"chapters": 4, ".venv": 1, "index.qmd": 1}
    assert build.warn_if_many_files(root) is None


def test_many_files_are_named_with_what_to_do(tmp_path, monkeypatch):
    root = tmp_path / "project"
    (root / ".venv" / "lib").mkdir(parents=True)
    for i in range(12):
        (root / ".venv" / "lib" / f"m{i}.py").write_text("")
    (root / "data").mkdir()
    (root / "index.qmd").write_text("")
    monkeypatch.setattr(build, "MANY_FILES", 10)
    warning = build.warn_if_many_files(root)
    assert warning.startswith("Quarto lists 16 files and folders under the project")
    assert "most are in .venv (14), data (1), index.qmd (1)" in warning
    assert "`rm -rf .venv && make setup`" in warning
