"""Shared fixtures: where the real stroke CSV is, and an isolated data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# Side by side (pytest-xdist, `make test`), each worker and the kernels it starts get
# their share of the cores for OpenMP (PyTorch's threads, and OpenBLAS's): two workers
# each spinning two OpenMP threads on two cores took the torch run of the iris part
# from 48 s (one thread, the other core busy) to 95 s.
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if _WORKERS > 1:
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // _WORKERS)))
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


#: Test modules that read the rendered site: they share one render (``built_site``).
SITE_MODULES = {"test_browser.py", "test_render.py", "test_site_checks.py"}
#: Test modules whose tests share an expensive module fixture: kept on one worker, so
#: that it is built once (the library appendix written from the docstrings, 5 s).
MODULE_FIXTURE_MODULES = {"test_library_appendix.py"}


def worker_group(nodeid: str) -> str:
    """The tests that must run in order on one worker under pytest-xdist (``make test``
    runs ``-n auto``): the tests on the rendered site, which share one render, and each
    chapter's tests in test_lecture.py (its cold run, then its checks and its warm run,
    which read what the cold run left), and the tests of a module in
    :data:`MODULE_FIXTURE_MODULES`. Any other test is a group of its own.

    >>> worker_group("tests/test_lecture.py::test_chapter_executes[chapters/binary.qmd]")
    'lecture chapters/binary.qmd'
    >>> worker_group("tests/test_browser.py::test_screenshots")
    'site'
    >>> worker_group("tests/test_gd.py::test_step")
    'tests/test_gd.py::test_step'
    >>> worker_group("tests/test_library_appendix.py::test_committed_page_is_up_to_date")
    'tests/test_library_appendix.py'
    """
    path, _, test = nodeid.partition("::")
    if Path(path).name in SITE_MODULES:
        return "site"
    if Path(path).name in MODULE_FIXTURE_MODULES:
        return path
    if Path(path).name == "test_lecture.py" and test.endswith("]"):
        return "lecture " + test[test.index("[") + 1 : -1]
    return nodeid


@pytest.hookimpl(optionalhook=True)  # defined by pytest-xdist, when it is loaded
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class Grouped(LoadScopeScheduling):
        """xdist's scheduling by scope, the scope being :func:`worker_group`."""

        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid)

    return Grouped(config, log)
