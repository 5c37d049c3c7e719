"""Shared fixtures: where the real stroke CSV is, and an isolated data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# Keras fixes its backend when first imported: choose it (and validate it) first.
from dlact.backend import choose_backend  # noqa: E402

choose_backend()

ROOT = Path(__file__).resolve().parents[1]


def find_stroke_csv() -> Path | None:
    """The real stroke CSV, if this machine has one (env setting, data/raw, ../shared/data)."""
    from dlact.data import ENV_VAR, STROKE_FILENAMES

    candidates = []
    if os.environ.get(ENV_VAR):
        value = Path(os.environ[ENV_VAR])
        candidates += [value] + [value / n for n in STROKE_FILENAMES]
    candidates.append(ROOT / "data" / "raw" / "stroke.csv")
    candidates += [ROOT.parent / "shared" / "data" / n for n in STROKE_FILENAMES]
    return next((c for c in candidates if c.is_file()), None)


@pytest.fixture(scope="session")
def keras():
    """Keras, on the backend chosen above (the lib tests compare with keras.ops)."""
    return pytest.importorskip("keras")


@pytest.fixture(scope="session")
def torch():
    """PyTorch, for autograd checks of the lib's gradients."""
    return pytest.importorskip("torch")


@pytest.fixture(scope="session")
def stroke_csv() -> Path:
    path = find_stroke_csv()
    if path is None:
        pytest.skip(
            "no copy of the stroke CSV on this machine: set DLACT_STROKE_DATA "
            "to it (see data/README.md) to run the data tests"
        )
    return path


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    """An empty data/ folder and no data setting, so tests cannot see real copies."""
    from dlact.data import DATA_DIR_ENV_VAR, ENV_VAR

    home = tmp_path / "data"
    home.mkdir()
    monkeypatch.setenv(DATA_DIR_ENV_VAR, str(home))
    monkeypatch.delenv(ENV_VAR, raising=False)
    return home


@pytest.fixture(scope="session")
def fit_cache(tmp_path_factory) -> Path:
    """A fit cache that starts empty in each test session: the first execution of a
    chapter trains every model (the retrain check), later ones (the downloaded
    notebooks) reuse those fits."""
    return tmp_path_factory.mktemp("fits")


@pytest.fixture(scope="session")
def built_site(stroke_csv) -> str:
    """Render the site once per test session (``python -m dlact.site.build site``); its log.

    Skips, saying why, where no ``quarto`` is on the PATH.
    """
    import shutil
    import subprocess
    import sys

    if shutil.which("quarto") is None:
        pytest.skip(
            "quarto is not installed (not on PATH): render and browser tests need "
            "it; see https://quarto.org/docs/get-started/"
        )
    result = subprocess.run(
        [sys.executable, "-m", "dlact.site.build", "site"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DLACT_STROKE_DATA": str(stroke_csv)},
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    return log
