"""The stroke data pipeline: finding, verifying, splitting and caching."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dlact import data, rawdata
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
    monkeypatch.setattr(rawdata, "STROKE_URL", f"{url}/stroke.csv")
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
    monkeypatch.setattr(rawdata, "STROKE_URL", f"{url}/stroke.csv")
    with pytest.raises(DataError, match="did not match the expected sha256"):
        data.stroke_csv_path()
    assert not (data_home / "raw" / "stroke.csv").exists()


def test_no_file_and_no_network_names_the_setting_and_url(data_home, monkeypatch):
    # port 9 on localhost: nothing listens there, so the download fails at once
    monkeypatch.setattr(rawdata, "STROKE_URL", "http://127.0.0.1:9/stroke.csv")
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


# --------------------------------------------------------------------------- settings


ROOT = Path(__file__).resolve().parents[1]


def test_the_settings_have_their_documented_names(stroke_csv, data_home, tmp_path, monkeypatch):
    """The README's names: DLACT_STROKE_DATA (the CSV or a folder holding it under either
    of its two names) and DLACT_DATA_DIR (the data folder)."""
    folder = tmp_path / "copy"
    folder.mkdir()
    shutil.copy(stroke_csv, folder / "stroke.csv")
    monkeypatch.setenv("DLACT_STROKE_DATA", str(folder))
    assert data.stroke_csv_path() == folder / "stroke.csv"
    monkeypatch.setenv("DLACT_DATA_DIR", str(tmp_path / "elsewhere"))
    assert data.data_dir() == tmp_path / "elsewhere"


def test_the_default_data_folder_is_the_projects(monkeypatch, tmp_path):
    monkeypatch.delenv("DLACT_DATA_DIR", raising=False)
    monkeypatch.delenv("DLACT_STROKE_DATA", raising=False)
    assert data.data_dir() == ROOT / "data"
    monkeypatch.setenv("DLACT_DATA_DIR", "")  # set but empty: the default
    assert data.data_dir() == ROOT / "data"
    local = ROOT / "data" / "raw" / "stroke.csv"
    if local.is_file():  # a copy in the project's data/raw is found there
        assert data.stroke_csv_path(download=False) == local
    else:
        with pytest.raises(DataError, match=f"No stroke data at {local} and downloading is off"):
            data.stroke_csv_path(download=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DLACT_DATA_DIR", "~/data")
    assert data.data_dir() == tmp_path / "data"


def test_the_setting_may_start_with_the_home_folder(stroke_csv, data_home, tmp_path, monkeypatch):
    shutil.copy(stroke_csv, tmp_path / "stroke.csv")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DLACT_STROKE_DATA", "~/stroke.csv")
    assert data.stroke_csv_path() == tmp_path / "stroke.csv"


def test_an_explicit_path_is_used_instead_of_the_setting(stroke_csv, data_home, monkeypatch):
    monkeypatch.setenv("DLACT_STROKE_DATA", str(data_home / "nowhere.csv"))
    for path in (stroke_csv, str(stroke_csv)):  # a Path or a string
        raw = data.load_stroke_raw(path)
        assert raw.shape == (5110, 12)
        assert list(raw.columns) == list(data.RAW_COLUMNS)
    with pytest.raises(DataError, match="nowhere.csv does not exist"):
        data.load_stroke_raw()  # without a path: the setting
    monkeypatch.setenv("DLACT_STROKE_DATA", str(stroke_csv))
    with pytest.raises(DataError, match="elsewhere.csv does not exist"):
        data.load_stroke_raw(data_home / "elsewhere.csv")
    assert data.verify_stroke_csv(str(stroke_csv)) == Path(stroke_csv)


# --------------------------------------------------------------------------- the cache


def test_splits_are_floats_and_integers_indexed_from_zero(splits):
    for X in splits[:3]:
        assert set(X.dtypes) == {np.dtype("float64")}
        assert X.index.equals(pd.RangeIndex(len(X)))
    for y in splits[3:]:
        assert y["stroke"].dtype.kind == "i"
        assert y.index.equals(pd.RangeIndex(len(y)))
    assert set(np.unique(splits.y_train["stroke"])) == {0, 1}


def test_the_cache_is_written_whole_and_nothing_else_is_left(splits, data_home):
    assert sorted(p.name for p in data_home.iterdir()) == ["processed"]  # no staging folder
    text = (data_home / "processed" / "manifest.json").read_text()
    # a file a reader may open: indented, one entry a line, in order
    lines = ["{", f'  "raw_sha256": "{data.STROKE_SHA256}",', f'  "recipe": "{data.recipe_hash()}"']
    assert text == "\n".join([*lines, "}"])


def test_a_recipe_change_rebuilds_the_cache_with_the_new_recipe(splits, data_home, monkeypatch):
    """The real recipe_hash: editing the recipe (here the test fraction) invalidates the
    cached splits, and the new splits follow the new recipe."""
    before = data.recipe_hash()
    monkeypatch.setitem(data.RECIPE["test"], "test_size", 0.3)
    assert data.recipe_hash() != before
    again = data.load_stroke_splits()
    assert len(again.X_test) == 1533  # 30 % of 5,110
    assert len(again.X_train) + len(again.X_val) == 5110 - 1533
    cached = data.load_stroke_splits()  # and this is what the cache now holds
    pd.testing.assert_frame_equal(cached.X_test, again.X_test, check_exact=True)
    monkeypatch.undo()
    assert data.recipe_hash() == before
    assert len(data.load_stroke_splits().X_test) == 1022


def test_the_recipe_hash_can_be_worked_out_by_hand():
    """The manifest's recipe hash is the first 16 hex digits of the sha256 of the recipe
    and the scikit-learn version as JSON with sorted keys; the recipe is written out here
    as data/README.md describes it."""
    import sklearn

    recipe = {
        "version": 1,
        "test": {"test_size": 0.2, "random_state": 7},
        "validation": {"test_size": 0.25, "random_state": 12},
        "one_hot": ["gender", "ever_married", "Residence_type", "work_type", "smoking_status"],
        "passthrough": ["hypertension", "heart_disease"],
        "impute_mean_then_standardise": ["age", "avg_glucose_level", "bmi"],
        "fitted_on": "train",
    }
    payload = json.dumps({"recipe": recipe, "sklearn": sklearn.__version__}, sort_keys=True)
    assert data.recipe_hash() == hashlib.sha256(payload.encode()).hexdigest()[:16]


def test_the_recipe_hash_covers_the_scikit_learn_version(monkeypatch):
    import sklearn

    before = data.recipe_hash()
    monkeypatch.setattr(sklearn, "__version__", "0.0.1")
    assert data.recipe_hash() != before
    monkeypatch.undo()
    assert data.recipe_hash() == before


@pytest.mark.parametrize("damage", ["no manifest", "unreadable manifest", "another file"])
def test_a_damaged_cache_is_rebuilt(splits, data_home, monkeypatch, damage):
    folder = data_home / "processed"
    if damage == "no manifest":
        (folder / "manifest.json").unlink()
    elif damage == "unreadable manifest":
        (folder / "manifest.json").write_text("{not json")
    else:
        (folder / "manifest.json").write_text(json.dumps({"raw_sha256": "0" * 64, "recipe": "x"}))
    calls = []
    original = data.preprocess_stroke
    monkeypatch.setattr(data, "preprocess_stroke", lambda raw: calls.append(1) or original(raw))
    again = data.load_stroke_splits()
    assert calls == [1]
    pd.testing.assert_frame_equal(again.X_train, splits.X_train, check_exact=True)
    data.load_stroke_splits()
    assert calls == [1]  # rebuilt and cached again


def test_without_the_cache_nothing_is_read_or_written(stroke_csv, data_home, monkeypatch):
    monkeypatch.setenv("DLACT_STROKE_DATA", str(stroke_csv))
    fresh = data.load_stroke_splits(use_cache=False)
    assert list(data_home.iterdir()) == []
    data.load_stroke_splits()  # a cache, which is then ignored
    monkeypatch.setattr(data, "_read_splits", _forbidden)
    again = data.load_stroke_splits(use_cache=False)
    pd.testing.assert_frame_equal(again.X_val, fresh.X_val, check_exact=True)


def test_preprocessing_refuses_data_it_cannot_split_as_the_lecture(stroke_csv):
    raw = data.load_stroke_raw(stroke_csv)
    with pytest.raises(DataError, match=r"lacks the column\(s\) bmi, stroke"):
        data.preprocess_stroke(raw.drop(columns=["bmi", "stroke"]))
    renamed = raw.replace({"Residence_type": {"Urban": "City"}})
    with pytest.raises(DataError, match="unexpected columns.*Residence_type_City"):
        data.preprocess_stroke(renamed)


# --------------------------------------------------------------------------- diagnoses


def test_a_file_that_is_not_csv_is_diagnosed(data_home, tmp_path, monkeypatch):
    bad = tmp_path / "stroke.csv"
    bad.write_text('id,gender\n"1,Male\n')  # an unterminated quote
    monkeypatch.setenv("DLACT_STROKE_DATA", str(bad))
    with pytest.raises(DataError) as info:
        data.stroke_csv_path()
    message = str(info.value)
    assert f"it has {bad.stat().st_size:,} bytes, expected 316,971" in message
    assert "expected 316,971; it does not parse as CSV (ParserError" in message


def test_a_short_file_is_diagnosed_with_its_rows_and_columns(stroke_csv, data_home, tmp_path):
    bad = tmp_path / "stroke.csv"
    bad.write_text("".join(stroke_csv.read_text().splitlines(keepends=True)[:11]))
    with pytest.raises(DataError) as info:
        data.verify_stroke_csv(bad)
    message = str(info.value)
    assert "it has 10 rows, expected 5,110 (truncated?)" in message
    assert "lacks" not in message  # every column is there
    assert f"into {data_home / 'raw' / 'stroke.csv'}" in message  # where to put a good copy


# --------------------------------------------------------------------------- download


def test_a_failed_download_can_be_retried(stroke_csv, data_home, local_server, monkeypatch):
    root, url = local_server
    monkeypatch.setattr(rawdata, "STROKE_URL", f"{url}/stroke.csv")
    with pytest.raises(DataError, match=r"download failed \(HTTPError"):
        data.stroke_csv_path()  # not on the server yet
    assert list((data_home / "raw").iterdir()) == []  # nothing half-downloaded left
    shutil.copy(stroke_csv, root / "stroke.csv")
    assert data.stroke_csv_path() == data_home / "raw" / "stroke.csv"
    assert data.sha256_of(data_home / "raw" / "stroke.csv") == data.STROKE_SHA256


# --------------------------------------------------------------------------- the documentation


def test_the_data_readme_describes_the_pinned_file_and_the_cache(splits, data_home):
    """data/README.md is the provenance a reader checks: it must name what the code pins,
    and the files the cache holds."""
    readme = (ROOT / "data" / "README.md").read_text()
    assert f"`{data.STROKE_URL}`" in readme
    assert f"sha256 `{data.STROKE_SHA256}`" in readme
    assert f"{data.STROKE_SIZE:,} bytes; {data.STROKE_ROWS:,} rows" in readme
    processed = readme.split("### `processed/`")[1].split("\n\n")[1]
    documented = set(re.findall(r"`([\w.]+)`", processed))
    assert documented == {p.name for p in (data_home / "processed").iterdir()}
    assert "`raw/stroke.csv`" in readme


def test_iris_columns_are_the_lectures():
    iris = data.load_iris_splits()
    assert list(iris.X_train.columns) == ["SepalLength", "SepalWidth", "PetalLength", "PetalWidth"]


# --------------------------------------------------------------------------- robustness


def test_a_data_folder_that_does_not_exist_yet(stroke_csv, local_server, tmp_path, monkeypatch):
    root, url = local_server
    shutil.copy(stroke_csv, root / "stroke.csv")
    monkeypatch.setattr(rawdata, "STROKE_URL", f"{url}/stroke.csv")
    monkeypatch.delenv("DLACT_STROKE_DATA", raising=False)
    home = tmp_path / "not" / "yet"
    monkeypatch.setenv("DLACT_DATA_DIR", str(home))
    splits = data.load_stroke_splits()  # downloads into, and caches in, folders it makes
    assert len(splits.X_train) == 3066
    assert sorted(p.name for p in home.iterdir()) == ["processed", "raw"]


def test_a_failed_write_leaves_no_cache_and_no_litter(stroke_csv, data_home, monkeypatch):
    monkeypatch.setenv("DLACT_STROKE_DATA", str(stroke_csv))
    written = []
    original = pd.DataFrame.to_csv

    def fail_on_the_third(self, path, *args, **kwargs):
        written.append(Path(path))
        if len(written) == 3:
            raise OSError("No space left on device")
        return original(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail_on_the_third)
    with pytest.raises(OSError, match="No space left"):
        data.load_stroke_splits()
    assert list(data_home.iterdir()) == []
    # written into a hidden folder beside processed/, which then replaces it whole
    (staging,) = {p.parent for p in written}
    assert staging.parent == data_home and staging.name.startswith(".processed-")


def test_a_cleanup_that_fails_does_not_hide_the_error(stroke_csv, data_home, monkeypatch):
    """If the half-written folder cannot be removed either, the error reported is still
    the one that stopped the write."""
    monkeypatch.setenv("DLACT_STROKE_DATA", str(stroke_csv))
    original = pd.DataFrame.to_csv
    written = []

    def fail_on_the_second(self, *args, **kwargs):
        written.append(1)
        if len(written) == 2:
            raise OSError("No space left on device")
        return original(self, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise PermissionError("Operation not permitted")

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail_on_the_second)
    monkeypatch.setattr(os, "unlink", refuse)
    with pytest.raises(OSError, match="No space left"):
        data.load_stroke_splits()
    monkeypatch.undo()
    assert not (data_home / "processed").exists()


def test_the_cache_makes_the_data_folder(stroke_csv, tmp_path, monkeypatch):
    monkeypatch.setenv("DLACT_STROKE_DATA", str(stroke_csv))
    home = tmp_path / "not" / "yet"
    monkeypatch.setenv("DLACT_DATA_DIR", str(home))
    data.load_stroke_splits()
    assert sorted(p.name for p in home.iterdir()) == ["processed"]
    assert (home / "processed" / "manifest.json").is_file()


def test_the_column_check_guards_a_changed_checksum(stroke_csv, tmp_path, monkeypatch):
    """load_stroke_raw checks the columns too: if the pinned checksum were ever changed to
    that of another file, a file without the lecture's columns is still refused."""
    bad = _altered(tmp_path, stroke_csv, "missing column")
    monkeypatch.setattr(rawdata, "STROKE_SHA256", data.sha256_of(bad))
    with pytest.raises(DataError, match=rf"^{re.escape(str(bad))} lacks the column\(s\) bmi\.$"):
        data.load_stroke_raw(bad)


def test_every_problem_of_a_bad_file_is_listed(stroke_csv, data_home, tmp_path):
    bad = tmp_path / "stroke.csv"
    bad.write_text("id,gender\n1,Male\n")
    with pytest.raises(DataError) as info:
        data.verify_stroke_csv(bad)
    problems = "it has 17 bytes, expected 316,971; it lacks the column(s) age, hypertension"
    assert problems in str(info.value)
    assert "; it has 1 rows, expected 5,110 (truncated?))" in str(info.value)


def _another_process_writes_first(monkeypatch, manifest_of_theirs=None):
    """Make the cache's final rename meet the folder another process has just put in place
    (its manifest, a file of its own), as when two chapters run side by side."""
    original = Path.rename

    def rename(self, target):
        target = Path(target)
        if self.name.startswith(".processed-") and not target.exists():
            target.mkdir()
            theirs = manifest_of_theirs or json.loads((self / data.MANIFEST).read_text())
            (target / data.MANIFEST).write_text(json.dumps(theirs))
            (target / "theirs").write_text("")
        return original(self, target)

    monkeypatch.setattr(Path, "rename", rename)


def test_two_writers_at_once_keep_the_first_copy(stroke_csv, data_home, monkeypatch):
    monkeypatch.setenv("DLACT_STROKE_DATA", str(stroke_csv))
    _another_process_writes_first(monkeypatch)
    splits = data.load_stroke_splits()
    assert len(splits.X_train) == 3066
    # their copy stays (it may be being read), ours goes, and nothing else is left
    assert (data_home / "processed" / "theirs").is_file()
    assert sorted(p.name for p in data_home.iterdir()) == ["processed"]


def test_a_different_cache_appearing_meanwhile_is_an_error(stroke_csv, data_home, monkeypatch):
    monkeypatch.setenv("DLACT_STROKE_DATA", str(stroke_csv))
    _another_process_writes_first(monkeypatch, {"raw_sha256": "other", "recipe": "other"})
    with pytest.raises(OSError):
        data.load_stroke_splits()
    assert sorted(p.name for p in data_home.iterdir()) == ["processed"]  # no staging left


def test_a_valid_cache_written_meanwhile_is_not_replaced(splits, data_home, monkeypatch):
    """Another process wrote the same cache after this one looked: it is kept as it is."""
    folder = data_home / "processed"
    (folder / "marker").write_text("")
    manifest = json.loads((folder / data.MANIFEST).read_text())
    data._write_splits(splits, folder, manifest)
    assert (folder / "marker").is_file()
    assert sorted(p.name for p in data_home.iterdir()) == ["processed"]
    data._write_splits(splits, folder, {**manifest, "recipe": "changed"})
    assert not (folder / "marker").exists()  # a stale cache is replaced
    assert json.loads((folder / data.MANIFEST).read_text())["recipe"] == "changed"
