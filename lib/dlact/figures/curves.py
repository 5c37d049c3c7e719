"""Training loss against epoch for four learning rates: the learning-curves figure.

The curves are real optimisations, computed by
:func:`dlact.linreg.sgd_learning_curve` on :func:`dlact.toydata.regression_data`;
this module only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..linreg import sgd_learning_curve
from ..toydata import regression_data
from ._axes import (
    positive_int,
    short_repr,
    single_axes,
)

__all__ = ["LEARNING_RATES", "LearningCurvesPlot", "plot_learning_curves_by_rate"]

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
    ax : matplotlib.axes.Axes
        The Axes drawn on.
    figure_ : matplotlib.figure.Figure
        Its figure.
    learning_rates : dict of str to float
        Name -> learning rate.
    epochs : dict of str to numpy.ndarray
        Name -> epochs drawn (0 = before training).
    losses : dict of str to numpy.ndarray
        Name -> training loss at those epochs (epoch 0: loss of the initial
        weights; epoch k: mean of the losses of the examples seen during
        epoch k, as Keras reports it).
    blew_up : dict of str to bool
        Name -> True if the loss of an example exceeded a thousand times the
        initial loss; that curve stops there, its last point at the fraction
        of the epoch done (the mean loss of the examples seen).
    X, y : numpy.ndarray
        The training data (the model is ``y ≈ X @ w``, from ``w = 0``).
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

    Examples
    --------
    >>> result = plot_learning_curves_by_rate(epochs=30)
    >>> result.blew_up
    {'very high': True, 'high': False, 'low': False, 'good': False}
    >>> min(result.losses, key=lambda name: result.losses[name][-1])
    'good'
    """
    func = "plot_learning_curves_by_rate"
    epochs = positive_int(epochs, "epochs", func)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{func}: seed must be a non-negative integer, got {seed!r}")
    ax = single_axes(ax, func)
    X, y = regression_data(seed)
    losses, epochs_drawn, blew_up = {}, {}, {}
    for name, lr in LEARNING_RATES.items():
        epochs_drawn[name], losses[name], blew_up[name] = sgd_learning_curve(
            X, y, lr, epochs, seed + 1
        )

    colours = {"very high": "C6", "high": "C2", "low": "C0", "good": "C1"}
    for name, lr in LEARNING_RATES.items():
        ax.plot(
            epochs_drawn[name],
            losses[name],
            color=colours[name],
            label=rf"{name} ($\eta = {lr:g}$)",
        )
    initial = losses["good"][0]
    ax.set_xlim(-0.02 * epochs, epochs)  # a little room: "very high" shoots up at the start
    ax.set_ylim(0, 1.15 * initial)
    for name, blown in blew_up.items():
        if blown:
            ax.annotate(
                "blows up",
                xy=(epochs_drawn[name][-1], 1.08 * initial),
                xytext=(0.05 * epochs, 1.08 * initial),
                ha="left",
                va="center",
                arrowprops={"arrowstyle": "->", "color": colours[name]},
            )
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Training loss (MSE)")
    ax.legend(loc="upper right", title="learning rate")
    return LearningCurvesPlot(
        ax, ax.figure, dict(LEARNING_RATES), epochs_drawn, losses, blew_up, X, y
    )
