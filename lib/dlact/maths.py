"""The maths of a dense layer in NumPy: activations, their derivatives, the layer itself.

Everything here works on NumPy arrays (pandas objects are accepted and
converted) and is written to be read: each function is the formula on the
slides, made numerically safe where the naive formula overflows. The losses
are in :mod:`dlact.losses`.

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

from dlact._validate import as_float_array as _as_float_array
from dlact._validate import scalar_or_array as _scalar_or_array

__all__ = [
    "ACTIVATION_NAMES",
    "dense",
    "get_activation",
    "leaky_relu",
    "leaky_relu_grad",
    "linear",
    "log_softmax",
    "relu",
    "relu_grad",
    "sigmoid",
    "softmax",
]

Activation = Callable[[np.ndarray], np.ndarray]

ACTIVATION_NAMES: tuple[str, ...] = ("linear", "sigmoid", "softmax", "relu", "leaky_relu")
"""Names accepted by :func:`get_activation` and :func:`dense` (Keras's names)."""


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
    - \log \sum_j e^{z_j - \max_j z_j}`: finite even where the softmax
    rounds to 0, which is what a cross-entropy computed from logits needs.

    Parameters
    ----------
    z : array_like
        Scores (logits), at least one-dimensional.
    axis : int, default -1
        Axis holding the classes.

    Returns
    -------
    numpy.ndarray
        Log-probabilities, the shape of ``z``.

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

    Parameters
    ----------
    z : array_like
        Inputs.
    negative_slope : float, default 0.2
        The slope below 0.

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

    Returns
    -------
    callable
        The activation function of this module with that name.

    Raises
    ------
    ValueError
        If ``activation`` is a string that names no activation.

    Examples
    --------
    >>> get_activation("relu") is relu
    True
    >>> get_activation(None)([1, -2])
    array([ 1., -2.])
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


def dense(X: Any, W: Any, b: Any, activation: str | Activation | None = None) -> np.ndarray:
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
