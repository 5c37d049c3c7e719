"""Which Keras backend the lecture runs on.

The backend is a setting: the ``KERAS_BACKEND`` environment variable, read
before Keras is first imported.  When it is unset the lecture uses
:data:`DEFAULT_BACKEND`, the fastest supported backend on the benchmark
(``python benchmarks/fits.py``; figures in the README).
"""

from __future__ import annotations

import os
import sys

SUPPORTED_BACKENDS = ("jax", "torch")
DEFAULT_BACKEND = "jax"


class BackendError(RuntimeError):
    """The requested Keras backend cannot be used."""


def choose_backend(name: str | None = None) -> str:
    """Validate and activate a Keras backend; return its name.

    ``name`` defaults to ``$KERAS_BACKEND``, then :data:`DEFAULT_BACKEND`.
    Must run before Keras is imported: Keras fixes its backend at import time.
    """
    name = (name or os.environ.get("KERAS_BACKEND") or DEFAULT_BACKEND).strip().lower()
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
