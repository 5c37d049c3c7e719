r"""Showing the library's real code and worked updates in the lecture.

Runs inside the Jupyter kernel, in hidden cells with ``output: asis``.

Two helpers for cells with ``#| output: asis``, whose printed text Quarto
reads as Markdown:

* :func:`source_listing` prints the loop of a library function as a
  ``python`` code block, copied from its source when the page is built, so
  the code on the slide is the code that ran;
* :func:`update_equation` writes one gradient-descent update
  :math:`\theta_{t+1} = \theta_t - \eta \nabla \mathrm{Loss}` as display
  maths with the numbers of a computed step, so no number is typed by hand.

Examples
--------
>>> print(update_equation([0, 0], [-50, -10], 0.01, t=0))
$$
\begin{aligned}
\theta_{1} &= \theta_{0} - \eta \nabla \mathrm{Loss}_i \\
&= \begin{pmatrix} 0 \\ 0 \end{pmatrix} - 0.01 \begin{pmatrix} -50 \\ -10 \end{pmatrix} \\
&= \begin{pmatrix} 0 \\ 0 \end{pmatrix} + \begin{pmatrix} 0.5 \\ 0.1 \end{pmatrix}
 = \begin{pmatrix} 0.5 \\ 0.1 \end{pmatrix} .
\end{aligned}
$$
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["format_number", "source_listing", "update_equation"]


def source_listing(func: Callable, start: str = "for ", *, stop: str | None = None) -> str:
    """A fenced ``python`` Markdown block of the real source of ``func``, from a line on.

    Parameters
    ----------
    func : function
        A function whose source file is available (any function of this package).
    start : str, default "for "
        The listing begins at the first line of the body that starts with
        this text once indented code is dedented (by default the first
        ``for`` loop, the heart of the gradient-descent functions).
    stop : str, optional
        If given, the listing ends before the first later line starting with
        this text (e.g. ``"return"``); otherwise it runs to the end.

    Returns
    -------
    str
        The lines, dedented, between a ```` ```python ```` fence and its end.

    Raises
    ------
    ValueError
        If no line starts with ``start`` (or ``stop`` is never found).
    """
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError) as exc:
        raise ValueError(f"cannot read the source of {func!r}: {exc}") from exc
    lines = source.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip().startswith(start)), None)
    if first is None:
        raise ValueError(f"no line of {func.__qualname__} starts with {start!r}")
    last = len(lines)
    if stop is not None:
        last = next(
            (i for i in range(first + 1, len(lines)) if lines[i].strip().startswith(stop)), None
        )
        if last is None:
            raise ValueError(f"no line of {func.__qualname__} after {start!r} starts with {stop!r}")
    body = textwrap.dedent("\n".join(lines[first:last])).rstrip()
    return f"```python\n{body}\n```"


def format_number(value: float, digits: int = 4) -> str:
    """A number rounded to ``digits`` decimals, without trailing zeros or ``-0``.

    Examples
    --------
    >>> format_number(2.7320000000000002), format_number(-0.0), format_number(-223.2)
    ('2.732', '0', '-223.2')
    """
    rounded = round(float(value), digits)
    if rounded == 0:
        rounded = 0.0
    return f"{rounded:.{digits}f}".rstrip("0").rstrip(".")


def _column(values: np.ndarray, digits: int) -> str:
    entries = r" \\ ".join(format_number(v, digits) for v in values)
    return rf"\begin{{pmatrix}} {entries} \end{{pmatrix}}"


def update_equation(
    theta: Sequence[float],
    gradient: Sequence[float],
    learning_rate: float,
    *,
    t: int = 0,
    loss_name: str = r"\mathrm{Loss}_i",
    digits: int = 4,
) -> str:
    r"""Display maths for one update :math:`\theta_{t+1} = \theta_t - \eta \nabla \mathrm{Loss}`.

    The three lines show the rule, the numbers substituted and the result,
    as on the lecture's slides. The new parameters are computed here from
    the inputs (``theta - learning_rate * gradient``), never typed.

    Parameters
    ----------
    theta, gradient : sequence of float
        The parameters before the update and the gradient there.
    learning_rate : float
        The step size :math:`\eta`.
    t : int, default 0
        The index of ``theta``, so the left-hand side is :math:`\theta_{t+1}`.
    loss_name : str
        LaTeX of the loss whose gradient is used.
    digits : int, default 4
        Decimals kept when printing.

    Returns
    -------
    str
        A ``$$ ... $$`` block.
    """
    theta = np.asarray(theta, dtype=float).ravel()
    gradient = np.asarray(gradient, dtype=float).ravel()
    if theta.shape != gradient.shape:
        raise ValueError(
            f"theta and gradient must have the same length, got {theta.size} and {gradient.size}"
        )
    step = -float(learning_rate) * gradient
    after = theta + step
    eta = format_number(learning_rate, 12)
    return "\n".join(
        [
            "$$",
            r"\begin{aligned}",
            rf"\theta_{{{t + 1}}} &= \theta_{{{t}}} - \eta \nabla {loss_name} \\",
            rf"&= {_column(theta, digits)} - {eta} {_column(gradient, digits)} \\",
            rf"&= {_column(theta, digits)} + {_column(step, digits)}",
            rf" = {_column(after, digits)} .",
            r"\end{aligned}",
            "$$",
        ]
    )
