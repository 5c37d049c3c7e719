"""The output activations of classifiers: sigmoid and softmax."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..maths import sigmoid, softmax
from ._axes import axes_list, labels_for, short_repr, single_axes, value_range

__all__ = ["SigmoidPlot", "SoftmaxPlot", "plot_sigmoid", "plot_softmax"]


@dataclass(repr=False)
class SigmoidPlot:
    """What :func:`plot_sigmoid` drew.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The Axes drawn on.
    figure_ : matplotlib.figure.Figure
        Its figure.
    z : numpy.ndarray
        The points of the curve.
    sigma : numpy.ndarray
        The sigmoid at those points.
    """

    ax: Axes
    figure_: Figure
    z: np.ndarray
    sigma: np.ndarray

    def __repr__(self) -> str:
        return short_repr(self, z_range=(float(self.z[0]), float(self.z[-1])))


def plot_sigmoid(
    ax: Axes | None = None, z_range: tuple[float, float] = (-10, 10), *, num: int = 200
):
    """Plot the sigmoid (logistic) function ``σ(z) = 1 / (1 + exp(-z))``.

    Dashed lines mark its limits 0 and 1, and a dot marks ``σ(0) = 0.5``.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.
    z_range : (float, float), default (-10, 10)
        The interval of ``z`` shown.
    num : int, default 200
        Number of points on the curve.

    Returns
    -------
    SigmoidPlot
        The Axes, its figure and the arrays ``z`` and ``sigma`` drawn.

    Examples
    --------
    >>> result = plot_sigmoid(z_range=(-6, 6))
    >>> len(result.z), bool(0 < result.sigma.min() < result.sigma.max() < 1)
    (200, True)
    """
    func = "plot_sigmoid"
    ax = single_axes(ax, func)
    lo, hi = value_range(z_range, "z_range", func)
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 2:
        raise ValueError(f"{func}: num must be an integer >= 2, got {num!r}")

    z = np.linspace(lo, hi, num)
    sigma = sigmoid(z)
    ax.axhline(0.0, color="0.45", lw=1, ls="--", zorder=1)
    ax.axhline(1.0, color="0.45", lw=1, ls="--", zorder=1)
    ax.plot(z, sigma, color="C0", label=r"$\sigma(z) = 1/(1 + e^{-z})$")
    if lo <= 0.0 <= hi:
        ax.plot([0.0], [0.5], "o", color="C1", zorder=3, label=r"$\sigma(0) = 0.5$")
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(r"$z$")
    ax.set_ylabel(r"$\sigma(z)$")
    ax.legend(loc="lower right")
    return SigmoidPlot(ax, ax.figure, z, sigma)


@dataclass(repr=False)
class SoftmaxPlot:
    """What :func:`plot_softmax` drew.

    Attributes
    ----------
    axes : (Axes, Axes)
        The logits panel and the probabilities panel.
    figure_ : matplotlib.figure.Figure
        Their figure.
    logits, probabilities : numpy.ndarray
        The bar heights of the two panels.
    labels : list of str
        The class names on the x axes.
    ax : matplotlib.axes.Axes
        The probabilities panel.
    """

    axes: tuple[Axes, Axes]
    figure_: Figure
    logits: np.ndarray
    probabilities: np.ndarray
    labels: list[str]

    @property
    def ax(self) -> Axes:
        """The probabilities panel."""
        return self.axes[1]

    def __repr__(self) -> str:
        return short_repr(self, probabilities=np.round(self.probabilities, 3).tolist())


def plot_softmax(
    logits: Sequence[float] | np.ndarray,
    ax: Sequence[Axes] | None = None,
    labels: Sequence[str] | None = None,
):
    """Bar charts of some logits and of their softmax probabilities.

    ``softmax(z)_i = exp(z_i) / sum_j exp(z_j)`` turns any real scores into
    positive numbers that sum to 1, keeping their order. Two panels, side by
    side: the logits ``z`` (left) and ``softmax(z)`` (right), each bar
    labelled with its value.

    Parameters
    ----------
    logits : 1-D array-like of at least two finite numbers
        The scores ``z``, e.g. ``[5, -1, 6]``.
    ax : pair of matplotlib Axes, optional
        The two panels to draw on (logits, probabilities); a new figure with
        two panels is made if None.
    labels : sequence of str, optional
        Class names for the x axes; ``"class 1"``, ``"class 2"``, ... if None.

    Returns
    -------
    SoftmaxPlot
        The two Axes, the figure, the logits and the probabilities drawn.

    Examples
    --------
    >>> result = plot_softmax([5, -1, 6], labels=["cat", "dog", "bird"])
    >>> result.probabilities.round(2)
    array([0.27, 0.  , 0.73])
    """
    func = "plot_softmax"
    try:
        z = np.asarray(logits, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: logits must be numbers, got {logits!r}") from None
    if z.ndim == 2 and 1 in z.shape:
        z = z.ravel()
    if z.ndim != 1 or z.size < 2:
        raise ValueError(
            f"{func}: logits must be one vector of at least 2 numbers, got shape {z.shape}"
        )
    if not np.all(np.isfinite(z)):
        raise ValueError(f"{func}: logits must be finite, got {z.tolist()}")
    labels = labels_for(labels, z.size, [f"class {i + 1}" for i in range(z.size)], "labels", func)
    if isinstance(ax, Axes):
        raise ValueError(
            f"{func}: draws two panels (logits and probabilities); pass two Axes, "
            "e.g. `fig, axs = plt.subplots(1, 2)`, or None"
        )
    ax_z, ax_p = axes_list(ax, 2, func)

    probabilities = softmax(z)
    x = np.arange(z.size)

    bars = ax_z.bar(x, z, color="C0", width=0.6)
    ax_z.bar_label(bars, labels=[f"{v:g}".replace("-", "\N{MINUS SIGN}") for v in z], padding=3)
    ax_z.axhline(0.0, color="0.3", lw=1)
    ax_z.set_title(r"Logits $z$")
    ax_z.set_ylabel("Logit")
    lo, hi = min(z.min(), 0.0), max(z.max(), 0.0)
    pad = 0.18 * (hi - lo if hi > lo else 1.0)
    ax_z.set_ylim(lo - (pad if lo < 0 else 0.0), hi + pad)

    bars = ax_p.bar(x, probabilities, color="C1", width=0.6)
    ax_p.bar_label(bars, fmt="%.3f", padding=3)
    ax_p.set_title(r"Softmax$(z)$")
    ax_p.set_ylabel("Probability")
    ax_p.set_ylim(0.0, 1.15)
    ax_p.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])

    for a in (ax_z, ax_p):
        a.set_xticks(x, labels)
        a.grid(False, axis="x")
    return SoftmaxPlot((ax_z, ax_p), ax_p.figure, z, probabilities, labels)
