"""Plot styles for the two outputs of the lecture: the slide deck and the book.

The same figure functions serve both outputs; only matplotlib's settings differ:

* ``"slides"``: wide figures (10 x 4.2 in, leaving room for the code above
  them) with large type (about 18-20 pt) and thick lines, readable from the
  back of a lecture theatre;
* ``"book"``: narrow figures (6.5 x 4 in) with 11 pt type, matching the body
  text.

Both use the Okabe-Ito colour-blind-safe palette (its yellow, which is hard to
see on white, is left out), dark text on a white background and a light grid.

Nothing changes when this module is imported: a notebook's (hidden) set-up cell
calls :func:`use_style` once (through :func:`dlact.notebook.setup_notebook`),
which reads the environment to choose the style that fits the output being
rendered::

    from dlact.style import use_style
    use_style()          # "slides" under `quarto render --profile slides`
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import matplotlib as mpl
from cycler import cycler

__all__ = [
    "ENV_VAR",
    "PALETTE",
    "STYLES",
    "rc_params",
    "style_name",
    "use_style",
]

ENV_VAR = "DLACT_STYLE"
"""Environment variable that names the style explicitly (``"book"`` or ``"slides"``)."""

PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)
"""Okabe-Ito colours, in the order figures use them (yellow left out: too pale on white)."""

_TEXT = "#1a1a1a"
_GRID = "#d9d9d9"

_COMMON: dict[str, Any] = {
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "axes.edgecolor": "#4d4d4d",
    "axes.labelcolor": _TEXT,
    "axes.grid": True,
    "axes.grid.which": "major",
    "axes.axisbelow": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "normal",
    "grid.color": _GRID,
    "grid.linestyle": "-",
    "grid.alpha": 1.0,
    "text.color": _TEXT,
    "xtick.color": _TEXT,
    "ytick.color": _TEXT,
    "legend.frameon": True,
    "legend.framealpha": 0.9,
    "legend.edgecolor": "#cccccc",
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.constrained_layout.use": True,
    "image.cmap": "viridis",
    "mathtext.fontset": "dejavusans",
}

STYLES: Mapping[str, Mapping[str, Any]] = {
    "book": {
        "figure.figsize": (6.5, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 10,
        "legend.title_fontsize": 10,
        "figure.titlesize": 12,
        "lines.linewidth": 1.8,
        "lines.markersize": 5,
        "axes.linewidth": 0.8,
        "grid.linewidth": 0.6,
        "xtick.major.width": 0.8,
        "ytick.major.width": 0.8,
    },
    "slides": {
        "figure.figsize": (10.0, 4.2),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "font.size": 18,
        "axes.titlesize": 20,
        "axes.labelsize": 19,
        "xtick.labelsize": 16,
        "ytick.labelsize": 16,
        "legend.fontsize": 16,
        "legend.title_fontsize": 16,
        "figure.titlesize": 20,
        "lines.linewidth": 3.0,
        "lines.markersize": 9,
        "axes.linewidth": 1.2,
        "grid.linewidth": 0.9,
        "xtick.major.width": 1.2,
        "ytick.major.width": 1.2,
        "xtick.major.size": 6,
        "ytick.major.size": 6,
    },
}
"""The matplotlib settings of each style, by name (merged over settings common to both)."""


def _check_name(name: str) -> str:
    if not isinstance(name, str) or name.strip().lower() not in STYLES:
        raise ValueError(f"unknown plot style {name!r}; choose one of {sorted(STYLES)}")
    return name.strip().lower()


def style_name() -> str:
    """The style the environment asks for: ``"book"`` or ``"slides"``.

    In order: the environment variable ``DLACT_STYLE`` if it is set and not
    empty; else ``"slides"`` if ``QUARTO_PROFILE`` (set by
    ``quarto render --profile ...``) contains ``"slides"``; else ``"book"``.

    Raises
    ------
    ValueError
        If ``DLACT_STYLE`` names no known style.

    Examples
    --------
    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"DLACT_STYLE": "", "QUARTO_PROFILE": "slides"}):
    ...     style_name()
    'slides'
    >>> with mock.patch.dict("os.environ", {"DLACT_STYLE": "book", "QUARTO_PROFILE": "slides"}):
    ...     style_name()
    'book'
    """
    explicit = os.environ.get(ENV_VAR, "").strip()
    if explicit:
        try:
            return _check_name(explicit)
        except ValueError:
            raise ValueError(
                f"environment variable {ENV_VAR}={explicit!r} names no plot style; "
                f"choose one of {sorted(STYLES)}"
            ) from None
    if "slides" in os.environ.get("QUARTO_PROFILE", "").lower():
        return "slides"
    return "book"


def rc_params(name: str) -> dict[str, Any]:
    """The matplotlib settings of the style ``name``, without applying them.

    Useful with :func:`matplotlib.rc_context` to draw one figure in a style.

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`STYLES`.

    Examples
    --------
    >>> rc_params("book")["figure.figsize"], rc_params("slides")["figure.figsize"]
    ((6.5, 4.0), (10.0, 4.2))
    """
    name = _check_name(name)
    return {**_COMMON, **STYLES[name]}


def use_style(name: str | None = None) -> str:
    """Apply a plot style to matplotlib's global settings and return its name.

    Parameters
    ----------
    name : {"book", "slides"} or None
        The style. ``None`` (the default) takes the one the environment asks
        for (see :func:`style_name`).

    Returns
    -------
    str
        The name of the style applied.

    Raises
    ------
    ValueError
        If the name is not one of the styles.

    Notes
    -----
    This changes :data:`matplotlib.rcParams` (figure size, fonts, line widths,
    colour cycle, grid, constrained layout); it is the only plotting function
    that changes global state (the figure functions draw on the Axes they
    are given).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with mpl.rc_context():  # put matplotlib's settings back afterwards
    ...     use_style("slides")
    ...     mpl.rcParams["font.size"]
    'slides'
    18.0
    """
    name = style_name() if name is None else _check_name(name)
    mpl.rcParams.update(rc_params(name))
    return name
