"""Why cross-entropy: the loss of one positive example as the prediction varies."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..losses import binary_crossentropy, mse
from ._axes import short_repr, single_axes

__all__ = ["LossComparisonPlot", "plot_mse_vs_cross_entropy"]


@dataclass(repr=False)
class LossComparisonPlot:
    """What :func:`plot_mse_vs_cross_entropy` drew.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The Axes drawn on.
    figure_ : matplotlib.figure.Figure
        Its figure.
    p : numpy.ndarray
        Predicted probabilities of the positive class (x values).
    squared_error : numpy.ndarray
        ``(1 - p) ** 2`` at ``p``.
    cross_entropy : numpy.ndarray
        ``-log(p)`` at ``p``.
    """

    ax: Axes
    figure_: Figure
    p: np.ndarray
    squared_error: np.ndarray
    cross_entropy: np.ndarray

    def __repr__(self) -> str:
        return short_repr(self, points=len(self.p))


def plot_mse_vs_cross_entropy(ax: Axes | None = None, *, num: int = 400, y_max: float = 5.0):
    """Plot the squared error and the cross-entropy of a positive example.

    For an example with label ``y = 1`` and predicted probability ``p`` the
    squared error is ``(1 - p)**2`` (at most 1) while the cross-entropy
    ``-log p`` grows without bound as ``p -> 0``: a confident wrong answer is
    punished much harder. An arrow marks that unbounded growth.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.
    num : int, default 400
        Number of values of ``p``, spaced evenly (log-spaced near 0) in (0, 1].
    y_max : float, default 5
        Upper limit of the y axis (the cross-entropy curve runs off the top).

    Returns
    -------
    LossComparisonPlot
        The Axes, its figure and the arrays drawn.

    Examples
    --------
    >>> result = plot_mse_vs_cross_entropy()
    >>> round(float(result.squared_error.max()), 3), bool(result.cross_entropy.max() > 9)
    (1.0, True)
    """
    func = "plot_mse_vs_cross_entropy"
    ax = single_axes(ax, func)
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 10:
        raise ValueError(f"{func}: num must be an integer >= 10, got {num!r}")
    if not np.isfinite(y_max) or y_max <= 1:
        raise ValueError(f"{func}: y_max must be a finite number > 1, got {y_max!r}")

    # Dense near 0, where -log p is steep, and even elsewhere; p stays in (0, 1].
    p = np.unique(
        np.concatenate([np.geomspace(1e-4, 0.05, num // 4), np.linspace(0.05, 1.0, num - num // 4)])
    )
    # The library's own losses, one positive example (y = 1) at a time.
    squared_error = np.array([mse([1.0], [q]) for q in p])
    cross_entropy = np.array([binary_crossentropy([1.0], [q], eps=0.0) for q in p])

    ax.plot(p, squared_error, color="C0", label=r"Squared error $(1-p)^2$")
    ax.plot(p, cross_entropy, color="C1", label=r"Cross-entropy $-\log p$")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, y_max)
    ax.set_xlabel(r"Predicted probability $p$ of the true class ($y = 1$)")
    ax.set_ylabel("Loss")

    # Where -log p leaves the plot: an arrow pointing up, with its label.
    p_top = float(np.exp(-y_max * 0.96))
    ax.annotate(
        r"$-\log p \to \infty$ as $p \to 0$",
        xy=(max(p_top, 0.012), y_max * 0.93),
        xytext=(0.12, y_max * 0.78),
        ha="left",
        va="center",
        arrowprops={"arrowstyle": "->", "color": "C1", "lw": 1.5},
    )
    ax.legend(loc="upper right")
    return LossComparisonPlot(ax, ax.figure, p, squared_error, cross_entropy)
