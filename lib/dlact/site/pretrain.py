"""Train the lecture's models before the render, the chapters side by side.

Runs from :mod:`dlact.site.build` (``make retrain``) and from the benchmark
(``tests/benchmark_fits.py``).

Quarto executes the documents one after another, and the first execution of
a chapter is the one that trains its models. The chapters are independent, so
``make retrain`` first executes them in Jupyter kernels of their own, as many
at once as the machine has cores, with the settings the render uses: the fit
cache, the results folder, the claims' mode and the fast fits. Every fit lands
in the fit cache. The render then executes each document as usual, and
:mod:`dlact.site.fitcache` serves each of its fits from the cache: the model's
weights, history and printed log are those of the fit trained here.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

#: The documents that train models, as the notebooks profile lists them.
CHAPTERS = tuple(
    ROOT / "chapters" / f"{name}.qmd"
    for name in ("binary", "multiclass", "dense", "optimisation", "loss")
)


class ChapterFailed(RuntimeError):
    """A chapter's cell raised while it was executed."""


def execute(path: Path, env: dict[str, str] | None = None) -> float:
    """Execute every cell of ``path`` (includes expanded) in a fresh ``python3`` kernel
    started from the chapter's folder; its wall seconds.

    ``env`` is added to the kernel's environment (the kernel reads the build's
    settings from it). Raises :class:`ChapterFailed`, naming the chapter and
    the cell's origin, if a cell raises.
    """
    import nbclient

    from dlact.site.qmd import to_notebook

    notebook = to_notebook(path)
    saved = dict(os.environ)
    os.environ.update(env or {})  # the kernel inherits this process's environment
    try:
        start = time.perf_counter()
        nbclient.NotebookClient(
            notebook,
            timeout=3600,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        return time.perf_counter() - start
    except nbclient.exceptions.CellExecutionError as exc:
        origin = next(
            (
                c.metadata.get("origin", "?")
                for c in notebook.cells
                if any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            "?",
        )
        raise ChapterFailed(f"{path.name}: the cell at {origin} failed:\n{exc}") from None
    finally:
        os.environ.clear()
        os.environ.update(saved)


def execute_all(
    chapters: list[Path] | tuple[Path, ...] = CHAPTERS,
    *,
    env: dict[str, str] | None = None,
    workers: int | None = None,
) -> dict[Path, float]:
    """Execute ``chapters``, ``workers`` at a time (default: one per core), each in its own
    process and kernel; each chapter's wall seconds.

    Every chapter runs to its end even if another fails; then the first failure
    is raised.
    """
    workers = max(1, min(workers or os.cpu_count() or 1, len(chapters)))
    # fresh processes (not forks of this one): each starts its kernel from a clean state
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {path: pool.submit(execute, path, env) for path in chapters}
    failed = [f.exception() for f in futures.values() if f.exception() is not None]
    if failed:
        raise failed[0]
    return {path: future.result() for path, future in futures.items()}
