"""Losses of one parameter: the demo's curve and the pitfalls landscape.

The optimisation chapter has an interactive demo: sliders for the learning
rate, the starting point and the number of steps, and a drawing of the
gradient-descent steps on a 1-D loss curve, recomputed in the browser by an
Observable JS cell. The PDFs show a static figure of the same paths instead.
Both draw :data:`GD_DEMO_LOSS`, so the two versions show the same function:

* Python passes the curve's *formula* (its polynomial coefficients and the
  plotted range) to the page (``dlact.site.ojs.share_with_ojs``);
* the browser evaluates the polynomial and its derivative from those
  coefficients, exactly as :meth:`PolynomialLoss.__call__` and
  :meth:`PolynomialLoss.grad` do here.

Gradient descent on these losses is in :mod:`dlact.descent`.

Examples
--------
>>> loss = PolynomialLoss((1.0, 0.0, 1.0), x_range=(-2, 2))   # 1 + x**2
>>> float(loss(3.0)), float(loss.grad(3.0))
(10.0, 6.0)
>>> loss.minima()
[0.0]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.polynomial import polynomial as P

__all__ = [
    "GD_DEMO_DEFAULTS",
    "GD_DEMO_LOSS",
    "LANDSCAPE_RANGE",
    "PolynomialLoss",
    "grid_minima",
    "landscape_loss",
    "plateau",
]


@dataclass(frozen=True)
class PolynomialLoss:
    r"""A 1-D loss :math:`f(x) = \sum_k c_k x^k` on an interval, with its derivative.

    Parameters
    ----------
    coefficients : sequence of float
        :math:`c_0, c_1, \dots`, lowest degree first (NumPy's
        ``numpy.polynomial.polynomial`` order).
    x_range : (float, float)
        The interval the loss is drawn on (and the demo's slider covers).

    Raises
    ------
    ValueError
        If there are fewer than two coefficients, one is not finite, or the
        range is not a finite pair with low < high.

    Examples
    --------
    >>> loss = PolynomialLoss((4.0, 0.5, -1.0, 0.0, 0.1), x_range=(-3.5, 3.5))
    >>> loss.to_latex()
    '0.1x^{4} - x^{2} + 0.5x + 4'
    >>> [round(x, 2) for x in loss.minima()]
    [-2.35, 2.1]
    >>> float(loss.grad(0.0))
    0.5
    """

    coefficients: tuple[float, ...]
    x_range: tuple[float, float]

    def __post_init__(self) -> None:
        coefficients = tuple(float(c) for c in self.coefficients)
        if len(coefficients) < 2 or not all(math.isfinite(c) for c in coefficients):
            raise ValueError(
                f"coefficients must be at least two finite numbers, got {self.coefficients!r}"
            )
        try:
            lo, hi = (float(v) for v in self.x_range)
        except (TypeError, ValueError):
            raise ValueError(f"x_range must be a pair (low, high), got {self.x_range!r}") from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"x_range must be finite with low < high, got {self.x_range!r}")
        object.__setattr__(self, "coefficients", coefficients)
        object.__setattr__(self, "x_range", (lo, hi))

    def __call__(self, x: Any) -> np.ndarray | float:
        """The loss at ``x`` (a float or an array)."""
        return P.polyval(np.asarray(x, dtype=float), self.coefficients)

    def grad(self, x: Any) -> np.ndarray | float:
        """The derivative :math:`f'(x)` (a float or an array)."""
        return P.polyval(np.asarray(x, dtype=float), P.polyder(self.coefficients))

    def minima(self) -> list[float]:
        """The local minima inside ``x_range``, lowest loss first.

        They are the real roots of :math:`f'` where :math:`f'' > 0`.
        """
        lo, hi = self.x_range
        roots = P.polyroots(P.polyder(self.coefficients))
        real = roots[np.abs(roots.imag) < 1e-9].real
        second = P.polyder(self.coefficients, 2)
        found = [float(r) + 0.0 for r in real if lo <= r <= hi and P.polyval(r, second) > 0]
        return sorted(found, key=lambda r: float(self(r)))

    def y_range(self, num: int = 401, pad: float = 0.05) -> tuple[float, float]:
        """The loss's range over ``x_range``, widened by ``pad`` of its span each side.

        Examples
        --------
        >>> PolynomialLoss((0.0, 0.0, 1.0), x_range=(-1, 1)).y_range(pad=0.0)
        (0.0, 1.0)
        """
        values = self(np.linspace(*self.x_range, num))
        low, high = float(values.min()), float(values.max())
        margin = pad * (high - low if high > low else 1.0)
        return low - margin, high + margin

    def to_latex(self, variable: str = "x") -> str:
        """The polynomial as LaTeX, highest power first (``0.1x^{4} - x^{2} + 4``).

        Examples
        --------
        >>> PolynomialLoss((1.0, -2.0, 1.0), x_range=(0, 2)).to_latex("w")
        'w^{2} - 2w + 1'
        """
        terms = []
        for power in range(len(self.coefficients) - 1, -1, -1):
            c = self.coefficients[power]
            if c == 0:
                continue
            size = abs(c)
            number = "" if size == 1 and power > 0 else f"{size:g}"
            unit = "" if power == 0 else variable if power == 1 else f"{variable}^{{{power}}}"
            sign = "-" if c < 0 else "+"
            terms.append((sign, number + unit))
        if not terms:
            return "0"
        first_sign, first = terms[0]
        text = ("-" if first_sign == "-" else "") + first
        return text + "".join(f" {sign} {term}" for sign, term in terms[1:])

    def to_ojs(self) -> dict[str, Any]:
        """The formula as plain data for the browser: coefficients, ranges, minima.

        Examples
        --------
        >>> PolynomialLoss((1.0, 0.0, 1.0), x_range=(-2, 2)).to_ojs()["minima"]
        [0.0]
        """
        return {
            "coefficients": list(self.coefficients),
            "x_range": list(self.x_range),
            "y_range": list(self.y_range()),
            "minima": self.minima(),
        }


GD_DEMO_LOSS = PolynomialLoss((4.0, 0.5, -1.0, 0.0, 0.1), x_range=(-3.5, 3.5))
"""The demo's loss: :math:`0.1x^4 - x^2 + 0.5x + 4` on :math:`[-3.5, 3.5]`.

A global minimum near :math:`x = -2.35`, a local one near :math:`x = 2.10`
and a bump between them, so the starting point matters; its curvature at
the global minimum (about 4.6) makes learning rates above about 0.43
overshoot there.
"""

GD_DEMO_DEFAULTS: Mapping[str, Any] = {
    "learning_rate": 0.1,
    "learning_rate_range": [0.001, 1.0],
    "start": 3.0,
    "steps": 10,
    "max_steps": 40,
}
"""Where the demo's sliders start, and their ranges."""


# --------------------------------------------------------------------------
# The pitfalls landscape: a local minimum, a plateau and a global minimum
# --------------------------------------------------------------------------

LANDSCAPE_RANGE: tuple[float, float] = (0.0, 10.0)
"""The interval on which :func:`landscape_loss` is drawn."""


def landscape_loss(x):
    """An illustrative 1-D loss with a local minimum, a plateau and a global minimum.

    A smooth step (high on the left, low on the right) with a Gaussian well
    on each side of it and walls at both ends; on ``[0, 10]`` it has a local
    minimum near 1.7, a plateau around 3-5.5 and the global minimum near 8.6.
    Works on floats and arrays.

    Examples
    --------
    >>> _, _, minima = grid_minima(landscape_loss, *LANDSCAPE_RANGE)
    >>> [round(x, 2) for x, _ in minima]  # global minimum first
    [8.57, 1.72]
    """
    x = np.asarray(x, dtype=float)
    return (
        0.9 * (1.0 - np.tanh(1.5 * (x - 6.7)))  # the step: plateau on the left
        - 0.75 * np.exp(-((x - 1.7) ** 2) / 0.4)  # local well
        - 0.55 * np.exp(-((x - 8.6) ** 2) / 0.9)  # global well
        + 1.2 * np.exp(-2.2 * x)  # left wall
        + 0.9 * np.exp(1.6 * (x - 10.6))  # right wall
        + 0.6
    )


def grid_minima(f, lo: float, hi: float, num: int = 20001):
    """Interior local minima of ``f`` on a grid, refined by a parabola through
    the three grid points around each; sorted by loss (lowest first).

    Parameters
    ----------
    f : callable
        A vectorised function of one variable.
    lo, hi : float
        The interval searched.
    num : int, default 20001
        Number of grid points.

    Returns
    -------
    x : numpy.ndarray
        The grid.
    y : numpy.ndarray
        ``f`` on it.
    minima : list of (float, float)
        The minima as ``(x, f(x))`` pairs, lowest loss first.

    Examples
    --------
    >>> _, _, minima = grid_minima(lambda x: (x - 1.0) ** 2, -2.0, 3.0, num=501)
    >>> [(round(x, 6), round(y, 6)) for x, y in minima]
    [(1.0, 0.0)]
    """
    x = np.linspace(lo, hi, num)
    y = f(x)
    h = x[1] - x[0]
    idx = np.flatnonzero((y[1:-1] < y[:-2]) & (y[1:-1] <= y[2:])) + 1
    minima = []
    for i in idx:
        ym, y0, yp = y[i - 1], y[i], y[i + 1]
        curvature = ym - 2 * y0 + yp
        xm = x[i] + (0.5 * h * (ym - yp) / curvature if curvature > 0 else 0.0)
        minima.append((float(xm), float(f(xm))))
    return x, y, sorted(minima, key=lambda m: m[1])


def plateau(x: np.ndarray, y: np.ndarray, minima, rel_tol: float = 0.15) -> tuple[float, float]:
    """The longest stretch ``(start, end)`` of a curve where ``|f'|`` is below
    ``rel_tol`` times its mean slope and that holds none of the ``minima``.

    The mean slope is the curve's range of values over its range of ``x``;
    ``minima`` are ``(x, f(x))`` pairs, as :func:`grid_minima` gives them.

    Raises
    ------
    RuntimeError
        If the curve has no such stretch.

    Examples
    --------
    >>> x, y, minima = grid_minima(landscape_loss, *LANDSCAPE_RANGE)
    >>> plateau(x, y, minima)
    (3.0415, 5.164)
    """
    slope = np.gradient(y, x)
    tol = rel_tol * (y.max() - y.min()) / (x[-1] - x[0])
    flat = np.abs(slope) < tol
    edges = np.flatnonzero(np.diff(np.r_[0, flat.astype(np.int8), 0]))
    best = None
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        a, b = x[start], x[stop - 1]
        if any(a <= m[0] <= b for m in minima):
            continue
        if best is None or b - a > best[1] - best[0]:
            best = (float(a), float(b))
    if best is None:
        raise RuntimeError("the landscape has no plateau")  # only if landscape_loss is broken
    return best
