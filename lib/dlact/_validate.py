"""Input checks shared by the gradient-descent modules (not part of the API)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np


def is_int(value: Any) -> bool:
    """Whether ``value`` is an integer (a bool is not)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def positive(name: str, value: float) -> float:
    """``value`` as a float, or a ValueError naming ``name`` if it is not a positive number."""
    is_number = isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
    if not is_number or not value > 0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def as_params(theta0: Any) -> np.ndarray:
    """A copy of ``theta0`` as a flat float vector."""
    theta = np.atleast_1d(np.asarray(theta0, dtype=float))
    if theta.ndim != 1:
        raise ValueError(f"theta0 must be a flat vector of parameters, got shape {theta.shape}")
    return theta.copy()


def as_float_array(values: Any, name: str) -> np.ndarray:
    """Convert array-likes (lists, pandas objects, scalars) to a float array."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric, got {type(values).__name__}: {error}") from None


def scalar_or_array(result: np.ndarray) -> np.ndarray | np.float64:
    """Return a NumPy scalar for 0-d results and the array otherwise."""
    return result[()] if result.ndim == 0 else result


def as_data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    # pandas (and polars) objects by their to_numpy(): importing pandas here would make
    # every figure of the lecture need it
    X = np.asarray(X.to_numpy() if hasattr(X, "to_numpy") else X)
    y = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must hold one row per example, got a scalar")
    if len(X) != len(y):
        raise ValueError(
            "X and y must have the same number of examples, "
            f"got len(X)={len(X)} and len(y)={len(y)}"
        )
    if len(y) == 0:
        raise ValueError("X and y are empty: need at least one example")
    return X, y


def check_epochs(epochs: int) -> None:
    if not is_int(epochs) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")


def check_order(order: Sequence[int] | None, n: int) -> np.ndarray | None:
    if order is None:
        return None
    order = np.asarray(order)
    if order.ndim != 1 or order.size == 0 or not np.issubdtype(order.dtype, np.integer):
        raise ValueError(
            f"order must be a non-empty sequence of integer example indices, got {order!r}"
        )
    if np.any((order < 0) | (order >= n)):
        raise ValueError(
            f"order holds indices outside 0..{n - 1} (there are {n} examples): {order.tolist()}"
        )
    return order


def check_batch_size(batch_size: int, n: int) -> int:
    if not is_int(batch_size) or not 1 <= batch_size <= n:
        raise ValueError(
            f"batch_size must be an integer between 1 and the number of examples ({n}), "
            f"got {batch_size!r}"
        )
    return int(batch_size)
