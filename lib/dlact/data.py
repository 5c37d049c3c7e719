"""The lecture's data: the stroke prediction data (binary) and iris (multiclass).

The raw stroke CSV is found, in this order:

1. the path in the environment variable ``DLACT_STROKE_DATA`` (the CSV itself,
   or a folder holding ``healthcare-dataset-stroke-data.csv`` or ``stroke.csv``);
2. a copy already in ``data/raw/stroke.csv``;
3. a download of the pinned URL into ``data/raw/`` (with pooch).

Its sha256 is checked every time it is read.  The preprocessed splits are
cached in ``data/processed/`` and rebuilt whenever the raw file or the recipe
changes.

The iris data ship with scikit-learn: :func:`load_iris_splits` needs no file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple

import numpy as np
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
TARGET = "stroke"
CATEGORICAL = ("gender", "ever_married", "Residence_type", "work_type", "smoking_status")
PASSTHROUGH = ("hypertension", "heart_disease")
NUMERIC = ("age", "avg_glucose_level", "bmi")

#: Everything that determines the processed splits; its hash keys the cache.
RECIPE = {
    "version": 1,
    "test": {"test_size": 0.2, "random_state": 7},
    "validation": {"test_size": 0.25, "random_state": 12},
    "one_hot": list(CATEGORICAL),
    "passthrough": list(PASSTHROUGH),
    "impute_mean_then_standardise": list(NUMERIC),
    "fitted_on": "train",
}

FEATURE_COLUMNS = (
    "gender_Female",
    "gender_Male",
    "ever_married_No",
    "ever_married_Yes",
    "Residence_type_Rural",
    "Residence_type_Urban",
    "work_type_Govt_job",
    "work_type_Never_worked",
    "work_type_Private",
    "work_type_Self-employed",
    "work_type_children",
    "smoking_status_Unknown",
    "smoking_status_formerly smoked",
    "smoking_status_never smoked",
    "smoking_status_smokes",
    "hypertension",
    "heart_disease",
    "age",
    "avg_glucose_level",
    "bmi",
)

SPLIT_FILES = ("x_train", "x_val", "x_test", "y_train", "y_val", "y_test")
MANIFEST = "manifest.json"

IRIS_FEATURES = ("SepalLength", "SepalWidth", "PetalLength", "PetalWidth")


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


class StrokeSplits(NamedTuple):
    """Train / validation / test features (20 columns) and targets (``stroke``).

    What :func:`load_stroke_splits` returns: a named tuple, so it unpacks in
    the order of its fields.

    Attributes
    ----------
    X_train, X_val, X_test : pandas.DataFrame
        The preprocessed features, columns :data:`FEATURE_COLUMNS`.
    y_train, y_val, y_test : pandas.DataFrame
        One column, ``stroke``: 1 for a stroke, else 0.

    Examples
    --------
    >>> StrokeSplits._fields
    ('X_train', 'X_val', 'X_test', 'y_train', 'y_val', 'y_test')
    """

    X_train: pd.DataFrame
    X_val: pd.DataFrame
    X_test: pd.DataFrame
    y_train: pd.DataFrame
    y_val: pd.DataFrame
    y_test: pd.DataFrame


class IrisSplits(NamedTuple):
    """The iris features and targets split as in the lecture (112 train / 38 test).

    What :func:`load_iris_splits` returns.

    Attributes
    ----------
    X_train, X_test : pandas.DataFrame
        The four measurements (columns :data:`IRIS_FEATURES`), in cm.
    y_train, y_test : numpy.ndarray
        Column vectors of class indices 0, 1, 2.
    target_names : numpy.ndarray
        The species the indices stand for.

    Examples
    --------
    >>> load_iris_splits().target_names.tolist()
    ['setosa', 'versicolor', 'virginica']
    """

    X_train: pd.DataFrame
    X_test: pd.DataFrame
    y_train: np.ndarray
    y_test: np.ndarray
    target_names: np.ndarray


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
    dlact.data.DataError: Stroke data file no-such-file.csv does not exist.
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

    Looks in the places listed in :mod:`dlact.data`, in that order.

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


# --------------------------------------------------------------------------- recipe


def recipe_hash() -> str:
    """A short hash of :data:`RECIPE` and the scikit-learn version applying it.

    It keys the cache of processed splits: a change of recipe or of
    scikit-learn rebuilds them.

    Examples
    --------
    >>> len(recipe_hash())
    16
    """
    import sklearn

    payload = json.dumps({"recipe": RECIPE, "sklearn": sklearn.__version__}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def preprocess_stroke(raw: pd.DataFrame) -> StrokeSplits:
    """Split and preprocess the raw stroke data exactly as the lecture does.

    Test set first (20 %, ``random_state=7``), then validation (25 % of the
    rest, ``random_state=12``).  One-hot encoding, mean imputation and
    standardisation are fitted on the training split only.

    Parameters
    ----------
    raw : pandas.DataFrame
        The raw data, as :func:`load_stroke_raw` returns it.

    Returns
    -------
    StrokeSplits
        Features with the columns :data:`FEATURE_COLUMNS`, targets as 0/1.

    Raises
    ------
    DataError
        If ``raw`` lacks a column, or the preprocessing gives other columns.

    Examples
    --------
    >>> splits = preprocess_stroke(load_stroke_raw())  # doctest: +SKIP
    >>> [len(X) for X in splits[:3]]  # doctest: +SKIP
    [3066, 1022, 1022]
    """
    from sklearn.compose import make_column_transformer
    from sklearn.impute import SimpleImputer
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    missing = [c for c in RAW_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"The raw stroke data lacks the column(s) {', '.join(missing)}.")

    features = raw.drop(columns=["id", TARGET])
    target = raw[[TARGET]]
    X_main, X_test, y_main, y_test = train_test_split(features, target, **RECIPE["test"])
    X_train, X_val, y_train, y_val = train_test_split(X_main, y_main, **RECIPE["validation"])

    transformer = make_column_transformer(
        (OneHotEncoder(sparse_output=False, handle_unknown="ignore"), list(CATEGORICAL)),
        ("passthrough", list(PASSTHROUGH)),
        (make_pipeline(SimpleImputer(), StandardScaler()), list(NUMERIC)),
        remainder="drop",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")

    transformer.fit(X_train)

    def features_of(X: pd.DataFrame) -> pd.DataFrame:
        out = transformer.transform(X).astype(float)
        return out.reset_index(drop=True)

    def target_of(y: pd.DataFrame) -> pd.DataFrame:
        return y.reset_index(drop=True).astype(int)

    splits = StrokeSplits(
        features_of(X_train),
        features_of(X_val),
        features_of(X_test),
        target_of(y_train),
        target_of(y_val),
        target_of(y_test),
    )
    if tuple(splits.X_train.columns) != FEATURE_COLUMNS:
        raise DataError(
            "Preprocessing produced unexpected columns: "
            f"{list(splits.X_train.columns)}, expected {list(FEATURE_COLUMNS)}."
        )
    return splits


# --------------------------------------------------------------------------- cache


def _processed_dir() -> Path:
    return data_dir() / "processed"


def _read_manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def _write_splits(splits: StrokeSplits, folder: Path, manifest: dict) -> None:
    """Write the splits so that a reader never sees a half-written cache.

    Files go to a temporary folder beside ``folder`` first; the manifest,
    written last, is what marks the cache as valid.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".processed-", dir=folder.parent))
    try:
        for name, frame in zip(SPLIT_FILES, splits, strict=True):
            frame.to_csv(staging / f"{name}.csv", index=False)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _read_splits(folder: Path) -> StrokeSplits:
    frames = [pd.read_csv(folder / f"{name}.csv") for name in SPLIT_FILES]
    return StrokeSplits(*frames)


def load_stroke_splits(*, use_cache: bool = True) -> StrokeSplits:
    """Train / validation / test splits of the preprocessed stroke data.

    The raw file is located and verified first (see :mod:`dlact.data`);
    the processed splits are read from ``data/processed/`` when its manifest
    matches the raw file's checksum and the recipe, and rebuilt otherwise
    (with :func:`preprocess_stroke`).

    Parameters
    ----------
    use_cache : bool, default True
        Read and write ``data/processed/``; if False, preprocess again and
        write nothing.

    Returns
    -------
    StrokeSplits
        ``X_train, X_val, X_test, y_train, y_val, y_test``: 3,066, 1,022 and
        1,022 rows; 20 feature columns, one target column.

    Examples
    --------
    >>> X_train, X_val, X_test, y_train, y_val, y_test = load_stroke_splits()  # doctest: +SKIP
    >>> X_train.shape, X_test.shape  # doctest: +SKIP
    ((3066, 20), (1022, 20))
    >>> int(y_train["stroke"].sum())  # doctest: +SKIP
    157
    """
    raw_path = stroke_csv_path()
    manifest = {"raw_sha256": STROKE_SHA256, "recipe": recipe_hash()}
    folder = _processed_dir()
    if use_cache and _read_manifest(folder) == manifest:
        return _read_splits(folder)
    splits = preprocess_stroke(load_stroke_raw(raw_path))
    if use_cache:
        _write_splits(splits, folder, manifest)
    return splits


# --------------------------------------------------------------------------- iris


def load_iris_splits(random_state: int = 24) -> IrisSplits:
    """Iris from scikit-learn, split as in the lecture: 112 train / 38 test rows.

    Targets are column vectors of class indices (0, 1, 2), as the lecture
    reshapes them.

    Parameters
    ----------
    random_state : int, default 24
        Seed of ``train_test_split`` (the lecture's).

    Returns
    -------
    IrisSplits

    Examples
    --------
    >>> X_train, X_test, y_train, y_test, names = load_iris_splits()
    >>> X_train.shape, X_test.shape, y_train.shape
    ((112, 4), (38, 4), (112, 1))
    >>> list(X_train.columns)
    ['SepalLength', 'SepalWidth', 'PetalLength', 'PetalWidth']
    """
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split

    iris = load_iris()
    features = pd.DataFrame(iris.data, columns=list(IRIS_FEATURES))
    target = iris.target.reshape(-1, 1)
    X_train, X_test, y_train, y_test = train_test_split(features, target, random_state=random_state)
    return IrisSplits(X_train, X_test, y_train, y_test, iris.target_names)
