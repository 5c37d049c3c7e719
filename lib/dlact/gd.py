r"""Gradient descent as the lecture teaches it: batch, stochastic and mini-batch.

The three algorithms are short loops that mirror the lecture's pseudo-code;
they work for any model whose loss gradient you can write as a function
``grad_fn(theta, X_batch, y_batch)`` returning the *mean* gradient over the
batch. Every update is recorded in a :class:`Trace`, so the lecture can show
the path, the losses and a table of the steps.

The linear-regression example of the lecture (:math:`\hat{y} = wx + b` with
squared-error loss) is included: :func:`squared_error_loss`,
:func:`squared_error_grad` and :func:`linear_regression_table`.

Examples
--------
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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Schedule",
    "Step",
    "Trace",
    "as_schedule",
    "batch_gradient_descent",
    "bgd_example_data",
    "constant",
    "cosine_decay",
    "descend",
    "epoch_examples",
    "exponential_decay",
    "gradient_descent",
    "has_diverged",
    "linear_predict",
    "linear_regression_table",
    "minibatch_gradient_descent",
    "squared_error_grad",
    "squared_error_loss",
    "step_decay",
    "stochastic_gradient_descent",
]

GradFn = Callable[[np.ndarray, np.ndarray, np.ndarray], Any]
LossFn = Callable[[np.ndarray, np.ndarray, np.ndarray], float]


# --------------------------------------------------------------------------
# The lecture's example: linear regression with squared-error loss
# --------------------------------------------------------------------------


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
# Learning-rate schedules
# --------------------------------------------------------------------------


class Schedule:
    """A learning rate that depends on the step (or epoch) number.

    Subclasses define :meth:`rate`; calling a schedule accepts an integer
    (returns a float) or a NumPy array of steps (returns an array), so it can
    be plotted directly.
    """

    def rate(self, step: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, step: Any) -> Any:
        steps = np.asarray(step, dtype=float)
        if np.any(steps < 0):
            raise ValueError(f"steps must be >= 0, got {step!r}")
        rates = np.asarray(self.rate(steps), dtype=float)
        return float(rates) if rates.ndim == 0 else rates


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _positive(name: str, value: float) -> float:
    is_number = isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
    if not is_number or not value > 0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


@dataclass(frozen=True, repr=False)
class _Constant(Schedule):
    learning_rate: float

    def rate(self, step: np.ndarray) -> np.ndarray:
        return np.full_like(step, self.learning_rate)

    def __repr__(self) -> str:
        return f"constant({self.learning_rate!r})"


@dataclass(frozen=True, repr=False)
class _StepDecay(Schedule):
    initial: float
    drop: float
    every: int

    def rate(self, step: np.ndarray) -> np.ndarray:
        return self.initial * self.drop ** np.floor(step / self.every)

    def __repr__(self) -> str:
        return f"step_decay(initial={self.initial!r}, drop={self.drop!r}, every={self.every!r})"


@dataclass(frozen=True, repr=False)
class _ExponentialDecay(Schedule):
    initial: float
    decay_rate: float
    decay_steps: float
    staircase: bool = False

    def rate(self, step: np.ndarray) -> np.ndarray:
        p = step / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return self.initial * self.decay_rate**p

    def __repr__(self) -> str:
        extra = ", staircase=True" if self.staircase else ""
        return (
            f"exponential_decay(initial={self.initial!r}, decay_rate={self.decay_rate!r}, "
            f"decay_steps={self.decay_steps!r}{extra})"
        )


@dataclass(frozen=True, repr=False)
class _CosineDecay(Schedule):
    initial: float
    decay_steps: float
    alpha: float = 0.0

    def rate(self, step: np.ndarray) -> np.ndarray:
        fraction = np.minimum(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1 + np.cos(np.pi * fraction))
        return self.initial * ((1 - self.alpha) * cosine + self.alpha)

    def __repr__(self) -> str:
        return (
            f"cosine_decay(initial={self.initial!r}, decay_steps={self.decay_steps!r}, "
            f"alpha={self.alpha!r})"
        )


def constant(learning_rate: float) -> Schedule:
    """The same learning rate at every step.

    Examples
    --------
    >>> constant(0.1)(7)
    0.1
    """
    return _Constant(_positive("learning_rate", learning_rate))


def step_decay(initial: float, drop: float, every: int) -> Schedule:
    """Multiply the learning rate by ``drop`` every ``every`` steps.

    The rate at step ``t`` is ``initial * drop ** (t // every)``.

    Examples
    --------
    >>> step_decay(0.1, 0.5, every=10)(np.array([0, 9, 10, 25]))
    array([0.1  , 0.1  , 0.05 , 0.025])
    """
    if not 0 < drop <= 1:
        raise ValueError(f"drop must be in (0, 1], got {drop!r}")
    if not _is_int(every) or every < 1:
        raise ValueError(f"every must be a positive integer, got {every!r}")
    return _StepDecay(_positive("initial", initial), float(drop), int(every))


def exponential_decay(
    initial: float, decay_rate: float, decay_steps: float, *, staircase: bool = False
) -> Schedule:
    """Smooth exponential decay ``initial * decay_rate ** (step / decay_steps)``.

    The same formula as ``keras.optimizers.schedules.ExponentialDecay``
    (note Keras's argument order: ``initial_learning_rate, decay_steps,
    decay_rate``). With ``staircase=True`` the exponent is rounded down.

    Examples
    --------
    >>> exponential_decay(0.1, decay_rate=0.5, decay_steps=10)(20)
    0.025
    """
    _positive("decay_rate", decay_rate)
    return _ExponentialDecay(
        _positive("initial", initial),
        float(decay_rate),
        _positive("decay_steps", decay_steps),
        bool(staircase),
    )


def cosine_decay(initial: float, decay_steps: float, alpha: float = 0.0) -> Schedule:
    """Cosine decay from ``initial`` to ``alpha * initial`` over ``decay_steps``, then flat.

    Matches ``keras.optimizers.schedules.CosineDecay`` without warm-up.

    Examples
    --------
    >>> cosine_decay(0.1, decay_steps=100)(np.array([0, 50, 100, 200])).round(3)
    array([0.1 , 0.05, 0.  , 0.  ])
    """
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
    return _CosineDecay(
        _positive("initial", initial), _positive("decay_steps", decay_steps), float(alpha)
    )


def as_schedule(learning_rate: float | Callable[[int], float]) -> Callable[[int], float]:
    """Turn a number into :func:`constant`; check that a callable gives positive rates.

    Examples
    --------
    >>> as_schedule(0.01)
    constant(0.01)
    """
    if callable(learning_rate):
        return _CheckedSchedule(learning_rate)
    try:
        return constant(learning_rate)
    except ValueError:
        raise ValueError(
            "learning_rate must be a positive number or a schedule (a function of the step), "
            f"got {learning_rate!r}"
        ) from None


@dataclass(frozen=True)
class _CheckedSchedule:
    schedule: Callable[[int], float]

    def __call__(self, step: int) -> float:
        rate = float(self.schedule(step))
        if not rate > 0 or not math.isfinite(rate):
            raise ValueError(
                f"learning_rate schedule {self.schedule!r} gave {rate!r} at step {step}; "
                "need a positive number"
            )
        return rate

    def __repr__(self) -> str:
        return repr(self.schedule)


# --------------------------------------------------------------------------
# Recording the steps
# --------------------------------------------------------------------------


def _frozen(values: Any) -> np.ndarray:
    array = np.array(values, dtype=float)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Step:
    """One parameter update ``params_after = params - learning_rate * gradient``.

    Attributes
    ----------
    iteration : int
        Global update number, starting at 0.
    epoch : int
        Pass over the data this update belongs to, starting at 0.
    indices : tuple of int
        Positions (0-based) of the examples in the batch.
    params, gradient, params_after : numpy.ndarray
        Parameters before the update, the mean batch gradient there, and the
        parameters after the update (read-only arrays).
    loss : float
        Loss on the batch before the update (NaN when no loss was given).
    learning_rate : float
    """

    iteration: int
    epoch: int
    indices: tuple[int, ...]
    params: np.ndarray
    gradient: np.ndarray
    loss: float
    learning_rate: float
    params_after: np.ndarray


@dataclass(frozen=True, eq=False)
class Trace:
    """The record of a gradient-descent run: where it started and every step.

    Examples
    --------
    >>> x = np.arange(10); y = np.zeros(10); y[5], y[9] = 5, 17
    >>> trace = stochastic_gradient_descent(squared_error_grad, [0, 0], x, y,
    ...                                     learning_rate=0.01, order=[5, 9])
    >>> len(trace), trace.losses
    (2, array([ 25.  , 153.76]))
    >>> trace.gradients
    array([[ -50. ,  -10. ],
           [-223.2,  -24.8]])
    >>> trace.final
    array([2.732, 0.348])
    """

    start: np.ndarray
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def params(self) -> np.ndarray:
        """Parameters along the path, shape ``(len(self) + 1, p)``: start, then after each step."""
        return np.vstack([self.start, *(step.params_after for step in self.steps)])

    @property
    def gradients(self) -> np.ndarray:
        """Gradient used in each step, shape ``(len(self), p)``."""
        return np.array([step.gradient for step in self.steps]).reshape(len(self), self.start.size)

    @property
    def losses(self) -> np.ndarray:
        """Batch loss before each step, shape ``(len(self),)``."""
        return np.array([step.loss for step in self.steps], dtype=float)

    @property
    def learning_rates(self) -> np.ndarray:
        """Learning rate of each step, shape ``(len(self),)``."""
        return np.array([step.learning_rate for step in self.steps], dtype=float)

    @property
    def final(self) -> np.ndarray:
        """The parameters after the last step (the start if there were none)."""
        return self.steps[-1].params_after if self.steps else self.start

    @property
    def diverged(self) -> bool:
        """Whether any parameter, gradient or loss became infinite or NaN."""
        recorded_losses = self.losses[~np.isnan(self.losses)]  # NaN: loss not computed
        values = [self.params, self.gradients, recorded_losses]
        return not all(np.all(np.isfinite(v)) for v in values)

    def to_frame(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        """One row per step: iteration, epoch, indices, parameters, gradient, loss, learning rate.

        Parameters
        ----------
        names : sequence of str, optional
            Names of the parameters, e.g. ``("w", "b")``; the default is
            ``theta_0, theta_1, ...``. Gradient columns are ``dL/d<name>``.
        """
        p = self.start.size
        names = [f"theta_{j}" for j in range(p)] if names is None else list(names)
        if len(names) != p:
            raise ValueError(f"need {p} parameter names, got {len(names)}: {names}")
        params = np.array([step.params for step in self.steps]).reshape(len(self), p)
        columns: dict[str, Any] = {
            "iteration": [step.iteration for step in self.steps],
            "epoch": [step.epoch for step in self.steps],
            "indices": [step.indices for step in self.steps],
        }
        columns |= {name: params[:, j] for j, name in enumerate(names)}
        columns |= {f"dL/d{name}": self.gradients[:, j] for j, name in enumerate(names)}
        columns |= {"loss": self.losses, "learning_rate": self.learning_rates}
        return pd.DataFrame(columns)


class _Recorder:
    """Collects the steps of one run; used by the descent loops."""

    def __init__(self, theta0: Any, X: np.ndarray, y: np.ndarray, loss_fn: LossFn | None) -> None:
        self.start = _as_params(theta0)
        self.X, self.y, self.loss_fn = X, y, loss_fn
        self.steps: list[Step] = []

    @property
    def n_steps(self) -> int:
        return len(self.steps)

    def record(
        self,
        epoch: int,
        batch: Sequence[int],
        weights: np.ndarray,
        gradient: np.ndarray,
        learning_rate: float,
    ) -> None:
        indices = tuple(int(i) for i in batch)
        loss = float("nan")
        if self.loss_fn is not None:
            rows = list(indices)
            loss = float(self.loss_fn(weights, self.X[rows], self.y[rows]))
        self.steps.append(
            Step(
                iteration=self.n_steps,
                epoch=epoch,
                indices=indices,
                params=_frozen(weights),
                gradient=_frozen(gradient),
                loss=loss,
                learning_rate=learning_rate,
                params_after=_frozen(weights - learning_rate * gradient),
            )
        )

    def trace(self) -> Trace:
        return Trace(start=_frozen(self.start), steps=tuple(self.steps))


# --------------------------------------------------------------------------
# Checking the inputs
# --------------------------------------------------------------------------


def _as_params(theta0: Any) -> np.ndarray:
    theta = np.atleast_1d(np.asarray(theta0, dtype=float))
    if theta.ndim != 1:
        raise ValueError(f"theta0 must be a flat vector of parameters, got shape {theta.shape}")
    return theta.copy()


def _as_data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X.to_numpy() if isinstance(X, (pd.DataFrame, pd.Series)) else X)
    y = np.asarray(y.to_numpy() if isinstance(y, (pd.DataFrame, pd.Series)) else y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must hold one row per example, got a scalar")
    if len(X) != len(y):
        raise ValueError(
            "X and y must have the same number of examples, "
            f"got len(X)={len(X)} and len(y)={len(y)}"
        )
    if len(y) == 0:
        raise ValueError("X and y are empty: need at least one example")
    return X, y


def _check_epochs(epochs: int) -> None:
    if not _is_int(epochs) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")


def _check_order(order: Sequence[int] | None, n: int) -> np.ndarray | None:
    if order is None:
        return None
    order = np.asarray(order)
    if order.ndim != 1 or order.size == 0 or not np.issubdtype(order.dtype, np.integer):
        raise ValueError(
            f"order must be a non-empty sequence of integer example indices, got {order!r}"
        )
    if np.any((order < 0) | (order >= n)):
        raise ValueError(
            f"order holds indices outside 0..{n - 1} (there are {n} examples): {order.tolist()}"
        )
    return order


def _check_batch_size(batch_size: int, n: int) -> int:
    if not _is_int(batch_size) or not 1 <= batch_size <= n:
        raise ValueError(
            f"batch_size must be an integer between 1 and the number of examples ({n}), "
            f"got {batch_size!r}"
        )
    return int(batch_size)


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

    Examples
    --------
    >>> epoch_examples(5, np.random.default_rng(0), shuffle=False)
    array([0, 1, 2, 3, 4])
    >>> sorted(epoch_examples(5, np.random.default_rng(0)).tolist())
    [0, 1, 2, 3, 4]
    """
    if order is not None:
        return np.asarray(order)
    if order is not None:
        return order
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
        :func:`squared_error_grad`; otherwise, losses are recorded as NaN.

    Returns
    -------
    Trace

    Examples
    --------
    >>> x, y = bgd_example_data()
    >>> trace = batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1)
    >>> trace.gradients.round(2), trace.final.round(2)
    (array([[-14.69,  -6.  ]]), array([1.47, 0.6 ]))
    """
    X, y = _as_data(X, y)
    _check_epochs(epochs)
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

    >>> x = np.arange(10); y = np.zeros(10); y[5], y[9] = 5, 17
    >>> trace = stochastic_gradient_descent(squared_error_grad, [0, 0], x, y,
    ...                                     learning_rate=0.01, order=[5, 9])
    >>> trace.params
    array([[0.   , 0.   ],
           [0.5  , 0.1  ],
           [2.732, 0.348]])
    """
    X, y = _as_data(X, y)
    _check_epochs(epochs)
    order = _check_order(order, len(y))
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
    X, y = _as_data(X, y)
    _check_epochs(epochs)
    order = _check_order(order, len(y))
    batch_size = _check_batch_size(batch_size, len(y) if order is None else len(order))
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
    >>> x, y = bgd_example_data()
    >>> trace = gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1, epochs=2)
    >>> trace.final.round(2)
    array([1.33, 0.49])
    """
    X, y = _as_data(X, y)
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
        a value becomes infinite or NaN.

    Returns
    -------
    numpy.ndarray, shape (steps + 1, p)
        The path, starting point first. After a divergence the remaining
        rows are NaN (so plots just stop there); check with
        :func:`has_diverged`.

    Examples
    --------
    >>> descend(lambda x: 2 * x, 1.0, learning_rate=0.25, steps=3).ravel()
    array([1.   , 0.5  , 0.25 , 0.125])
    >>> has_diverged(descend(lambda x: 2 * x, 1.0, learning_rate=1.1, steps=100))
    True
    """
    rate = as_schedule(learning_rate)
    if not _is_int(steps) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    theta = _as_params(theta0)
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
