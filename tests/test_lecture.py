"""Execute every chapter of the lecture in a real Jupyter kernel and check its results.

This is the lecture's build without Quarto: each book chapter, with its
includes expanded, runs cell by cell (inline expressions too) in a fresh
``python3`` kernel from the chapter's folder, as ``quarto render`` would run
it.  Any error fails the test with the cell's file and line.  The results the
chapters record are then held to the bounds in ``tests/result_bounds.yml``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbclient
import pytest
import yaml

from dlact.checks import check, load_bounds
from dlact.qmd import to_notebook
from dlact.results import RESULTS_ENV_VAR, read_results

ROOT = Path(__file__).resolve().parents[1]


def book_files() -> list[str]:
    book = yaml.safe_load((ROOT / "_quarto-book.yml").read_text())["book"]
    return [f for f in book["chapters"] + book.get("appendices", []) if f.endswith(".qmd")]


@pytest.fixture(scope="session")
def results_folder(tmp_path_factory, stroke_csv, fit_cache):
    folder = tmp_path_factory.mktemp("results")
    keys = (RESULTS_ENV_VAR, "DLACT_STROKE_DATA", "DLACT_FIT_CACHE")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ[RESULTS_ENV_VAR] = str(folder)
    os.environ["DLACT_STROKE_DATA"] = str(stroke_csv)
    os.environ["DLACT_FIT_CACHE"] = str(fit_cache)  # empty at first: every model trains
    yield folder
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def execute(path: Path):
    notebook = to_notebook(path)
    client = nbclient.NotebookClient(
        notebook, timeout=900, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        origin = next(
            (c.metadata.get("origin") for c in notebook.cells
             if any(o.get("output_type") == "error" for o in c.get("outputs", []))),
            "?",
        )
        pytest.fail(f"{path.relative_to(ROOT)}: the cell at {origin} failed:\n{exc}", pytrace=False)
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("name", book_files())
def test_chapter_executes(name, results_folder):
    notebook = execute(ROOT / name)
    assert all(
        o.get("output_type") != "error" for c in notebook.cells for o in c.get("outputs", [])
    )


@pytest.mark.slow
def test_recorded_results_within_bounds(results_folder):
    # runs after the chapters above (pytest keeps file order)
    failures = check(read_results(results_folder), load_bounds())
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_multiclass_part_on_the_other_backend(tmp_path, stroke_csv, monkeypatch):
    """The non-default backend runs the (fast) iris part and lands inside the bounds."""
    from dlact.backend import DEFAULT_BACKEND, SUPPORTED_BACKENDS

    other = next(b for b in SUPPORTED_BACKENDS if b != DEFAULT_BACKEND)
    monkeypatch.setenv("KERAS_BACKEND", other)  # read by the kernel, not by this process
    monkeypatch.setenv(RESULTS_ENV_VAR, str(tmp_path))
    execute(ROOT / "chapters" / "multiclass.qmd")
    results = read_results(tmp_path)
    assert {r["backend"] for r in results.values()} == {other}
    iris_bounds = [b for b in load_bounds() if b.name.startswith("iris_")]
    assert not check(results, iris_bounds)
