"""Learning-rate schedules: the step size as a function of the step.

Each schedule is a callable object: ``schedule(t)`` is the learning rate at
step ``t`` (an int gives a float, an array of steps an array, ready to plot),
and its ``repr`` shows how it was made. The formulas are Keras's
(``keras.optimizers.schedules``), so the lecture can check one against the
other. Any of them can be passed as ``learning_rate`` to the functions of
:mod:`dlact.gd`.

Examples
--------
>>> step_decay(0.1, drop=0.5, every=10)(np.array([0, 10, 20]))
array([0.1  , 0.05 , 0.025])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from dlact._validate import is_int, positive

__all__ = [
    "Schedule",
    "as_schedule",
    "constant",
    "cosine_decay",
    "exponential_decay",
    "step_decay",
]


class Schedule:
    """A learning rate that depends on the step (or epoch) number.

    Subclasses define :meth:`rate`; calling a schedule accepts an integer
    (returns a float) or a NumPy array of steps (returns an array), so it can
    be plotted directly. A negative step is an error.

    Examples
    --------
    >>> class Halving(Schedule):
    ...     def rate(self, step):
    ...         return 0.1 * 0.5**step
    >>> Halving()(np.array([0, 1, 2]))
    array([0.1  , 0.05 , 0.025])
    >>> isinstance(step_decay(0.1, 0.5, every=10), Schedule)
    True
    """

    def rate(self, step: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        """The learning rate at each of ``step`` (a float array of steps >= 0)."""
        raise NotImplementedError

    def __call__(self, step: Any) -> Any:
        steps = np.asarray(step, dtype=float)
        if np.any(steps < 0):
            raise ValueError(f"steps must be >= 0, got {step!r}")
        rates = np.asarray(self.rate(steps), dtype=float)
        return float(rates) if rates.ndim == 0 else rates


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
    return _Constant(positive("learning_rate", learning_rate))


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
    if not is_int(every) or every < 1:
        raise ValueError(f"every must be a positive integer, got {every!r}")
    return _StepDecay(positive("initial", initial), float(drop), int(every))


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
    positive("decay_rate", decay_rate)
    return _ExponentialDecay(
        positive("initial", initial),
        float(decay_rate),
        positive("decay_steps", decay_steps),
        bool(staircase),
    )


def cosine_decay(initial: float, decay_steps: float, alpha: float = 0.0) -> Schedule:
    """Cosine decay from ``initial`` to ``alpha * initial`` over ``decay_steps``, then flat.

    Matches ``keras.optimizers.schedules.CosineDecay`` without warm-up, its
    default ``alpha=0`` included: the rate reaches 0 at ``decay_steps``, and
    a descent run longer than that takes steps of size 0 from there on (the
    parameters stay where they are), as a Keras optimiser does.

    Examples
    --------
    >>> cosine_decay(0.1, decay_steps=100)(np.array([0, 50, 100, 200])).round(3)
    array([0.1 , 0.05, 0.  , 0.  ])
    """
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
    return _CosineDecay(
        positive("initial", initial), positive("decay_steps", decay_steps), float(alpha)
    )


def as_schedule(learning_rate: float | Callable[[int], float]) -> Callable[[int], float]:
    """Turn a number into :func:`constant`; check the rates a schedule gives.

    A number must be positive. A schedule may reach 0 (:func:`cosine_decay`
    does, by default): a step with rate 0 leaves the parameters unchanged.
    A rate that is negative, infinite or not a number is an error, at the step that gives it.

    What the functions of :mod:`dlact.gd` do with their ``learning_rate``: a
    callable is wrapped so that a rate that is not a positive finite number
    stops the run with an error naming the step.

    Raises
    ------
    ValueError
        If ``learning_rate`` is neither a positive number nor callable.

    Examples
    --------
    >>> as_schedule(0.01)
    constant(0.01)
    >>> as_schedule(lambda step: 0.1 / (1 + step))(4)
    0.02
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
        if not rate >= 0 or not math.isfinite(rate):
            raise ValueError(
                f"learning_rate schedule {self.schedule!r} gave {rate!r} at step {step}; "
                "need a finite number >= 0"
            )
        return rate

    def __repr__(self) -> str:
        return repr(self.schedule)
