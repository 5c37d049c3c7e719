"""The one set-up call made by the hidden first cell of every chapter.

That cell (``chapters/_setup.qmd``) runs ``settings = setup_notebook()``
before anything imports Keras; a downloaded notebook starts with the same call.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SEED = 42
"""The seed :func:`setup_notebook` gives every random generator by default."""


@dataclass(frozen=True)
class NotebookSettings:
    """What :func:`setup_notebook` chose.

    Attributes
    ----------
    backend : str
        The Keras backend, ``"jax"`` or ``"torch"``.
    seed : int
        The seed given to Python, NumPy and the backend.
    style : str
        The plot style, ``"book"`` or ``"slides"``.
    fit_cache : str or None
        The folder fits are cached in during a build, or None.

    Examples
    --------
    >>> NotebookSettings(backend="jax", seed=42, style="book", fit_cache=None)
    NotebookSettings(backend='jax', seed=42, style='book', fit_cache=None)
    """

    backend: str
    seed: int
    style: str
    fit_cache: str | None


def setup_notebook(
    *, backend: str | None = None, seed: int = DEFAULT_SEED, style: str | None = None
) -> NotebookSettings:
    """Choose the Keras backend, seed every generator, apply the plot style.

    Also routes ``model.fit`` through :mod:`dlact.site.fitcache`: every fit records
    its wall time, and when the build sets ``DLACT_FIT_CACHE`` a model trained
    by one output (the book) is restored, not retrained, by the other (the deck).
    When the build sets ``DLACT_FAST_FIT=1``, fits on JAX run several steps per
    call into compiled code, with the same results (:mod:`dlact.site.fastfit`).

    Call it once, first, before importing Keras.  Also sets pandas to print
    short previews of long tables (a slide is 1280 x 720 and the book's
    column is narrow).

    Parameters
    ----------
    backend : str, optional
        The Keras backend; defaults to ``$KERAS_BACKEND``, then
        :data:`dlact.backend.DEFAULT_BACKEND` if it is installed, else the
        other supported backend (see :func:`dlact.backend.choose_backend`).
    seed : int, default 42
        Given to ``keras.utils.set_random_seed`` (Python, NumPy, backend).
    style : str, optional
        The plot style, ``"book"`` or ``"slides"``; defaults to
        ``$DLACT_STYLE``, then ``"slides"`` under the slides profile, else
        ``"book"`` (see :func:`dlact.style.use_style`).

    Returns
    -------
    NotebookSettings
        What was chosen.

    Examples
    --------
    >>> settings = setup_notebook(style="book")  # doctest: +SKIP
    >>> settings.seed, settings.style  # doctest: +SKIP
    (42, 'book')
    >>> settings.backend in ("jax", "torch")  # doctest: +SKIP
    True
    """
    import pandas as pd

    from dlact.backend import choose_backend
    from dlact.site import fastfit, fitcache
    from dlact.style import use_style

    chosen = choose_backend(backend)
    import keras

    keras.utils.set_random_seed(seed)
    fastfit.enable()  # only when the build asks: DLACT_FAST_FIT=1
    cache = fitcache.enable()
    style_name = use_style(style)

    # short previews: a slide is 1280x720 and the book's column is narrow
    pd.set_option("display.max_rows", 6)
    pd.set_option("display.min_rows", 4)
    pd.set_option("display.max_columns", 6)
    pd.set_option("display.precision", 3)
    return NotebookSettings(
        backend=chosen, seed=seed, style=style_name, fit_cache=str(cache) if cache else None
    )


def fit_seconds(history) -> float:
    """Wall-clock seconds that the training behind a Keras ``History`` took.

    Every fit records its own wall time once :func:`setup_notebook` has run;
    when a build serves a fit from its cache, this is still the time of the
    fit that really trained, so a printed time is never that of a cache hit.

    Examples
    --------
    >>> class History:  # what model.fit returns, after setup_notebook()
    ...     params = {"epochs": 5, "wall_seconds": 2.5}
    >>> fit_seconds(History())
    2.5
    """
    from dlact.site.fitcache import fit_seconds as recorded_seconds

    return recorded_seconds(history)
