"""The total cost of a classifier's errors against its threshold.

The static version of the binary part's threshold explorable: the costs are
computed in the chapter, from the model's predictions; this module only
draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import finite_float, short_repr, single_axes

__all__ = ["ThresholdCostsPlot", "plot_threshold_costs"]


@dataclass(repr=False)
class ThresholdCostsPlot:
    """What :func:`plot_threshold_costs` drew.

    Attributes
    ----------
    ax, figure_ : the Axes and its Figure.
    thresholds, costs : the curve.
    best : the threshold of lowest cost (the first, if several tie).
    chosen : the threshold marked with a dashed line, or None.
    """

    ax: Axes
    figure_: Figure
    thresholds: np.ndarray
    costs: np.ndarray
    best: float
    chosen: float | None

    def __repr__(self) -> str:
        return short_repr(self, best=self.best, chosen=self.chosen)


def plot_threshold_costs(thresholds, costs, chosen: float | None = 0.5, ax: Axes | None = None):
    """Plot a total cost against the threshold, marking the cheapest threshold.

    Parameters
    ----------
    thresholds : array_like, increasing
        The thresholds, for example 0.01, 0.02, ..., 0.99.
    costs : array_like, same length
        The total cost of the errors made at each threshold.
    chosen : float, optional
        A threshold to mark with a dashed line (default 0.5); None for none.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.

    Returns
    -------
    ThresholdCostsPlot
        The Axes, the figure, the curve and the cheapest threshold.

    Examples
    --------
    >>> shown = plot_threshold_costs([0.2, 0.4, 0.6], [5, 3, 4])
    >>> shown.best
    0.4
    """
    func = "plot_threshold_costs"
    thresholds = np.asarray(thresholds, dtype=float)
    costs = np.asarray(costs, dtype=float)
    if thresholds.ndim != 1 or thresholds.shape != costs.shape or thresholds.size < 2:
        raise ValueError(f"{func}: thresholds and costs must be 1-D of the same length (>= 2)")
    if not (np.all(np.isfinite(thresholds)) and np.all(np.isfinite(costs))):
        raise ValueError(f"{func}: thresholds and costs must be finite")
    if np.any(np.diff(thresholds) <= 0):
        raise ValueError(f"{func}: thresholds must increase")
    ax = single_axes(ax, func)
    best_index = int(np.argmin(costs))
    best = float(thresholds[best_index])
    ax.plot(thresholds, costs, color="C0", label="total cost")
    ax.plot(
        best,
        costs[best_index],
        "o",
        color="C2",
        markersize=mpl.rcParams["lines.markersize"] * 1.3,
        label=f"cheapest: {best:.2f}",
    )
    if chosen is not None:
        chosen = finite_float(chosen, "chosen", func)
        ax.axvline(chosen, color="C1", linestyle="--", label=f"threshold {chosen:g}")
    ax.set_xlabel("Threshold")
    ax.set_ylabel("Total cost")
    ax.set_xlim(0, 1)
    ax.legend(loc="upper center")
    return ThresholdCostsPlot(ax, ax.figure, thresholds, costs, best, chosen)
