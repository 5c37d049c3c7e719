"""The loss curve of the in-browser gradient-descent demo, and the bridge to it.

The optimisation chapter has an interactive demo: sliders for the learning
rate, the starting point and the number of steps, and a drawing of the
gradient-descent steps on a 1-D loss curve, recomputed in the browser by an
Observable JS cell. The PDFs show a static figure of the same paths instead.
Both draw :data:`GD_DEMO_LOSS`, so the two versions show the same function:

* Python passes the curve's *formula* (its polynomial coefficients and the
  plotted range) to the page with :func:`share_with_ojs`;
* the browser evaluates the polynomial and its derivative from those
  coefficients, exactly as :meth:`PolynomialLoss.__call__` and
  :meth:`PolynomialLoss.grad` do here.

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
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.polynomial import polynomial as P

__all__ = [
    "GD_DEMO_DEFAULTS",
    "GD_DEMO_LOSS",
    "PolynomialLoss",
    "json_ready",
    "share_with_ojs",
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
        """The loss's range over ``x_range``, widened by ``pad`` of its span each side."""
        values = self(np.linspace(*self.x_range, num))
        low, high = float(values.min()), float(values.max())
        margin = pad * (high - low if high > low else 1.0)
        return low - margin, high + margin

    def to_latex(self, variable: str = "x") -> str:
        """The polynomial as LaTeX, highest power first (``0.1x^{4} - x^{2} + 4``)."""
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
        """The formula as plain data for the browser: coefficients, ranges, minima."""
        return {
            "coefficients": list(self.coefficients),
            "x_range": list(self.x_range),
            "y_range": list(self.y_range()),
            "minima": self.minima(),
        }


#: The demo's loss: :math:`0.1x^4 - x^2 + 0.5x + 4` on :math:`[-3.5, 3.5]`.
#: A global minimum near :math:`x = -2.35`, a local one near :math:`x = 2.10`
#: and a bump between them, so the starting point matters; its curvature at
#: the global minimum (about 4.6) makes learning rates above about 0.43
#: overshoot there.
GD_DEMO_LOSS = PolynomialLoss((4.0, 0.5, -1.0, 0.0, 0.1), x_range=(-3.5, 3.5))

#: Where the demo's sliders start, and their ranges.
GD_DEMO_DEFAULTS: Mapping[str, Any] = {
    "learning_rate": 0.1,
    "learning_rate_range": [0.001, 1.0],
    "start": 3.0,
    "steps": 10,
    "max_steps": 40,
}


# --------------------------------------------------------------------------
# Handing data to Observable JS
# --------------------------------------------------------------------------


def json_ready(value: Any) -> Any:
    """``value`` as JSON-compatible Python: NumPy scalars and arrays, tuples and
    objects with a ``to_ojs()`` method become plain floats, ints, lists and dicts.

    Raises
    ------
    ValueError
        For NaN or infinite numbers (JSON has no way to write them) and for
        values of other types.

    Examples
    --------
    >>> json_ready({"a": np.arange(3), "b": (np.float64(0.5), True)})
    {'a': [0, 1, 2], 'b': [0.5, True]}
    """
    if hasattr(value, "to_ojs"):
        return json_ready(value.to_ojs())
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, np.generic):
        return json_ready(value.item())
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot pass {value!r} to JavaScript: JSON has no NaN or infinity")
        return value
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [json_ready(v) for v in value]
    raise ValueError(
        f"cannot pass a {type(value).__name__} to JavaScript; use numbers, strings, "
        "lists, dicts or NumPy arrays"
    )


def _quarto_ojs_define() -> Callable[..., Any] | None:
    """The ``ojs_define`` that Quarto's Jupyter set-up puts in the kernel, if any."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always there under Jupyter
        get_ipython = None
    shell = get_ipython() if get_ipython is not None else None
    if shell is not None and callable(shell.user_ns.get("ojs_define")):
        return shell.user_ns["ojs_define"]
    main = sys.modules.get("__main__")
    candidate = getattr(main, "ojs_define", None)
    return candidate if callable(candidate) else None


def share_with_ojs(**values: Any) -> None:
    """Make Python values available to the page's Observable JS cells.

    Under ``quarto render`` this calls the ``ojs_define`` that Quarto
    defines in the Jupyter kernel, so each keyword becomes an OJS variable of
    that name. Anywhere else (a plain Jupyter kernel, a downloaded notebook,
    a test) there is no page to hand values to and it does nothing, so the
    same cell runs everywhere. Values are converted with :func:`json_ready`
    first, which also rejects what JSON cannot carry.

    Examples
    --------
    >>> share_with_ojs(gd_demo=GD_DEMO_LOSS)   # outside Quarto: nothing happens
    """
    ready = {name: json_ready(value) for name, value in values.items()}
    define = _quarto_ojs_define()
    if define is not None:
        define(**ready)
