"""Classification metrics plots: ROC and precision-recall curves, confusion matrix.

Thin wrappers around scikit-learn's displays (``RocCurveDisplay``,
``PrecisionRecallDisplay``, ``ConfusionMatrixDisplay``) that check their input,
accept a Keras prediction of shape ``(n, 1)`` and return the display itself,
so its data (``fpr``, ``tpr``, ``confusion_matrix``, ...) can be inspected.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from sklearn.metrics import ConfusionMatrixDisplay, PrecisionRecallDisplay, RocCurveDisplay

from ._axes import labels_for, single_axes

__all__ = ["plot_confusion_matrix", "plot_precision_recall", "plot_roc"]


def _binary_inputs(y_true, y_score, func: str) -> tuple[np.ndarray, np.ndarray]:
    """1-D arrays of 0/1 labels and finite scores, or a ValueError saying what is wrong."""
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]
    if y_score.ndim == 2 and y_score.shape[1] == 1:  # keras: model.predict -> (n, 1)
        y_score = y_score[:, 0]
    if y_true.ndim != 1 or y_score.ndim != 1:
        raise ValueError(
            f"{func}: y_true and y_score must be 1-D (or one column), got shapes "
            f"{y_true.shape} and {y_score.shape}"
        )
    if len(y_true) != len(y_score):
        raise ValueError(
            f"{func}: y_true and y_score have different lengths ({len(y_true)} and {len(y_score)})"
        )
    if len(y_true) == 0:
        raise ValueError(f"{func}: y_true and y_score are empty")
    try:
        y_true_num = y_true.astype(float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{func}: y_true must hold the labels 0 and 1, got {np.unique(y_true)}"
        ) from None
    if not np.isin(y_true_num, (0.0, 1.0)).all():
        raise ValueError(
            f"{func}: y_true must hold the labels 0 and 1 only, got {np.unique(y_true).tolist()}"
        )
    try:
        y_score = y_score.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: y_score must be numbers") from None
    if not np.isfinite(y_score).all():
        raise ValueError(f"{func}: y_score has NaN or infinite values")
    return y_true_num.astype(int), y_score


def _both_classes(y_true: np.ndarray, func: str) -> None:
    if len(np.unique(y_true)) < 2:
        raise ValueError(
            f"{func}: y_true has only the class {int(y_true[0])}; the curve needs both 0 and 1"
        )


def _curve(display_cls, y_true, y_score, ax, name, func: str, xlabel: str, ylabel: str):
    """Check the input, draw ``display_cls.from_predictions`` with a chance
    level, and give it short axis labels (the positive label is always 1 here)
    and the legend beside the plot, where it hides no part of the curve.
    (scikit-learn makes the Axes square; constrained layout cannot fit a legend
    beside a fixed aspect, so the aspect is freed: the plot is near-square anyway.)"""
    y_true, y_score = _binary_inputs(y_true, y_score, func)
    _both_classes(y_true, func)
    ax = single_axes(ax, func)
    display = display_cls.from_predictions(
        y_true,
        y_score,
        name=name,
        ax=ax,
        plot_chance_level=True,
        chance_level_kw={"color": "0.4", "linestyle": "--", "linewidth": 1.2},
    )
    display.ax_.set_xlabel(xlabel)
    display.ax_.set_ylabel(ylabel)
    display.ax_.legend(loc="upper left", bbox_to_anchor=(1.03, 1.0), borderaxespad=0.0)
    display.ax_.set_aspect("auto")
    return display


def plot_roc(y_true, y_score, ax: Axes | None = None, name: str | None = None) -> RocCurveDisplay:
    """Plot the ROC curve of binary predictions, with the chance level.

    Built on :meth:`sklearn.metrics.RocCurveDisplay.from_predictions`.

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n,) or (n, 1)
        True labels (1 = positive class).
    y_score : array-like of float, shape (n,) or (n, 1)
        Predicted probabilities (or any scores) of the positive class, e.g.
        ``model.predict(X_test)``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.
    name : str, optional
        Name of the model in the legend (scikit-learn's "Classifier" if None).

    Returns
    -------
    sklearn.metrics.RocCurveDisplay
        With ``fpr``, ``tpr``, ``roc_auc``, ``ax_`` and ``figure_``.

    Examples
    --------
    >>> display = plot_roc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], name="toy model")
    >>> float(display.roc_auc)
    0.75
    """
    return _curve(
        RocCurveDisplay,
        y_true,
        y_score,
        ax,
        name,
        "plot_roc",
        "False positive rate",
        "True positive rate",
    )


def plot_precision_recall(
    y_true, y_score, ax: Axes | None = None, name: str | None = None
) -> PrecisionRecallDisplay:
    """Plot the precision-recall curve of binary predictions, with the chance level.

    Built on :meth:`sklearn.metrics.PrecisionRecallDisplay.from_predictions`;
    the chance level is the share of positives (the precision of guessing).

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n,) or (n, 1)
        True labels (1 = positive class).
    y_score : array-like of float, shape (n,) or (n, 1)
        Predicted probabilities (or any scores) of the positive class.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.
    name : str, optional
        Name of the model in the legend (scikit-learn's "Classifier" if None).

    Returns
    -------
    sklearn.metrics.PrecisionRecallDisplay
        With ``precision``, ``recall``, ``average_precision``, ``ax_`` and ``figure_``.

    Examples
    --------
    >>> display = plot_precision_recall([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> round(float(display.average_precision), 3)
    0.833
    """
    return _curve(
        PrecisionRecallDisplay,
        y_true,
        y_score,
        ax,
        name,
        "plot_precision_recall",
        "Recall",
        "Precision",
    )


def plot_confusion_matrix(
    y_true,
    y_score,
    threshold: float = 0.5,
    ax: Axes | None = None,
    labels: Sequence[str] = ("no stroke", "stroke"),
) -> ConfusionMatrixDisplay:
    """Plot the confusion matrix of binary predictions cut at a threshold.

    An example is predicted positive when its score is above the threshold
    (``y_score > threshold``, as in ``y_pred > 0.5``). Built on
    :meth:`sklearn.metrics.ConfusionMatrixDisplay.from_predictions`: rows are
    the true classes, columns the predicted ones.

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n,) or (n, 1)
        True labels.
    y_score : array-like of float, shape (n,) or (n, 1)
        Predicted probabilities of the positive class.
    threshold : float in [0, 1], default 0.5
        Scores above it are predicted positive.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.
    labels : (str, str), default ("no stroke", "stroke")
        Names of class 0 and class 1.

    Returns
    -------
    sklearn.metrics.ConfusionMatrixDisplay
        Its ``confusion_matrix`` is the 2 x 2 matrix at ``threshold``.

    Raises
    ------
    ValueError
        If the threshold is outside [0, 1], or the labels are not 0/1.

    Examples
    --------
    >>> display = plot_confusion_matrix([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8])
    >>> display.confusion_matrix
    array([[1, 1],
           [1, 1]])
    >>> plot_confusion_matrix([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8], threshold=0.7).confusion_matrix
    array([[2, 0],
           [1, 1]])
    """
    func = "plot_confusion_matrix"
    if isinstance(threshold, bool):
        raise ValueError(f"{func}: threshold must be a number in [0, 1], got {threshold!r}")
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(
            f"{func}: threshold must be a number in [0, 1], got {threshold!r}"
        ) from None
    if not 0.0 <= threshold <= 1.0:  # also rejects NaN
        raise ValueError(f"{func}: threshold must be in [0, 1], got {threshold}")
    labels = labels_for(labels, 2, ("0", "1"), "labels", func)
    y_true, y_score = _binary_inputs(y_true, y_score, func)
    ax = single_axes(ax, func)
    y_pred = (y_score > threshold).astype(int)
    display = ConfusionMatrixDisplay.from_predictions(
        y_true,
        y_pred,
        labels=[0, 1],
        display_labels=labels,
        ax=ax,
        cmap="Blues",
        colorbar=False,
        values_format="d",
    )
    display.ax_.set_title(f"Threshold {threshold:g}")
    display.ax_.grid(False)
    return display
