"""The stroke data pipeline: finding, verifying, splitting and caching."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dlact import data
from dlact.data import DataError


@pytest.fixture
def splits(stroke_csv, data_home, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(stroke_csv))
    return data.load_stroke_splits()


def test_split_sizes_and_class_counts(splits):
    X_train, X_val, X_test, y_train, y_val, y_test = splits
    assert [len(X_train), len(X_val), len(X_test)] == [3066, 1022, 1022]
    counts = [np.bincount(y["stroke"]).tolist() for y in (y_train, y_val, y_test)]
    assert counts == [[2909, 157], [980, 42], [972, 50]]


def test_twenty_named_columns_in_order(splits):
    for X in splits[:3]:
        assert tuple(X.columns) == data.FEATURE_COLUMNS
        assert not X.isna().any().any()
    assert list(splits.y_train.columns) == ["stroke"]


def test_scaling_fitted_on_train_only(splits):
    numeric = list(data.NUMERIC)
    train = splits.X_train[numeric]
    np.testing.assert_allclose(train.mean(), 0, atol=1e-12)
    np.testing.assert_allclose(train.std(ddof=0), 1, atol=1e-12)
    # validation is scaled with the training statistics, so it is not exactly standard
    assert not np.allclose(splits.X_val[numeric].mean(), 0, atol=1e-6)


def test_unseen_gender_gets_no_column(stroke_csv):
    raw = data.load_stroke_raw(stroke_csv)
    assert (raw["gender"] == "Other").sum() == 1
    assert "gender_Other" not in data.preprocess_stroke(raw).X_train.columns


def test_cache_round_trip_and_reuse(splits, data_home, monkeypatch):
    folder = data_home / "processed"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{n}.csv" for n in data.SPLIT_FILES] + [data.MANIFEST]
    )
    # a second load reads the cache, and gets exactly what was computed
    monkeypatch.setattr(data, "preprocess_stroke", _forbidden)
    again = data.load_stroke_splits()
    for fresh, cached in zip(splits, again, strict=True):
        pd.testing.assert_frame_equal(fresh, cached, check_dtype=False, rtol=0, atol=0)


def test_cache_rebuilt_when_recipe_changes(splits, data_home, monkeypatch):
    calls = []
    original = data.preprocess_stroke
    monkeypatch.setattr(data, "preprocess_stroke", lambda raw: calls.append(1) or original(raw))
    monkeypatch.setattr(data, "recipe_hash", lambda: "changed-recipe")
    data.load_stroke_splits()
    assert calls == [1]
    manifest = (data_home / "processed" / data.MANIFEST).read_text()
    assert "changed-recipe" in manifest


def _forbidden(*args, **kwargs):
    raise AssertionError("the cache should have been used")


# --------------------------------------------------------------------------- bad files


def _altered(tmp_path: Path, stroke_csv: Path, how: str) -> Path:
    text = stroke_csv.read_text()
    if how == "missing column":
        frame = pd.read_csv(stroke_csv).drop(columns=["bmi"])
        text = frame.to_csv(index=False)
    elif how == "truncated":
        text = text[: len(text) // 2]
    elif how == "one value changed":
        text = text.replace("Urban", "urban", 1)
    path = tmp_path / "bad" / "stroke.csv"
    path.parent.mkdir()
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("how", "detail"),
    [
        ("missing column", "lacks the column(s) bmi"),
        ("truncated", "truncated"),
        ("one value changed", data.STROKE_SHA256),
    ],
)
def test_bad_file_is_refused_and_leaves_no_cache(
    stroke_csv, data_home, tmp_path, monkeypatch, how, detail
):
    bad = _altered(tmp_path, stroke_csv, how)
    original = bad.read_bytes()
    monkeypatch.setenv(data.ENV_VAR, str(bad))
    with pytest.raises(DataError) as info:
        data.load_stroke_splits()
    message = str(info.value)
    assert str(bad) in message  # names the file
    assert data.STROKE_SHA256 in message  # says what was expected
    assert detail in message
    assert data.ENV_VAR in message and data.STROKE_URL in message  # how to get a good copy
    assert not (data_home / "processed").exists()
    assert list(data_home.iterdir()) == []
    assert bad.read_bytes() == original  # the user's file is left as it was


def test_bad_copy_in_data_raw_is_refused(stroke_csv, data_home, tmp_path):
    raw = data_home / "raw"
    raw.mkdir()
    shutil.copy(_altered(tmp_path, stroke_csv, "truncated"), raw / "stroke.csv")
    with pytest.raises(DataError, match="is not the expected file"):
        data.stroke_csv_path(download=False)


def test_env_setting_may_name_a_folder(stroke_csv, data_home, tmp_path, monkeypatch):
    folder = tmp_path / "copy"
    folder.mkdir()
    shutil.copy(stroke_csv, folder / "healthcare-dataset-stroke-data.csv")
    monkeypatch.setenv(data.ENV_VAR, str(folder))
    assert data.stroke_csv_path() == folder / "healthcare-dataset-stroke-data.csv"


def test_env_folder_without_the_file(data_home, tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    with pytest.raises(DataError, match="holds none of healthcare-dataset-stroke-data.csv"):
        data.stroke_csv_path()


def test_env_path_that_does_not_exist(data_home, tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "nowhere.csv"))
    with pytest.raises(DataError, match="nowhere.csv does not exist"):
        data.stroke_csv_path()


# --------------------------------------------------------------------------- download


@pytest.fixture
def local_server(tmp_path):
    """A static file server on localhost, standing in for the pinned URL."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_download_is_verified_and_kept(stroke_csv, data_home, local_server, monkeypatch):
    root, url = local_server
    shutil.copy(stroke_csv, root / "stroke.csv")
    monkeypatch.setattr(data, "STROKE_URL", f"{url}/stroke.csv")
    path = data.stroke_csv_path()
    assert path == data_home / "raw" / "stroke.csv"
    assert data.sha256_of(path) == data.STROKE_SHA256
    splits = data.load_stroke_splits()  # now found in data/raw without downloading
    assert len(splits.X_train) == 3066


def test_altered_download_is_refused_and_not_kept(
    stroke_csv, data_home, local_server, tmp_path, monkeypatch
):
    root, url = local_server
    shutil.copy(_altered(tmp_path, stroke_csv, "one value changed"), root / "stroke.csv")
    monkeypatch.setattr(data, "STROKE_URL", f"{url}/stroke.csv")
    with pytest.raises(DataError, match="did not match the expected sha256"):
        data.stroke_csv_path()
    assert not (data_home / "raw" / "stroke.csv").exists()


def test_no_file_and_no_network_names_the_setting_and_url(data_home, monkeypatch):
    # port 9 on localhost: nothing listens there, so the download fails at once
    monkeypatch.setattr(data, "STROKE_URL", "http://127.0.0.1:9/stroke.csv")
    with pytest.raises(DataError) as info:
        data.load_stroke_splits()
    message = str(info.value)
    assert data.ENV_VAR in message
    assert "http://127.0.0.1:9/stroke.csv" in message
    assert "download failed" in message
    assert not (data_home / "raw" / "stroke.csv").exists()
    assert not (data_home / "processed").exists()


def test_download_off_says_so(data_home):
    with pytest.raises(DataError, match="downloading is off"):
        data.stroke_csv_path(download=False)


# --------------------------------------------------------------------------- iris


def test_iris_split_as_in_the_lecture():
    iris = data.load_iris_splits()
    assert iris.X_train.shape == (112, 4) and iris.X_test.shape == (38, 4)
    assert iris.y_train.shape == (112, 1) and iris.y_test.shape == (38, 1)
    assert list(iris.X_train.columns) == list(data.IRIS_FEATURES)
    assert list(iris.target_names) == ["setosa", "versicolor", "virginica"]
    # the lecture's first training rows (random_state=24)
    assert list(iris.X_train.index[:3]) == [53, 58, 95]
    assert list(iris.X_train.index[-3:]) == [145, 87, 131]
