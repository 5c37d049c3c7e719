"""Helpers shared by the figure modules: axes creation and input checks."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes


def single_axes(ax: Axes | None, func: str) -> Axes:
    """``ax`` if it is an Axes; a new figure's Axes if it is None."""
    if ax is None:
        _, ax = plt.subplots()
        return ax
    if not isinstance(ax, Axes):
        raise ValueError(f"{func}: ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def axes_list(ax, n: int, func: str, *, ncols: int | None = None, **subplots_kw) -> list[Axes]:
    """``n`` Axes: new ones (one figure, one panel each) if ``ax`` is None,
    else the ones given (a single Axes counts as one)."""
    if ax is None:
        ncols = n if ncols is None else min(ncols, n)
        nrows = -(-n // ncols)
        fig, axs = plt.subplots(nrows, ncols, squeeze=False, **subplots_kw)
        axs = list(axs.ravel())
        for extra in axs[n:]:
            fig.delaxes(extra)
        return axs[:n]
    if isinstance(ax, Axes):
        axs = [ax]
    elif isinstance(ax, (Sequence, np.ndarray)) and all(
        isinstance(a, Axes) for a in np.ravel(np.asarray(ax, dtype=object))
    ):
        axs = list(np.ravel(np.asarray(ax, dtype=object)))
    else:
        raise ValueError(
            f"{func}: ax must be None, a matplotlib Axes or a sequence of Axes, "
            f"got {type(ax).__name__}"
        )
    if len(axs) != n:
        raise ValueError(f"{func}: needs {n} Axes (one per panel), got {len(axs)}")
    return axs


def check_callable(obj, what: str, func: str) -> None:
    if not callable(obj):
        raise ValueError(f"{func}: {what} must be callable, got {type(obj).__name__}")


def finite_float(value, what: str, func: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: {what} must be a number, got {value!r}") from None
    if not np.isfinite(out):
        raise ValueError(f"{func}: {what} must be finite, got {value!r}")
    return out


def positive_int(value, what: str, func: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{func}: {what} must be a positive integer, got {value!r}")
    return int(value)


def value_range(value, what: str, func: str) -> tuple[float, float]:
    try:
        lo, hi = value
    except (TypeError, ValueError):
        raise ValueError(f"{func}: {what} must be a pair (low, high), got {value!r}") from None
    lo = finite_float(lo, f"{what}[0]", func)
    hi = finite_float(hi, f"{what}[1]", func)
    if not lo < hi:
        raise ValueError(f"{func}: {what} must have low < high, got {value!r}")
    return lo, hi


def labels_for(labels, n: int, default, what: str, func: str) -> list[str]:
    if labels is None:
        return list(default)
    if isinstance(labels, str):
        raise ValueError(f"{func}: {what} must be a sequence of {n} strings, not one string")
    labels = [str(label) for label in labels]
    if len(labels) != n:
        raise ValueError(f"{func}: {what} must have {n} entries, got {len(labels)}")
    return labels


def short_repr(obj, **fields) -> str:
    inner = ", ".join(f"{k}={v}" for k, v in fields.items())
    return f"<{type(obj).__name__}: {inner}>"
