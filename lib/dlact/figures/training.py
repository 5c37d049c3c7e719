"""Learning curves of a fitted Keras model (its ``History``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import axes_list, short_repr

__all__ = ["HistoryPlot", "metric_label", "plot_history"]

_ACRONYMS = {"auc": "AUC", "pr": "PR", "roc": "ROC", "mse": "MSE", "mae": "MAE", "rmse": "RMSE"}


def metric_label(name: str) -> str:
    """A readable axis label for a Keras metric name, e.g. ``"pr_auc"`` -> ``"PR AUC"``.

    Examples
    --------
    >>> metric_label("pr_auc"), metric_label("val_loss")
    ('PR AUC', 'Val loss')
    """
    words = [_ACRONYMS.get(w.lower(), w) for w in name.split("_") if w]
    if words and words[0] == words[0].lower():
        words[0] = words[0].capitalize()
    return " ".join(words)


@dataclass(repr=False)
class HistoryPlot:
    """What :func:`plot_history` drew.

    Attributes
    ----------
    axes : tuple of Axes
        One per metric.
    figure_ : matplotlib.figure.Figure
        Their figure.
    epochs : numpy.ndarray
        The x values, ``1, 2, ..., n``.
    series : dict of str to numpy.ndarray
        History key (``"loss"``, ``"val_loss"``, ...) -> the values drawn.
    restored_epoch, stopped_epoch : int or None
        The epochs marked (1-based), or None.
    ax : matplotlib.axes.Axes
        The first (or only) panel.
    """

    axes: tuple[Axes, ...]
    figure_: Figure
    epochs: np.ndarray
    series: dict[str, np.ndarray]
    restored_epoch: int | None
    stopped_epoch: int | None

    @property
    def ax(self) -> Axes:
        """The first (or only) panel."""
        return self.axes[0]

    def __repr__(self) -> str:
        return short_repr(self, series=list(self.series), epochs=len(self.epochs))


def _history_dict(history, func: str) -> Mapping:
    hist = getattr(history, "history", history)  # a keras History, or its dict
    if not isinstance(hist, Mapping):
        raise ValueError(
            f"{func}: history must be a Keras History or a dict like `history.history`, "
            f"got {type(history).__name__}"
        )
    if not hist:
        raise ValueError(f"{func}: the history is empty (was the model fitted?)")
    return hist


def _epoch_arg(value, n: int, what: str, func: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{func}: {what} must be an integer epoch (1-based), got {value!r}")
    if not 1 <= value <= n:
        raise ValueError(
            f"{func}: {what}={value} is outside the {n} epochs recorded (1 to {n}); "
            "epochs are counted from 1 (Keras' `best_epoch` counts from 0: pass best_epoch + 1)"
        )
    return int(value)


def plot_history(
    history,
    metrics: str | Sequence[str] = ("loss",),
    ax: Axes | Sequence[Axes] | None = None,
    restored_epoch: int | None = None,
    stopped_epoch: int | None = None,
):
    """Plot training and validation curves from a Keras fit.

    For each metric, draw its training curve and, if the history has it, its
    validation curve (``"val_" + metric``) against the epoch (counted from 1,
    as Keras prints them). Several metrics get one panel each.

    Parameters
    ----------
    history : keras.callbacks.History or dict
        What ``model.fit`` returned, or its ``.history`` dict of lists.
    metrics : str or sequence of str, default ("loss",)
        Keys of the history to plot, without the ``val_`` prefix.
    ax : Axes or sequence of Axes, optional
        One Axes per metric; a new figure is made if None.
    restored_epoch : int, optional
        The epoch whose weights early stopping restored, counted from 1
        (``early_stopping.best_epoch + 1``, the number in Keras' "Restoring
        model weights from the end of the best epoch: N"). Marked with a solid
        vertical line on every panel.
    stopped_epoch : int, optional
        The epoch training stopped at, counted from 1; marked with a dotted
        vertical line.

    Returns
    -------
    HistoryPlot
        The Axes, the figure, the epochs and the series drawn.

    Raises
    ------
    ValueError
        If a metric is missing from the history, the series have different
        lengths, an epoch is outside the recorded ones, or ``ax`` has the wrong
        number of Axes.

    Examples
    --------
    In a chapter, ``history`` is what ``model.fit`` returned, and an early
    stopping callback ``es`` gives ``restored_epoch=es.best_epoch + 1``.
    Its ``.history`` dict works the same:

    >>> history = {"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.8]}
    >>> result = plot_history(history, restored_epoch=2)
    >>> result.epochs, sorted(result.series)
    (array([1, 2, 3]), ['loss', 'val_loss'])
    """
    func = "plot_history"
    hist = _history_dict(history, func)
    if isinstance(metrics, str):
        metrics = (metrics,)
    metrics = list(metrics)
    if not metrics or not all(isinstance(m, str) for m in metrics):
        raise ValueError(
            f"{func}: metrics must be a non-empty list of history keys, got {metrics!r}"
        )
    missing = [m for m in metrics if m not in hist]
    if missing:
        raise ValueError(f"{func}: metric(s) {missing} not in the history; it has {sorted(hist)}")

    series: dict[str, np.ndarray] = {}
    for m in metrics:
        for key in (m, f"val_{m}"):
            if key in hist:
                values = np.asarray(hist[key], dtype=float).ravel()
                if values.size == 0:
                    raise ValueError(f"{func}: history[{key!r}] is empty")
                series[key] = values
    lengths = {k: len(v) for k, v in series.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"{func}: the series have different lengths: {lengths}")
    n = next(iter(lengths.values()))
    restored_epoch = _epoch_arg(restored_epoch, n, "restored_epoch", func)
    stopped_epoch = _epoch_arg(stopped_epoch, n, "stopped_epoch", func)

    axs = axes_list(ax, len(metrics), func, sharex=True)
    epochs = np.arange(1, n + 1)
    marker = "o" if n <= 30 else None
    for a, m in zip(axs, metrics, strict=True):
        a.plot(epochs, series[m], color="C0", marker=marker, label="training")
        if f"val_{m}" in series:
            a.plot(epochs, series[f"val_{m}"], color="C1", marker=marker, label="validation")
        if restored_epoch is not None:
            a.axvline(
                restored_epoch,
                color="0.15",
                lw=1.5,
                ls="-",
                zorder=1,
                label=f"restored (epoch {restored_epoch})",
            )
        if stopped_epoch is not None:
            a.axvline(
                stopped_epoch,
                color="0.15",
                lw=1.5,
                ls=":",
                zorder=1,
                label=f"stopped (epoch {stopped_epoch})",
            )
        a.set_xlabel("Epoch")
        a.set_ylabel(metric_label(m))
        if n <= 12:
            a.set_xticks(epochs)
    if ax is None and len(axs) > 1:
        # One legend for all panels, below them, so no curve is hidden.
        handles, names = axs[0].get_legend_handles_labels()
        axs[0].figure.legend(handles, names, loc="outside lower center", ncols=len(names))
    else:
        for a in axs:
            a.legend(loc="best")
    return HistoryPlot(tuple(axs), axs[0].figure, epochs, series, restored_epoch, stopped_epoch)
