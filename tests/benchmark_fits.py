"""Benchmark every Keras fit of the lecture, on each supported backend.

Runs the chapters' own cells (the same data, epochs, callbacks and class
weights) in a fresh Jupyter kernel per backend and chapter, and prints, for
each fit and in total: wall seconds, epochs run, seconds per epoch, peak
memory of the kernel, and each backend's ratio to the fastest.  With
``--build`` it also times the whole retrain build (``python -m dlact.site.build
retrain``, needs quarto).

    python tests/benchmark_fits.py [--backends jax,torch] [--build]

Not a test: it prints figures; the README quotes them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from dlact.backend import DEFAULT_BACKEND, SUPPORTED_BACKENDS  # noqa: E402
from dlact.site.claims import MODE_ENV_VAR, read_outcomes  # noqa: E402
from dlact.site.fitcache import LOG_ENV_VAR  # noqa: E402
from dlact.site.qmd import Cell, read_blocks, to_notebook  # noqa: E402
from dlact.site.results import RESULTS_ENV_VAR  # noqa: E402

CHAPTERS = ("chapters/binary.qmd", "chapters/multiclass.qmd", "chapters/optimisation.qmd")


def fit_cells(chapter: Path) -> list[str]:
    """Origin and first line of each evaluated cell that calls ``.fit(``."""
    return [
        f"{b.origin}  {b.source.splitlines()[0][:38]}"
        for b in read_blocks(chapter)
        if isinstance(b, Cell) and b.evaluated and ".fit(" in b.source
    ]


def run_chapter(chapter: Path, backend: str, log: Path, results: Path) -> float:
    import nbclient

    env_before = dict(os.environ)
    os.environ.update(
        {
            "KERAS_BACKEND": backend,
            LOG_ENV_VAR: str(log),
            RESULTS_ENV_VAR: str(results),
            MODE_ENV_VAR: "report",
        }
    )
    os.environ.pop("DLACT_FIT_CACHE", None)
    try:
        start = time.perf_counter()
        nbclient.NotebookClient(
            to_notebook(chapter),
            timeout=3600,
            kernel_name="python3",
            resources={"metadata": {"path": str(chapter.parent)}},
        ).execute()
        return time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(env_before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default=",".join(SUPPORTED_BACKENDS))
    parser.add_argument("--build", action="store_true", help="also time the retrain build")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    print(
        f"# Lecture fits, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    rows: dict[str, list[dict]] = {}
    chapter_seconds: dict[str, float] = {}
    out_of_bounds: dict[str, list[str]] = {}
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "fits.jsonl"
            total = 0.0
            labels = []
            for chapter in CHAPTERS:
                total += run_chapter(ROOT / chapter, backend, log, Path(tmp) / "results")
                labels += fit_cells(ROOT / chapter)
            fits = [json.loads(line) for line in log.read_text().splitlines()]
            out_of_bounds[backend] = [
                o["message"] for o in read_outcomes(Path(tmp) / "results").values() if not o["held"]
            ]
        if len(fits) != len(labels):
            raise SystemExit(f"{len(fits)} fits logged but {len(labels)} fit cells found")
        rows[backend] = [{**fit, "label": label} for fit, label in zip(fits, labels, strict=True)]
        chapter_seconds[backend] = total

    fastest = {
        i: min(rows[b][i]["seconds"] for b in backends) for i in range(len(rows[backends[0]]))
    }
    print()
    print("| fit | backend | epochs | wall s | s/epoch | peak MiB | × fastest |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for i in fastest:
        for backend in backends:
            r = rows[backend][i]
            print(
                f"| {r['label']} | {backend} | {r['epochs']} | {r['seconds']:.1f} | "
                f"{r['seconds'] / r['epochs']:.3f} | {r['peak_mib']:.0f} | "
                f"{r['seconds'] / fastest[i]:.1f} |"
            )
    print()
    totals = {b: sum(r["seconds"] for r in rows[b]) for b in backends}
    best = min(totals.values())
    for backend in backends:
        marker = " (default)" if backend == DEFAULT_BACKEND else ""
        print(
            f"all fits, {backend}{marker}: {totals[backend]:.1f} s "
            f"({totals[backend] / best:.1f} × fastest); chapters executed in "
            f"{chapter_seconds[backend]:.1f} s; results "
            + (
                "every bound and claim holds"
                if not out_of_bounds[backend]
                else "CONTRADICTED: " + "; ".join(out_of_bounds[backend])
            )
        )

    if args.build:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "dlact.site.build", "retrain"], cwd=ROOT, check=True)
        print(
            f"retrain build (re-execute, check, render book + deck + notebooks): "
            f"{time.perf_counter() - start:.0f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
