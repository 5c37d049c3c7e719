"""Execute every chapter of the lecture in a real Jupyter kernel and check its results.

This is the lecture's build without Quarto: each book chapter, with its
includes expanded, runs cell by cell (inline expressions too, each checked to
print as formatted text) in a fresh ``python3`` kernel from the chapter's
folder, as ``quarto render`` would run it.  Any error fails the test with
the cell's file and line.  Every bound and claim of the chapter's parts is
then held to the results, and each chapter is run a second time with the fit
cache warm, which must change no output at all.

``make test`` runs the test files side by side (pytest-xdist, one worker per
core); each chapter's tests run in order on one worker (``worker_group`` in
``conftest.py``), and each chapter records its results in a folder of its own.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path

import nbclient
import nbformat
import pytest
import yaml

from dlact.site import checks
from dlact.site.build import jax_cache_settings
from dlact.site.claims import MODE_ENV_VAR, all_claims, read_outcomes
from dlact.site.fastfit import ENV_VAR as FAST_ENV_VAR
from dlact.site.fitcache import LOG_ENV_VAR
from dlact.site.qmd import Cell, read_blocks, to_notebook
from dlact.site.results import RESULTS_ENV_VAR, read_results

ROOT = Path(__file__).resolve().parents[1]


def book_files() -> list[str]:
    book = yaml.safe_load((ROOT / "_quarto-book.yml").read_text())["book"]
    return [f for f in book["chapters"] + book.get("appendices", []) if f.endswith(".qmd")]


def parts(name: str) -> set[str]:
    """The files a chapter is made of (itself and its includes), relative to the project."""
    path = ROOT / name
    return {name} | {
        (path.parent / b.origin.rsplit(":", 1)[0]).relative_to(ROOT).as_posix()
        for b in read_blocks(path)
    }


@pytest.fixture(scope="session")
def lecture_env(tmp_path_factory, stroke_csv, fit_cache):
    """The build's settings for the kernels: data, fit cache, claims reported; yields the
    folder under which each chapter records its results (a folder of its own)."""
    folder = tmp_path_factory.mktemp("results")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DLACT_STROKE_DATA", str(stroke_csv))
        mp.setenv("DLACT_FIT_CACHE", str(fit_cache))  # empty at first: every model trains
        mp.setenv(MODE_ENV_VAR, "report")  # list every contradicted claim, then fail below
        mp.delenv(FAST_ENV_VAR, raising=False)  # one step per call: the frozen results compare
        # the build's compilation cache (the same numbers), filled by the first runs
        for name, value in jax_cache_settings(tmp_path_factory.mktemp("jax")).items():
            mp.setenv(name, value)
        yield folder


def results_of(name: str, lecture_env: Path) -> Path:
    return lecture_env / Path(name).stem


def fit_log_of(name: str, lecture_env: Path) -> Path:
    """The log of the fits a chapter's cold run trained (one JSON line per fit)."""
    return lecture_env / f"{Path(name).stem}.fits.jsonl"


@pytest.fixture(scope="session")
def cold_runs() -> dict[str, nbformat.NotebookNode]:
    """Each chapter's notebook as its first execution (cache cold) left it."""
    return {}


def execute(path: Path, notebook=None, results: Path | None = None):
    """Run ``path``'s notebook in a fresh kernel, recording its results in ``results``."""
    notebook = notebook if notebook is not None else to_notebook(path)
    if results is not None:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(RESULTS_ENV_VAR, str(results))  # read by the kernel when it starts
            return execute(path, notebook)
    client = nbclient.NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        origin = next(
            (
                c.metadata.get("origin")
                for c in notebook.cells
                if any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            "?",
        )
        pytest.fail(f"{path.relative_to(ROOT)}: the cell at {origin} failed:\n{exc}", pytrace=False)
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("name", book_files())
def test_chapter_executes(name, lecture_env, cold_runs, monkeypatch):
    monkeypatch.setenv(LOG_ENV_VAR, str(fit_log_of(name, lecture_env)))
    notebook = execute(ROOT / name, results=results_of(name, lecture_env))
    assert all(
        o.get("output_type") != "error" for c in notebook.cells for o in c.get("outputs", [])
    )
    cold_runs[name] = notebook


#: What may differ between two runs of the same cell: how long it took.
DURATION = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|us|µs|s)(?:/step)?\b")
#: The versions page's description of the machine the results were computed on
#: (watermark's ``machine=True``): another machine, or the same one after a kernel
#: update, prints its own, which says nothing about whether the results are stale.
MACHINE = re.compile(r"^(?:Compiler|OS|Release|Machine|Processor|CPU cores|Architecture)\s*:")
#: Markdown's escapes of punctuation (``5\.1%``), undone to compare with printed text.
ESCAPED = re.compile(r"\\([^\w\s])")


def printed(notebook, hidden: set[str]) -> list[tuple[str, str]]:
    """What each shown cell printed or returned as text, and each inline value, durations
    masked; ``hidden``: the origins of cells whose outputs the page does not show."""
    found = []
    for cell in notebook.cells:
        origin = cell.metadata.get("origin", "?")
        inline = "_dlact_check_inline" in cell.source
        if origin in hidden:
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                text = output["text"]
            elif "text/plain" in output.get("data", {}) and not (
                {"text/html", "text/markdown", "image/png"} & set(output["data"])
            ):
                text = output["data"]["text/plain"]
                if text.startswith("<") and text.endswith(">"):
                    continue  # an object's repr (a figure's), which Quarto does not show
                if inline:
                    text = ast.literal_eval(text) if text[:1] in "'\"" else text
            else:
                continue
            for line in DURATION.sub("<time>", text).splitlines():
                if line.strip() and not MACHINE.match(line):
                    found.append((origin, line.rstrip()))
    return found


def test_what_is_compared_leaves_out_the_machine_but_not_the_versions():
    cell = nbformat.v4.new_code_cell("print(watermark(...))", metadata={"origin": "v.qmd:13"})
    text = "keras       : 3.15.1\nRelease     : 6.18.44-fc-v657\nCPU cores   : 2\n\nfit: 12.5 s\n"
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert printed(notebook, set()) == [
        ("v.qmd:13", "keras       : 3.15.1"),
        ("v.qmd:13", "fit: <time>"),
    ]
    assert printed(notebook, {"v.qmd:13"}) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", book_files())
def test_printed_outputs_match_the_frozen_results(name, cold_runs):
    """The build executes the lecture with several training steps per call on JAX
    (dlact.site.fastfit); this session ran it with one. Every line a cell printed here,
    and every inline value, must be in the frozen results the build wrote."""
    if name not in cold_runs:
        pytest.skip(f"{name} did not execute in this session")
    frozen = ROOT / "_freeze" / Path(name).with_suffix("") / "execute-results" / "html.json"
    if not frozen.is_file():
        pytest.skip(f"{name} has no frozen results")
    markdown = json.loads(frozen.read_text())["result"]["markdown"]
    markdown = DURATION.sub("<time>", markdown + "\n" + ESCAPED.sub(r"\1", markdown))
    hidden = {
        b.origin
        for b in read_blocks(ROOT / name)
        if isinstance(b, Cell) and False in (b.options.get("include"), b.options.get("output"))
    }
    missing = [
        f"{origin}: {line}"
        for origin, line in printed(cold_runs[name], hidden)
        if line not in markdown
    ]
    assert not missing, (
        f"printed here but not in {frozen.relative_to(ROOT)} (stale? `make retrain`):\n"
        + "\n".join(missing[:40])
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", book_files())
def test_every_claim_and_bound_holds(name, lecture_env, cold_runs):
    """Every bound and claim of the chapter's parts, against the results of its run alone."""
    # runs after the chapter above (pytest keeps file order; the chapter's group, its worker)
    if name not in cold_runs:
        pytest.skip(f"{name} did not execute in this session")
    folder = results_of(name, lecture_env)
    claims = [c for c in all_claims() if c.source in parts(name)]
    failures = checks.problems(folder, claims)
    assert not failures, "\n" + checks.grouped(claims, read_outcomes(folder))
    if claims:
        assert read_results(folder)  # something was recorded


def test_every_claim_belongs_to_a_chapter_of_the_book():
    """The claims are checked chapter by chapter: none may sit in a part no chapter includes."""
    included = set().union(*(parts(name) for name in book_files()))
    orphans = sorted({c.source for c in all_claims()} - included)
    assert not orphans, f"claims in parts that no chapter of the book includes: {orphans}"


#: Object addresses differ from one kernel to the next; nothing else may.
ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def outputs(notebook) -> list[tuple[str, str]]:
    """Every cell's origin and its outputs as text (images as their bytes), with the
    text a cell printed joined into one piece per stream (a fit that trains prints its
    log in many chunks, a restored one in one)."""
    shown = []
    for cell in notebook.cells:
        streams: dict[str, str] = {}
        rest = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                streams[output["name"]] = streams.get(output["name"], "") + output["text"]
            else:
                output = copy.deepcopy(output)
                output.pop("execution_count", None)
                rest.append(repr(output))
        parts = [f"{name}: {text}" for name, text in sorted(streams.items())] + rest
        shown += [(cell.metadata.get("origin", "?"), ADDRESS.sub(" at 0x…", p)) for p in parts]
    return shown


@pytest.mark.slow
@pytest.mark.parametrize("name", book_files())
def test_fit_cache_changes_no_output(name, lecture_env, cold_runs):
    """Run again with every fit served from the cache: every cell's output is identical
    (the log each fit printed, its wall time, the optimiser's state, the figures)."""
    if name not in cold_runs:
        pytest.skip(f"{name} did not execute cold in this session")
    if not fit_log_of(name, lecture_env).is_file():
        pytest.skip(f"{name} trains no model: the cache has nothing to serve")
    warm = execute(ROOT / name, results=results_of(name, lecture_env))
    cold, hot = outputs(cold_runs[name]), outputs(warm)
    assert len(cold) == len(hot)
    differing = [
        f"{a[0]}:\n  cold: {a[1][:300]}\n  warm: {b[1][:300]}"
        for a, b in zip(cold, hot, strict=True)
        if a != b
    ]
    assert not differing, "\n".join(differing)


@pytest.mark.slow
# parametrised by its chapter so that it runs after the chapter's own tests, on their
# worker, its fits served from their cache (worker_group in conftest.py)
@pytest.mark.parametrize("name", ["chapters/multiclass.qmd"])
def test_a_perturbed_result_fails_the_build_naming_the_sentence(
    name, lecture_env, tmp_path, monkeypatch
):
    """Alter one trained result just before it is recorded: the chapter stops, quoting
    the sentence the new value contradicts (the default, raising, mode)."""
    monkeypatch.setenv(MODE_ENV_VAR, "raise")
    monkeypatch.setenv(RESULTS_ENV_VAR, str(tmp_path))
    path = ROOT / name
    notebook = to_notebook(path)
    index = next(
        i for i, c in enumerate(notebook.cells) if 'record("iris_es_best_epoch"' in c.source
    )
    perturb = nbformat.v4.new_code_cell("es.best_epoch = 299  # as if it had improved late")
    notebook.cells.insert(index, perturb)
    client = nbclient.NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    with pytest.raises(nbclient.exceptions.CellExecutionError) as caught:
        client.execute()
    message = str(caught.value)
    assert "ClaimError" in message
    assert (
        'chapters/_multiclass.qmd, section "Add early stopping": "soon stops improving"' in message
    )
    assert "iris_es_best_epoch = 300" in message


@pytest.mark.slow
def test_multiclass_part_on_the_other_backend(tmp_path, stroke_csv, monkeypatch):
    """The non-default backend runs the (fast) iris part; its bounds and claims hold."""
    from dlact.backend import DEFAULT_BACKEND, SUPPORTED_BACKENDS

    other = next(b for b in SUPPORTED_BACKENDS if b != DEFAULT_BACKEND)
    monkeypatch.setenv("KERAS_BACKEND", other)  # read by the kernel, not by this process
    monkeypatch.setenv(RESULTS_ENV_VAR, str(tmp_path))
    monkeypatch.setenv(MODE_ENV_VAR, "report")
    monkeypatch.delenv("DLACT_FIT_CACHE", raising=False)
    execute(ROOT / "chapters" / "multiclass.qmd")
    results = read_results(tmp_path)
    assert {r["backend"] for r in results.values()} == {other}
    iris = [c for c in all_claims() if c.source == "chapters/_multiclass.qmd"]
    outcomes = read_outcomes(tmp_path)
    assert {c.ident for c in iris} <= set(outcomes)
    failed = [outcomes[c.ident]["message"] for c in iris if not outcomes[c.ident]["held"]]
    assert not failed, "\n".join(failed)
