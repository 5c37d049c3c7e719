"""The traps of gradient descent drawn on a 1-D loss: local minimum, plateau, global minimum.

The loss, its minima and its plateau come from :mod:`dlact.landscapes`; this
module only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..landscapes import LANDSCAPE_RANGE, grid_minima, landscape_loss
from ..landscapes import plateau as find_plateau
from ._axes import (
    short_repr,
    single_axes,
)

__all__ = ["LandscapePlot", "plot_loss_landscape"]


@dataclass(repr=False)
class LandscapePlot:
    """What :func:`plot_loss_landscape` drew.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The Axes drawn on.
    figure_ : matplotlib.figure.Figure
        Its figure.
    x, loss : numpy.ndarray
        The curve.
    global_min, local_min : (float, float)
        ``(x, loss)`` of the two minima marked.
    plateau : (float, float)
        ``(start, end)`` of the shaded plateau.
    """

    ax: Axes
    figure_: Figure
    x: np.ndarray
    loss: np.ndarray
    global_min: tuple[float, float]
    local_min: tuple[float, float]
    plateau: tuple[float, float]

    def __repr__(self) -> str:
        return short_repr(
            self,
            global_min=round(self.global_min[0], 3),
            local_min=round(self.local_min[0], 3),
            plateau=tuple(round(v, 2) for v in self.plateau),
        )


def plot_loss_landscape(ax: Axes | None = None):
    """Draw a 1-D loss with a global minimum, a local minimum and a plateau.

    The loss is :func:`landscape_loss` on :data:`LANDSCAPE_RANGE`. Its minima
    are found numerically (a fine grid, refined by parabolic interpolation)
    and marked ★ (global) and ✕ (local); the plateau, the longest stretch
    where the slope is nearly zero away from any minimum, is shaded. These
    are the traps of gradient descent: it can stop in the local minimum, or
    crawl along the plateau.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.

    Returns
    -------
    LandscapePlot
        The Axes, the figure, the curve, and where the minima and plateau are.

    Examples
    --------
    >>> result = plot_loss_landscape()
    >>> round(result.global_min[0], 2), round(result.local_min[0], 2), result.plateau
    (8.57, 1.72, (3.0415, 5.164))
    """
    ax = single_axes(ax, "plot_loss_landscape")
    lo, hi = LANDSCAPE_RANGE
    x, y, minima = grid_minima(landscape_loss, lo, hi)
    global_min, local_min = minima[0], minima[1]
    plateau = find_plateau(x, y, minima)

    ax.plot(x, y, color="0.2", zorder=2)
    ax.axvspan(*plateau, color="C5", alpha=0.25, lw=0, zorder=0, label="Plateau")
    ms = mpl.rcParams["lines.markersize"]
    ax.plot(
        *global_min,
        marker="*",
        ls="none",
        color="C1",
        markeredgecolor="black",
        markersize=ms * 2.6,
        zorder=4,
        label="Global minimum",
    )
    ax.plot(
        *local_min,
        marker="X",
        ls="none",
        color="C0",
        markeredgecolor="black",
        markersize=ms * 1.8,
        zorder=4,
        label="Local minimum",
    )
    ax.set_xlim(lo, hi)
    span = y.max() - y.min()
    ax.set_ylim(y.min() - 0.08 * span, y.max() + 0.05 * span)
    ax.set_xlabel("Model parameter")
    ax.set_ylabel("Loss")
    handles, names = ax.get_legend_handles_labels()
    order = [names.index(n) for n in ("Global minimum", "Local minimum", "Plateau")]
    ax.legend([handles[i] for i in order], [names[i] for i in order], loc="upper right")
    return LandscapePlot(ax, ax.figure, x, y, global_min, local_min, plateau)
