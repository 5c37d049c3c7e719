"""The lecture's two networks and the backend setting."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from dlact.backend import SUPPORTED_BACKENDS, BackendError, choose_backend
from dlact.models import build_iris_model, build_stroke_model


def _weights(model):
    return [w.copy() for w in model.get_weights()]


def test_stroke_network_shape_and_parameter_count():
    model = build_stroke_model()
    assert model.count_params() == 1_217
    assert [layer.units for layer in model.layers] == [32, 16, 1]
    assert [layer.count_params() for layer in model.layers] == [672, 528, 17]
    activations = [layer.activation.__name__ for layer in model.layers]
    assert activations == ["leaky_relu", "leaky_relu", "sigmoid"]


def test_iris_network_shape():
    model = build_iris_model()
    assert [layer.units for layer in model.layers] == [30, 3]
    assert [layer.activation.__name__ for layer in model.layers] == ["relu", "softmax"]
    assert model.count_params() == 4 * 30 + 30 + 30 * 3 + 3


@pytest.mark.parametrize("build", [build_stroke_model, build_iris_model])
def test_logits_variant_has_a_linear_output(build):
    probs, logits = build(), build(logits=True)
    assert logits.layers[-1].activation.__name__ == "linear"
    assert probs.count_params() == logits.count_params()
    # same seed, same initial weights: only the output activation differs
    for a, b in zip(_weights(probs), _weights(logits), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("build", [build_stroke_model, build_iris_model])
def test_seed_really_seeds_keras(build):
    first, again, other = build(seed=1), build(seed=1), build(seed=2)
    for a, b in zip(_weights(first), _weights(again), strict=True):
        np.testing.assert_array_equal(a, b)
    assert any(
        not np.array_equal(a, b) for a, b in zip(_weights(first), _weights(other), strict=True)
    )


def test_probabilities_sum_to_one():
    model = build_iris_model()
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    p = np.asarray(model.predict(x, verbose=0))
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)


def test_unknown_backend_is_named_with_the_choices():
    with pytest.raises(BackendError) as info:
        choose_backend("tensorflow")
    message = str(info.value)
    assert "'tensorflow'" in message
    for name in SUPPORTED_BACKENDS:
        assert name in message
    assert "KERAS_BACKEND" in message


def test_backend_cannot_change_after_keras_is_imported():
    import keras

    active = keras.backend.backend()
    other = next(b for b in SUPPORTED_BACKENDS if b != active)
    with pytest.raises(BackendError, match="already imported"):
        choose_backend(other)
    assert choose_backend(active) == active


@pytest.mark.parametrize("backend", SUPPORTED_BACKENDS)
def test_each_backend_builds_the_same_architecture(backend):
    code = (
        "from dlact.backend import choose_backend; choose_backend()\n"
        "import keras; from dlact.models import build_stroke_model\n"
        "print(keras.backend.backend(), build_stroke_model().count_params())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**__import__("os").environ, "KERAS_BACKEND": backend},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [backend, "1217"]


def test_without_a_setting_the_installed_backend_is_used(monkeypatch):
    """A student's notebook picks the default backend if it is installed, else the other."""
    import importlib.util

    from dlact import backend

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == backend.DEFAULT_BACKEND else real(name, *a),
    )
    other = next(b for b in SUPPORTED_BACKENDS if b != backend.DEFAULT_BACKEND)
    assert backend.installed_backend() == other
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(
        BackendError, match="is installed. Install one, for example `pip install jax`"
    ):
        backend.installed_backend()
