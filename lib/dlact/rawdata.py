"""The raw stroke CSV: where it is found, its checksum, its download.

The file is found, in this order:

1. the path in the environment variable ``DLACT_STROKE_DATA`` (the CSV itself,
   or a folder holding ``healthcare-dataset-stroke-data.csv`` or ``stroke.csv``);
2. a copy already in ``data/raw/stroke.csv``;
3. a download of the pinned URL into ``data/raw/`` (with pooch).

Its sha256 is checked every time it is read, and a file that differs is
refused with a :class:`DataError` saying how it differs and how to get a good
copy. :mod:`dlact.data` splits and preprocesses what :func:`load_stroke_raw`
returns; everything public here can also be imported from there.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd

ENV_VAR = "DLACT_STROKE_DATA"
DATA_DIR_ENV_VAR = "DLACT_DATA_DIR"

STROKE_URL = (
    "https://raw.githubusercontent.com/Pat-Laub/DeepLearningForActuaries/"
    "939a1ee1ae11073c4c43fb5164cfef0aa700e039/Lecture-2-Deep-Learning-Keras/stroke.csv"
)
STROKE_SHA256 = "644d473b05d2797006bd94865e4f8bb057f0c721617911613c82c8fcfc707420"
STROKE_SIZE = 316_971
STROKE_ROWS = 5_110
STROKE_FILENAMES = ("healthcare-dataset-stroke-data.csv", "stroke.csv")

RAW_COLUMNS = (
    "id",
    "gender",
    "age",
    "hypertension",
    "heart_disease",
    "ever_married",
    "work_type",
    "Residence_type",
    "avg_glucose_level",
    "bmi",
    "smoking_status",
    "stroke",
)


class DataError(RuntimeError):
    """The data could not be found, or is not the file the lecture expects.

    The message names the file, what was expected and how to get a good copy.

    Examples
    --------
    >>> try:
    ...     verify_stroke_csv("no-such-file.csv")
    ... except DataError as error:
    ...     print(str(error).splitlines()[0])
    Stroke data file no-such-file.csv does not exist.
    """


# --------------------------------------------------------------------------- paths


def data_dir() -> Path:
    """The project's ``data/`` folder (``DLACT_DATA_DIR`` overrides it).

    Examples
    --------
    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"DLACT_DATA_DIR": "/tmp/stroke-data"}):
    ...     print(data_dir())
    /tmp/stroke-data
    """
    override = os.environ.get(DATA_DIR_ENV_VAR)
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parents[2] / "data"


def _how_to_get() -> str:
    return (
        f"Get a good copy by either\n"
        f"  - setting {ENV_VAR} to the path of a verified copy of the CSV "
        f"(or of the folder holding it), or\n"
        f"  - downloading {STROKE_URL}\n"
        f"    into {data_dir() / 'raw' / 'stroke.csv'}\n"
        f"    (the build does this itself when it has internet access)."
    )


def sha256_of(path: Path) -> str:
    """Hex sha256 digest of a file, read in blocks (any size of file).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> file = Path(tempfile.mkdtemp()) / "abc.txt"
    >>> _ = file.write_bytes(b"abc")
    >>> sha256_of(file)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _diagnose(path: Path) -> str:
    """Say, as precisely as we can, how a file differs from the expected CSV."""
    size = path.stat().st_size
    problems = [f"it has {size:,} bytes, expected {STROKE_SIZE:,}"]
    try:
        frame = pd.read_csv(path)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a diagnosis
        problems.append(f"it does not parse as CSV ({exc.__class__.__name__}: {exc})")
        return "; ".join(problems)
    missing = [c for c in RAW_COLUMNS if c not in frame.columns]
    if missing:
        problems.append(f"it lacks the column(s) {', '.join(missing)}")
    if len(frame) != STROKE_ROWS:
        problems.append(f"it has {len(frame):,} rows, expected {STROKE_ROWS:,} (truncated?)")
    return "; ".join(problems)


def verify_stroke_csv(path: Path) -> Path:
    """Check that ``path`` is the lecture's stroke CSV, byte for byte.

    Compares the file's sha256 with :data:`STROKE_SHA256`.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to check.

    Returns
    -------
    pathlib.Path
        ``path``, when it is the expected file.

    Raises
    ------
    DataError
        If the file is missing or differs, naming the file, what was
        expected (and how the file differs: its size, columns, rows) and how
        to get a good copy.

    Examples
    --------
    >>> verify_stroke_csv("no-such-file.csv")
    Traceback (most recent call last):
    ...
    dlact.rawdata.DataError: Stroke data file no-such-file.csv does not exist.
    ...
    >>> verify_stroke_csv(stroke_csv_path()).stat().st_size  # doctest: +SKIP
    316971
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"Stroke data file {path} does not exist.\n{_how_to_get()}")
    actual = sha256_of(path)
    if actual != STROKE_SHA256:
        raise DataError(
            f"Stroke data file {path} is not the expected file: "
            f"sha256 {actual}, expected {STROKE_SHA256} ({_diagnose(path)}).\n"
            f"{_how_to_get()}"
        )
    return path


def _from_env() -> Path | None:
    value = os.environ.get(ENV_VAR)
    if not value:
        return None
    candidate = Path(value).expanduser()
    if candidate.is_dir():
        for name in STROKE_FILENAMES:
            if (candidate / name).is_file():
                return candidate / name
        raise DataError(
            f"{ENV_VAR}={value} is a folder, but it holds none of "
            f"{', '.join(STROKE_FILENAMES)}.\n{_how_to_get()}"
        )
    return candidate


def stroke_csv_path(*, download: bool = True) -> Path:
    """Find (or download) the raw stroke CSV and verify it; return its path.

    Looks in the places listed in :mod:`dlact.rawdata`, in that order.

    Parameters
    ----------
    download : bool, default True
        Whether to download the pinned copy into ``data/raw/`` when no copy
        is found; if False, raise instead.

    Returns
    -------
    pathlib.Path
        The verified CSV.

    Raises
    ------
    DataError
        If no good copy is found (or downloaded), saying where it looked.

    Examples
    --------
    >>> sha256_of(stroke_csv_path()) == STROKE_SHA256  # doctest: +SKIP
    True
    """
    from_env = _from_env()
    if from_env is not None:
        return verify_stroke_csv(from_env)

    local = data_dir() / "raw" / "stroke.csv"
    if local.exists():
        return verify_stroke_csv(local)

    if not download:
        raise DataError(f"No stroke data at {local} and downloading is off.\n{_how_to_get()}")
    return _download(local)


def _download(target: Path) -> Path:
    import pooch  # only needed here

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # pooch downloads to a temporary file, checks the hash, then moves it
        # into place: a failed or altered download leaves nothing behind.
        fetched = pooch.retrieve(
            STROKE_URL,
            known_hash=f"sha256:{STROKE_SHA256}",
            fname=target.name,
            path=target.parent,
            progressbar=False,
        )
    except ValueError as exc:  # hash mismatch
        raise DataError(
            f"The download of {STROKE_URL} did not match the expected sha256 "
            f"{STROKE_SHA256}: {exc}\n{_how_to_get()}"
        ) from exc
    except Exception as exc:  # noqa: BLE001 - network errors come in many types
        raise DataError(
            f"No stroke data found and the download failed "
            f"({exc.__class__.__name__}: {exc}).\n"
            f"Looked for: ${ENV_VAR} (not set), {target} (absent), then {STROKE_URL}.\n"
            f"{_how_to_get()}"
        ) from exc
    return verify_stroke_csv(Path(fetched))


# --------------------------------------------------------------------------- raw


def load_stroke_raw(path: Path | None = None) -> pd.DataFrame:
    """The raw stroke data (5,110 rows, 12 columns), verified by checksum.

    Parameters
    ----------
    path : pathlib.Path, optional
        The CSV to read; found with :func:`stroke_csv_path` if None.

    Returns
    -------
    pandas.DataFrame
        The file as it is, columns :data:`RAW_COLUMNS`.

    Examples
    --------
    >>> raw = load_stroke_raw()  # doctest: +SKIP
    >>> raw.shape, int(raw["stroke"].sum())  # doctest: +SKIP
    ((5110, 12), 249)
    """
    path = verify_stroke_csv(path) if path is not None else stroke_csv_path()
    frame = pd.read_csv(path)
    missing = [c for c in RAW_COLUMNS if c not in frame.columns]
    if missing:  # only reachable if the pinned checksum itself were changed
        raise DataError(f"{path} lacks the column(s) {', '.join(missing)}.")
    return frame
