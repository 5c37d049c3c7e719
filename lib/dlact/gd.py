r"""Gradient descent as the lecture teaches it: batch, stochastic and mini-batch.

The three algorithms are short loops that mirror the lecture's pseudo-code;
they work for any model whose loss gradient you can write as a function
``grad_fn(theta, X_batch, y_batch)`` returning the *mean* gradient over the
batch. Every update is recorded in a :class:`Trace`, so the lecture can show
the path, the losses and a table of the steps.

The lecture's linear-regression example lives in :mod:`dlact.linreg`, the
learning-rate schedules in :mod:`dlact.schedules` and the record of a run in
:mod:`dlact.trace`.

Examples
--------
>>> from dlact.linreg import bgd_example_data, squared_error_grad
>>> x, y = bgd_example_data()
>>> trace = batch_gradient_descent(squared_error_grad, [0, 0], x, y,
...                                learning_rate=0.1, epochs=2)
>>> trace.params.round(2)
array([[0.  , 0.  ],
       [1.47, 0.6 ],
       [1.33, 0.49]])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dlact._validate import as_data, check_batch_size, check_epochs, check_order, is_int
from dlact.linreg import squared_error_grad, squared_error_loss
from dlact.schedules import as_schedule
from dlact.trace import Trace, _Recorder

__all__ = [
    "batch_gradient_descent",
    "epoch_examples",
    "gd_path",
    "gradient_descent",
    "minibatch_gradient_descent",
    "stochastic_gradient_descent",
]

GradFn = Callable[[np.ndarray, np.ndarray, np.ndarray], Any]
LossFn = Callable[[np.ndarray, np.ndarray, np.ndarray], float]


# --------------------------------------------------------------------------
# Checking the inputs
# --------------------------------------------------------------------------


def _gradient_evaluator(grad_fn: GradFn, theta: np.ndarray) -> GradFn:
    """Wrap ``grad_fn`` so that it returns a float array shaped like ``theta``."""

    def evaluate_gradient(weights: np.ndarray, X_batch: Any, y_batch: Any) -> np.ndarray:
        gradient = np.asarray(grad_fn(weights, X_batch, y_batch), dtype=float)
        if gradient.shape != theta.shape:
            raise ValueError(
                f"grad_fn returned a gradient of shape {gradient.shape}; "
                f"expected {theta.shape}, the shape of theta"
            )
        return gradient

    return evaluate_gradient


def epoch_examples(
    n: int, rng: np.random.Generator, shuffle: bool = True, order: Sequence[int] | None = None
) -> np.ndarray:
    """The indices of the examples an epoch visits, in the order it visits them.

    ``order`` if given; otherwise ``0, ..., n - 1``, shuffled by ``rng`` if
    ``shuffle`` (the pseudo-code's ``rnd.shuffle(data)``).

    Parameters
    ----------
    n : int
        Number of examples.
    rng : numpy.random.Generator
        The generator that shuffles.
    shuffle : bool, default True
        Shuffle the examples (else keep their order).
    order : sequence of int, optional
        The exact indices to visit; overrides ``shuffle``.

    Examples
    --------
    >>> epoch_examples(5, np.random.default_rng(0), shuffle=False)
    array([0, 1, 2, 3, 4])
    >>> sorted(epoch_examples(5, np.random.default_rng(0)).tolist())
    [0, 1, 2, 3, 4]
    """
    if order is not None:
        return np.asarray(order)
    return rng.permutation(n) if shuffle else np.arange(n)


def _default_loss(grad_fn: GradFn, loss_fn: LossFn | None) -> LossFn | None:
    """The loss to record: ``loss_fn``, or the one that goes with ``squared_error_grad``."""
    if loss_fn is None and grad_fn is squared_error_grad:
        return squared_error_loss
    return loss_fn


# --------------------------------------------------------------------------
# The three algorithms
# --------------------------------------------------------------------------


def batch_gradient_descent(
    grad_fn: GradFn,
    theta0: Any,
    X: Any,
    y: Any,
    *,
    learning_rate: float | Callable[[int], float],
    epochs: int = 1,
    loss_fn: LossFn | None = None,
) -> Trace:
    """Batch gradient descent: one update per epoch, using all the training data.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(theta, X_batch, y_batch)`` returns the mean gradient of the
        loss over the batch, an array shaped like ``theta``.
    theta0 : array_like, shape (p,)
        Starting parameters.
    X, y : array_like
        Training data, one row per example (pandas objects work).
    learning_rate : float or callable
        A positive number, or a schedule ``step -> rate``.
    epochs : int, default 1
        Number of passes over the data (here, number of updates).
    loss_fn : callable, optional
        ``loss_fn(theta, X_batch, y_batch)``, recorded before each update.
        Defaults to :func:`squared_error_loss` when ``grad_fn`` is
        :func:`squared_error_grad`; otherwise, losses are recorded as ``NaN``.

    Returns
    -------
    Trace

    Examples
    --------
    >>> from dlact.linreg import bgd_example_data, squared_error_grad
    >>> x, y = bgd_example_data()
    >>> trace = batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1)
    >>> trace.gradients.round(2), trace.final.round(2)
    (array([[-14.69,  -6.  ]]), array([1.47, 0.6 ]))
    """
    X, y = as_data(X, y)
    check_epochs(epochs)
    rate = as_schedule(learning_rate)
    log = _Recorder(theta0, X, y, _default_loss(grad_fn, loss_fn))
    weights = log.start
    evaluate_gradient = _gradient_evaluator(grad_fn, weights)

    for epoch in range(epochs):
        data = np.arange(len(y))  # every example
        gradient = evaluate_gradient(weights, X[data], y[data])
        eta = rate(log.n_steps)
        log.record(epoch, data, weights, gradient, eta)
        weights = weights - eta * gradient
    return log.trace()


def stochastic_gradient_descent(
    grad_fn: GradFn,
    theta0: Any,
    X: Any,
    y: Any,
    *,
    learning_rate: float | Callable[[int], float],
    epochs: int = 1,
    shuffle: bool = True,
    seed: int | None = None,
    order: Sequence[int] | None = None,
    loss_fn: LossFn | None = None,
) -> Trace:
    """Stochastic gradient descent: one update per training example.

    Each epoch visits every example once, in a random order (``shuffle``,
    from ``numpy.random.default_rng(seed)``), in the data's order
    (``shuffle=False``), or in the exact order given by ``order`` (a
    sequence of 0-based example indices, visited in every epoch; it
    overrides ``shuffle`` and need not cover all the examples).
    Other parameters are as in :func:`batch_gradient_descent`.

    Examples
    --------
    The lecture's example picks example 5, then example 9:

    >>> from dlact.linreg import squared_error_grad
    >>> x = np.arange(10); y = np.zeros(10); y[5], y[9] = 5, 17
    >>> trace = stochastic_gradient_descent(squared_error_grad, [0, 0], x, y,
    ...                                     learning_rate=0.01, order=[5, 9])
    >>> trace.params
    array([[0.   , 0.   ],
           [0.5  , 0.1  ],
           [2.732, 0.348]])
    """
    X, y = as_data(X, y)
    check_epochs(epochs)
    order = check_order(order, len(y))
    rate = as_schedule(learning_rate)
    rng = np.random.default_rng(seed)
    log = _Recorder(theta0, X, y, _default_loss(grad_fn, loss_fn))
    weights = log.start
    evaluate_gradient = _gradient_evaluator(grad_fn, weights)

    for epoch in range(epochs):
        data = epoch_examples(len(y), rng, shuffle, order)  # shuffled, or in the given order
        for i in data:
            example = [i]
            gradient = evaluate_gradient(weights, X[example], y[example])
            eta = rate(log.n_steps)
            log.record(epoch, example, weights, gradient, eta)
            weights = weights - eta * gradient
    return log.trace()


def minibatch_gradient_descent(
    grad_fn: GradFn,
    theta0: Any,
    X: Any,
    y: Any,
    *,
    batch_size: int,
    learning_rate: float | Callable[[int], float],
    epochs: int = 1,
    shuffle: bool = True,
    seed: int | None = None,
    order: Sequence[int] | None = None,
    loss_fn: LossFn | None = None,
) -> Trace:
    """Mini-batch gradient descent: one update per group of ``batch_size`` examples.

    Each epoch orders the examples as in :func:`stochastic_gradient_descent`
    and cuts them into consecutive batches; the last batch of an epoch is
    smaller when ``batch_size`` does not divide the number of examples.
    ``batch_size`` must be between 1 (SGD) and the number of examples in an
    epoch (batch gradient descent).

    Examples
    --------
    >>> from dlact.linreg import bgd_example_data, squared_error_grad
    >>> x, y = bgd_example_data(n=6)
    >>> trace = minibatch_gradient_descent(squared_error_grad, [0, 0], x, y, batch_size=4,
    ...                                    learning_rate=0.01, epochs=2, shuffle=False)
    >>> trace.to_frame(["w", "b"])[["iteration", "epoch", "indices"]]
       iteration  epoch       indices
    0          0      0  (0, 1, 2, 3)
    1          1      0        (4, 5)
    2          2      1  (0, 1, 2, 3)
    3          3      1        (4, 5)
    """
    X, y = as_data(X, y)
    check_epochs(epochs)
    order = check_order(order, len(y))
    batch_size = check_batch_size(batch_size, len(y) if order is None else len(order))
    rate = as_schedule(learning_rate)
    rng = np.random.default_rng(seed)
    log = _Recorder(theta0, X, y, _default_loss(grad_fn, loss_fn))
    weights = log.start
    evaluate_gradient = _gradient_evaluator(grad_fn, weights)

    for epoch in range(epochs):
        data = epoch_examples(len(y), rng, shuffle, order)  # shuffled, or in the given order
        num_batches = math.ceil(len(data) / batch_size)
        for b in range(num_batches):
            batch = data[b * batch_size : (b + 1) * batch_size]
            gradient = evaluate_gradient(weights, X[batch], y[batch])
            eta = rate(log.n_steps)
            log.record(epoch, batch, weights, gradient, eta)
            weights = weights - eta * gradient
    return log.trace()


def gradient_descent(
    grad_fn: GradFn,
    theta0: Any,
    X: Any,
    y: Any,
    *,
    learning_rate: float | Callable[[int], float],
    epochs: int = 1,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int | None = None,
    order: Sequence[int] | None = None,
    loss_fn: LossFn | None = None,
) -> Trace:
    """Gradient descent with any batch size: the general form of the three algorithms.

    ``batch_size=None`` uses every example of an epoch in one batch (batch
    gradient descent), ``batch_size=1`` is stochastic gradient descent and
    anything in between is mini-batch gradient descent; see
    :func:`minibatch_gradient_descent` for the other parameters.

    Examples
    --------
    >>> from dlact.linreg import bgd_example_data, squared_error_grad
    >>> x, y = bgd_example_data()
    >>> trace = gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1, epochs=2)
    >>> trace.final.round(2)
    array([1.33, 0.49])
    """
    X, y = as_data(X, y)
    if batch_size is None:
        batch_size = len(y) if order is None else len(order)
    return minibatch_gradient_descent(
        grad_fn,
        theta0,
        X,
        y,
        batch_size=batch_size,
        learning_rate=learning_rate,
        epochs=epochs,
        shuffle=shuffle,
        seed=seed,
        order=order,
        loss_fn=loss_fn,
    )


def gd_path(
    grad_fn: GradFn,
    theta0: Any,
    X: Any,
    y: Any,
    *,
    learning_rate: float | Callable[[int], float],
    steps: int,
    batch_size: int,
    seed: int | None = None,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The first ``steps`` updates of (mini-)batch gradient descent, as many epochs as needed.

    The batches are drawn as in :func:`gradient_descent` (shuffled with
    ``seed`` each epoch); the parameters are as there.

    Returns
    -------
    path : numpy.ndarray, shape (steps + 1, p)
        The start and the parameters after each update.
    batches : list of numpy.ndarray
        The sorted indices of the examples in each update's batch.

    Examples
    --------
    >>> from dlact.linreg import bgd_example_data, squared_error_grad
    >>> x, y = bgd_example_data(n=6)
    >>> path, batches = gd_path(squared_error_grad, [0, 0], x, y, learning_rate=0.01,
    ...                         steps=3, batch_size=4, seed=0)
    >>> path.shape, [len(b) for b in batches]
    ((4, 2), [4, 2, 4])
    """
    if not is_int(steps) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    epochs = math.ceil(steps / math.ceil(len(X) / batch_size))
    trace = gradient_descent(
        grad_fn,
        theta0,
        X,
        y,
        learning_rate=learning_rate,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
    )
    return trace.params[: steps + 1], [np.sort(step.indices) for step in trace.steps[:steps]]
