"""The lecture's two networks, built from a seed that really seeds Keras.

The lecture's original ``create_model(seed)`` called only ``random.seed``,
which leaves Keras's weight initialisers unseeded; here
``keras.utils.set_random_seed`` seeds Python, NumPy and the backend, so the
same seed gives the same initial weights on the same backend.
"""

from __future__ import annotations

STROKE_FEATURES = 20
IRIS_FEATURES = 4
IRIS_CLASSES = 3


def build_stroke_model(seed: int = 42, *, n_features: int = STROKE_FEATURES, logits: bool = False):
    """The stroke network: 20 inputs, Dense 32 and Dense 16 (leaky ReLU), Dense 1.

    The output is a probability (sigmoid) or, with ``logits=True``, a logit
    (linear) to pair with ``BinaryCrossentropy(from_logits=True)``.
    1,217 parameters for 20 inputs. Not compiled: the lecture's cells choose
    the loss, optimiser and metrics.

    Parameters
    ----------
    seed : int, default 42
        Seeds Python, NumPy and the backend (``keras.utils.set_random_seed``)
        before the layers are made, so it fixes the initial weights.
    n_features : int, default 20
        Number of inputs.
    logits : bool, default False
        Output a logit instead of a probability.

    Returns
    -------
    keras.Sequential
        Named ``"stroke"`` (``"stroke_logits"`` with ``logits=True``).

    Examples
    --------
    >>> from dlact.backend import choose_backend
    >>> _ = choose_backend()  # before Keras is first imported
    >>> model = build_stroke_model(seed=42)
    >>> model.count_params(), model.layers[-1].activation.__name__
    (1217, 'sigmoid')
    """
    import keras
    from keras.layers import Dense, Input

    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            Input((n_features,)),
            Dense(32, activation="leaky_relu"),
            Dense(16, activation="leaky_relu"),
            Dense(1, activation="linear" if logits else "sigmoid"),
        ],
        name="stroke_logits" if logits else "stroke",
    )


def build_iris_model(
    seed: int = 42,
    *,
    n_features: int = IRIS_FEATURES,
    n_classes: int = IRIS_CLASSES,
    logits: bool = False,
):
    """The iris network: 4 inputs, Dense 30 (ReLU), Dense 3 softmax (or linear logits).

    Parameters
    ----------
    seed : int, default 42
        Seeds Python, NumPy and the backend before the layers are made.
    n_features : int, default 4
        Number of inputs.
    n_classes : int, default 3
        Number of classes (output neurons), at least 2.
    logits : bool, default False
        Output logits (linear) instead of probabilities (softmax), to pair
        with ``SparseCategoricalCrossentropy(from_logits=True)``.

    Returns
    -------
    keras.Sequential
        Not compiled; named ``"iris"`` (``"iris_logits"`` with ``logits=True``).

    Raises
    ------
    ValueError
        If ``n_classes`` is less than 2.

    Examples
    --------
    >>> from dlact.backend import choose_backend
    >>> _ = choose_backend()  # before Keras is first imported
    >>> model = build_iris_model(logits=True)
    >>> model.count_params(), model.layers[-1].activation.__name__
    (243, 'linear')
    """
    import keras
    from keras.layers import Dense, Input

    if n_classes < 2:
        raise ValueError(f"n_classes must be at least 2, got {n_classes}.")
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            Input((n_features,)),
            Dense(30, activation="relu"),
            Dense(n_classes, activation="linear" if logits else "softmax"),
        ],
        name="iris_logits" if logits else "iris",
    )
