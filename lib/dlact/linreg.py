r"""The lecture's worked example: a straight line fitted by squared error.

The model :math:`\hat{y}(x) = wx + b` has two parameters,
:math:`\theta = (w, b)`. This module holds its prediction, its
mean-squared-error loss and the chain-rule gradient of that loss, the
per-observation table of the lecture's batch-gradient-descent slides, and
the data of that example.

Examples
--------
>>> squared_error_grad([0, 0], [5], [5])
array([-50., -10.])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas is imported where a table is made: the figures need none
    import pandas as pd

__all__ = [
    "bgd_example_data",
    "least_squares_grad",
    "least_squares_loss",
    "linear_predict",
    "linear_regression_table",
    "sgd_learning_curve",
    "squared_error_grad",
    "squared_error_contours",
    "squared_error_loss",
    "squared_error_surface",
]


def _linear_inputs(
    theta: Any, x: Any, y: Any | None = None
) -> tuple[float, float, np.ndarray, np.ndarray | None]:
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (2,):
        raise ValueError(f"theta must be the pair (w, b), got shape {theta.shape}")
    x = np.atleast_1d(np.asarray(x, dtype=float))
    if y is None:
        return theta[0], theta[1], x, None
    y = np.atleast_1d(np.asarray(y, dtype=float))
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(
            f"x and y must be 1-D of the same length, got x.shape={x.shape} and y.shape={y.shape}"
        )
    return theta[0], theta[1], x, y


def linear_predict(theta: Any, x: Any) -> np.ndarray:
    r"""Linear regression prediction :math:`\hat{y}(x) = wx + b`.

    Parameters
    ----------
    theta : array_like, shape (2,)
        The parameters :math:`(w, b)`.
    x : array_like
        Inputs.

    Examples
    --------
    >>> linear_predict([0.5, 0.1], [9])
    array([4.6])
    """
    w, b, x, _ = _linear_inputs(theta, x)
    return w * x + b


def squared_error_loss(theta: Any, x: Any, y: Any) -> float:
    r"""Mean squared-error loss :math:`\frac1n\sum_i (wx_i + b - y_i)^2` over the given examples.

    Examples
    --------
    >>> squared_error_loss([0, 0], [5], [5])
    25.0
    """
    w, b, x, y = _linear_inputs(theta, x, y)
    return float(np.mean((w * x + b - y) ** 2))


def squared_error_grad(theta: Any, x: Any, y: Any) -> np.ndarray:
    r"""Chain-rule gradient of :func:`squared_error_loss` with respect to :math:`(w, b)`.

    :math:`\partial \mathrm{Loss}/\partial w = \frac1n\sum_i 2(\hat{y}_i - y_i)\,x_i`
    and :math:`\partial \mathrm{Loss}/\partial b = \frac1n\sum_i 2(\hat{y}_i - y_i)`.

    Returns
    -------
    numpy.ndarray, shape (2,)

    Examples
    --------
    >>> squared_error_grad([0, 0], [5], [5])
    array([-50., -10.])
    >>> squared_error_grad([0.5, 0.1], [9], [17]).round(1)
    array([-223.2,  -24.8])
    """
    w, b, x, y = _linear_inputs(theta, x, y)
    dloss_dyhat = 2 * (w * x + b - y)
    return np.array([np.mean(dloss_dyhat * x), np.mean(dloss_dyhat)])


def squared_error_surface(w: Any, b: Any, x: Any, y: Any) -> np.ndarray:
    """:func:`squared_error_loss` at every point of a grid of parameters.

    ``w`` and ``b`` are arrays of the same shape (e.g. from ``np.meshgrid``);
    the result has that shape, the mean squared error of the line with each
    slope and intercept on the data ``x, y``.

    Examples
    --------
    >>> W, B = np.meshgrid([0.0, 1.0], [0.0, 1.0])
    >>> squared_error_surface(W, B, [1.0, 2.0], [1.0, 2.0])
    array([[2.5, 0. ],
           [0.5, 1. ]])
    """
    w, b = np.asarray(w, dtype=float), np.asarray(b, dtype=float)
    if w.shape != b.shape:
        raise ValueError(f"w and b must have the same shape, got {w.shape} and {b.shape}")
    _, _, x, y = _linear_inputs([0.0, 0.0], x, y)
    return np.mean((w[..., None] * x + b[..., None] - y) ** 2, axis=-1)


def squared_error_contours(
    x: Any,
    y: Any,
    w_range: tuple[float, float],
    b_range: tuple[float, float],
    levels: int = 12,
    num: int = 120,
) -> list[list[np.ndarray]]:
    """Contour lines of :func:`squared_error_loss` over a rectangle of ``(w, b)``.

    The levels are spaced so that the lines crowd near the minimum (squares
    of evenly spaced values between the lowest and the highest loss in the
    rectangle). Returns one list per level of ``(k, 2)`` arrays of ``(w, b)``
    points, ready to be drawn as polylines (by matplotlib or in a browser).

    Examples
    --------
    >>> lines = squared_error_contours([1.0, 2.0], [1.0, 2.0], (0, 2), (-1, 1), levels=3)
    >>> len(lines), lines[0][0].shape[1]
    (3, 2)
    """
    import contourpy  # matplotlib's contouring

    w, b = np.meshgrid(np.linspace(*w_range, num), np.linspace(*b_range, num))
    loss = squared_error_surface(w, b, x, y)
    low, high = float(loss.min()), float(loss.max())
    values = low + (high - low) * np.linspace(0.0, 1.0, levels + 2)[1:-1] ** 2
    generator = contourpy.contour_generator(w, b, loss)
    return [[np.asarray(line) for line in generator.lines(v)] for v in values]


def linear_regression_table(theta: Any, x: Any, y: Any) -> pd.DataFrame:
    """Per-observation predictions, losses and gradients, as in the lecture's BGD tables.

    Returns
    -------
    pandas.DataFrame
        Columns ``x, y, y_hat, loss, dL/dw, dL/db``; the batch gradient is
        the mean of the last two columns.

    Examples
    --------
    >>> x, y = bgd_example_data()
    >>> linear_regression_table([0, 0], x, y).round(2)
       x     y  y_hat   loss  dL/dw  dL/db
    0  1  0.99    0.0   0.98  -1.98  -1.98
    1  2  3.00    0.0   9.02 -12.02  -6.01
    2  3  5.01    0.0  25.15 -30.09 -10.03
    """
    w, b, x_float, y = _linear_inputs(theta, x, y)
    y_hat = w * x_float + b
    dloss_dyhat = 2 * (y_hat - y)
    import pandas as pd

    return pd.DataFrame(
        {
            "x": np.atleast_1d(np.asarray(x)),
            "y": y,
            "y_hat": y_hat,
            "loss": (y_hat - y) ** 2,
            "dL/dw": dloss_dyhat * x_float,
            "dL/db": dloss_dyhat,
        }
    )


def bgd_example_data(n: int = 3, seed: int = 111) -> tuple[np.ndarray, np.ndarray]:
    r"""The data of the lecture's batch-gradient-descent example.

    :math:`x_i = i` for :math:`i = 1, \dots, n` and
    :math:`y_i = 2x_i - 1 + 0.01\,\varepsilon_i`, with standard normal noise
    from NumPy's legacy generator seeded with ``seed``: the recipe behind the
    lecture's tables, which print ``y`` rounded to 0.99, 3.00, 5.01. The
    tables' values (losses 0.98, 9.02, 25.15) need the unrounded ``y``.

    Parameters
    ----------
    n : int, default 3
        Number of observations.
    seed : int, default 111
        Seed of the noise.

    Returns
    -------
    x : numpy.ndarray of int
    y : numpy.ndarray of float

    Examples
    --------
    >>> x, y = bgd_example_data()
    >>> x, y.round(2)
    (array([1, 2, 3]), array([0.99, 3.  , 5.01]))
    """
    x = np.arange(1, n + 1)
    noise = np.random.RandomState(seed).randn(n)
    return x, 2 * x - 1 + 0.01 * noise


# --------------------------------------------------------------------------
# Least squares with several features (the learning-curves figure)
# --------------------------------------------------------------------------


def least_squares_loss(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of the linear model ``X @ w`` (no bias).

    Examples
    --------
    >>> least_squares_loss(np.array([1.0, 2.0]), np.eye(2), np.array([1.0, 0.0]))
    2.0
    """
    return float(np.mean((X @ w - y) ** 2))


def least_squares_grad(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of :func:`least_squares_loss` with respect to ``w``: ``2 (Xw - y) X / n``.

    Examples
    --------
    >>> least_squares_grad(np.array([1.0, 2.0]), np.eye(2), np.array([1.0, 0.0]))
    array([0., 2.])
    """
    return 2.0 * (X @ w - y) @ X / len(y)


def sgd_learning_curve(
    X: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    epochs: int,
    seed: int,
    *,
    blow_up: float = 1000.0,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Training loss per epoch of stochastic gradient descent on :func:`least_squares_loss`.

    From zero weights, one example per step, the examples in a fresh random
    order each epoch (seeded). Returns the epochs (0 = before training), the
    loss at each (epoch 0: the initial loss; epoch k: the mean of the losses
    of the examples seen during epoch k, as Keras reports it) and whether the
    run blew up: once an example's loss exceeds ``blow_up`` times the initial
    loss the curve stops there, its last point at the fraction of the epoch
    done.

    Parameters
    ----------
    X : numpy.ndarray, shape (n, d)
        Features.
    y : numpy.ndarray, shape (n,)
        Targets.
    learning_rate : float
        The step size.
    epochs : int
        Number of passes over the data.
    seed : int
        Seed of the order the examples are visited in.
    blow_up : float, default 1000
        How many times the initial loss counts as blowing up.

    Returns
    -------
    epochs : numpy.ndarray
        ``0, 1, ..., epochs`` (the last one fractional after a blow-up).
    losses : numpy.ndarray
        The training loss at those epochs.
    blew_up : bool
        Whether the run blew up.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(20, 2)); y = X @ [1.0, -1.0]
    >>> epochs, losses, blew_up = sgd_learning_curve(X, y, 0.05, epochs=3, seed=1)
    >>> epochs.tolist(), bool(losses[-1] < losses[0]), blew_up
    ([0.0, 1.0, 2.0, 3.0], True, False)
    """
    from dlact.gd import stochastic_gradient_descent

    n, d = X.shape
    initial = least_squares_loss(np.zeros(d), X, y)
    with np.errstate(over="ignore", invalid="ignore"):  # a very high rate overflows
        trace = stochastic_gradient_descent(
            least_squares_grad,
            np.zeros(d),
            X,
            y,
            learning_rate=learning_rate,
            epochs=epochs,
            seed=seed,
            loss_fn=least_squares_loss,
        )
    seen = trace.losses  # the loss of each example, before the step it takes
    over = np.flatnonzero(seen > blow_up * initial)
    if over.size:
        seen = seen[: over[0] + 1]
    losses, at = [initial], [0.0]
    for epoch, start in enumerate(range(0, len(seen), n)):
        epoch_losses = seen[start : start + n]
        losses.append(float(np.mean(epoch_losses)))
        at.append(epoch + len(epoch_losses) / n)
    return np.array(at), np.array(losses), bool(over.size)
