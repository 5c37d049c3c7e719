"""The lecture's data: the stroke prediction data (binary) and iris (multiclass).

The raw stroke CSV is found and verified by :mod:`dlact.rawdata` (the
environment variable ``DLACT_STROKE_DATA``, then ``data/raw/stroke.csv``, then
a checksummed download); its names are importable from here too. This module
splits and preprocesses it exactly as the lecture does, and caches the
processed splits in ``data/processed/``, rebuilt whenever the raw file or the
recipe changes.

The iris data ship with scikit-learn: :func:`load_iris_splits` needs no file.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from dlact.rawdata import (
    DATA_DIR_ENV_VAR,
    ENV_VAR,
    RAW_COLUMNS,
    STROKE_FILENAMES,
    STROKE_ROWS,
    STROKE_SHA256,
    STROKE_SIZE,
    STROKE_URL,
    DataError,
    data_dir,
    load_stroke_raw,
    sha256_of,
    stroke_csv_path,
    verify_stroke_csv,
)

__all__ = [
    "CATEGORICAL",
    "DATA_DIR_ENV_VAR",
    "ENV_VAR",
    "FEATURE_COLUMNS",
    "IRIS_FEATURES",
    "NUMERIC",
    "PASSTHROUGH",
    "RAW_COLUMNS",
    "RECIPE",
    "STROKE_FILENAMES",
    "STROKE_ROWS",
    "STROKE_SHA256",
    "STROKE_SIZE",
    "STROKE_URL",
    "TARGET",
    "DataError",
    "IrisSplits",
    "StrokeSplits",
    "data_dir",
    "load_iris_splits",
    "load_stroke_raw",
    "load_stroke_splits",
    "preprocess_stroke",
    "recipe_hash",
    "sha256_of",
    "stroke_csv_path",
    "verify_stroke_csv",
]

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
    written last, is what marks the cache as valid. Two processes may write
    at once (the build's chapters run side by side): the first copy in place
    is kept, and the other process's identical one is dropped.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".processed-", dir=folder.parent))
    try:
        for name, frame in zip(SPLIT_FILES, splits, strict=True):
            frame.to_csv(staging / f"{name}.csv", index=False)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        if _read_manifest(folder) == manifest:
            return  # written by another process meanwhile, maybe being read: keep it
        if folder.exists():
            shutil.rmtree(folder)
        try:
            staging.rename(folder)
        except OSError:
            if _read_manifest(folder) != manifest:
                raise
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
