"""The maths of the lecture in NumPy: activations, dense layers and losses.

Everything here works on NumPy arrays (pandas objects are accepted and
converted) and is written to be read: each function is the formula on the
slides, made numerically safe where the naive formula overflows.

Examples
--------
>>> import numpy as np
>>> X = np.array([[1, 2], [3, 4], [5, 6]])
>>> dense(X, np.array([1, 2]), -10, activation="sigmoid").round(2)
array([0.01, 0.73, 1.  ])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "ACTIVATION_NAMES",
    "binary_crossentropy",
    "binary_crossentropy_grad",
    "categorical_crossentropy",
    "categorical_crossentropy_grad",
    "dense",
    "get_activation",
    "leaky_relu",
    "leaky_relu_grad",
    "linear",
    "log_softmax",
    "mse",
    "relu",
    "relu_grad",
    "sigmoid",
    "softmax",
    "sparse_categorical_crossentropy",
]

Activation = Callable[[np.ndarray], np.ndarray]

#: Names accepted by :func:`get_activation` and :func:`dense`.
ACTIVATION_NAMES: tuple[str, ...] = ("linear", "sigmoid", "softmax", "relu", "leaky_relu")


# --------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------


def _as_float_array(values: Any, name: str) -> np.ndarray:
    """Convert array-likes (lists, pandas objects, scalars) to a float array."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric, got {type(values).__name__}: {error}") from None


def _scalar_or_array(result: np.ndarray) -> np.ndarray | np.float64:
    """Return a NumPy scalar for 0-d results and the array otherwise."""
    return result[()] if result.ndim == 0 else result


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
# Activations
# --------------------------------------------------------------------------


def sigmoid(z: Any) -> np.ndarray | np.float64:
    r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`.

    Computed from :math:`e^{-|z|}`, which never overflows, so large
    positive or negative inputs give 1 or 0 without warnings.

    Parameters
    ----------
    z : array_like
        Inputs (logits).

    Returns
    -------
    numpy.ndarray or numpy.float64
        Values in [0, 1] with the shape of ``z``.

    Examples
    --------
    >>> sigmoid(np.array([-5, 1, 7])).round(2)
    array([0.01, 0.73, 1.  ])
    >>> float(sigmoid(-1000.0))
    0.0
    """
    z = _as_float_array(z, "z")
    with np.errstate(under="ignore"):
        small = np.exp(-np.abs(z))  # in [0, 1]: cannot overflow
    return _scalar_or_array(np.where(z >= 0, 1 / (1 + small), small / (1 + small)))


def log_softmax(z: Any, axis: int = -1) -> np.ndarray:
    r"""Logarithm of :func:`softmax`, computed without forming the softmax.

    :math:`\log \mathrm{Softmax}(\mathbf{z})_i = z_i - \max_j z_j
    - \log \sum_j e^{z_j - \max_j z_j}`.

    Examples
    --------
    >>> np.exp(log_softmax(np.array([5.0, -1.0, 6.0]))).round(2)
    array([0.27, 0.  , 0.73])
    """
    z = _as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("softmax needs a vector of scores, got a scalar")
    shifted = z - np.max(z, axis=axis, keepdims=True)
    with np.errstate(under="ignore"):
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z: Any, axis: int = -1) -> np.ndarray:
    r"""Softmax :math:`\mathrm{Softmax}(\mathbf{z})_i = e^{z_i} / \sum_j e^{z_j}`.

    The maximum along ``axis`` is subtracted first; this does not change the
    result but keeps every exponent at most 0, so logits of any size give
    finite probabilities.

    Parameters
    ----------
    z : array_like
        Scores (logits), at least one-dimensional.
    axis : int, default -1
        Axis holding the classes (the last one: one row per observation).

    Returns
    -------
    numpy.ndarray
        Probabilities summing to 1 along ``axis``.

    Examples
    --------
    >>> softmax(np.array([5, -1, 6])).round(2)
    array([0.27, 0.  , 0.73])
    >>> softmax(np.array([[1000.0, -1000.0]]))
    array([[1., 0.]])
    """
    z = _as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("softmax needs a vector of scores, got a scalar")
    with np.errstate(under="ignore"):
        exp = np.exp(z - np.max(z, axis=axis, keepdims=True))  # in [0, 1]
    return exp / np.sum(exp, axis=axis, keepdims=True)


def relu(z: Any) -> np.ndarray | np.float64:
    """Rectified linear unit ``max(z, 0)``.

    Examples
    --------
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return _scalar_or_array(np.maximum(_as_float_array(z, "z"), 0.0))


def leaky_relu(z: Any, negative_slope: float = 0.2) -> np.ndarray | np.float64:
    """Leaky ReLU: ``z`` for ``z >= 0`` and ``negative_slope * z`` below 0.

    The default slope 0.2 is Keras 3's (``keras.activations.leaky_relu``),
    so ``Dense(32, "leaky_relu")`` computes exactly this.

    Examples
    --------
    >>> leaky_relu(np.array([-10.0, 0.0, 3.0]))
    array([-2.,  0.,  3.])
    """
    z = _as_float_array(z, "z")
    return _scalar_or_array(np.where(z >= 0, z, negative_slope * z))


def relu_grad(z: Any) -> np.ndarray | np.float64:
    """Derivative of :func:`relu`: 1 where ``z > 0``, else 0.

    At ``z = 0``, where the ReLU has a corner, the derivative is taken to be
    0, as PyTorch, JAX and Keras do.

    Examples
    --------
    >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    z = _as_float_array(z, "z")
    return _scalar_or_array(np.where(z > 0, 1.0, 0.0))


def leaky_relu_grad(z: Any, negative_slope: float = 0.2) -> np.ndarray | np.float64:
    """Derivative of :func:`leaky_relu`: 1 where ``z > 0``, else ``negative_slope``.

    At ``z = 0`` the derivative is taken to be ``negative_slope``, as
    PyTorch and JAX do.

    Examples
    --------
    >>> leaky_relu_grad(np.array([-10.0, 0.0, 3.0]))
    array([0.2, 0.2, 1. ])
    """
    z = _as_float_array(z, "z")
    return _scalar_or_array(np.where(z > 0, 1.0, negative_slope))


def linear(z: Any) -> np.ndarray | np.float64:
    """The identity activation (Keras's ``"linear"``): returns ``z`` as floats.

    Examples
    --------
    >>> linear([1, -2])
    array([ 1., -2.])
    """
    return _scalar_or_array(np.array(_as_float_array(z, "z")))


def get_activation(activation: str | Activation | None) -> Activation:
    """Look up an activation function by its Keras name.

    Parameters
    ----------
    activation : str, callable or None
        One of :data:`ACTIVATION_NAMES`, ``None`` (same as ``"linear"``), or
        any callable, which is returned unchanged.

    Examples
    --------
    >>> get_activation("relu") is relu
    True
    """
    if activation is None:
        return linear
    if callable(activation):
        return activation
    table: dict[str, Activation] = {
        "linear": linear,
        "sigmoid": sigmoid,
        "softmax": softmax,
        "relu": relu,
        "leaky_relu": leaky_relu,
    }
    if not isinstance(activation, str) or activation not in table:
        raise ValueError(
            f"unknown activation {activation!r}; allowed: None, a callable, or one of "
            + ", ".join(repr(name) for name in ACTIVATION_NAMES)
        )
    return table[activation]


# --------------------------------------------------------------------------
# A dense layer
# --------------------------------------------------------------------------


def dense(
    X: Any, W: Any, b: Any, activation: str | Activation | None = None
) -> np.ndarray:
    r"""A dense layer in matrix form: :math:`\mathbf{A} = \phi(\mathbf{XW} + \mathbf{b})`.

    Parameters
    ----------
    X : array_like, shape (n, d) or (d,)
        Observations in rows (a DataFrame works); a 1-D ``X`` is one observation.
    W : array_like, shape (d, k) or (d,)
        Weights: one row per input feature, one column per neuron.
    b : array_like, scalar or shape (k,)
        Biases, one per neuron.
    activation : str, callable or None
        ``None``/``"linear"``, ``"sigmoid"``, ``"softmax"``, ``"relu"``,
        ``"leaky_relu"`` or a function applied to ``XW + b``.

    Returns
    -------
    numpy.ndarray
        Shape (n, k), or (n,) for a 1-D ``W``.

    Examples
    --------
    >>> X = np.array([[1, 2], [3, 4], [5, 6]])
    >>> W = np.array([[1, 3], [2, 4]])
    >>> dense(X, W, np.array([-10, -20]))
    array([[-5., -9.],
           [ 1.,  5.],
           [ 7., 19.]])
    >>> dense(X, W, np.array([-10, -20]), "softmax").round(3)
    array([[0.982, 0.018],
           [0.018, 0.982],
           [0.   , 1.   ]])
    """
    phi = get_activation(activation)
    X = _as_float_array(X, "X")
    W = _as_float_array(W, "W")
    b = _as_float_array(b, "b")
    if X.ndim not in (1, 2):
        raise ValueError(f"X must be 1-D (one observation) or 2-D (n, d), got shape {X.shape}")
    if W.ndim not in (1, 2):
        raise ValueError(f"W must be 1-D (d,) or 2-D (d, k), got shape {W.shape}")
    if X.shape[-1] != W.shape[0]:
        raise ValueError(
            f"X has {X.shape[-1]} features (shape {X.shape}) but W has {W.shape[0]} rows "
            f"(shape {W.shape}); X @ W needs X.shape[-1] == W.shape[0]"
        )
    neurons = W.shape[1] if W.ndim == 2 else 1
    if b.size != 1 and b.shape != (neurons,):
        raise ValueError(
            f"b must be a scalar or have shape ({neurons},), one bias per column of W; "
            f"got shape {b.shape}"
        )
    if activation == "softmax" and W.ndim == 1:
        raise ValueError(
            "softmax needs one column of W per class (W of shape (d, k)), got a 1-D W "
            f"of shape {W.shape}"
        )
    b = b.reshape(()) if b.size == 1 else b
    return np.asarray(phi(X @ W + b))


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
        losses = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
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
        log_p = np.log(np.clip(y_pred, eps, 1 - eps))
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
    eps : float, default 1e-7

    Returns
    -------
    float

    Examples
    --------
    >>> P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    >>> round(sparse_categorical_crossentropy([0, 2], P), 4)
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
        log_p = np.log(np.clip(y_pred, eps, 1 - eps))
    return float(-np.mean(log_p[np.arange(n), labels.astype(int)]))


def mse(y_true: Any, y_pred: Any) -> float:
    r"""Mean squared error :math:`\frac1n \sum_i (\hat{y}_i - y_i)^2`.

    Examples
    --------
    >>> mse([1, 2, 3], [1, 2, 5])
    1.3333333333333333
    """
    y_true, y_pred = _matching_shapes(
        _as_float_array(y_true, "y_true"), _as_float_array(y_pred, "y_pred")
    )
    return float(np.mean((y_pred - y_true) ** 2))
