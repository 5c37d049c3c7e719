"""Hand Python values to the page's Observable JS cells.

Runs inside the Jupyter kernel, in the cells that feed an explorable: the
values are made JSON-ready (:func:`json_ready`) and passed to the
``ojs_define`` that Quarto puts in the kernel (:func:`share_with_ojs`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["json_ready", "share_with_ojs"]


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
    >>> from dlact.landscapes import GD_DEMO_LOSS
    >>> share_with_ojs(gd_demo=GD_DEMO_LOSS)   # outside Quarto: nothing happens
    """
    ready = {name: json_ready(value) for name, value in values.items()}
    define = _quarto_ojs_define()
    if define is not None:
        define(**ready)
