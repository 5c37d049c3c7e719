"""One fit per build: the fit cache restores exactly what training produced."""

from __future__ import annotations

import numpy as np
import pytest

from dlact.models import build_iris_model
from dlact.site import fitcache


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
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
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
        kwargs["callbacks"] = [
            keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
        ]
    elif change == "learning_rate":
        model.compile(
            keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"]
        )
    assert fitcache.fit_key(model, (X, y), kwargs) != base


def test_same_inputs_same_key(data):
    X, y = data
    a, es_a = _compiled()
    b, es_b = _compiled()
    assert fitcache.fit_key(a, (X, y), {"epochs": 3, "callbacks": [es_a]}) == fitcache.fit_key(
        b, (X.copy(), y.copy()), {"epochs": 3, "callbacks": [es_b]}
    )


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


def _schedule_model(seed=3):
    import keras

    keras.utils.set_random_seed(seed)
    schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate=0.01, decay_steps=10, decay_rate=0.5
    )
    optimizer = keras.optimizers.Adam(learning_rate=schedule)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, optimizer


def _state(model, optimizer, es):
    import keras

    return {
        "iterations": int(optimizer.iterations),
        "learning_rate": float(optimizer.learning_rate),
        "optimizer": [keras.ops.convert_to_numpy(v.value) for v in optimizer.variables],
        "metrics": {k: float(v) for k, v in model.get_metrics_result().items()},
        "weights": model.get_weights(),
        "best_weights": es.best_weights,
        "numpy_rng": np.random.get_state()[1].copy(),
        "stop_training": model.stop_training,
        "history": model.history.history,
    }


def test_restored_fit_leaves_what_a_real_fit_leaves(cache, data):
    """Optimiser (step counter, schedule position, Adam's moments), metrics, callbacks,
    random state and history are the same after a cached fit as after training."""
    import keras

    X, y = data
    states = []
    for _ in range(2):  # trains, then restores
        model, optimizer = _schedule_model()
        es = keras.callbacks.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
        model.fit(X, y, batch_size=8, epochs=4, callbacks=[es], verbose=0)
        states.append(_state(model, optimizer, es))
    trained, restored = states
    # a real fit: ceil(60 / 8) = 8 steps per epoch, 4 epochs, rate 0.01 * 0.5 ** (32 / 10)
    assert trained["iterations"] == 32
    assert trained["learning_rate"] == pytest.approx(0.01 * 0.5**3.2, rel=1e-5)
    assert restored["iterations"] == trained["iterations"]
    assert restored["learning_rate"] == trained["learning_rate"]
    assert len(restored["optimizer"]) == len(trained["optimizer"]) > 1  # slots too
    for a, b in zip(trained["optimizer"], restored["optimizer"], strict=True):
        np.testing.assert_array_equal(a, b)
    assert restored["metrics"] == trained["metrics"]
    for key in ("weights", "best_weights"):
        for a, b in zip(trained[key], restored[key], strict=True):
            np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(trained["numpy_rng"], restored["numpy_rng"])
    assert restored["stop_training"] == trained["stop_training"]
    assert restored["history"] == trained["history"]


def test_a_continued_fit_is_keyed_on_the_optimiser_state(cache, data):
    """Fitting again continues from the optimiser's state, so that state is part of the key."""
    X, y = data
    model, optimizer = _schedule_model()
    before = fitcache.fit_key(model, (X, y), {"epochs": 1})
    model.fit(X, y, epochs=1, verbose=0)
    weights = model.get_weights()
    model.set_weights(weights)
    fresh, _ = _schedule_model()
    fresh.set_weights(weights)
    # same weights, same arguments; only the optimiser's step counter and moments differ
    assert fitcache.fit_key(model, (X, y), {"epochs": 1}) != fitcache.fit_key(
        fresh, (X, y), {"epochs": 1}
    )
    assert before != fitcache.fit_key(model, (X, y), {"epochs": 1})
