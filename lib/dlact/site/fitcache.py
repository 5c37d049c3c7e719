"""Train each of the lecture's models once per build, whichever output runs it first.

Runs inside the Jupyter kernel (``setup_notebook`` turns it on).

The book and the deck run the same cells, so without help every model would
be trained twice per build.  :func:`enable` (called by ``setup_notebook`` when
the build sets ``DLACT_FIT_CACHE``) wraps ``keras.Model.fit`` so that a fit is
keyed on everything that determines its result:

* the model's architecture and its initial weights (so the seed),
* its compile configuration (optimiser, loss, metrics),
* the training and validation data, and every argument given to ``fit``,
* the callbacks' settings,
* the Keras backend and the versions of Keras and the backend.

Every fit also records its wall time in ``history.params`` (read it with
:func:`fit_seconds`), so the time quoted is that of the fit that trained.

The first fit with a key trains for real and stores everything a fit leaves
behind: the model's variables, the optimiser's variables (its step counter,
so the position of a learning-rate schedule, and its slot variables such as
Adam's moments), the compiled metrics' state, the callbacks' final state
(e.g. ``EarlyStopping.best_epoch`` and ``best_weights``), the state of the
random number generators the fit advanced, what it printed, the history and
its wall time.  A later fit with the same key restores all of that instead
of training, prints the same log, and returns an equivalent ``History``: every
later cell sees what a real fit would have left.  The code in the cell is the
code that ran; only the arithmetic is skipped.  Without ``DLACT_FIT_CACHE``
every fit trains, as in plain Keras.

Kernels of several renders at once (``make retrain`` renders on two cores)
share the cache: a fit that trains holds a lock on its key (``<key>.lock``
beside the entry), and a kernel that wants the same fit meanwhile waits for
it and restores the entry, rather than training it a second time. So each
fit trains once per build, whichever kernel reaches it first, and every
output prints the wall time of that one training.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ENV_VAR = "DLACT_FIT_CACHE"
#: When set, every fit that trains appends one JSON line (for the benchmark) to this file.
LOG_ENV_VAR = "DLACT_FIT_LOG"
_ORIGINAL_FIT = "_dlact_original_fit"
#: Bumped when what an entry holds changes: older entries are retrained, not misread.
CACHE_FORMAT = 3


class _Tee(io.TextIOBase):
    """Write to the real stream and remember what was written."""

    def __init__(self, stream):
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text):
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


def _hash_value(h, value) -> None:
    """Feed a fit argument into the hash: arrays by content, the rest by repr."""
    if value is None or isinstance(value, (bool, int, float, str)):
        h.update(repr(value).encode())
    elif isinstance(value, dict):
        h.update(b"{")
        for key in sorted(value, key=repr):
            h.update(repr(key).encode())
            _hash_value(h, value[key])
        h.update(b"}")
    elif isinstance(value, (list, tuple)):
        h.update(b"(")
        for item in value:
            _hash_value(h, item)
        h.update(b")")
    else:
        array = np.ascontiguousarray(np.asarray(value))
        h.update(f"array{array.shape}{array.dtype}".encode())
        h.update(array.tobytes())
        columns = getattr(value, "columns", None)
        if columns is not None:
            h.update(repr(list(columns)).encode())


def _callback_settings(callback) -> dict:
    """A callback's settings: its public attributes of simple types (for the key)."""
    return {
        k: v
        for k, v in vars(callback).items()
        if not k.startswith("_") and isinstance(v, (bool, int, float, str, type(None)))
    }


def _callback_state(callback) -> dict:
    """Everything a fit may have changed in a callback, as plain values.

    Public attributes that are numbers, strings, arrays or lists of arrays
    (``EarlyStopping.best_weights``); the model the callback is attached to
    is set again with ``set_model`` on restore.
    """
    state = {}
    for name, value in vars(callback).items():
        if name.startswith("_") or name == "model":
            continue
        if isinstance(value, (bool, int, float, str, type(None), np.ndarray, np.generic)):
            state[name] = value
        elif isinstance(value, (list, tuple)) and all(isinstance(v, np.ndarray) for v in value):
            state[name] = [np.array(v) for v in value]
    return state


def _values(variables) -> list[np.ndarray]:
    import keras

    return [np.array(keras.ops.convert_to_numpy(v.value)) for v in variables]


def _assign(variables, values, what: str) -> None:
    variables = list(variables)
    if len(variables) != len(values):
        raise RuntimeError(
            f"fit cache: the stored fit has {len(values)} {what} variables, this model "
            f"{len(variables)}; delete the cache folder (${ENV_VAR}) and build again."
        )
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)


def _metric_variables(model) -> list:
    return [v for metric in model.metrics for v in metric.variables]


def _rng_state() -> dict:
    """The global random generators a fit can advance (NumPy's is used to shuffle).

    PyTorch's state is kept as a NumPy array, so that reading the entry back needs
    no PyTorch (a kernel that never imported it, or a machine without it).
    """
    state = {"random": random.getstate(), "numpy": np.random.get_state()}
    torch = sys.modules.get("torch")
    if torch is not None:
        state["torch"] = torch.get_rng_state().numpy()
    return state


def _set_rng_state(state: dict) -> None:
    random.setstate(state["random"])
    np.random.set_state(state["numpy"])
    torch = sys.modules.get("torch")
    if torch is not None and "torch" in state:
        torch.set_rng_state(torch.from_numpy(state["torch"]))


def _first_batch(args: tuple, kwargs: dict):
    """One row of the fit's ``(x, y)``, to build metrics and optimiser without training."""
    x = args[0] if args else kwargs.get("x")
    y = args[1] if len(args) > 1 else kwargs.get("y")
    if x is None or y is None:
        return None
    try:
        return (x[:1], y[:1])
    except (TypeError, KeyError, IndexError):
        return None


def _build_for_restore(model, args: tuple, kwargs: dict) -> None:
    """Build what a real fit builds (optimiser slots, compiled metrics), without training."""
    batch = _first_batch(args, kwargs)
    if batch is not None:
        x, y = batch
        x = np.asarray(getattr(x, "to_numpy", lambda: x)())
        y = np.asarray(getattr(y, "to_numpy", lambda: y)())
        model._symbolic_build(data_batch=(x, y))  # symbolic: touches no values
    if model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)


def _versions() -> dict:
    import keras

    backend = keras.backend.backend()
    module = sys.modules.get(backend)
    return {
        "backend": backend,
        "keras": keras.__version__,
        backend: getattr(module, "__version__", "?"),
    }


def _without_names(config):
    """A model config without its layer names, which Keras numbers per session."""
    if isinstance(config, dict):
        return {k: _without_names(v) for k, v in config.items() if k != "name"}
    if isinstance(config, list):
        return [_without_names(v) for v in config]
    return config


def fit_key(model, args: tuple, kwargs: dict) -> str:
    """The hash of everything that determines the result of ``model.fit(*args, **kwargs)``."""
    h = hashlib.sha256()
    architecture = _without_names(model.get_config())
    h.update(json.dumps(architecture, sort_keys=True, default=repr).encode())
    for weight in model.get_weights():
        _hash_value(h, weight)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:  # its step counter: a fit may continue an earlier one
        for value in _values(optimizer.variables):
            _hash_value(h, value)
    compile_config = dict(model.get_compile_config() or {})
    # the optimiser's name is numbered per session too ("adam", "adam_1", ...);
    # metric names stay: they name the history's keys
    compile_config["optimizer"] = _without_names(compile_config.get("optimizer"))
    h.update(json.dumps(compile_config, sort_keys=True, default=repr).encode())
    _hash_value(h, list(args))
    callbacks = kwargs.get("callbacks") or []
    rest = {k: v for k, v in kwargs.items() if k != "callbacks"}
    _hash_value(h, rest)
    for callback in callbacks:
        h.update(type(callback).__qualname__.encode())
        _hash_value(h, _callback_settings(callback))
    h.update(json.dumps(_versions(), sort_keys=True).encode())
    return h.hexdigest()[:32]


def _store(path: Path, entry: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        pickle.dump(entry, stream)
    os.replace(tmp, path)  # a reader never sees half an entry


def _load(path: Path) -> dict | None:
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except (OSError, EOFError, ImportError, pickle.UnpicklingError):
        return None


@contextlib.contextmanager
def training_lock(path: Path):
    """Hold the lock of the fit stored at ``path`` (a file ``<key>.lock`` beside it).

    Another kernel asking for the same lock waits until this one lets go, so
    two renders at once never train the same fit side by side. Where the
    system has no ``fcntl`` (Windows), there is no lock: a fit wanted by two
    kernels at once is then trained by both, with the same result.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Linux or macOS
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _current(entry: dict | None) -> bool:
    return entry is not None and entry.get("format") == CACHE_FORMAT


def _original_fit():
    import keras

    return getattr(keras.Model, _ORIGINAL_FIT, keras.Model.fit)


def timed_fit(model, *args, **kwargs):
    """``model.fit(*args, **kwargs)``, with its wall time kept in ``history.params``."""
    start = time.perf_counter()
    history = _original_fit()(model, *args, **kwargs)
    seconds = time.perf_counter() - start
    history.params = {**(history.params or {}), "wall_seconds": seconds}
    if os.environ.get(LOG_ENV_VAR):
        _log_fit(Path(os.environ[LOG_ENV_VAR]), model, history, seconds)
    return history


def _log_fit(path: Path, model, history, seconds: float) -> None:
    import resource

    record = {
        **_versions(),
        "model": model.name,
        "parameters": int(model.count_params()),
        "epochs": len(history.epoch),
        "steps_per_epoch": (history.params or {}).get("steps"),
        "seconds": seconds,
        # peak resident memory of this process so far, in MiB (Linux reports KiB)
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    with open(path, "a") as stream:
        stream.write(json.dumps(record) + "\n")


def _train_and_store(model, args: tuple, kwargs: dict, path: Path):
    """Train for real, store what the fit leaves behind at ``path``, return the History."""
    callbacks = kwargs.get("callbacks") or []
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        history = timed_fit(model, *args, **kwargs)
    optimizer = model.optimizer
    _store(
        path,
        {
            "format": CACHE_FORMAT,
            "variables": _values(model.variables),
            "optimizer": _values(optimizer.variables) if optimizer is not None else [],
            "metrics": _values(_metric_variables(model)),
            "stop_training": bool(getattr(model, "stop_training", False)),
            "rng": _rng_state(),
            "history": history.history,
            "epoch": history.epoch,
            "params": history.params,
            "callbacks": [_callback_state(c) for c in callbacks],
            "printed": "".join(tee.parts),
        },
    )
    return history


def cached_fit(model, *args, cache_dir: Path, **kwargs):
    """``model.fit(*args, **kwargs)``, trained once per key in ``cache_dir``."""
    import keras

    key = fit_key(model, args, kwargs)
    path = Path(cache_dir) / f"{key}.pkl"
    callbacks = kwargs.get("callbacks") or []

    entry = _load(path)
    if not _current(entry):
        with training_lock(path):
            entry = _load(path)  # another kernel may have trained it while this one waited
            if not _current(entry):
                return _train_and_store(model, args, kwargs, path)

    _build_for_restore(model, args, kwargs)
    _assign(model.variables, entry["variables"], "model")
    if model.optimizer is not None:
        _assign(model.optimizer.variables, entry["optimizer"], "optimiser")
    _assign(_metric_variables(model), entry["metrics"], "metric")
    model.stop_training = entry["stop_training"]
    for callback, state in zip(callbacks, entry["callbacks"], strict=True):
        for name, value in state.items():
            setattr(callback, name, value)
        callback.set_model(model)
    _set_rng_state(entry["rng"])
    sys.stdout.write(entry["printed"])
    history = keras.callbacks.History()
    history.set_model(model)
    history.history = entry["history"]
    history.epoch = entry["epoch"]
    history.params = entry["params"]
    model.history = history
    return history


def fit_seconds(history) -> float:
    """Wall-clock seconds of the real training behind ``history``.

    Recorded by the fit wrapper that :func:`enable` installs, for the fit
    that actually trained (also when the history was restored from the cache).
    """
    try:
        return float(history.params["wall_seconds"])
    except (KeyError, TypeError) as exc:
        raise ValueError(
            "This History has no recorded wall time: it was not produced with "
            "dlact.site.fitcache.enable() in force (setup_notebook() calls it)."
        ) from exc


def enable(cache_dir: str | Path | None = None) -> Path | None:
    """Route every ``keras.Model.fit`` through the wrapper of this module.

    Every fit then records its wall time (see :func:`fit_seconds`).  With a
    ``cache_dir`` (default ``$DLACT_FIT_CACHE``) fits are also cached there;
    with neither, each fit trains as usual.  Returns the cache folder or None.
    Calling it again replaces the previous setting.
    """
    import keras

    cache_dir = cache_dir or os.environ.get(ENV_VAR)
    folder = Path(cache_dir).expanduser().resolve() if cache_dir else None
    original = _original_fit()
    if not hasattr(keras.Model, _ORIGINAL_FIT):
        setattr(keras.Model, _ORIGINAL_FIT, original)

    if folder is None:

        def fit(self, *args, **kwargs):
            return timed_fit(self, *args, **kwargs)
    else:

        def fit(self, *args, **kwargs):
            return cached_fit(self, *args, cache_dir=folder, **kwargs)

    fit.__doc__ = original.__doc__
    fit.__wrapped__ = original
    keras.Model.fit = fit
    return folder


def disable() -> None:
    """Undo :func:`enable`."""
    import keras

    original = getattr(keras.Model, _ORIGINAL_FIT, None)
    if original is not None:
        keras.Model.fit = original
        delattr(keras.Model, _ORIGINAL_FIT)
