"""Which Keras backend the lecture runs on.

The backend is a setting: the ``KERAS_BACKEND`` environment variable, read
before Keras is first imported.  When it is unset the lecture uses
:data:`DEFAULT_BACKEND`, the fastest supported backend on the benchmark
(``make bench``, which runs ``tests/benchmark_fits.py``; figures in the README).

Examples
--------
>>> choose_backend() in SUPPORTED_BACKENDS
True
"""

from __future__ import annotations

import os
import sys

SUPPORTED_BACKENDS = ("jax", "torch")
"""The Keras backends the lecture runs on."""

DEFAULT_BACKEND = "jax"
"""The backend used when ``KERAS_BACKEND`` is unset: the fastest on the benchmark."""


class BackendError(RuntimeError):
    """The requested Keras backend cannot be used.

    Raised by :func:`choose_backend` for an unknown backend, a backend whose
    package is not installed, or a switch of backend after Keras was imported;
    the message says what to do instead.

    Examples
    --------
    >>> try:
    ...     choose_backend("tensorflow")
    ... except BackendError as error:
    ...     print(error)
    Unknown Keras backend 'tensorflow': the lecture runs on jax or torch. Set KERAS_BACKEND to one of them.
    """


def installed_backend() -> str:
    """The backend to use when none is named: :data:`DEFAULT_BACKEND` if its package is
    installed, else the first supported backend that is.

    A student's notebook runs wherever it is opened: on Colab, which has JAX
    and PyTorch, or in an environment with only one of them.

    Raises
    ------
    BackendError
        If no supported backend's package is installed; the message says
        what to install.

    Examples
    --------
    >>> installed_backend() in SUPPORTED_BACKENDS
    True
    """
    import importlib.util

    ordered = (DEFAULT_BACKEND, *(b for b in SUPPORTED_BACKENDS if b != DEFAULT_BACKEND))
    for name in ordered:
        if importlib.util.find_spec(name) is not None:
            return name
    raise BackendError(
        f"None of the Keras backends the lecture runs on ({', '.join(SUPPORTED_BACKENDS)}) "
        f"is installed. Install one, for example `pip install jax`, then run this again."
    )


def choose_backend(name: str | None = None) -> str:
    """Validate and activate a Keras backend; return its name.

    Sets ``KERAS_BACKEND`` for Keras to read when it is first imported (and,
    for JAX, keeps it on the CPU). Must run before Keras is imported: Keras
    fixes its backend at import time. Once Keras is imported, asking for the
    backend it already uses is fine; asking for another is an error.

    Parameters
    ----------
    name : str, optional
        ``"jax"`` or ``"torch"`` (case and surrounding spaces are ignored).
        Defaults to ``$KERAS_BACKEND``, then :func:`installed_backend`
        (:data:`DEFAULT_BACKEND` when it is installed).

    Returns
    -------
    str
        The backend's name, in lower case.

    Raises
    ------
    BackendError
        If the backend is not supported, its package is not installed, or
        Keras is already running on another backend.

    Examples
    --------
    >>> choose_backend() in SUPPORTED_BACKENDS
    True
    >>> choose_backend("theano")
    Traceback (most recent call last):
    ...
    dlact.backend.BackendError: Unknown Keras backend 'theano': the lecture runs on jax or torch. Set KERAS_BACKEND to one of them.
    """
    name = (name or os.environ.get("KERAS_BACKEND") or installed_backend()).strip().lower()
    if name not in SUPPORTED_BACKENDS:
        raise BackendError(
            f"Unknown Keras backend {name!r}: the lecture runs on "
            f"{' or '.join(SUPPORTED_BACKENDS)}. Set KERAS_BACKEND to one of them."
        )
    if "keras" in sys.modules:
        active = sys.modules["keras"].backend.backend()
        if active != name:
            raise BackendError(
                f"Keras is already imported with the {active!r} backend, so it cannot "
                f"switch to {name!r}. Choose the backend before importing Keras "
                f"(restart the kernel, set KERAS_BACKEND={name})."
            )
        return name
    try:
        __import__(name)
    except ImportError as exc:
        raise BackendError(
            f"The Keras backend {name!r} needs the package {name!r}, which is not "
            f"installed. Install it (pip install -e '.[{name}]') or set KERAS_BACKEND "
            f"to one of {', '.join(SUPPORTED_BACKENDS)}."
        ) from exc
    os.environ["KERAS_BACKEND"] = name
    if name == "jax":
        # CPU only: stops JAX probing for accelerators (and warning) at start-up.
        os.environ.setdefault("JAX_PLATFORMS", "cpu")
    return name
