"""One fit per build: the fit cache restores exactly what training produced."""

from __future__ import annotations

import numpy as np
import pytest

from dlact import fitcache
from dlact.models import build_iris_model


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4)).astype("float32")
    y = (X[:, 0] + X[:, 1] > 0).astype("int64") + (X[:, 2] > 1)
    return X, y.reshape(-1, 1)


@pytest.fixture
def cache(tmp_path):
    folder = fitcache.enable(tmp_path / "fits")
    yield folder
    fitcache.disable()


def _compiled(seed=1):
    import keras

    model = build_iris_model(seed=seed)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    es = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    return model, es


def test_second_fit_is_restored_not_retrained(cache, data, capsys):
    X, y = data
    first, es1 = _compiled()
    h1 = first.fit(X, y, epochs=30, validation_split=0.25, callbacks=[es1], verbose=2)
    printed = capsys.readouterr().out
    assert "Epoch 1/30" in printed
    assert len(list(cache.glob("*.pkl"))) == 1

    second, es2 = _compiled()
    calls = []
    original = fitcache._original_fit()
    fitcache_original = lambda *a, **k: calls.append(1) or original(*a, **k)  # noqa: E731
    import keras

    setattr(keras.Model, fitcache._ORIGINAL_FIT, fitcache_original)
    try:
        h2 = second.fit(X, y, epochs=30, validation_split=0.25, callbacks=[es2], verbose=2)
    finally:
        setattr(keras.Model, fitcache._ORIGINAL_FIT, original)
    assert calls == []  # no training the second time
    assert capsys.readouterr().out == printed  # the same log
    assert h2.history == h1.history and h2.epoch == h1.epoch
    assert (es2.best_epoch, es2.stopped_epoch) == (es1.best_epoch, es1.stopped_epoch)
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(first.predict(X, verbose=0), second.predict(X, verbose=0))
    assert fitcache.fit_seconds(h2) == fitcache.fit_seconds(h1) > 0


@pytest.mark.parametrize(
    "change",
    ["seed", "epochs", "data", "class_weight", "patience", "learning_rate"],
)
def test_anything_that_changes_the_result_changes_the_key(data, change):
    import keras

    X, y = data
    model, es = _compiled()
    kwargs = {"epochs": 5, "callbacks": [es]}
    base = fitcache.fit_key(model, (X, y), kwargs)
    if change == "seed":
        model, es = _compiled(seed=2)
        kwargs["callbacks"] = [es]
    elif change == "epochs":
        kwargs["epochs"] = 6
    elif change == "data":
        X = X.copy()
        X[0, 0] += 1e-3
    elif change == "class_weight":
        kwargs["class_weight"] = {0: 1, 1: 10, 2: 1}
    elif change == "patience":
        kwargs["callbacks"] = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=3,
                                                             restore_best_weights=True)]
    elif change == "learning_rate":
        model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    assert fitcache.fit_key(model, (X, y), kwargs) != base


def test_same_inputs_same_key(data):
    X, y = data
    a, es_a = _compiled()
    b, es_b = _compiled()
    assert fitcache.fit_key(a, (X, y), {"epochs": 3, "callbacks": [es_a]}) == \
        fitcache.fit_key(b, (X.copy(), y.copy()), {"epochs": 3, "callbacks": [es_b]})


def test_without_a_cache_fits_are_timed_only(tmp_path, data, monkeypatch):
    monkeypatch.delenv(fitcache.ENV_VAR, raising=False)
    X, y = data
    assert fitcache.enable() is None
    try:
        model, _ = _compiled()
        history = model.fit(X, y, epochs=2, verbose=0)
        assert fitcache.fit_seconds(history) > 0
        assert list(tmp_path.iterdir()) == []
    finally:
        fitcache.disable()


def test_history_without_timing_says_why():
    class Bare:
        params = {"epochs": 3}

    with pytest.raises(ValueError, match="no recorded wall time"):
        fitcache.fit_seconds(Bare())


def test_disable_restores_keras_fit(tmp_path):
    import keras

    original = keras.Model.fit
    fitcache.enable(tmp_path)
    assert keras.Model.fit is not original
    fitcache.disable()
    assert keras.Model.fit is original
