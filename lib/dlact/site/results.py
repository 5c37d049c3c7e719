"""Key results the lecture computes, recorded so a build can check them.

Runs inside the Jupyter kernel, in the chapters' hidden cells.

A chapter records a number with ``record("stroke_test_roc_auc", auc)``; the
value is written to ``_results/<name>.json`` (with the backend that produced
it) and returned unchanged, so the call can sit inside an expression.
Recording a value also checks, at once, every bound and claim about it that
the lecture's claims files hold (:mod:`dlact.site.claims`); ``dlact.site.checks``
reports the outcome of a whole build.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

RESULTS_ENV_VAR = "DLACT_RESULTS_DIR"


def results_dir() -> Path:
    """Where results are written (``$DLACT_RESULTS_DIR``, else ``_results/`` at the project root)."""
    override = os.environ.get(RESULTS_ENV_VAR)
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parents[3] / "_results"


def record(name: str, value):
    """Write ``value`` (a number) under ``name`` and return it."""
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"Result names are letters, digits and underscores; got {name!r}.")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"Result {name!r} is not a finite number: {value!r}.")
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    payload = {"name": name, "value": number, "backend": os.environ.get("KERAS_BACKEND", "")}
    handle, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "w") as stream:
        json.dump(payload, stream)
    os.replace(tmp, folder / f"{name}.json")
    from dlact.site.claims import LEDGER, OUTCOMES

    LEDGER.add(name, number, folder / OUTCOMES)
    return value


def read_results(folder: Path | None = None) -> dict[str, dict]:
    """Every recorded result in ``folder``, by name."""
    folder = Path(folder) if folder is not None else results_dir()
    if not folder.is_dir():
        return {}
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}
