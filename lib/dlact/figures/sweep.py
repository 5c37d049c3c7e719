"""Quantities plotted against one weight while the others stay fixed (a "sweep").

Used to show why accuracy cannot be a training loss: as one weight moves,
accuracy only jumps between a few values (its derivative is zero almost
everywhere), while the cross-entropy changes smoothly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import axes_list, short_repr

__all__ = ["WeightSweepPlot", "plot_weight_sweep"]


@dataclass(repr=False)
class WeightSweepPlot:
    """What :func:`plot_weight_sweep` drew.

    Attributes
    ----------
    axes : tuple of Axes
        One per curve, top to bottom.
    figure_ : matplotlib.figure.Figure
        Their figure.
    weights : numpy.ndarray
        The x values.
    curves : dict of str to numpy.ndarray
        Name -> the values drawn against ``weights``.
    marked : float or None
        The weight marked with a vertical line on every panel, or None.
    ax : matplotlib.axes.Axes
        The first (top) panel.
    """

    axes: tuple[Axes, ...]
    figure_: Figure
    weights: np.ndarray
    curves: dict[str, np.ndarray]
    marked: float | None

    @property
    def ax(self) -> Axes:
        """The first (top) panel."""
        return self.axes[0]

    def __repr__(self) -> str:
        return short_repr(self, curves=list(self.curves), points=len(self.weights))


def plot_weight_sweep(
    weights,
    curves: Mapping[str, object],
    ax: Axes | list[Axes] | None = None,
    *,
    xlabel: str = "weight",
    mark: float | None = None,
):
    """Plot some quantities against a weight, one panel each, sharing the x axis.

    Parameters
    ----------
    weights : 1-D array-like of float, increasing
        The values of the weight that was varied.
    curves : dict of str to 1-D array-like
        Name (used as the panel's y label) -> values, one per weight; e.g.
        ``{"Accuracy": acc, "Cross-entropy": bce}``.
    ax : Axes or list of Axes, optional
        One Axes per curve; a new figure with the panels stacked is made if None.
    xlabel : str, default "weight"
        Label of the shared x axis (LaTeX allowed, e.g. ``"$w_1$"``).
    mark : float, optional
        A weight to mark with a dashed vertical line on every panel.

    Returns
    -------
    WeightSweepPlot
        The Axes, the figure, the weights and the curves drawn.

    Raises
    ------
    ValueError
        If there are no curves, a curve's length differs from the weights',
        the weights are not increasing, or a value is not finite.

    Examples
    --------
    Accuracy jumps where the cross-entropy changes smoothly:

    >>> from dlact.losses import binary_crossentropy
    >>> from dlact.maths import sigmoid
    >>> x, y = np.array([-1.0, 0.5, 2.0]), np.array([0, 1, 1])
    >>> weights = np.linspace(-3, 3, 61)
    >>> accuracy = [np.mean((sigmoid(w * x) > 0.5) == y) for w in weights]
    >>> bce = [binary_crossentropy(y, sigmoid(w * x)) for w in weights]
    >>> result = plot_weight_sweep(weights, {"Accuracy": accuracy, "Cross-entropy": bce},
    ...                            xlabel="$w$", mark=0.0)
    >>> np.unique(result.curves["Accuracy"]).round(2)
    array([0.  , 0.33, 1.  ])
    """
    func = "plot_weight_sweep"
    try:
        w = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: weights must be numbers") from None
    if w.ndim != 1 or w.size < 2 or not np.all(np.isfinite(w)) or np.any(np.diff(w) <= 0):
        raise ValueError(f"{func}: weights must be at least two finite, increasing numbers")
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError(f"{func}: curves must be a non-empty dict of name -> values")
    values: dict[str, np.ndarray] = {}
    for name, curve in curves.items():
        try:
            v = np.asarray(curve, dtype=float).ravel()
        except (TypeError, ValueError):
            raise ValueError(f"{func}: curve {name!r} must be numbers") from None
        if v.shape != w.shape:
            raise ValueError(f"{func}: curve {name!r} has {v.size} values for {w.size} weights")
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{func}: curve {name!r} has NaN or infinite values")
        values[str(name)] = v
    axs = axes_list(ax, len(values), func, ncols=1, sharex=True)
    for i, (a, (name, v)) in enumerate(zip(axs, values.items(), strict=True)):
        a.plot(w, v, color=f"C{i % 7}")
        a.set_ylabel(name)
        if mark is not None:
            a.axvline(float(mark), color="0.3", ls="--", lw=1.2, zorder=1)
    axs[-1].set_xlabel(xlabel)
    axs[-1].set_xlim(w[0], w[-1])
    return WeightSweepPlot(
        tuple(axs), axs[0].figure, w, values, None if mark is None else float(mark)
    )
