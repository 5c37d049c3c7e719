"""The build's faster fits: several training steps per call into compiled code, the same numbers.

Runs inside the Jupyter kernel: ``setup_notebook`` turns it on when the build
sets ``DLACT_FAST_FIT=1`` (``make site``, ``make retrain`` and the benchmark
do; a student's notebook does not).

The lecture's networks are tiny (the stroke network has 1,217 parameters), so
a training step's arithmetic takes microseconds and most of a fit is the trip
from Python into the compiled step and back, once per mini-batch. Keras can
run several steps per trip (``steps_per_execution``). On the JAX backend the
steps run in the same order on the same batches, so the weights, the history,
the metrics and every callback's decision come out bit for bit the same; a
fit of the stroke network runs in about two thirds of the time.

It is applied

* only on the JAX backend (on PyTorch, Keras's multi-step loop is not the
  same computation);
* only to fits whose callbacks all act per epoch: with several steps per
  call, Keras calls ``on_train_batch_*`` once per call, not once per batch;
* by the build alone, around ``fit``: the code in the cell, and so on the
  slide, is the code that ran; the model leaves the fit with one step per
  call again, so a later ``evaluate`` or ``predict`` is untouched.

``tests/test_lecture.py`` executes every chapter without it and compares
every printed output with the frozen results the build wrote with it.
"""

from __future__ import annotations

import os

ENV_VAR = "DLACT_FAST_FIT"
#: Training steps per call into compiled code.
STEPS = 32
_WRAPPED = "_dlact_fastfit_original"
_BATCH_HOOKS = (
    "on_batch_begin",
    "on_batch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
)


def acts_per_batch(callback) -> bool:
    """Whether a callback overrides one of Keras's per-batch hooks.

    Examples
    --------
    >>> import keras
    >>> acts_per_batch(keras.callbacks.EarlyStopping())
    False
    >>> class Counter(keras.callbacks.Callback):
    ...     def on_train_batch_end(self, batch, logs=None):
    ...         pass
    >>> acts_per_batch(Counter())
    True
    """
    import keras

    base = keras.callbacks.Callback
    return any(getattr(type(callback), hook) is not getattr(base, hook) for hook in _BATCH_HOOKS)


def applies(kwargs: dict) -> bool:
    """Whether a fit with these keyword arguments may run several steps per call."""
    import keras

    if keras.backend.backend() != "jax":
        return False
    callbacks = kwargs.get("callbacks") or []
    return not any(acts_per_batch(c) for c in callbacks)


def _reset_compiled(model) -> None:
    model.train_function = model.test_function = model.predict_function = None


def fast_fit(original, model, *args, **kwargs):
    """``original(model, *args, **kwargs)`` with :data:`STEPS` steps per call where it applies."""
    if not applies(kwargs) or getattr(model, "steps_per_execution", 1) != 1:
        return original(model, *args, **kwargs)
    model.steps_per_execution = STEPS
    _reset_compiled(model)
    try:
        return original(model, *args, **kwargs)
    finally:
        model.steps_per_execution = 1
        _reset_compiled(model)


def enable() -> bool:
    """Route ``keras.Model.fit`` through :func:`fast_fit` if ``DLACT_FAST_FIT=1``; say whether.

    Call it before :func:`dlact.site.fitcache.enable`, so that the fit cache
    trains through it. Calling it again changes nothing.
    """
    if os.environ.get(ENV_VAR) != "1":
        return False
    import keras

    if hasattr(keras.Model, _WRAPPED):
        return True
    original = keras.Model.fit

    def fit(self, *args, **kwargs):
        return fast_fit(original, self, *args, **kwargs)

    fit.__doc__ = original.__doc__
    fit.__wrapped__ = original
    setattr(keras.Model, _WRAPPED, original)
    keras.Model.fit = fit
    return True


def disable() -> None:
    """Undo :func:`enable`."""
    import keras

    original = getattr(keras.Model, _WRAPPED, None)
    if original is not None:
        keras.Model.fit = original
        delattr(keras.Model, _WRAPPED)
