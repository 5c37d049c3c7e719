"""Learning-rate schedules drawn against the epoch."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import (
    check_callable,
    positive_int,
    short_repr,
    single_axes,
)

__all__ = ["SchedulesPlot", "plot_lr_schedules"]


@dataclass(repr=False)
class SchedulesPlot:
    """What :func:`plot_lr_schedules` drew.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The Axes drawn on.
    figure_ : matplotlib.figure.Figure
        Its figure.
    epochs : numpy.ndarray
        The epochs drawn.
    rates : dict of str to numpy.ndarray
        Schedule name -> learning rate at each epoch.
    """

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
            values = (
                np.broadcast_to(values, epochs.shape).astype(float) if values.ndim == 0 else None
            )
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

    Examples
    --------
    The schedules of :mod:`dlact.schedules` take arrays of epochs:

    >>> from dlact.schedules import constant, step_decay
    >>> result = plot_lr_schedules(
    ...     {"constant": constant(0.1), "step decay": step_decay(0.1, 0.5, every=10)}, epochs=30
    ... )
    >>> result.rates["step decay"][[0, 10, 20]]
    array([0.1  , 0.05 , 0.025])
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
        if (
            epochs_arr.ndim != 1
            or epochs_arr.size == 0
            or not np.issubdtype(epochs_arr.dtype, np.integer)
            or np.any(epochs_arr < 0)
        ):
            raise ValueError(
                f"{func}: epochs must be a positive int or a 1-D array of epochs (ints >= 0), "
                f"got {epochs!r}"
            )
    ax = single_axes(ax, func)
    rates = {name: _schedule_values(name, s, epochs_arr, func) for name, s in schedules.items()}
    styles = ["-", "--", "-.", ":"]
    for i, (name, values) in enumerate(rates.items()):
        ax.plot(
            epochs_arr,
            values,
            drawstyle="steps-post",
            color=f"C{i % 7}",
            ls=styles[i % len(styles)],
            label=name,
        )
    ax.set_xlabel("Epoch")
    ax.set_ylabel("Learning rate")
    ax.set_ylim(bottom=0)
    if len(rates) > 1:
        ax.legend(loc="best")
    return SchedulesPlot(ax, ax.figure, epochs_arr, rates)
