"""Execute one chapter in a fresh Jupyter kernel, as the benchmark times it.

Runs from the benchmark (``tests/benchmark_fits.py``, ``make bench``), which
times every code cell of each chapter, the chapters side by side in processes
of their own.

The chapter is read as Quarto reads it (:func:`dlact.site.qmd.to_notebook`:
includes expanded, only the cells that run) and executed with nbclient from
the chapter's folder, with the settings the caller gives added to the
kernel's environment; a failing cell is named by its file and line.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


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
