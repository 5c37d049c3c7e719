"""The build's faster fits: the same numbers, only where they are the same, undone after."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from dlact.site import fastfit, fitcache  # noqa: E402

pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "jax", reason="several steps per call are used on JAX only"
)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(203, 5)).astype("float32")  # 7 batches of 32 and one of 11
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype("float32").reshape(-1, 1)
    return X, y


def model():
    keras.utils.set_random_seed(7)
    m = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(8, activation="leaky_relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    m.compile(
        "adam",
        "binary_crossentropy",
        metrics=[keras.metrics.AUC(curve="PR", name="pr_auc"), "accuracy"],
    )
    return m


def train(fit, data, **kwargs):
    X, y = data
    m = model()
    stop = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    history = fit(m, X, y, epochs=25, validation_split=0.25, callbacks=[stop], verbose=0, **kwargs)
    return m, history, stop


def test_several_steps_per_call_give_the_same_weights_history_and_stop(data):
    plain_model, plain, plain_stop = train(keras.Model.fit, data, class_weight={0: 1, 1: 3})
    calls = []

    def counting_fit(m, *args, **kwargs):
        calls.append(m.steps_per_execution)
        return keras.Model.fit(m, *args, **kwargs)

    fast_model, fast, fast_stop = train(
        lambda m, *a, **k: fastfit.fast_fit(counting_fit, m, *a, **k),
        data,
        class_weight={0: 1, 1: 3},
    )
    assert calls == [fastfit.STEPS]
    assert plain.history.keys() == fast.history.keys()
    for name in plain.history:
        assert plain.history[name] == fast.history[name], name
    assert plain_stop.stopped_epoch == fast_stop.stopped_epoch
    assert plain_stop.best_epoch == fast_stop.best_epoch
    for a, b in zip(plain_model.get_weights(), fast_model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert fast.params["steps"] == plain.params["steps"]
    # the model leaves the fit with one step per call: evaluate and predict as before
    assert fast_model.steps_per_execution == 1
    X, y = data
    np.testing.assert_array_equal(
        plain_model.predict(X, verbose=0), fast_model.predict(X, verbose=0)
    )


class _PerBatch(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


def test_a_per_batch_callback_keeps_one_step_per_call(data):
    X, y = data
    counter = _PerBatch()
    m = model()
    assert not fastfit.applies({"callbacks": [counter]})
    fastfit.fast_fit(keras.Model.fit, m, X, y, epochs=2, callbacks=[counter], verbose=0)
    assert counter.batches == 2 * 7  # every batch seen: 7 of them per epoch (no validation)


def test_only_on_jax(monkeypatch):
    assert fastfit.applies({"callbacks": [keras.callbacks.EarlyStopping()]})
    monkeypatch.setattr(keras.backend, "backend", lambda: "torch")
    assert not fastfit.applies({})


def test_a_model_compiled_with_its_own_steps_per_call_is_left_alone(data):
    X, y = data
    m = model()
    m.compile("adam", "binary_crossentropy", steps_per_execution=4)
    seen = []
    fastfit.fast_fit(
        lambda m, *a, **k: seen.append(m.steps_per_execution) or keras.Model.fit(m, *a, **k),
        m,
        X,
        y,
        epochs=1,
        verbose=0,
    )
    assert seen == [4] and m.steps_per_execution == 4


def test_enable_needs_the_builds_setting_and_composes_with_the_fit_cache(
    data, tmp_path, monkeypatch
):
    real_fit = keras.Model.fit
    monkeypatch.delenv(fastfit.ENV_VAR, raising=False)
    assert fastfit.enable() is False
    assert keras.Model.fit is real_fit
    monkeypatch.setenv(fastfit.ENV_VAR, "1")
    seen = []
    monkeypatch.setattr(
        fastfit,
        "fast_fit",
        lambda original, m, *a, **k: seen.append(1) or original(m, *a, **k),
    )
    try:
        assert fastfit.enable() is True
        assert fastfit.enable() is True  # a second call wraps nothing more
        wrapped = keras.Model.fit
        fitcache.enable(tmp_path)
        X, y = data
        model().fit(X, y, epochs=1, verbose=0)  # trains: through the fast fit
        model().fit(X, y, epochs=1, verbose=0)  # served from the cache: no training
        assert seen == [1]
        fitcache.disable()
        assert keras.Model.fit is wrapped
    finally:
        fitcache.disable()
        fastfit.disable()
    assert keras.Model.fit is real_fit


# ---------------------------------------------------------------- JAX's compilation cache

FIT_AND_PRINT = """
import hashlib, numpy as np, keras
rng = np.random.default_rng(0)
X = rng.normal(size=(203, 5)).astype("float32")
y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype("float32").reshape(-1, 1)
keras.utils.set_random_seed(7)
m = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="leaky_relu"),
                      keras.layers.Dense(1, activation="sigmoid")])
m.compile("adam", "binary_crossentropy", metrics=["accuracy"])
h = m.fit(X, y, epochs=3, validation_split=0.2, verbose=0)
p = m.predict(X, verbose=0)
digest = hashlib.sha256(b"".join(w.tobytes() for w in m.get_weights()) + p.tobytes())
print(digest.hexdigest(), repr(h.history))
"""


def test_the_compilation_cache_changes_no_number(tmp_path, monkeypatch):
    """The build keeps JAX's compiled steps on disk (dlact.site.build.jax_cache_settings):
    a fit that compiles, one that writes the cache and one that reads it back end with
    the same weights, predictions and history, bit for bit."""
    import os
    import subprocess
    import sys

    from dlact.site.build import jax_cache_settings

    def run(**env):
        out = subprocess.run(
            [sys.executable, "-c", FIT_AND_PRINT],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "KERAS_BACKEND": "jax", **env},
        )
        return out.stdout.strip().splitlines()[-1]

    monkeypatch.delenv("JAX_COMPILATION_CACHE_DIR", raising=False)
    settings = jax_cache_settings(tmp_path / "jax")
    plain = run()
    writes = run(**settings)
    assert any((tmp_path / "jax").iterdir())  # the steps were stored
    reads = run(**settings)
    assert plain == writes == reads


def test_the_compilation_cache_is_the_projects_unless_set(monkeypatch, tmp_path):
    from dlact.site import build

    monkeypatch.delenv("JAX_COMPILATION_CACHE_DIR", raising=False)
    settings = build.jax_cache_settings()
    assert settings["JAX_COMPILATION_CACHE_DIR"] == str(build.ROOT / "_cache" / "jax")
    assert settings["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] == "0"
    assert build.jax_cache_settings(tmp_path)["JAX_COMPILATION_CACHE_DIR"] == str(tmp_path)
    monkeypatch.setenv("JAX_COMPILATION_CACHE_DIR", "/elsewhere")
    assert build.jax_cache_settings(tmp_path)["JAX_COMPILATION_CACHE_DIR"] == "/elsewhere"
    assert build.kernel_settings()["JAX_COMPILATION_CACHE_DIR"] == "/elsewhere"
