"""The record of a gradient-descent run: every step, with its batch, gradient and loss.

The descent functions of :mod:`dlact.gd` return a :class:`Trace`, so that the
lecture can print a table of the steps, draw the path, or check a
hand-computed update against the library's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas is imported where a table is made: the figures need none
    import pandas as pd

from dlact._validate import as_params

__all__ = ["Step", "Trace"]

LossFn = Callable[[np.ndarray, np.ndarray, np.ndarray], float]


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
        Loss on the batch before the update (``NaN`` when no loss was given).
    learning_rate : float
        The step size of this update.

    Examples
    --------
    >>> from dlact.gd import batch_gradient_descent
    >>> from dlact.linreg import squared_error_grad
    >>> trace = batch_gradient_descent(squared_error_grad, [0, 0], [5], [5], learning_rate=0.01)
    >>> step = trace.steps[0]
    >>> step.indices, step.gradient, step.loss, step.params_after
    ((0,), array([-50., -10.]), 25.0, array([0.5, 0.1]))
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

    The functions of :mod:`dlact.gd` return one; its properties give the
    path, gradients, losses and learning rates as arrays, and
    :meth:`to_frame` a table of the steps.

    Attributes
    ----------
    start : numpy.ndarray
        The starting parameters (read-only).
    steps : tuple of Step
        Every update, in order.

    Examples
    --------
    >>> from dlact.gd import stochastic_gradient_descent
    >>> from dlact.linreg import squared_error_grad
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
        """Whether any parameter, gradient or loss became infinite or ``NaN``."""
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

        Returns
        -------
        pandas.DataFrame
            Columns ``iteration, epoch, indices``, the parameters before the
            step, their gradients, ``loss`` and ``learning_rate``.

        Examples
        --------
        >>> from dlact.gd import batch_gradient_descent
        >>> from dlact.linreg import squared_error_grad
        >>> trace = batch_gradient_descent(squared_error_grad, [0, 0], [5], [5],
        ...                                learning_rate=0.01)
        >>> list(trace.to_frame(["w", "b"]).columns)
        ['iteration', 'epoch', 'indices', 'w', 'b', 'dL/dw', 'dL/db', 'loss', 'learning_rate']
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
        import pandas as pd

        return pd.DataFrame(columns)


class _Recorder:
    """Collects the steps of one run; used by the descent loops."""

    def __init__(self, theta0: Any, X: np.ndarray, y: np.ndarray, loss_fn: LossFn | None) -> None:
        self.start = as_params(theta0)
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
