"""Benchmark every Keras fit of the lecture, on each supported backend.

Runs every code cell of the five chapters (the same data, epochs, callbacks
and class weights) in a fresh Jupyter kernel per backend and chapter, the
chapters ``--workers`` at a time (as many as the machine has cores), and
prints, for each fit and in total: wall seconds, epochs run, seconds per
epoch, peak memory of the kernel, and each backend's ratio to the fastest.
Then it times the yardstick, one 500-epoch fit of the stroke network on
PyTorch, and prints the chapters' wall time as a ratio of it. With
``--build`` it also times the whole retrain build (``python -m
dlact.site.build retrain``, needs quarto).

    python tests/benchmark_fits.py [--backends jax,torch] [--workers 2] [--build]

Not a test: it prints figures; the README quotes them.
"""

from __future__ import annotations

import argparse
import concurrent.futures
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
from dlact.site import kernel  # noqa: E402
from dlact.site.build import jax_cache_settings  # noqa: E402
from dlact.site.claims import MODE_ENV_VAR, read_outcomes  # noqa: E402
from dlact.site.fastfit import ENV_VAR as FAST_ENV_VAR  # noqa: E402
from dlact.site.fitcache import LOG_ENV_VAR  # noqa: E402
from dlact.site.qmd import Cell, read_blocks  # noqa: E402
from dlact.site.results import RESULTS_ENV_VAR  # noqa: E402

CHAPTERS = (
    "chapters/binary.qmd",
    "chapters/multiclass.qmd",
    "chapters/dense.qmd",
    "chapters/optimisation.qmd",
    "chapters/loss.qmd",
)

#: The yardstick: one 500-epoch fit of the lecture's stroke network on PyTorch,
#: in a fresh process (the model, data and settings of "Run a long fit").
REFERENCE_FIT = """
import os, sys, time
os.environ["KERAS_BACKEND"] = "torch"
sys.path.insert(0, sys.argv[1])
import keras
from keras import Input, Sequential
from keras.layers import Dense
from dlact.data import load_stroke_splits
X_train, X_val, X_test, y_train, y_val, y_test = load_stroke_splits()
X_train, X_val, y_train, y_val = (a.to_numpy() for a in (X_train, X_val, y_train, y_val))
keras.utils.set_random_seed(42)
model = Sequential([Input(X_train.shape[1:]), Dense(32, activation="leaky_relu"),
                    Dense(16, activation="leaky_relu"), Dense(1, activation="sigmoid")])
model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
model.fit(X_train, y_train, epochs=500, validation_data=(X_val, y_val), verbose=0)
print(time.perf_counter() - start)
"""


def reference_seconds() -> float:
    """Wall seconds of the yardstick fit (imports and data loading not counted)."""
    out = subprocess.run(
        [sys.executable, "-c", REFERENCE_FIT, str(ROOT / "lib")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(out.stdout.strip().splitlines()[-1])


def fit_cells(chapter: Path) -> list[str]:
    """Origin and first line of each evaluated cell that calls ``.fit(``."""
    return [
        f"{b.origin}  {b.source.splitlines()[0][:38]}"
        for b in read_blocks(chapter)
        if isinstance(b, Cell) and b.evaluated and ".fit(" in b.source
    ]


def run_chapter(chapter: Path, backend: str, log: Path, results: Path) -> float:
    """Wall seconds of every cell of ``chapter`` in a fresh kernel, every fit trained."""
    os.environ.pop("DLACT_FIT_CACHE", None)  # this pool process's: no fit comes from a cache
    return kernel.execute(
        chapter,
        {
            "KERAS_BACKEND": backend,
            LOG_ENV_VAR: str(log),
            RESULTS_ENV_VAR: str(results),
            MODE_ENV_VAR: "report",
            # the build's speed-up (dlact.site.fastfit) unless the caller turned it off
            FAST_ENV_VAR: os.environ.get(FAST_ENV_VAR, "1"),
            # and its compilation cache, empty: the figures are those of a first build
            **jax_cache_settings(results.with_name(results.name + "-jax")),
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default=",".join(SUPPORTED_BACKENDS))
    parser.add_argument("--build", action="store_true", help="also time the retrain build")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="chapters run at once"
    )
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the 500-epoch torch yardstick fit"
    )
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]

    print(
        f"# Lecture fits, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    rows: dict[str, list[dict]] = {}
    chapter_seconds: dict[str, float] = {}
    out_of_bounds: dict[str, list[str]] = {}
    wall: dict[str, float] = {}
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp:
            jobs = [
                (ROOT / c, backend, Path(tmp) / f"fits-{i}.jsonl", Path(tmp) / f"results-{i}")
                for i, c in enumerate(CHAPTERS)
            ]
            start = time.perf_counter()
            # the chapters are independent: each runs in its own kernel, `workers` at a time
            with concurrent.futures.ProcessPoolExecutor(args.workers) as pool:
                seconds = list(pool.map(run_chapter, *zip(*jobs, strict=True)))
            wall[backend] = time.perf_counter() - start
            fits, labels, outcomes = [], [], {}
            for (chapter, _, log, results), _s in zip(jobs, seconds, strict=True):
                logged = (
                    [json.loads(line) for line in log.read_text().splitlines()]
                    if log.is_file()
                    else []
                )
                cells = fit_cells(chapter)
                if len(cells) != len(logged):  # a cell that fits in a loop: number the fits
                    cells = [
                        f"{chapter.stem}, fit {i + 1} of {len(logged)}" for i in range(len(logged))
                    ]
                fits += logged
                labels += cells
                outcomes.update(read_outcomes(results))
            out_of_bounds[backend] = [o["message"] for o in outcomes.values() if not o["held"]]
        rows[backend] = [{**fit, "label": label} for fit, label in zip(fits, labels, strict=True)]
        chapter_seconds[backend] = sum(seconds)

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
            f"({totals[backend] / best:.1f} × fastest); the {len(CHAPTERS)} chapters executed in "
            f"{chapter_seconds[backend]:.1f} s one after another, {wall[backend]:.1f} s wall with "
            f"{args.workers} workers; results "
            + (
                "every bound and claim holds"
                if not out_of_bounds[backend]
                else "CONTRADICTED: " + "; ".join(out_of_bounds[backend])
            )
        )

    if not args.no_reference:
        reference = reference_seconds()
        print(
            f"\nyardstick: one 500-epoch stroke fit on torch (validation, accuracy): {reference:.1f} s"
        )
        for backend in backends:
            print(
                f"every code cell of the {len(CHAPTERS)} chapters on {backend}: "
                f"{wall[backend]:.1f} s wall = {wall[backend] / reference:.3f} × the yardstick "
                f"(one after another: {chapter_seconds[backend] / reference:.3f} ×)"
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
