"""Figures for the optimisation part of the lecture: gradient descent at work.

Every curve here comes from an actual computation (gradient descent iterates
and seeded stochastic and mini-batch gradient descent, all by :mod:`dlact.gd`;
a grid search for minima), not from hand-drawn shapes, so the figures can be
tested.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..gd import descend, gradient_descent, squared_error_grad, stochastic_gradient_descent
from ._axes import (
    axes_list,
    check_callable,
    finite_float,
    labels_for,
    positive_int,
    short_repr,
    single_axes,
    value_range,
)

__all__ = [
    "GDPath",
    "GDPathsPlot",
    "LANDSCAPE_RANGE",
    "LEARNING_RATES",
    "LandscapePlot",
    "LearningCurvesPlot",
    "MinibatchPathsPlot",
    "SchedulesPlot",
    "gd_iterates",
    "landscape_loss",
    "plot_gd_paths",
    "plot_learning_curves_by_rate",
    "plot_loss_landscape",
    "plot_lr_schedules",
    "plot_minibatch_paths",
]


# --------------------------------------------------------------------------
# 1-D gradient descent with several learning rates
# --------------------------------------------------------------------------


@dataclass(repr=False)
class GDPath:
    """The gradient-descent iterates for one learning rate.

    Attributes
    ----------
    learning_rate : the step size η.
    label : its name in the figure.
    x : iterates ``x_0, x_1, ...`` (those inside the plotted range).
    loss : ``f`` at those iterates.
    diverged : True if an iterate left the plotted range (or overflowed)
        before all steps were taken; the path stops there.
    left_range_at : the step ``k`` whose iterate ``x_k`` left the range, or None.
    """

    learning_rate: float
    label: str
    x: np.ndarray
    loss: np.ndarray
    diverged: bool
    left_range_at: int | None

    def __repr__(self) -> str:
        return short_repr(self, learning_rate=self.learning_rate, steps=len(self.x) - 1,
                          diverged=self.diverged)


@dataclass(repr=False)
class GDPathsPlot:
    """What :func:`plot_gd_paths` drew.

    Attributes
    ----------
    axes : tuple of Axes (one per learning rate, or one shared Axes).
    figure_ : their Figure.
    x_grid, loss_grid : the loss curve drawn.
    x_range : the plotted interval of x.
    paths : one :class:`GDPath` per learning rate, in the order given.
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


def gd_iterates(
    grad: Callable[[float], float],
    x0: float,
    learning_rate: float,
    steps: int,
    x_range: tuple[float, float] | None = None,
) -> tuple[np.ndarray, int | None]:
    """Iterates of 1-D gradient descent ``x_{k+1} = x_k - learning_rate * grad(x_k)``.

    Returns the iterates ``x_0, ..., x_m`` (``m <= steps``) and the step at
    which an iterate left ``x_range`` (or became infinite or NaN), or None if
    all ``steps`` steps stayed inside. The iterate that left is not included.

    The steps are :func:`dlact.gd.descend`'s; this adds the stop at the edge
    of the plotted range.
    """
    lo, hi = x_range if x_range is not None else (-np.inf, np.inf)
    x0 = float(x0)

    def grad_inside(theta: np.ndarray) -> float:
        # A NaN gradient makes descend stop, so no step is taken from an iterate
        # that left the range (grad may overflow out there); the start is exempt.
        x = float(theta[0])
        if x != x0 and not lo <= x <= hi:
            return np.nan
        return float(np.asarray(grad(x), dtype=float))

    xs = descend(grad_inside, x0, learning_rate, steps, max_norm=np.inf)[:, 0]
    left = np.flatnonzero(~((lo <= xs[1:]) & (xs[1:] <= hi)))  # out of range, or NaN (stopped)
    if left.size == 0:
        return xs, None
    return xs[: left[0] + 1], int(left[0]) + 1


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
    >>> plot_gd_paths(lambda x: x**2, lambda x: 2 * x, x0=-4,
    ...               learning_rates=[0.05, 0.3, 0.9, 1.05],
    ...               labels=["too small", "good", "too large", "diverges"])  # doctest: +SKIP
    """
    func = "plot_gd_paths"
    check_callable(f, "f", func)
    check_callable(grad, "grad", func)
    x0 = finite_float(x0, "x0", func)
    steps = positive_int(steps, "steps", func)
    if isinstance(learning_rates, (int, float, np.number)):
        learning_rates = [learning_rates]
    rates = [finite_float(lr, "each learning rate", func) for lr in learning_rates]
    if not rates:
        raise ValueError(f"{func}: learning_rates is empty; give at least one")
    if any(lr <= 0 for lr in rates):
        raise ValueError(f"{func}: learning rates must be positive, got {rates}")
    labels = labels_for(labels, len(rates), [""] * len(rates), "labels", func)
    if x_range is None:
        lo, hi = _default_range(grad, x0, rates, steps)
    else:
        lo, hi = value_range(x_range, "x_range", func)
        if not lo <= x0 <= hi:
            raise ValueError(f"{func}: x0={x0} is outside x_range=({lo}, {hi})")

    x_grid = np.linspace(lo, hi, 400)
    loss_grid = _eval_curve(f, x_grid, func)
    if not np.all(np.isfinite(loss_grid)):
        raise ValueError(f"{func}: f is not finite everywhere on ({lo}, {hi})")

    paths = []
    for lr, label in zip(rates, labels, strict=True):
        xs, left = gd_iterates(grad, x0, lr, steps, (lo, hi))
        ys = _eval_curve(f, xs, func)
        paths.append(GDPath(lr, label, xs, ys, left is not None, left))

    if ax is None:
        wide = mpl.rcParams["figure.figsize"][0] >= 9
        ncols = len(rates) if wide else min(len(rates), 2)
        nrows = -(-len(rates) // ncols)
        w, h = mpl.rcParams["figure.figsize"]
        axs = axes_list(None, len(rates), func, ncols=ncols, sharex=True, sharey=True,
                        figsize=(w, h if nrows == 1 else h * 0.68 * nrows))
    elif isinstance(ax, Axes):
        axs = [ax]
    else:
        axs = axes_list(ax, len(rates), func)

    shared = len(axs) == 1
    span = float(loss_grid.max() - loss_grid.min()) or 1.0
    for i, path in enumerate(paths):
        a = axs[0] if shared else axs[i]
        colour = f"C{i % 7}"
        if not shared or i == 0:
            a.plot(x_grid, loss_grid, color="0.35", lw=mpl.rcParams["lines.linewidth"] * 0.8,
                   zorder=1)
        eta = rf"$\eta = {path.learning_rate:g}$"
        name = f"{path.label} ({eta})" if path.label else eta
        if path.diverged:
            name += ", leaves the plot"
        a.plot(path.x, path.loss, "-o", color=colour, lw=mpl.rcParams["lines.linewidth"] * 0.6,
               markersize=mpl.rcParams["lines.markersize"] * 0.9, zorder=3,
               label=name if shared else None)
        a.plot(path.x[:1], path.loss[:1], "o", color=colour, markeredgecolor="black",
               markersize=mpl.rcParams["lines.markersize"] * 1.4, zorder=4)
        if path.diverged:
            # An arrow from the last iterate towards where the next one lies, off the plot.
            last_x, last_y = path.x[-1], path.loss[-1]
            with np.errstate(over="ignore", invalid="ignore"):
                step = -path.learning_rate * float(np.asarray(grad(last_x), dtype=float))
            edge = hi if step > 0 else lo
            y_top = loss_grid.max() + 0.05 * span
            a.annotate("", xy=(edge, y_top), xytext=(last_x, last_y), annotation_clip=False,
                       arrowprops={"arrowstyle": "->", "color": colour, "ls": "--",
                                   "lw": mpl.rcParams["lines.linewidth"] * 0.6})
            if not shared:  # (on a shared Axes, the legend says it)
                a.text(0.5, 0.45, f"leaves the\nplot after\n{path.left_range_at} steps",
                       transform=a.transAxes, ha="center", va="center", color="0.1",
                       fontsize="small",
                       bbox={"boxstyle": "round", "fc": "white", "ec": colour, "alpha": 0.9})
        if not shared:
            a.set_title(path.label if path.label else eta)
            if path.label:
                a.text(0.5, 0.97, eta, transform=a.transAxes, ha="center", va="top")
    for a in axs:
        a.set_xlim(lo, hi)
        a.set_ylim(loss_grid.min() - 0.05 * span, loss_grid.max() + 0.05 * span)
    fig = axs[0].figure
    if shared:
        axs[0].set_xlabel(r"$x$")
        axs[0].set_ylabel(r"loss $f(x)$")
        axs[0].legend(loc="upper center")
    else:
        for a in axs:
            if a.get_subplotspec() is not None and a.get_subplotspec().is_last_row():
                a.set_xlabel(r"$x$")
            if a.get_subplotspec() is not None and a.get_subplotspec().is_first_col():
                a.set_ylabel(r"loss $f(x)$")
    return GDPathsPlot(tuple(axs), fig, x_grid, loss_grid, (lo, hi), paths)


# --------------------------------------------------------------------------
# Learning-rate schedules
# --------------------------------------------------------------------------


@dataclass(repr=False)
class SchedulesPlot:
    """What :func:`plot_lr_schedules` drew: ``ax``, ``figure_``, ``epochs`` and
    ``rates`` (schedule name -> learning rate at each epoch)."""

    ax: Axes
    figure_: Figure
    epochs: np.ndarray
    rates: dict[str, np.ndarray]

    def __repr__(self) -> str:
        return short_repr(self, schedules=list(self.rates), epochs=len(self.epochs))


def _schedule_values(name: str, schedule: Callable, epochs: np.ndarray, func: str) -> np.ndarray:
    try:
        values = np.asarray(schedule(epochs), dtype=float)
        if values.shape != epochs.shape:
            values = np.broadcast_to(values, epochs.shape).astype(float) if values.ndim == 0 else None
    except Exception:  # noqa: BLE001 - not vectorised: call it on each epoch
        values = None
    if values is None:
        try:
            values = np.array([float(schedule(int(e))) for e in epochs])
        except Exception as exc:  # noqa: BLE001
            raise ValueError(
                f"{func}: schedule {name!r} failed on the epochs: {exc} "
                "(a schedule takes the epoch, an int or an array of ints, and returns the rate)"
            ) from exc
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(f"{func}: schedule {name!r} gave negative or non-finite learning rates")
    return values


def plot_lr_schedules(
    schedules: Mapping[str, Callable],
    epochs: int | Sequence[int] | np.ndarray,
    ax: Axes | None = None,
):
    """Plot learning rate against epoch for some named schedules.

    Each schedule is a function of the epoch (counted from 0, as Keras'
    ``LearningRateScheduler`` counts) returning the learning rate; it may
    take an int or a NumPy array of epochs. The rate is drawn as a step
    function: it holds for the whole epoch.

    Parameters
    ----------
    schedules : dict of str to callable
        E.g. ``{"constant": lambda e: 0.01 + 0 * e,
        "step decay": lambda e: 0.01 * 0.5 ** (e // 10)}``.
    epochs : int or array-like of int
        The number of epochs (then ``0, 1, ..., epochs - 1``) or the epochs.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.

    Returns
    -------
    SchedulesPlot
        The Axes, its figure, the epochs and the rates drawn.
    """
    func = "plot_lr_schedules"
    if not isinstance(schedules, Mapping) or not schedules:
        raise ValueError(f"{func}: schedules must be a non-empty dict of name -> callable")
    for name, schedule in schedules.items():
        check_callable(schedule, f"schedule {name!r}", func)
    if isinstance(epochs, (int, np.integer)) and not isinstance(epochs, bool):
        epochs_arr = np.arange(positive_int(epochs, "epochs", func))
    else:
        try:
            epochs_arr = np.asarray(epochs)
        except Exception:  # noqa: BLE001
            epochs_arr = np.asarray([])
        if (epochs_arr.ndim != 1 or epochs_arr.size == 0
                or not np.issubdtype(epochs_arr.dtype, np.integer) or np.any(epochs_arr < 0)):
            raise ValueError(
                f"{func}: epochs must be a positive int or a 1-D array of epochs (ints >= 0), "
                f"got {epochs!r}"
            )
    ax = single_axes(ax, func)
    rates = {name: _schedule_values(name, s, epochs_arr, func) for name, s in schedules.items()}
    styles = ["-", "--", "-.", ":"]
    for i, (name, values) in enumerate(rates.items()):
        ax.plot(epochs_arr, values, drawstyle="steps-post", color=f"C{i % 7}",
                ls=styles[i % len(styles)], label=name)
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Learning rate")
    ax.set_ylim(bottom=0)
    if len(rates) > 1:
        ax.legend(loc="best")
    return SchedulesPlot(ax, ax.figure, epochs_arr, rates)


# --------------------------------------------------------------------------
# Learning curves for different learning rates
# --------------------------------------------------------------------------

#: The learning rates of :func:`plot_learning_curves_by_rate`, by name.
LEARNING_RATES: dict[str, float] = {
    "very high": 1.0,
    "high": 0.14,
    "low": 0.0003,
    "good": 0.003,
}


@dataclass(repr=False)
class LearningCurvesPlot:
    """What :func:`plot_learning_curves_by_rate` drew.

    Attributes
    ----------
    ax, figure_ : the Axes and its Figure.
    learning_rates : name -> learning rate.
    epochs : name -> epochs drawn (0 = before training).
    losses : name -> training loss at those epochs (epoch 0: loss of the
        initial weights; epoch k: mean of the losses of the examples seen
        during epoch k, as Keras reports it).
    blew_up : name -> True if the loss of an example exceeded a thousand
        times the initial loss; that curve stops there, its last point at the
        fraction of the epoch done (the mean loss of the examples seen).
    X, y : the training data (the model is ``y ≈ X @ w``, from ``w = 0``).
    """

    ax: Axes
    figure_: Figure
    learning_rates: dict[str, float]
    epochs: dict[str, np.ndarray]
    losses: dict[str, np.ndarray]
    blew_up: dict[str, bool]
    X: np.ndarray
    y: np.ndarray

    def __repr__(self) -> str:
        return short_repr(self, learning_rates=self.learning_rates)


def _regression_data(seed: int, n: int = 200, d: int = 5, noise: float = 1.5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.geomspace(1.0, 0.3, d)  # unequal scales: slow directions
    w_true = 2.0 * rng.normal(size=d)
    y = X @ w_true + noise * rng.normal(size=n)
    return X, y


def _linear_mse(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of the linear model ``X @ w`` (no bias)."""
    return float(np.mean((X @ w - y) ** 2))


def _linear_mse_grad(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of :func:`_linear_mse` with respect to ``w``."""
    return 2.0 * (X @ w - y) @ X / len(y)


def _sgd_learning_curve(X, y, learning_rate: float, epochs: int, seed: int):
    """Stochastic gradient descent (batch size 1) on the mean squared error of
    a linear model from zero weights; per-epoch mean training loss."""
    n, d = X.shape
    initial = _linear_mse(np.zeros(d), X, y)
    with np.errstate(over="ignore", invalid="ignore"):  # the very high rate overflows
        trace = stochastic_gradient_descent(_linear_mse_grad, np.zeros(d), X, y,
                                            learning_rate=learning_rate, epochs=epochs,
                                            seed=seed, loss_fn=_linear_mse)
    seen = trace.losses  # the loss of each example, before the step it takes
    # Blown up: the curve stops (part-way through the epoch) where a loss exceeds the cap.
    over = np.flatnonzero(seen > 1000.0 * initial)
    if over.size:
        seen = seen[: over[0] + 1]
    losses, at = [initial], [0.0]
    for epoch, start in enumerate(range(0, len(seen), n)):
        epoch_losses = seen[start:start + n]
        losses.append(float(np.mean(epoch_losses)))
        at.append(epoch + len(epoch_losses) / n)
    return np.array(at), np.array(losses), bool(over.size)


def plot_learning_curves_by_rate(ax: Axes | None = None, *, epochs: int = 30, seed: int = 0):
    """Training loss against epoch for a very high, high, low and good learning rate.

    The curves come from a real optimisation: stochastic gradient descent
    (one example per step) fitting a linear model by least squares on
    seeded synthetic data (200 examples, 5 features of unequal scales, noisy
    targets), with the learning rates in :data:`LEARNING_RATES`:

    * very high: the loss blows up within the first epoch;
    * high: it falls fast, then bounces around on a plateau well above the best;
    * low: it falls slowly, and is still high at the end;
    * good: it falls fast and settles at the lowest loss.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.
    epochs : int, default 30
        Number of passes over the data.
    seed : int, default 0
        Seed of the data and of the order the examples are visited in.

    Returns
    -------
    LearningCurvesPlot
        The Axes, the figure and, per learning rate, the epochs and losses drawn.
    """
    func = "plot_learning_curves_by_rate"
    epochs = positive_int(epochs, "epochs", func)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{func}: seed must be a non-negative integer, got {seed!r}")
    ax = single_axes(ax, func)
    X, y = _regression_data(seed)
    losses, epochs_drawn, blew_up = {}, {}, {}
    for name, lr in LEARNING_RATES.items():
        epochs_drawn[name], losses[name], blew_up[name] = _sgd_learning_curve(
            X, y, lr, epochs, seed + 1)

    colours = {"very high": "C6", "high": "C2", "low": "C0", "good": "C1"}
    for name, lr in LEARNING_RATES.items():
        ax.plot(epochs_drawn[name], losses[name], color=colours[name],
                label=rf"{name} ($\eta = {lr:g}$)")
    initial = losses["good"][0]
    ax.set_xlim(-0.02 * epochs, epochs)  # a little room: "very high" shoots up at the start
    ax.set_ylim(0, 1.15 * initial)
    for name, blown in blew_up.items():
        if blown:
            ax.annotate("blows up", xy=(epochs_drawn[name][-1], 1.08 * initial),
                        xytext=(0.05 * epochs, 1.08 * initial), ha="left", va="center",
                        arrowprops={"arrowstyle": "->", "color": colours[name]})
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Training loss (MSE)")
    ax.legend(loc="upper right", title="learning rate")
    return LearningCurvesPlot(ax, ax.figure, dict(LEARNING_RATES), epochs_drawn, losses, blew_up,
                              X, y)


# --------------------------------------------------------------------------
# A loss landscape with a local minimum, a plateau and a global minimum
# --------------------------------------------------------------------------

#: The interval on which :func:`landscape_loss` is drawn.
LANDSCAPE_RANGE: tuple[float, float] = (0.0, 10.0)


def landscape_loss(x):
    """An illustrative 1-D loss with a local minimum, a plateau and a global minimum.

    A smooth step (high on the left, low on the right) with a Gaussian well
    on each side of it and walls at both ends; on ``[0, 10]`` it has a local
    minimum near 1.7, a plateau around 3-5.5 and the global minimum near 8.6.
    Works on floats and arrays.
    """
    x = np.asarray(x, dtype=float)
    return (
        0.9 * (1.0 - np.tanh(1.5 * (x - 6.7)))       # the step: plateau on the left
        - 0.75 * np.exp(-((x - 1.7) ** 2) / 0.4)     # local well
        - 0.55 * np.exp(-((x - 8.6) ** 2) / 0.9)     # global well
        + 1.2 * np.exp(-2.2 * x)                     # left wall
        + 0.9 * np.exp(1.6 * (x - 10.6))             # right wall
        + 0.6
    )


@dataclass(repr=False)
class LandscapePlot:
    """What :func:`plot_loss_landscape` drew.

    Attributes
    ----------
    ax, figure_ : the Axes and its Figure.
    x, loss : the curve.
    global_min, local_min : (x, loss) of the two minima marked.
    plateau : (start, end) of the shaded plateau.
    """

    ax: Axes
    figure_: Figure
    x: np.ndarray
    loss: np.ndarray
    global_min: tuple[float, float]
    local_min: tuple[float, float]
    plateau: tuple[float, float]

    def __repr__(self) -> str:
        return short_repr(self, global_min=round(self.global_min[0], 3),
                          local_min=round(self.local_min[0], 3),
                          plateau=tuple(round(v, 2) for v in self.plateau))


def _grid_minima(f, lo: float, hi: float, num: int = 20001):
    """Interior local minima of f on a grid, refined by a parabola through
    the three grid points around each; sorted by loss (lowest first)."""
    x = np.linspace(lo, hi, num)
    y = f(x)
    h = x[1] - x[0]
    idx = np.flatnonzero((y[1:-1] < y[:-2]) & (y[1:-1] <= y[2:])) + 1
    minima = []
    for i in idx:
        ym, y0, yp = y[i - 1], y[i], y[i + 1]
        curvature = ym - 2 * y0 + yp
        xm = x[i] + (0.5 * h * (ym - yp) / curvature if curvature > 0 else 0.0)
        minima.append((float(xm), float(f(xm))))
    return x, y, sorted(minima, key=lambda m: m[1])


def _plateau(x: np.ndarray, y: np.ndarray, minima, rel_tol: float = 0.15) -> tuple[float, float]:
    """The longest stretch where |f'| is below rel_tol times the mean slope
    and that holds no minimum."""
    slope = np.gradient(y, x)
    tol = rel_tol * (y.max() - y.min()) / (x[-1] - x[0])
    flat = np.abs(slope) < tol
    edges = np.flatnonzero(np.diff(np.r_[0, flat.astype(np.int8), 0]))
    best = None
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        a, b = x[start], x[stop - 1]
        if any(a <= m[0] <= b for m in minima):
            continue
        if best is None or b - a > best[1] - best[0]:
            best = (float(a), float(b))
    if best is None:
        raise RuntimeError("the landscape has no plateau")  # only if landscape_loss is broken
    return best


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
    """
    ax = single_axes(ax, "plot_loss_landscape")
    lo, hi = LANDSCAPE_RANGE
    x, y, minima = _grid_minima(landscape_loss, lo, hi)
    global_min, local_min = minima[0], minima[1]
    plateau = _plateau(x, y, minima)

    ax.plot(x, y, color="0.2", zorder=2)
    ax.axvspan(*plateau, color="C5", alpha=0.25, lw=0, zorder=0, label="Plateau")
    ms = mpl.rcParams["lines.markersize"]
    ax.plot(*global_min, marker="*", ls="none", color="C1", markeredgecolor="black",
            markersize=ms * 2.6, zorder=4, label="Global minimum")
    ax.plot(*local_min, marker="X", ls="none", color="C0", markeredgecolor="black",
            markersize=ms * 1.8, zorder=4, label="Local minimum")
    ax.set_xlim(lo, hi)
    span = y.max() - y.min()
    ax.set_ylim(y.min() - 0.08 * span, y.max() + 0.05 * span)
    ax.set_xlabel("Model parameter")
    ax.set_ylabel("Loss")
    handles, names = ax.get_legend_handles_labels()
    order = [names.index(n) for n in ("Global minimum", "Local minimum", "Plateau")]
    ax.legend([handles[i] for i in order], [names[i] for i in order], loc="upper right")
    return LandscapePlot(ax, ax.figure, x, y, global_min, local_min, plateau)


# --------------------------------------------------------------------------
# Batch vs mini-batch vs stochastic gradient descent in parameter space
# --------------------------------------------------------------------------


@dataclass(repr=False)
class MinibatchPathsPlot:
    """What :func:`plot_minibatch_paths` drew.

    Attributes
    ----------
    ax, figure_ : the Axes and its Figure.
    x, y : the synthetic data the loss is the mean squared error on.
    learning_rate : the step size used by every path.
    batch_sizes : path name -> batch size.
    paths : path name -> array of shape (steps + 1, 2), the iterates (w, b).
    batch_indices : path name -> the indices of the examples used at each step.
    optimum : the least-squares (w, b).
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


def _gd_path(x, y, theta0, learning_rate, steps, batch_size, seed):
    """``steps`` updates of (mini-)batch gradient descent, shuffling each epoch;
    the path and the (sorted) indices of the examples of each batch."""
    epochs = math.ceil(steps / math.ceil(len(x) / batch_size))
    trace = gradient_descent(squared_error_grad, theta0, x, y, learning_rate=learning_rate,
                             epochs=epochs, batch_size=batch_size, seed=seed)
    return trace.params[: steps + 1], [np.sort(step.indices) for step in trace.steps[:steps]]


def plot_minibatch_paths(
    ax: Axes | None = None,
    seed: int = 0,
    *,
    steps: int = 40,
    learning_rate: float = 0.1,
    batch_size: int = 8,
):
    """Paths of batch, mini-batch and stochastic gradient descent on a contour plot.

    The loss is the mean squared error of the line ``y = w x + b`` on 40
    seeded synthetic points; its contours are drawn over (w, b). From the same
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
        Seed of the data and of the shuffles.
    steps : int, default 40
        Number of updates on each path.
    learning_rate : float, default 0.1
    batch_size : int, default 8
        Batch size of the mini-batch path (between 2 and 39).

    Returns
    -------
    MinibatchPathsPlot
        The Axes, the figure, the data and the three paths.
    """
    func = "plot_minibatch_paths"
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{func}: seed must be a non-negative integer, got {seed!r}")
    steps = positive_int(steps, "steps", func)
    learning_rate = finite_float(learning_rate, "learning_rate", func)
    if learning_rate <= 0:
        raise ValueError(f"{func}: learning_rate must be positive, got {learning_rate}")
    n = 40
    batch_size = positive_int(batch_size, "batch_size", func)
    if not 2 <= batch_size < n:
        raise ValueError(f"{func}: batch_size must be between 2 and {n - 1}, got {batch_size}")
    ax = single_axes(ax, func)

    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, n)
    y = 2.0 * x + 1.0 + rng.normal(0.0, 1.0, n)
    A = np.column_stack([x, np.ones(n)])
    optimum = np.linalg.lstsq(A, y, rcond=None)[0]
    theta0 = np.array([-1.0, -2.5])

    batch_sizes = {"Batch GD": n, f"Mini-batch GD (batch size {batch_size})": batch_size,
                   "Stochastic GD (batch size 1)": 1}
    paths, used = {}, {}
    for name, size in batch_sizes.items():
        paths[name], used[name] = _gd_path(x, y, theta0, learning_rate, steps, size, seed + 1)

    pts = np.vstack(list(paths.values()) + [optimum[None, :]])
    (w_lo, b_lo), (w_hi, b_hi) = pts.min(axis=0), pts.max(axis=0)
    pad_w, pad_b = 0.15 * (w_hi - w_lo) + 0.2, 0.15 * (b_hi - b_lo) + 0.2
    W, B = np.meshgrid(np.linspace(w_lo - pad_w, w_hi + pad_w, 200),
                       np.linspace(b_lo - pad_b, b_hi + pad_b, 200))
    L = np.mean((W[..., None] * x + B[..., None] - y) ** 2, axis=-1)
    levels = np.quantile(L, np.linspace(0.0, 0.95, 12) ** 2)[1:]
    ax.contourf(W, B, L, levels=np.r_[L.min(), levels, L.max()], cmap="Greys", alpha=0.35)
    ax.contour(W, B, L, levels=levels, colors="0.55",
               linewidths=0.6 * mpl.rcParams["lines.linewidth"] / 1.8)

    styles = {0: ("C0", "-", 1.0), 1: ("C2", "-", 0.7), 2: ("C1", "-", 0.55)}
    ms = mpl.rcParams["lines.markersize"]
    for i, (name, path) in enumerate(paths.items()):
        colour, ls, width = styles[i]
        ax.plot(path[:, 0], path[:, 1], ls=ls, marker="o", markersize=ms * 0.45,
                lw=mpl.rcParams["lines.linewidth"] * width, color=colour, label=name, zorder=3 + i)
    ax.plot(*theta0, "o", color="white", markeredgecolor="black", markersize=ms * 1.2, zorder=6,
            label="start")
    ax.plot(*optimum, "*", color="#F0E442", markeredgecolor="black", markersize=ms * 2.2, zorder=6,
            label="least-squares optimum")
    ax.set_xlabel("$w$")
    ax.set_ylabel("$b$")
    ax.set_xlim(W.min(), W.max())
    ax.set_ylim(B.min(), B.max())
    ax.grid(False)
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
    return MinibatchPathsPlot(ax, ax.figure, x, y, learning_rate, batch_sizes, paths, used,
                              optimum)
