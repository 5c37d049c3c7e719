"""One fit per build: the fit cache restores exactly what training produced."""

from __future__ import annotations

import inspect
import json
import os
import pickle
import random
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
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
    # what a real fit leaves: the model's history, callbacks attached to the model
    assert second.history is h2 and h2.model is second
    assert es2.model is second
    assert h2.params["epochs"] == 30 and h2.params["steps"] == 2  # Keras's own params kept
    assert (es2.best_epoch, es2.stopped_epoch) == (es1.best_epoch, es1.stopped_epoch)
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(first.predict(X, verbose=0), second.predict(X, verbose=0))
    assert fitcache.fit_seconds(h2) == fitcache.fit_seconds(h1) > 0


# --------------------------------------------------------------------------
# The key: anything that changes a fit's result is a miss, the same fit a hit
# --------------------------------------------------------------------------


def _net(*, activation="relu", dropout=False, seed=1, compile_args=None):
    """A small classifier: 4 inputs -> Dense 5 -> Dense 3 softmax (43 weights)."""
    import keras

    keras.utils.set_random_seed(seed)
    layers = [keras.Input((4,)), keras.layers.Dense(5, activation=activation)]
    if dropout:
        layers.append(keras.layers.Dropout(0.5))  # no weights: the same weight shapes
    model = keras.Sequential([*layers, keras.layers.Dense(3, activation="softmax")])
    model.compile(
        **(compile_args or {"optimizer": "adam", "loss": "sparse_categorical_crossentropy"})
    )
    return model


def _stopping(**settings):
    import keras

    return keras.callbacks.EarlyStopping(**{"monitor": "loss", "patience": 2, **settings})


def _fit_inputs(X, y):
    """A model and the arguments of one fit: the baseline every change is compared with."""
    kwargs = {"epochs": 2, "batch_size": 16, "verbose": 0, "callbacks": [_stopping()]}
    return _net(), (X, y), kwargs


def _same_weights(model, like):
    model.set_weights(like.get_weights())
    return model


def _changed(change, X, y, monkeypatch):
    """The baseline fit with exactly one thing changed."""
    import keras

    model, args, kwargs = _fit_inputs(X, y)
    kind, _, what = change.partition(": ")
    if change == "architecture: an activation (same weights)":
        model = _same_weights(_net(activation="tanh"), model)
    elif change == "architecture: a layer without weights (same weights)":
        model = _same_weights(_net(dropout=True), model)
    elif change == "initial weights: another seed":
        model = _net(seed=2)
    elif change == "initial weights: one weight":
        weights = model.get_weights()
        weights[0][0, 0] += 1e-3
        model.set_weights(weights)
    elif kind == "compile":
        compile_args = {"optimizer": "adam", "loss": "sparse_categorical_crossentropy"}
        compile_args |= {
            "optimizer": {"optimizer": "sgd"},
            "learning rate": {"optimizer": keras.optimizers.Adam(0.01)},
            # the same optimiser and rate: only its configuration tells them apart
            "an optimiser setting": {"optimizer": keras.optimizers.Adam(beta_1=0.8)},
            "loss": {"loss": keras.losses.SparseCategoricalCrossentropy(ignore_class=2)},
            "metrics": {"metrics": ["accuracy"]},
        }[what]
        model = _same_weights(_net(compile_args=compile_args), model)
    elif kind == "fit":
        values = {
            "epochs": 3,
            "batch_size": 8,
            "verbose": 2,
            "shuffle": False,
            "validation_split": 0.25,
            "validation_data": (X[:10], y[:10]),
            "class_weight": {0: 1.0, 1: 10.0, 2: 1.0},
            "sample_weight": np.linspace(0.5, 1.5, len(y)),
            "initial_epoch": 1,
            "steps_per_epoch": 2,
        }
        kwargs[what] = values[what]
    elif change == "data: one input value":
        X = X.copy()
        X[0, 0] += 1e-3
        args = (X, y)
    elif change == "data: one target":
        y = y.copy()
        y[-1] = (y[-1] + 1) % 3
        args = (X, y)
    elif change == "data: the dtype (same values)":
        args = (X.astype("float64"), y)
    elif change == "data: the shape (same bytes)":
        args = (X.reshape(30, 8), y)
    elif change == "callbacks: a setting":
        kwargs["callbacks"] = [_stopping(patience=3)]
    elif change == "callbacks: their class (same settings)":

        class Stopping(keras.callbacks.EarlyStopping):
            pass

        kwargs["callbacks"] = [Stopping(monitor="loss", patience=2)]
    elif change == "callbacks: none":
        del kwargs["callbacks"]
    elif change == "callbacks: one more":
        kwargs["callbacks"] = [_stopping(), keras.callbacks.TerminateOnNaN()]
    elif change == "versions: Keras":
        monkeypatch.setattr(keras, "__version__", "0.0.1")
    elif change == "versions: the backend's":
        backend = sys.modules[keras.backend.backend()]
        monkeypatch.setattr(backend, "__version__", "0.0.1")
    elif change == "versions: the backend":
        other = "torch" if keras.backend.backend() == "jax" else "jax"
        monkeypatch.setattr(keras.backend, "backend", lambda: other)
    else:
        raise AssertionError(f"unknown change {change!r}")
    return model, args, kwargs


CHANGES = [
    "architecture: an activation (same weights)",
    "architecture: a layer without weights (same weights)",
    "initial weights: another seed",
    "initial weights: one weight",
    "compile: optimizer",
    "compile: learning rate",
    "compile: an optimiser setting",
    "compile: loss",
    "compile: metrics",
    *(
        f"fit: {name}"
        for name in (
            "epochs",
            "batch_size",
            "verbose",
            "shuffle",
            "validation_split",
            "validation_data",
            "class_weight",
            "sample_weight",
            "initial_epoch",
            "steps_per_epoch",
        )
    ),
    "data: one input value",
    "data: one target",
    "data: the dtype (same values)",
    "data: the shape (same bytes)",
    "callbacks: a setting",
    "callbacks: their class (same settings)",
    "callbacks: none",
    "callbacks: one more",
    "versions: Keras",
    "versions: the backend's",
    "versions: the backend",
]


@pytest.mark.parametrize("change", CHANGES)
def test_one_change_is_a_miss(data, change, monkeypatch):
    X, y = data
    model, args, kwargs = _fit_inputs(X, y)
    base = fitcache.fit_key(model, args, kwargs)
    changed = _changed(change, X, y, monkeypatch)
    assert fitcache.fit_key(*changed) != base


def test_the_same_fit_is_a_hit(data):
    """New model objects (Keras numbers their names: dense, dense_1...), copies of the data
    and new callbacks with the same settings: the same key."""
    X, y = data
    first = fitcache.fit_key(*_fit_inputs(X, y))
    assert re.fullmatch("[0-9a-f]{32}", first)  # 128 bits, the name of the entry's file
    model, _, kwargs = _fit_inputs(X.copy(), y.copy())
    assert fitcache.fit_key(model, (X.copy(), y.copy()), kwargs) == first


def test_the_step_counter_of_an_optimiser_not_yet_built_is_part_of_the_key(data):
    """A schedule's position is the optimiser's step counter, which can be set before
    the first fit: a different position is a different fit."""
    X, y = data
    model = _net()
    before = fitcache.fit_key(model, (X, y), {"epochs": 1})
    assert not model.optimizer.built
    model.optimizer.iterations.assign(100)
    assert fitcache.fit_key(model, (X, y), {"epochs": 1}) != before


def test_the_names_of_fit_arguments_are_part_of_the_key(data):
    X, y = data
    model = _net()
    assert fitcache.fit_key(model, (X, y), {"epochs": 5}) != fitcache.fit_key(
        model, (X, y), {"batch_size": 5}
    )


def test_arrays_are_keyed_by_their_whole_content():
    """NumPy prints a large array with '...': a change in the middle must still count."""
    model = _net()
    X = np.zeros((3000, 4), dtype="float32")
    y = np.zeros((3000, 1), dtype="int64")
    X_changed = X.copy()
    X_changed[1500, 2] = 1.0
    assert "..." in repr(X)
    assert fitcache.fit_key(model, (X, y), {}) != fitcache.fit_key(model, (X_changed, y), {})


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ([[1, 2]], [1, [2]]),  # the same values and closing brackets: the openings differ
        ([[1], 2], [[1, 2]]),  # the same values and openings: the closings differ
        ({"a": {"b": 1}, "c": 2}, {"a": {"b": 1, "c": 2}}),  # where a dictionary ends
        ([{"a": 1}], ["a", 1, {}]),  # the same keys, values and closing: where one starts
        ((1, 2), 12),  # two numbers are not one
    ],
)
def test_the_key_keeps_the_structure_of_arguments(one, other):
    model = _net()
    assert fitcache.fit_key(model, (), {"x": one}) != fitcache.fit_key(model, (), {"x": other})


def test_a_dataframes_column_names_are_part_of_the_key(data):
    X, y = data
    model = _net()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    renamed = frame.rename(columns={"d": "e"})
    assert fitcache.fit_key(model, (frame, y), {}) != fitcache.fit_key(model, (renamed, y), {})
    assert fitcache.fit_key(model, (frame, y), {}) == fitcache.fit_key(model, (frame.copy(), y), {})


def test_without_a_cache_fits_are_timed_only(tmp_path, data, monkeypatch):
    monkeypatch.delenv("DLACT_FIT_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    X, y = data
    assert fitcache.enable() is None
    try:
        model, _ = _compiled()
        start = time.perf_counter()
        history = model.fit(X, y, epochs=2, batch_size=16, verbose=0)
        elapsed = time.perf_counter() - start
    finally:
        fitcache.disable()
    # the fit's own wall time: within the time the call took
    assert 0 < fitcache.fit_seconds(history) <= elapsed
    # Keras's params are kept beside it: 60 rows in batches of 16 are 4 steps
    assert history.params["epochs"] == 2 and history.params["steps"] == 4
    assert list(tmp_path.iterdir()) == []  # nothing stored


def test_the_cache_folder_is_made_when_first_needed(tmp_path, data):
    X, y = data
    fitcache.enable(tmp_path / "not" / "yet")
    try:
        # two entries, then a hit: the third fit reports the first one's wall time
        first, _, third = (_net(seed=s).fit(X, y, epochs=1, verbose=0) for s in (1, 2, 1))
    finally:
        fitcache.disable()
    assert len(list((tmp_path / "not" / "yet").glob("*.pkl"))) == 2
    assert fitcache.fit_seconds(third) == fitcache.fit_seconds(first)


def test_the_live_log_of_a_fit_that_trains_is_flushed(cache, data, monkeypatch):
    """Keras flushes its progress bar as it goes; through the cache's copy of the output
    the flushes must still reach the notebook's stream."""
    import io

    class Stream(io.StringIO):
        flushes = 0

        def flush(self):
            Stream.flushes += 1
            super().flush()

    stream = Stream()
    monkeypatch.setattr(sys, "stdout", stream)
    X, y = data
    _net().fit(X, y, epochs=2, batch_size=16, verbose=1)
    monkeypatch.undo()
    assert "Epoch 2/2" in stream.getvalue()
    assert Stream.flushes > 0


def test_enable_takes_the_folder_from_the_setting(tmp_path, data, monkeypatch):
    X, y = data
    monkeypatch.setenv("DLACT_FIT_CACHE", str(tmp_path / "from-setting"))
    try:
        assert fitcache.enable() == (tmp_path / "from-setting").resolve()
        model, _ = _compiled()
        model.fit(X, y, epochs=1, verbose=0)
        assert len(list((tmp_path / "from-setting").glob("*.pkl"))) == 1
        # an explicit folder wins over the setting; "~" is the home folder
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        assert fitcache.enable("~/fits") == (tmp_path / "home" / "fits").resolve()
    finally:
        fitcache.disable()


def test_history_without_timing_says_why():
    class Bare:
        params = {"epochs": 3}

    class Empty:
        params = None  # what a History has before any fit

    for history in (Bare(), Empty()):
        with pytest.raises(ValueError, match=r"no recorded wall time.*enable\(\) in force"):
            fitcache.fit_seconds(history)


def test_disable_restores_keras_fit(tmp_path):
    import keras

    original = keras.Model.fit
    fitcache.disable()  # not enabled: nothing to undo
    assert keras.Model.fit is original
    fitcache.enable(tmp_path)
    assert keras.Model.fit is not original
    fitcache.enable(tmp_path / "other")  # replaces the setting, keeps the original
    fitcache.disable()
    assert keras.Model.fit is original
    assert not hasattr(keras.Model, fitcache._ORIGINAL_FIT)


def test_the_wrapped_fit_reads_like_keras_fit(tmp_path, monkeypatch):
    """help(model.fit) and its signature in a notebook are Keras's."""
    import keras

    real = keras.Model.fit

    def fit(self, x=None, y=None, **kwargs):
        """Train the model (a stand-in: Keras's own fit has no docstring on every backend)."""
        return real(self, x, y, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", fit)
    original = keras.Model.fit
    fitcache.enable(tmp_path)
    try:
        assert keras.Model.fit is not original
        assert keras.Model.fit.__doc__ == original.__doc__
        assert inspect.signature(keras.Model.fit) == inspect.signature(original)
    finally:
        fitcache.disable()
    fitcache.enable()  # without a folder too
    try:
        assert keras.Model.fit.__doc__ == original.__doc__
    finally:
        fitcache.disable()


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


# --------------------------------------------------------------------------
# Restoring: every way of calling fit, every kind of state
# --------------------------------------------------------------------------


@pytest.fixture
def trainings(monkeypatch):
    """How many fits really trained (went through Keras's own fit) since the test began."""
    import keras

    calls = []
    original = fitcache._original_fit()

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(keras.Model, fitcache._ORIGINAL_FIT, counting, raising=False)
    return calls


@pytest.mark.parametrize("call", ["positional", "keywords", "mixed", "dataframe"])
def test_a_restored_fit_predicts_as_the_trained_one(cache, data, trainings, call):
    X, y = data
    if call == "dataframe":
        X = pd.DataFrame(X, columns=["a", "b", "c", "d"])
        y = pd.DataFrame(y, columns=["species"])
    results = []
    for _ in range(2):
        model = _net()
        if call == "keywords":
            history = model.fit(x=X, y=y, epochs=2, batch_size=16, verbose=0)
        elif call == "mixed":
            history = model.fit(X, y=y, epochs=2, batch_size=16, verbose=0)
        else:
            history = model.fit(X, y, epochs=2, batch_size=16, verbose=0)
        results.append((model.predict(X, verbose=0), history.history))
    assert len(trainings) == 1
    (trained, h1), (restored, h2) = results
    np.testing.assert_array_equal(trained, restored)
    assert h1 == h2


class _Probe:
    """Makes a callback that keeps state of every kind and draws random numbers."""

    @staticmethod
    def make(torch):
        import keras

        class Probe(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.epochs_seen = 0
                self.last_loss = None
                self.note = ""
                self.first_kernel = None
                self.snapshot = []

            def on_epoch_end(self, epoch, logs=None):
                self.epochs_seen += 1
                self.last_loss = float(logs["loss"])
                self.note = f"epoch {epoch}"
                self.first_kernel = np.array(self.model.get_weights()[0])
                self.snapshot = [np.array(w) for w in self.model.get_weights()]
                random.random()  # a callback may draw from Python's,
                torch.rand(1)  # PyTorch's

        return Probe()


def test_callbacks_and_random_generators_are_left_as_training_left_them(cache, data, torch):
    X, y = data
    states = []
    for _ in range(2):  # trains, then restores
        model = _net()
        random.seed(5)
        torch.manual_seed(5)
        probe = _Probe.make(torch)
        model.fit(X, y, epochs=3, batch_size=16, verbose=0, callbacks=[probe])
        states.append((probe, random.getstate(), torch.get_rng_state()))
    (trained, python_1, torch_1), (restored, python_2, torch_2) = states
    assert restored.epochs_seen == trained.epochs_seen == 3
    assert restored.last_loss == trained.last_loss
    assert restored.note == trained.note == "epoch 2"
    np.testing.assert_array_equal(restored.first_kernel, trained.first_kernel)
    assert len(restored.snapshot) == len(trained.snapshot) == 4
    for a, b in zip(trained.snapshot, restored.snapshot, strict=True):
        np.testing.assert_array_equal(a, b)
    assert restored.model is not trained.model  # attached to its own model
    assert python_2 == python_1
    assert torch.equal(torch_2, torch_1)


@pytest.mark.parametrize("loaded", ["when stored", "when restored"])
def test_pytorch_loaded_on_one_side_only(cache, data, trainings, torch, monkeypatch, loaded):
    """One kernel stores a fit before PyTorch is imported, another restores it after (or
    the other way round): the restore sets the generators it has a state for and leaves
    PyTorch's as it is when the entry has none for it."""
    import keras

    if keras.backend.backend() == "torch":
        pytest.skip("Keras runs on PyTorch here: it cannot be left out of a fit")
    X, y = data
    for side in ("when stored", "when restored"):
        torch.manual_seed(5)
        torch_before = torch.get_rng_state()
        with monkeypatch.context() as m:
            if side != loaded:
                m.setitem(sys.modules, "torch", None)  # as if not imported in this kernel
            _net().fit(X, y, epochs=2, verbose=0)
        assert torch.equal(torch.get_rng_state(), torch_before)  # the fit drew none from it
    assert len(trainings) == 1  # the second was restored


def test_a_fit_that_stopped_early_is_restored_stopped(cache, data, trainings):
    X, y = data
    models = []
    for _ in range(2):
        model = _net()
        # no improvement of 100 in the loss: stops after the second epoch
        stop = _stopping(patience=0, min_delta=100)
        history = model.fit(X, y, epochs=10, verbose=0, callbacks=[stop])
        models.append((model, stop, history))
    assert len(trainings) == 1
    (trained, stop_1, h1), (restored, stop_2, h2) = models
    assert len(h1.epoch) == 2 and stop_1.stopped_epoch == 1
    assert trained.stop_training is True and restored.stop_training is True
    assert h2.epoch == h1.epoch and stop_2.stopped_epoch == 1


@pytest.mark.parametrize(
    "stored",
    [
        b"",
        b"not a pickle",
        pickle.dumps({"format": "an older format"}),
        b"cno_such_package\nThing\n.",  # needs a package this kernel cannot import
    ],
)
def test_an_unreadable_or_outdated_entry_is_trained_again(cache, data, trainings, stored):
    X, y = data
    _net().fit(X, y, epochs=1, verbose=0)
    (entry,) = cache.glob("*.pkl")
    entry.write_bytes(stored)
    model = _net()
    history = model.fit(X, y, epochs=1, verbose=0)
    assert len(trainings) == 2  # trained again
    assert history.history["loss"]
    _net().fit(X, y, epochs=1, verbose=0)  # and stored again: the third fit is restored
    assert len(trainings) == 2


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("one layer", "stored fit has 4 model variables, this model 2"),
        ("plain SGD", r"stored fit has \d+ optimiser variables, this model \d+"),
        ("a metric", r"stored fit has \d+ metric variables, this model \d+"),
    ],
)
def test_an_entry_that_does_not_fit_the_model_says_what_to_do(cache, data, other, message):
    """A stored fit of another model under this key (a damaged cache) is an error, not a
    silent half-restore."""
    import keras

    X, y = data
    _net().fit(X, y, epochs=1, verbose=0)  # Adam, no metrics, two layers
    (entry,) = cache.glob("*.pkl")
    if other == "one layer":
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
    elif other == "plain SGD":
        model = _net(compile_args={"optimizer": "sgd", "loss": "sparse_categorical_crossentropy"})
    else:
        model = _net(
            compile_args={
                "optimizer": "adam",
                "loss": "sparse_categorical_crossentropy",
                "metrics": ["accuracy"],
            }
        )
    key = fitcache.fit_key(model, (X, y), {"epochs": 1, "verbose": 0})
    (cache / f"{key}.pkl").write_bytes(entry.read_bytes())
    with pytest.raises(RuntimeError, match=message) as info:
        model.fit(X, y, epochs=1, verbose=0)
    assert "delete the cache folder ($DLACT_FIT_CACHE) and build again" in str(info.value)


def _peak_mib() -> float | None:
    status = Path("/proc/self/status")
    if not status.is_file():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return None


def test_the_benchmark_log_has_a_line_per_fit_that_trained(tmp_path, data, monkeypatch):
    import keras

    X, y = data
    log = tmp_path / "fits.jsonl"
    monkeypatch.setenv("DLACT_FIT_LOG", str(log))
    fitcache.enable(tmp_path / "cache")
    try:
        lines = []
        for seed, name in enumerate(("first", "second")):
            keras.utils.set_random_seed(seed)  # two fits: two keys
            model = keras.Sequential(
                [keras.Input((4,)), keras.layers.Dense(3, activation="softmax")], name=name
            )
            model.compile("adam", "sparse_categorical_crossentropy")
            peak_before = _peak_mib()
            start = time.perf_counter()
            model.fit(X, y, epochs=3, batch_size=16, verbose=0)
            elapsed = time.perf_counter() - start
            lines.append((elapsed, peak_before, _peak_mib()))
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(3, activation="softmax")], name="first"
        )
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(X, y, epochs=3, batch_size=16, verbose=0)  # restored: not timed again
    finally:
        fitcache.disable()
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["model"] for r in records] == ["first", "second"]
    for record, (elapsed, peak_before, peak_after) in zip(records, lines, strict=True):
        assert record["parameters"] == 4 * 3 + 3
        assert record["epochs"] == 3
        assert record["steps_per_epoch"] == 4  # 60 rows in batches of 16
        assert 0 < record["seconds"] <= elapsed
        assert record["backend"] == keras.backend.backend()
        assert record["keras"] == keras.__version__
        backend = sys.modules[keras.backend.backend()]
        assert record[keras.backend.backend()] == backend.__version__
        assert record["peak_mib"] > 50  # Keras alone takes more
        if peak_before is not None:  # the process's peak memory, as Linux reports it
            # (getrusage and /proc/self/status account it a little differently: within
            # 1 MiB; the conversion to MiB itself is tested exactly below)
            assert peak_before - 1 <= record["peak_mib"] <= peak_after + 1


def test_the_key_is_the_same_in_another_process(data, tmp_path):
    """The book and the deck run in different kernels: the key must not depend on the
    process (Keras numbers layer and optimiser names per process, object ids differ)."""
    import subprocess

    X, y = data
    script = """
import sys
import numpy as np
import keras
from dlact.site import fitcache

def net():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model

X, y = np.load(sys.argv[1]), np.load(sys.argv[2])
net()  # another model first: this one's layers get other numbers
stopping = keras.callbacks.EarlyStopping(monitor="loss", patience=2)
printing = keras.callbacks.LambdaCallback(on_train_end=print)
kwargs = {"epochs": 2, "batch_size": 16, "verbose": 0, "callbacks": [stopping, printing],
          "class_weight": {0: 1.0, 1: 10.0, 2: 1.0}, "validation_data": None}
print(fitcache.fit_key(net(), (X, y), kwargs))
"""
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    lib = Path(fitcache.__file__).parents[2]  # this dlact, not another installed one
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "X.npy"), str(tmp_path / "y.npy")],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(lib)},
    )
    import keras

    model, args, kwargs = _fit_inputs(X, y)
    kwargs |= {"class_weight": {0: 1.0, 1: 10.0, 2: 1.0}, "validation_data": None}
    kwargs["callbacks"].append(keras.callbacks.LambdaCallback(on_train_end=print))
    assert fitcache.fit_key(model, args, kwargs) == result.stdout.strip()


def test_a_callbacks_private_attributes_are_not_its_state():
    """A callback's state is its public attributes; private ones are Keras's own
    bookkeeping (or the callback's), not what the fit left for later cells."""
    import keras

    class Counting(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seen = 3
            self._cursor = 7
            self._trace = np.zeros(2)

    state = fitcache._callback_state(Counting())
    assert state == {"seen": 3, "params": None}  # Keras sets params: public


def test_a_fit_called_with_keywords_restores_its_compiled_metrics(cache, data, trainings):
    """The restore builds the metrics from the first row of x and y, given by name too."""
    X, y = data
    results = []
    for _ in range(2):
        model = _net(
            compile_args={
                "optimizer": "adam",
                "loss": "sparse_categorical_crossentropy",
                "metrics": ["accuracy"],
            }
        )
        history = model.fit(x=X, y=y, epochs=2, batch_size=16, verbose=0)
        metric_values = fitcache._values(fitcache._metric_variables(model))
        results.append((history.history, metric_values))
    assert len(trainings) == 1
    (h1, m1), (h2, m2) = results
    assert h1 == h2 and "accuracy" in h1
    assert len(m1) == len(m2) > 2  # the loss's tracker and the accuracy's totals
    for a, b in zip(m1, m2, strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_benchmark_log_gives_the_peak_memory_in_mib(tmp_path, data, monkeypatch):
    import resource

    import keras

    class Usage:
        ru_maxrss = 512 * 1024  # Linux reports KiB

    monkeypatch.setattr(resource, "getrusage", lambda who: Usage())
    model = _net()
    history = keras.callbacks.History()
    history.epoch, history.params = [0, 1], {"steps": 4}
    fitcache._log_fit(tmp_path / "log.jsonl", model, history, 1.5)
    (record,) = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert record["peak_mib"] == 512.0
    assert (record["epochs"], record["steps_per_epoch"], record["seconds"]) == (2, 4, 1.5)


def test_a_fit_another_kernel_is_training_is_waited_for_then_restored(cache, data, trainings):
    """Two renders at once share the cache: a kernel that reaches a fit while another holds
    its lock (is training it) waits, then restores what the other stored."""
    import threading

    X, y = data
    first = _net().fit(X, y, epochs=3, verbose=0)
    (entry,) = cache.glob("*.pkl")
    stored = entry.read_bytes()
    entry.unlink()  # as before the other kernel finished training
    holding, seconds = threading.Event(), 0.5

    def other_kernel():
        with fitcache.training_lock(entry):
            holding.set()
            time.sleep(seconds)
            entry.write_bytes(stored)

    thread = threading.Thread(target=other_kernel)
    thread.start()
    holding.wait()
    start = time.monotonic()
    second = _net().fit(X, y, epochs=3, verbose=0)
    waited = time.monotonic() - start
    thread.join()
    assert waited >= seconds * 0.8  # it waited for the lock
    assert len(trainings) == 1  # and restored the other's fit instead of training again
    assert second.history == first.history
    assert {p.name for p in cache.iterdir()} == {entry.name, entry.with_suffix(".lock").name}


def test_a_free_lock_does_not_hold_a_fit_up(cache, data, trainings):
    X, y = data
    path = cache / "unrelated.pkl"
    with fitcache.training_lock(path):  # another key's lock (one lock for all would hang here)
        _net().fit(X, y, epochs=1, verbose=0)
    assert len(trainings) == 1
