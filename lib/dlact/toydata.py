"""Seeded synthetic data sets for the optimisation figures.

Small, reproducible data whose answers are known, so that a figure of
gradient descent shows a real optimisation rather than a drawing.

Examples
--------
>>> x, y = line_data(seed=0)
>>> x.shape, y.shape
((40,), (40,))
"""

from __future__ import annotations

import numpy as np

__all__ = ["line_data", "regression_data"]


def regression_data(seed: int, n: int = 200, d: int = 5, noise: float = 1.5):
    """``X`` of shape ``(n, d)`` and ``y = X @ w + noise``: features of unequal scales.

    The columns' scales fall geometrically from 1 to 0.3, which makes some
    directions of the least-squares loss slow for gradient descent (the
    learning-curves figure); ``w`` is drawn from the same seeded generator.

    Parameters
    ----------
    seed : int
        Seed of the generator (features, weights and noise).
    n : int, default 200
        Number of examples.
    d : int, default 5
        Number of features.
    noise : float, default 1.5
        Standard deviation of the noise added to ``y``.

    Examples
    --------
    >>> X, y = regression_data(seed=0)
    >>> X.shape, y.shape
    ((200, 5), (200,))
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.geomspace(1.0, 0.3, d)  # unequal scales: slow directions
    w_true = 2.0 * rng.normal(size=d)
    y = X @ w_true + noise * rng.normal(size=n)
    return X, y


def line_data(seed: int, n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points around the line ``y = 2x + 1``: ``x`` uniform on [-2, 2], unit noise.

    The data of the figure comparing batch, mini-batch and stochastic
    gradient descent.

    Examples
    --------
    >>> x, y = line_data(seed=0)
    >>> bool(x.min() >= -2 and x.max() <= 2), np.polyfit(x, y, 1).round(1)
    (True, array([2.1, 1.3]))
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, n)
    y = 2.0 * x + 1.0 + rng.normal(0.0, 1.0, n)
    return x, y
