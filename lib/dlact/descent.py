"""Gradient descent on a given function, no data: the demo's paths and the noise experiment.

:func:`descend` follows the gradient of a function from a starting point;
:func:`gd_iterates` is the same in one dimension, stopping where a path leaves
the plotted range (what the optimisation chapter's demo and its static figure
draw on :data:`dlact.landscapes.GD_DEMO_LOSS`). :func:`noisy_examples` and
:func:`noisy_descent` turn a loss of one parameter into an average over noisy
examples, so that mini-batches of different sizes can be compared on it.

Examples
--------
>>> from dlact.landscapes import PolynomialLoss
>>> loss = PolynomialLoss((1.0, 0.0, 1.0), x_range=(-2, 2))   # 1 + x**2
>>> descend(loss.grad, 1.0, learning_rate=0.25, steps=2).ravel()
array([1.  , 0.5 , 0.25])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from dlact._validate import as_params, is_int
from dlact.schedules import as_schedule

if TYPE_CHECKING:
    from dlact.landscapes import PolynomialLoss

__all__ = ["descend", "gd_iterates", "has_diverged", "noisy_descent", "noisy_examples"]


# --------------------------------------------------------------------------
# Gradient descent on a function (no data)
# --------------------------------------------------------------------------


def descend(
    grad: Callable[[np.ndarray], Any],
    theta0: Any,
    learning_rate: float | Callable[[int], float],
    steps: int,
    *,
    max_norm: float = 1e6,
) -> np.ndarray:
    r"""Follow :math:`\theta_{t+1} = \theta_t - \eta\,\nabla f(\theta_t)` for a function ``f``.

    Parameters
    ----------
    grad : callable
        The gradient :math:`\nabla f`, called with a float array of shape (p,).
    theta0 : float or array_like, shape (p,)
        Starting point.
    learning_rate : float or callable
        A positive number or a schedule ``step -> rate``.
    steps : int
        Number of updates.
    max_norm : float, default 1e6
        The run counts as diverged once :math:`\|\theta\|` exceeds this, or
        a value becomes infinite or ``NaN``.

    Returns
    -------
    numpy.ndarray, shape (steps + 1, p)
        The path, starting point first. After a divergence the remaining
        rows are ``NaN`` (so plots just stop there); check with
        :func:`has_diverged`.

    Examples
    --------
    >>> descend(lambda x: 2 * x, 1.0, learning_rate=0.25, steps=3).ravel()
    array([1.   , 0.5  , 0.25 , 0.125])
    >>> has_diverged(descend(lambda x: 2 * x, 1.0, learning_rate=1.1, steps=100))
    True
    """
    rate = as_schedule(learning_rate)
    if not is_int(steps) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    theta = as_params(theta0)
    path = np.full((steps + 1, theta.size), np.nan)
    path[0] = theta
    for t in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):
            theta = theta - rate(t) * np.asarray(grad(theta), dtype=float)
            escaped = not np.all(np.isfinite(theta)) or np.linalg.norm(theta) > max_norm
        if escaped:
            break
        path[t + 1] = theta
    return path


def has_diverged(path: np.ndarray) -> bool:
    """Whether a path from :func:`descend` stopped early because it diverged.

    Examples
    --------
    >>> has_diverged(descend(lambda x: 2 * x, 1.0, learning_rate=0.1, steps=10))
    False
    """
    return bool(np.any(np.isnan(np.asarray(path))))


def gd_iterates(
    grad: Callable[[float], float],
    x0: float,
    learning_rate: float,
    steps: int,
    x_range: tuple[float, float] | None = None,
) -> tuple[np.ndarray, int | None]:
    """Iterates of 1-D gradient descent ``x_{k+1} = x_k - learning_rate * grad(x_k)``.

    Returns the iterates ``x_0, ..., x_m`` (``m <= steps``) and the step at
    which an iterate left ``x_range`` (or became infinite or ``NaN``), or None if
    all ``steps`` steps stayed inside. The iterate that left is not included.

    The steps are :func:`descend`'s; this adds the stop at the edge of a
    range (the plotted one, in a figure).

    Examples
    --------
    >>> xs, left = gd_iterates(lambda x: 2 * x, 4.0, learning_rate=1.05, steps=10,
    ...                        x_range=(-5, 5))
    >>> xs.round(2).tolist(), left
    ([4.0, -4.4, 4.84], 3)
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


# --------------------------------------------------------------------------
# Noise helps: the demo's loss as an average over noisy examples
# --------------------------------------------------------------------------


def noisy_examples(n: int = 40, noise: float = 16.0, seed: int = 0) -> np.ndarray:
    r"""Data ``a`` for the loss :math:`f_i(x) = f(x) + a_i x` of example ``i``.

    The :math:`a_i` are normal with standard deviation ``noise``, centred to
    a mean of exactly zero, so that the average of the examples' losses is
    :math:`f` itself: full-batch gradient descent on them is gradient descent
    on :math:`f`, while a batch's gradient :math:`f'(x) + \bar{a}_{\text{batch}}`
    is :math:`f'(x)` plus noise, the noisier the smaller the batch.

    Examples
    --------
    >>> a = noisy_examples(n=5, noise=2.0, seed=1)
    >>> a.shape, abs(float(a.mean())) < 1e-12
    ((5,), True)
    """
    if not is_int(n) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    a = np.random.default_rng(seed).normal(0.0, noise, size=n)
    return a - a.mean()


def noisy_descent(
    loss: PolynomialLoss,
    a: np.ndarray,
    x0: float,
    *,
    batch_size: int,
    learning_rate,
    epochs: int,
    seed: int | None = None,
):
    """Mini-batch gradient descent on the examples :math:`f(x) + a_i x` (see :func:`noisy_examples`).

    Each step uses the gradient of the mean loss of a batch, ``loss.grad(x)``
    plus the batch's mean of ``a``; with ``batch_size=len(a)`` this is plain
    gradient descent on ``loss``. Returns the :class:`dlact.trace.Trace`.

    Examples
    --------
    >>> from dlact.landscapes import GD_DEMO_LOSS
    >>> a = noisy_examples(n=8, noise=1.0, seed=0)
    >>> trace = noisy_descent(GD_DEMO_LOSS, a, 3.0, batch_size=8, learning_rate=0.1, epochs=30)
    >>> round(float(trace.final[0]), 2)  # full batch: the local minimum nearest the start
    2.1
    """
    from dlact.gd import gradient_descent

    def batch_gradient(theta, a_batch, _unused):
        return np.array([loss.grad(float(theta[0])) + float(np.mean(a_batch))])

    return gradient_descent(
        batch_gradient,
        [float(x0)],
        np.asarray(a, dtype=float),
        np.zeros(len(a)),
        batch_size=batch_size,
        learning_rate=learning_rate,
        epochs=epochs,
        seed=seed,
    )
