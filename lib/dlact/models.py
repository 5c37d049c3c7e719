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
    """20 inputs -> Dense 32 leaky_relu -> Dense 16 leaky_relu -> Dense 1.

    The output is a probability (sigmoid) or, with ``logits=True``, a logit
    (linear) to pair with ``BinaryCrossentropy(from_logits=True)``.
    1,217 parameters for 20 inputs.
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
    """4 inputs -> Dense 30 relu -> Dense 3 softmax (or linear logits)."""
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
