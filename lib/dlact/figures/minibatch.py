"""Batch, mini-batch and stochastic gradient descent side by side, on a contour plot.

The paths come from :func:`dlact.gd.gd_path` on :func:`dlact.toydata.line_data`;
this module only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..gd import gd_path
from ..linreg import squared_error_grad, squared_error_surface
from ..toydata import line_data
from ._axes import (
    finite_float,
    positive_int,
    short_repr,
    single_axes,
)

__all__ = ["MinibatchPathsPlot", "plot_minibatch_paths"]


@dataclass(repr=False)
class MinibatchPathsPlot:
    """What :func:`plot_minibatch_paths` drew.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The Axes drawn on.
    figure_ : matplotlib.figure.Figure
        Its figure.
    x, y : numpy.ndarray
        The synthetic data the loss is the mean squared error on.
    learning_rate : float
        The step size used by every path.
    batch_sizes : dict of str to int
        Path name -> batch size.
    paths : dict of str to numpy.ndarray
        Path name -> array of shape (steps + 1, 2), the iterates (w, b).
    batch_indices : dict of str to list of numpy.ndarray
        Path name -> the indices of the examples used at each step.
    optimum : numpy.ndarray
        The least-squares (w, b).
    """

    ax: Axes
    figure_: Figure
    x: np.ndarray
    y: np.ndarray
    learning_rate: float
    batch_sizes: dict[str, int]
    paths: dict[str, np.ndarray]
    batch_indices: dict[str, list[np.ndarray]]
    optimum: np.ndarray

    def __repr__(self) -> str:
        return short_repr(self, batch_sizes=self.batch_sizes)


def plot_minibatch_paths(
    ax: Axes | None = None,
    seed: int = 0,
    *,
    data=None,
    theta0=(-1.0, -2.5),
    steps: int = 40,
    learning_rate: float = 0.1,
    batch_size: int = 8,
):
    """Paths of batch, mini-batch and stochastic gradient descent on a contour plot.

    The loss is the mean squared error of the line ``y = w x + b`` on the
    given data (by default 40 seeded points from
    :func:`dlact.toydata.line_data`); its contours are drawn over (w, b). From the same
    start and with the same learning rate, ``steps`` updates of each of

    * batch gradient descent (all examples each step): a smooth path;
    * mini-batch gradient descent (``batch_size`` examples): a noisy path;
    * stochastic gradient descent (one example): a very noisy path,

    where the batches come from a fresh shuffle of the data each epoch. The
    least-squares solution is marked ★.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.
    seed : int, default 0
        Seed of the data (when ``data`` is None) and of the shuffles.
    data : (x, y), optional
        The data to fit, two 1-D arrays of the same length (at least 3 points).
    theta0 : (float, float), default (-1, -2.5)
        Where every path starts, (w, b).
    steps : int, default 40
        Number of updates on each path.
    learning_rate : float, default 0.1
        The step size of every path.
    batch_size : int, default 8
        Batch size of the mini-batch path (between 2 and 39).

    Returns
    -------
    MinibatchPathsPlot
        The Axes, the figure, the data and the three paths.

    Examples
    --------
    >>> result = plot_minibatch_paths(steps=40)
    >>> result.batch_sizes
    {'Batch GD': 40, 'Mini-batch GD (batch size 8)': 8, 'Stochastic GD (batch size 1)': 1}
    >>> [path.shape for path in result.paths.values()]
    [(41, 2), (41, 2), (41, 2)]
    """
    func = "plot_minibatch_paths"
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{func}: seed must be a non-negative integer, got {seed!r}")
    steps = positive_int(steps, "steps", func)
    learning_rate = finite_float(learning_rate, "learning_rate", func)
    if learning_rate <= 0:
        raise ValueError(f"{func}: learning_rate must be positive, got {learning_rate}")
    if data is None:
        x, y = line_data(seed, 40)
    else:
        x, y = (np.asarray(v, dtype=float) for v in data)
        if x.ndim != 1 or x.shape != y.shape or len(x) < 3:
            raise ValueError(f"{func}: data must be two 1-D arrays of the same length (>= 3)")
    n = len(x)
    batch_size = positive_int(batch_size, "batch_size", func)
    if not 2 <= batch_size < n:
        raise ValueError(f"{func}: batch_size must be between 2 and {n - 1}, got {batch_size}")
    ax = single_axes(ax, func)

    A = np.column_stack([x, np.ones(n)])
    optimum = np.linalg.lstsq(A, y, rcond=None)[0]
    theta0 = np.array([finite_float(v, "theta0", func) for v in theta0])

    batch_sizes = {
        "Batch GD": n,
        f"Mini-batch GD (batch size {batch_size})": batch_size,
        "Stochastic GD (batch size 1)": 1,
    }
    paths, used = {}, {}
    for name, size in batch_sizes.items():
        paths[name], used[name] = gd_path(
            squared_error_grad,
            theta0,
            x,
            y,
            learning_rate=learning_rate,
            steps=steps,
            batch_size=size,
            seed=seed + 1,
        )

    pts = np.vstack(list(paths.values()) + [optimum[None, :]])
    (w_lo, b_lo), (w_hi, b_hi) = pts.min(axis=0), pts.max(axis=0)
    pad_w, pad_b = 0.15 * (w_hi - w_lo) + 0.2, 0.15 * (b_hi - b_lo) + 0.2
    W, B = np.meshgrid(
        np.linspace(w_lo - pad_w, w_hi + pad_w, 200), np.linspace(b_lo - pad_b, b_hi + pad_b, 200)
    )
    L = squared_error_surface(W, B, x, y)
    levels = np.quantile(L, np.linspace(0.0, 0.95, 12) ** 2)[1:]
    ax.contourf(W, B, L, levels=np.r_[L.min(), levels, L.max()], cmap="Greys", alpha=0.35)
    ax.contour(
        W,
        B,
        L,
        levels=levels,
        colors="0.55",
        linewidths=0.6 * mpl.rcParams["lines.linewidth"] / 1.8,
    )

    styles = {0: ("C0", "-", 1.0), 1: ("C2", "-", 0.7), 2: ("C1", "-", 0.55)}
    ms = mpl.rcParams["lines.markersize"]
    for i, (name, path) in enumerate(paths.items()):
        colour, ls, width = styles[i]
        ax.plot(
            path[:, 0],
            path[:, 1],
            ls=ls,
            marker="o",
            markersize=ms * 0.45,
            lw=mpl.rcParams["lines.linewidth"] * width,
            color=colour,
            label=name,
            zorder=3 + i,
        )
    ax.plot(
        *theta0,
        "o",
        color="white",
        markeredgecolor="black",
        markersize=ms * 1.2,
        zorder=6,
        label="start",
    )
    ax.plot(
        *optimum,
        "*",
        color="#F0E442",
        markeredgecolor="black",
        markersize=ms * 2.2,
        zorder=6,
        label="least-squares optimum",
    )
    ax.set_xlabel("$w$")
    ax.set_ylabel("$b$")
    ax.set_xlim(W.min(), W.max())
    ax.set_ylim(B.min(), B.max())
    ax.grid(False)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
    return MinibatchPathsPlot(ax, ax.figure, x, y, learning_rate, batch_sizes, paths, used, optimum)
