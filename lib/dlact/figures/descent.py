"""Gradient descent on a loss of one parameter, drawn for several learning rates.

The paths are computed by :func:`dlact.descent.gd_iterates`; this module only
draws them on the loss curve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..descent import gd_iterates
from ._axes import (
    axes_list,
    check_callable,
    finite_float,
    labels_for,
    positive_int,
    short_repr,
    value_range,
)

__all__ = ["GDPath", "GDPathsPlot", "plot_gd_paths"]


@dataclass(repr=False)
class GDPath:
    """The gradient-descent iterates for one learning rate.

    Attributes
    ----------
    learning_rate : float
        The step size η.
    label : str
        Its name in the figure.
    x : numpy.ndarray
        Iterates ``x_0, x_1, ...`` (those inside the plotted range).
    loss : numpy.ndarray
        ``f`` at those iterates.
    diverged : bool
        True if an iterate left the plotted range (or overflowed) before all
        steps were taken; the path stops there.
    left_range_at : int or None
        The step ``k`` whose iterate ``x_k`` left the range, or None.
    """

    learning_rate: float
    label: str
    x: np.ndarray
    loss: np.ndarray
    diverged: bool
    left_range_at: int | None

    def __repr__(self) -> str:
        return short_repr(
            self, learning_rate=self.learning_rate, steps=len(self.x) - 1, diverged=self.diverged
        )


@dataclass(repr=False)
class GDPathsPlot:
    """What :func:`plot_gd_paths` drew.

    Attributes
    ----------
    axes : tuple of Axes
        One per learning rate, or one shared Axes.
    figure_ : matplotlib.figure.Figure
        Their figure.
    x_grid, loss_grid : numpy.ndarray
        The loss curve drawn.
    x_range : (float, float)
        The plotted interval of x.
    paths : list of GDPath
        One per learning rate, in the order given.
    ax : matplotlib.axes.Axes
        The first (or only) panel.
    """

    axes: tuple[Axes, ...]
    figure_: Figure
    x_grid: np.ndarray
    loss_grid: np.ndarray
    x_range: tuple[float, float]
    paths: list[GDPath]

    @property
    def ax(self) -> Axes:
        """The first (or only) panel."""
        return self.axes[0]

    def __repr__(self) -> str:
        return short_repr(self, paths=[(p.learning_rate, p.diverged) for p in self.paths])


def _eval_curve(f: Callable, x: np.ndarray, func: str) -> np.ndarray:
    """``f`` on an array, whether or not ``f`` is vectorised."""
    try:
        y = np.asarray(f(x), dtype=float)
    except Exception:  # noqa: BLE001 - a scalar-only f: evaluate point by point
        y = None
    if y is None or y.shape != x.shape:
        try:
            y = np.array([float(f(float(v))) for v in x])
        except Exception as exc:  # noqa: BLE001
            raise ValueError(f"{func}: could not evaluate f on the plotted range: {exc}") from exc
    return y


def _default_range(grad, x0: float, rates: list[float], steps: int) -> tuple[float, float]:
    """Centred on where the best-converging path ends, wide enough to show the start."""
    best_end, best_grad = x0, np.inf
    for lr in rates:
        xs, _ = gd_iterates(grad, x0, lr, steps)
        g = abs(float(np.asarray(grad(xs[-1]), dtype=float)))
        if np.isfinite(g) and g < best_grad:
            best_end, best_grad = float(xs[-1]), g
    half = 1.3 * abs(x0 - best_end)
    if half == 0.0:
        half = 1.0
    return best_end - half, best_end + half


def plot_gd_paths(
    f: Callable[[np.ndarray], np.ndarray],
    grad: Callable[[float], float],
    x0: float,
    learning_rates: Sequence[float],
    steps: int = 10,
    ax: Axes | Sequence[Axes] | None = None,
    x_range: tuple[float, float] | None = None,
    labels: Sequence[str] | None = None,
):
    """Gradient descent on a 1-D loss with several learning rates.

    For each learning rate ``η``, compute the iterates
    ``x_{k+1} = x_k - η * grad(x_k)`` from ``x0`` and draw them as markers,
    joined by lines, on the loss curve ``f``. A path that leaves the plotted
    range (a diverging one) stops there, marked "leaves the plot", and is
    flagged ``diverged`` in the result. The classic four: too small (crawls),
    good (converges), too large (oscillates across the minimum) and
    diverging.

    Parameters
    ----------
    f : callable
        The loss; called on an array of x (or on each x if it is not vectorised).
    grad : callable
        Its derivative, called on one float.
    x0 : float
        The starting point, common to all paths.
    learning_rates : sequence of positive float
        One path per learning rate.
    steps : int, default 10
        Number of gradient steps.
    ax : Axes or sequence of Axes, optional
        One Axes per learning rate (one panel each), or a single Axes for all
        paths; if None, a new figure with one panel per learning rate (two
        columns in the book style, one row in the wide slides style).
    x_range : (float, float), optional
        The plotted interval of x, which must contain ``x0``. By default it
        is centred on the end of the path that converged best, wide enough to
        show ``x0``.
    labels : sequence of str, optional
        A name for each learning rate, e.g. ``["too small", "good", "too
        large", "diverges"]``.

    Returns
    -------
    GDPathsPlot
        The Axes, the figure, the curve and a :class:`GDPath` per rate.

    Examples
    --------
    The classic four on :math:`f(x) = x^2`:

    >>> result = plot_gd_paths(lambda x: x**2, lambda x: 2 * x, x0=-4,
    ...                        learning_rates=[0.05, 0.3, 0.9, 1.05],
    ...                        labels=["too small", "good", "too large", "diverges"])
    >>> [(path.label, path.diverged) for path in result.paths]
    [('too small', False), ('good', False), ('too large', False), ('diverges', True)]
    >>> result.paths[-1].left_range_at
    3
    """
    func = "plot_gd_paths"
    check_callable(f, "f", func)
    check_callable(grad, "grad", func)
    x0 = finite_float(x0, "x0", func)
    steps = positive_int(steps, "steps", func)
    rates = _rates(learning_rates, func)
    labels = labels_for(labels, len(rates), [""] * len(rates), "labels", func)
    lo, hi = _plot_range(grad, x0, rates, steps, x_range, func)

    x_grid = np.linspace(lo, hi, 400)
    loss_grid = _eval_curve(f, x_grid, func)
    if not np.all(np.isfinite(loss_grid)):
        raise ValueError(f"{func}: f is not finite everywhere on ({lo}, {hi})")
    paths = []
    for lr, label in zip(rates, labels, strict=True):
        xs, left = gd_iterates(grad, x0, lr, steps, (lo, hi))
        paths.append(GDPath(lr, label, xs, _eval_curve(f, xs, func), left is not None, left))

    axs = _panels(ax, len(rates), func)
    shared = len(axs) == 1
    span = float(loss_grid.max() - loss_grid.min()) or 1.0
    for i, path in enumerate(paths):
        a = axs[0] if shared else axs[i]
        if not shared or i == 0:
            a.plot(
                x_grid, loss_grid, color="0.35", lw=mpl.rcParams["lines.linewidth"] * 0.8, zorder=1
            )
        _draw_path(a, path, f"C{i % 7}", shared, grad, (lo, hi), loss_grid.max() + 0.05 * span)
    for a in axs:
        a.set_xlim(lo, hi)
        a.set_ylim(loss_grid.min() - 0.05 * span, loss_grid.max() + 0.05 * span)
    _label_axes(axs, shared)
    return GDPathsPlot(tuple(axs), axs[0].figure, x_grid, loss_grid, (lo, hi), paths)


def _rates(learning_rates, func: str) -> list[float]:
    if isinstance(learning_rates, (int, float, np.number)):
        learning_rates = [learning_rates]
    rates = [finite_float(lr, "each learning rate", func) for lr in learning_rates]
    if not rates:
        raise ValueError(f"{func}: learning_rates is empty; give at least one")
    if any(lr <= 0 for lr in rates):
        raise ValueError(f"{func}: learning rates must be positive, got {rates}")
    return rates


def _plot_range(grad, x0: float, rates: list[float], steps: int, x_range, func: str):
    if x_range is None:
        return _default_range(grad, x0, rates, steps)
    lo, hi = value_range(x_range, "x_range", func)
    if not lo <= x0 <= hi:
        raise ValueError(f"{func}: x0={x0} is outside x_range=({lo}, {hi})")
    return lo, hi


def _panels(ax, n: int, func: str) -> list[Axes]:
    """The Axes to draw on: one per path (a new figure if ``ax`` is None), or one for all."""
    if ax is None:
        wide = mpl.rcParams["figure.figsize"][0] >= 9
        ncols = n if wide else min(n, 2)
        nrows = -(-n // ncols)
        w, h = mpl.rcParams["figure.figsize"]
        return axes_list(
            None,
            n,
            func,
            ncols=ncols,
            sharex=True,
            sharey=True,
            figsize=(w, h if nrows == 1 else h * 0.68 * nrows),
        )
    if isinstance(ax, Axes):
        return [ax]
    return axes_list(ax, n, func)


def _draw_path(a: Axes, path: GDPath, colour: str, shared: bool, grad, x_range, y_top) -> None:
    """One path: its iterates joined by lines, the start ringed, an arrow if it diverged."""
    eta = rf"$\eta = {path.learning_rate:g}$"
    name = f"{path.label} ({eta})" if path.label else eta
    if path.diverged:
        name += ", leaves the plot"
    a.plot(
        path.x,
        path.loss,
        "-o",
        color=colour,
        lw=mpl.rcParams["lines.linewidth"] * 0.6,
        markersize=mpl.rcParams["lines.markersize"] * 0.9,
        zorder=3,
        label=name if shared else None,
    )
    a.plot(
        path.x[:1],
        path.loss[:1],
        "o",
        color=colour,
        markeredgecolor="black",
        markersize=mpl.rcParams["lines.markersize"] * 1.4,
        zorder=4,
    )
    if path.diverged:
        # An arrow from the last iterate towards where the next one lies, off the plot.
        last_x, last_y = path.x[-1], path.loss[-1]
        with np.errstate(over="ignore", invalid="ignore"):
            step = -path.learning_rate * float(np.asarray(grad(last_x), dtype=float))
        edge = x_range[1] if step > 0 else x_range[0]
        a.annotate(
            "",
            xy=(edge, y_top),
            xytext=(last_x, last_y),
            annotation_clip=False,
            arrowprops={
                "arrowstyle": "->",
                "color": colour,
                "ls": "--",
                "lw": mpl.rcParams["lines.linewidth"] * 0.6,
            },
        )
        if not shared:  # (on a shared Axes, the legend says it)
            a.text(
                0.5,
                0.45,
                f"leaves the\nplot after\n{path.left_range_at} steps",
                transform=a.transAxes,
                ha="center",
                va="center",
                color="0.1",
                fontsize="small",
                bbox={"boxstyle": "round", "fc": "white", "ec": colour, "alpha": 0.9},
            )
    if not shared:
        a.set_title(path.label if path.label else eta)
        if path.label:
            a.text(0.5, 0.97, eta, transform=a.transAxes, ha="center", va="top")


def _label_axes(axs: list[Axes], shared: bool) -> None:
    if shared:
        axs[0].set_xlabel(r"$x$")
        axs[0].set_ylabel(r"loss $f(x)$")
        axs[0].legend(loc="upper center")
        return
    for a in axs:
        spec = a.get_subplotspec()
        if spec is not None and spec.is_last_row():
            a.set_xlabel(r"$x$")
        if spec is not None and spec.is_first_col():
            a.set_ylabel(r"loss $f(x)$")
