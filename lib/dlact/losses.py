r"""The losses of the lecture in NumPy, and their gradients with respect to the logits.

Binary cross-entropy for a sigmoid output, categorical cross-entropy (and its
sparse form, which takes class codes) for a softmax output, and the mean
squared error. Each takes probabilities, or logits with ``from_logits=True``
(computed without forming a probability that could round to 0 or 1), and
checks its inputs: a shape mismatch, a probability outside [0, 1] or a bad
``eps`` is an error that says what to do, never a silent broadcast.

Examples
--------
>>> round(binary_crossentropy([1, 0], [0.9, 0.2]), 4)
0.1643
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlact._validate import as_float_array as _as_float_array
from dlact.maths import log_softmax, sigmoid, softmax

__all__ = [
    "binary_crossentropy",
    "binary_crossentropy_grad",
    "categorical_crossentropy",
    "categorical_crossentropy_grad",
    "mse",
    "sparse_categorical_crossentropy",
]


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


def _xlogy(x, y):
    """``x * log(y)``, and 0 where ``x`` is 0 (SciPy's ``xlogy``, imported when a loss is
    computed: the figures import this module and need no SciPy)."""
    from scipy.special import xlogy

    return xlogy(x, y)


def _matching_shapes(
    y_true: np.ndarray, y_pred: np.ndarray, true_name: str = "y_true", pred_name: str = "y_pred"
) -> tuple[np.ndarray, np.ndarray]:
    """Check that targets and predictions line up, one value per prediction.

    A column vector of shape ``(n, 1)`` (what ``Dense(1)`` returns) and a flat
    vector of shape ``(n,)`` (what a pandas Series gives) are treated as the
    same shape, instead of silently broadcasting to an ``(n, n)`` matrix.
    """
    if y_true.shape != y_pred.shape:
        if y_true.size == y_pred.size and np.squeeze(y_true).shape == np.squeeze(y_pred).shape:
            y_true = y_true.reshape(y_pred.shape)
        else:
            raise ValueError(
                f"{true_name} and {pred_name} must have the same shape, got "
                f"{true_name}.shape={y_true.shape} and {pred_name}.shape={y_pred.shape}"
            )
    if y_pred.size == 0:
        raise ValueError(f"{true_name} and {pred_name} are empty: need at least one observation")
    return y_true, y_pred


def _check_eps(eps: float) -> None:
    if not 0 <= eps < 0.5:
        raise ValueError(f"eps must be in [0, 0.5), got eps={eps}")


def _check_probabilities(values: np.ndarray, name: str, hint: str = "") -> None:
    if np.any((values < 0) | (values > 1)) or np.any(np.isnan(values)):
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values in "
            f"[{np.nanmin(values):g}, {np.nanmax(values):g}]{hint}"
        )


_LOGITS_HINT = "; if these are logits (raw scores), pass from_logits=True"


# --------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------


def binary_crossentropy(
    y_true: Any, y_pred: Any, *, from_logits: bool = False, eps: float = 1e-7
) -> float:
    r"""Mean binary cross-entropy :math:`-\frac1n\sum_i [y_i\log p_i + (1-y_i)\log(1-p_i)]`.

    Parameters
    ----------
    y_true : array_like
        Targets in [0, 1] (usually 0/1).
    y_pred : array_like
        Predicted probabilities :math:`p_i` (or logits :math:`z_i` if
        ``from_logits``), same shape as ``y_true``; ``(n, 1)`` against
        ``(n,)`` is accepted.
    from_logits : bool, default False
        Treat ``y_pred`` as logits, :math:`p_i = \sigma(z_i)`. The loss is
        then computed as :math:`\max(z,0) - zy + \log(1 + e^{-|z|})`, which
        is exact for any size of ``z`` (no sigmoid, then log).
    eps : float, default 1e-7
        Probabilities are clipped to ``[eps, 1 - eps]`` (as in Keras) so
        that a confident wrong answer costs a large finite loss.

    Returns
    -------
    float

    Examples
    --------
    >>> round(binary_crossentropy([0, 1, 1], [0.1, 0.8, 0.6]), 4)
    0.2798
    >>> round(binary_crossentropy([1], [1000.0], from_logits=True), 4)
    0.0
    """
    _check_eps(eps)
    y_true, y_pred = _matching_shapes(
        _as_float_array(y_true, "y_true"), _as_float_array(y_pred, "y_pred")
    )
    _check_probabilities(y_true, "y_true")
    if from_logits:
        z = y_pred
        losses = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    else:
        _check_probabilities(y_pred, "y_pred", _LOGITS_HINT)
        p = np.clip(y_pred, eps, 1 - eps)
        # xlogy(0, 0) is 0: a certain, correct prediction costs nothing even with eps=0
        losses = -(_xlogy(y_true, p) + _xlogy(1 - y_true, 1 - p))
    return float(np.mean(losses))


def binary_crossentropy_grad(y_true: Any, logits: Any) -> np.ndarray:
    r"""Gradient of the mean binary cross-entropy with respect to the logits.

    For :math:`p_i = \sigma(z_i)` the chain rule collapses to
    :math:`\partial \mathrm{Loss} / \partial z_i = (\sigma(z_i) - y_i) / n`,
    with :math:`n` the number of values averaged.

    Examples
    --------
    >>> binary_crossentropy_grad([0, 1], [0.0, 0.0])
    array([ 0.25, -0.25])
    """
    y_true, z = _matching_shapes(
        _as_float_array(y_true, "y_true"), _as_float_array(logits, "logits"), "y_true", "logits"
    )
    return np.asarray((sigmoid(z) - y_true) / z.size)


def _per_row_shapes(y_true: np.ndarray, y_pred: np.ndarray) -> None:
    if y_pred.ndim == 0:
        raise ValueError("y_pred must hold a vector of class scores per observation, got a scalar")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "y_true (one-hot) and y_pred must have the same shape (n, classes), got "
            f"y_true.shape={y_true.shape} and y_pred.shape={y_pred.shape}"
        )


def categorical_crossentropy(
    y_true_onehot: Any, y_pred: Any, *, from_logits: bool = False, eps: float = 1e-7
) -> float:
    r"""Mean categorical cross-entropy :math:`-\frac1n\sum_i\sum_j y_{ij}\log p_{ij}`.

    Parameters
    ----------
    y_true_onehot : array_like, shape (n, c)
        One-hot targets (or any class probabilities).
    y_pred : array_like, shape (n, c)
        Predicted class probabilities (softmax outputs), or logits if
        ``from_logits``; then :func:`log_softmax` is used, never ``log`` of a
        rounded-to-zero probability.
    from_logits : bool, default False
        Treat ``y_pred`` as logits (Keras's ``from_logits=True``).
    eps : float, default 1e-7
        Probabilities are clipped to ``[eps, 1 - eps]`` before the log.

    Returns
    -------
    float

    Examples
    --------
    >>> Y = np.array([[1, 0], [0, 1], [0, 1]])
    >>> P = np.array([[0.982, 0.018], [0.018, 0.982], [0.0, 1.0]])
    >>> round(categorical_crossentropy(Y, P), 4)
    0.0121
    >>> round(categorical_crossentropy([[0, 1]], [[0.0, 50.0]], from_logits=True), 4)
    0.0
    """
    _check_eps(eps)
    y_true = _as_float_array(y_true_onehot, "y_true_onehot")
    y_pred = _as_float_array(y_pred, "y_pred")
    _per_row_shapes(y_true, y_pred)
    _check_probabilities(y_true, "y_true_onehot")
    if from_logits:
        log_p = log_softmax(y_pred, axis=-1)
    else:
        _check_probabilities(y_pred, "y_pred", _LOGITS_HINT)
        return float(np.mean(-np.sum(_xlogy(y_true, np.clip(y_pred, eps, 1 - eps)), axis=-1)))
    return float(np.mean(-np.sum(y_true * log_p, axis=-1)))


def categorical_crossentropy_grad(y_true_onehot: Any, logits: Any) -> np.ndarray:
    r"""Gradient of the mean categorical cross-entropy with respect to the logits.

    For :math:`\mathbf{p}_i = \mathrm{Softmax}(\mathbf{z}_i)` and one-hot
    :math:`\mathbf{y}_i` this is :math:`(\mathbf{p}_i - \mathbf{y}_i) / n`.

    Examples
    --------
    >>> categorical_crossentropy_grad([[1, 0]], [[0.0, 0.0]])
    array([[-0.5,  0.5]])
    """
    y_true = _as_float_array(y_true_onehot, "y_true_onehot")
    z = _as_float_array(logits, "logits")
    _per_row_shapes(y_true, z)
    n = z.shape[0] if z.ndim > 1 else 1
    return (softmax(z, axis=-1) - y_true) / n


def sparse_categorical_crossentropy(
    labels: Any, y_pred: Any, *, from_logits: bool = False, eps: float = 1e-7
) -> float:
    r"""Mean cross-entropy with integer class labels: :math:`-\frac1n\sum_i \log p_{i, y_i}`.

    The same number as :func:`categorical_crossentropy` with one-hot targets.

    Parameters
    ----------
    labels : array_like of int, shape (n,) or (n, 1)
        Class indices in ``0, ..., c - 1``.
    y_pred : array_like, shape (n, c)
        Class probabilities, or logits if ``from_logits``.
    from_logits : bool, default False
        Treat ``y_pred`` as logits (computed with :func:`log_softmax`).
    eps : float, default 1e-7
        Probabilities are clipped to ``[eps, 1 - eps]`` before the log.

    Returns
    -------
    float

    Examples
    --------
    >>> P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    >>> round(sparse_categorical_crossentropy([0, 2], P), 4)
    0.2899
    >>> round(categorical_crossentropy([[1, 0, 0], [0, 0, 1]], P), 4)
    0.2899
    """
    _check_eps(eps)
    y_pred = _as_float_array(y_pred, "y_pred")
    if y_pred.ndim == 1:
        y_pred = y_pred[np.newaxis, :]
    if y_pred.ndim != 2:
        raise ValueError(f"y_pred must have shape (n, classes), got shape {y_pred.shape}")
    n, classes = y_pred.shape
    labels = np.ravel(_as_float_array(labels, "labels"))
    if labels.shape != (n,):
        raise ValueError(
            f"need one label per row of y_pred: got {labels.size} labels "
            f"for y_pred of shape {y_pred.shape}"
        )
    if np.any(labels != np.round(labels)) or np.any((labels < 0) | (labels >= classes)):
        raise ValueError(
            f"labels must be integers in 0..{classes - 1} (y_pred has {classes} columns), "
            f"got values in [{labels.min():g}, {labels.max():g}]"
        )
    if from_logits:
        log_p = log_softmax(y_pred, axis=-1)
    else:
        _check_probabilities(y_pred, "y_pred", _LOGITS_HINT)
        with np.errstate(divide="ignore"):  # eps=0 and p=0: an infinite loss, honestly
            log_p = np.log(np.clip(y_pred, eps, 1 - eps))
    return float(-np.mean(log_p[np.arange(n), labels.astype(int)]))


def mse(y_true: Any, y_pred: Any) -> float:
    r"""Mean squared error :math:`\frac1n \sum_i (\hat{y}_i - y_i)^2`.

    Shapes are checked as for the cross-entropies: ``(n, 1)`` against
    ``(n,)`` is accepted, anything else that differs is an error.

    Examples
    --------
    >>> mse([1, 2, 3], [1, 2, 5])
    1.3333333333333333
    """
    y_true, y_pred = _matching_shapes(
        _as_float_array(y_true, "y_true"), _as_float_array(y_pred, "y_pred")
    )
    return float(np.mean((y_pred - y_true) ** 2))
