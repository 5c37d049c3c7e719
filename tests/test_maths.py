"""Tests of dlact.maths: the lecture's worked examples, autograd, Keras, errors."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlact import maths
from dlact.losses import (
    binary_crossentropy,
    binary_crossentropy_grad,
    categorical_crossentropy,
    categorical_crossentropy_grad,
    mse,
    sparse_categorical_crossentropy,
)
from dlact.maths import (
    dense,
    get_activation,
    leaky_relu,
    leaky_relu_grad,
    linear,
    log_softmax,
    relu,
    relu_grad,
    sigmoid,
    softmax,
)

FAST = settings(max_examples=40, deadline=None)


def floats(low: float = -20.0, high: float = 20.0) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def logit_matrices(max_rows: int = 6, max_classes: int = 5, bound: float = 20.0):
    shapes = st.tuples(st.integers(1, max_rows), st.integers(2, max_classes))
    return shapes.flatmap(lambda shape: arrays(np.float64, shape, elements=floats(-bound, bound)))


def draw_labels(data: st.DataObject, logits: np.ndarray) -> np.ndarray:
    """One class label per row of ``logits``."""
    classes = st.integers(0, logits.shape[1] - 1)
    return np.array(data.draw(st.lists(classes, min_size=len(logits), max_size=len(logits))))


# --------------------------------------------------------------------------
# The lecture's worked examples ("Dense Layers in Matrices")
# --------------------------------------------------------------------------

X_LECTURE = np.array([[1, 2], [3, 4], [5, 6]])


def test_logistic_regression_in_matrix_form():
    z = dense(X_LECTURE, np.array([[1], [2]]), -10)
    np.testing.assert_array_equal(z, [[-5], [1], [7]])
    a = dense(X_LECTURE, np.array([[1], [2]]), -10, activation="sigmoid")
    np.testing.assert_array_equal(a.round(2), [[0.01], [0.73], [1.00]])
    np.testing.assert_array_equal(sigmoid(z), a)


def test_dense_accepts_a_dataframe_and_a_flat_weight_vector():
    data = pd.DataFrame({"x_1": [1, 3, 5], "x_2": [2, 4, 6], "y": [0, 1, 1]})
    z = dense(data[["x_1", "x_2"]], pd.Series([1, 2]), -10)
    assert z.shape == (3,)
    np.testing.assert_array_equal(z, [-5, 1, 7])


def test_softmax_layer_in_matrix_form():
    W = np.array([[1, 3], [2, 4]])
    b = np.array([-10, -20])
    Z = dense(X_LECTURE, W, b)
    np.testing.assert_array_equal(Z, [[-5, -9], [1, 5], [7, 19]])
    A = dense(X_LECTURE, W, b, activation="softmax")
    np.testing.assert_allclose(A, [[0.982, 0.018], [0.018, 0.982], [6.14e-06, 1.0]], rtol=1e-3)
    # the lecture's naive formula gives the same numbers here
    np.testing.assert_allclose(A, np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True))


def test_softmax_of_the_lecture_vector():
    # the lecture prints (0.269, 0.001, 0.731) at 3 decimals
    p = softmax(np.array([5, -1, 6]))
    np.testing.assert_array_equal(p.round(3), [0.269, 0.001, 0.731])
    np.testing.assert_array_equal(p.round(2), [0.27, 0.00, 0.73])


def test_dense_with_a_single_observation_and_callable_activation():
    W, b = np.array([[1, 3], [2, 4]]), np.array([-10, -20])
    out = dense(np.array([1.0, 2.0]), W, b, activation=np.tanh)
    np.testing.assert_allclose(out, np.tanh([-5, -9]))


Z_LECTURE = np.array([[-5.0, -9.0], [1.0, 5.0], [7.0, 19.0]])  # X W + b of the softmax layer

#: Keras's names for the activations, and what each gives on the lecture's layer
KERAS_ACTIVATIONS = {
    "linear": Z_LECTURE,
    "sigmoid": 1 / (1 + np.exp(-Z_LECTURE)),
    "softmax": np.exp(Z_LECTURE) / np.exp(Z_LECTURE).sum(axis=1, keepdims=True),
    "relu": np.array([[0.0, 0.0], [1.0, 5.0], [7.0, 19.0]]),
    "leaky_relu": np.array([[-1.0, -1.8], [1.0, 5.0], [7.0, 19.0]]),
}


def test_the_named_activations_are_keras_names():
    assert sorted(maths.ACTIVATION_NAMES) == sorted(KERAS_ACTIVATIONS)


@pytest.mark.parametrize("name", KERAS_ACTIVATIONS)
def test_every_named_activation_is_usable_in_dense(name):
    W, b = np.array([[1, 3], [2, 4]]), np.array([-10, -20])
    out = dense(X_LECTURE, W, b, activation=name)
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out, KERAS_ACTIVATIONS[name], rtol=1e-12)
    assert get_activation(name) is getattr(maths, name)


def test_no_activation_is_linear_and_a_callable_is_used_as_it_is():
    assert get_activation(None) is linear
    assert get_activation(np.tanh) is np.tanh


def test_dense_with_more_neurons_than_inputs():
    """A non-square layer: 2 inputs, 3 neurons; each column of W is one neuron."""
    W = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]])
    b = np.array([0.0, -1.0, 10.0])
    Z = dense(X_LECTURE, W, b)
    np.testing.assert_array_equal(Z, [[2, 3, 11], [5, 7, 11], [8, 11, 11]])
    np.testing.assert_array_equal(dense(X_LECTURE, W, b, "relu"), Z)
    assert dense(np.array([1.0, 2.0]), W, b).shape == (3,)  # one observation
    # 3 inputs and 2 neurons: X must have 3 columns
    W_tall = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(dense(np.array([[1, 2, 3]]), W_tall, 0), [[4, 5]])


def test_dense_single_neuron_biases():
    """One neuron (a flat W): the bias may be a scalar, a 1-vector or a 1x1 matrix."""
    w = np.array([1, 2])
    for b in (-10, [-10], np.array([[-10]])):
        out = dense(X_LECTURE, w, b)
        assert out.shape == (3,)
        np.testing.assert_array_equal(out, [-5, 1, 7])
    # one observation through one neuron: a single number
    assert dense(np.array([1.0, 2.0]), w, np.array([-10])).shape == ()
    with pytest.raises(
        ValueError, match=r"b must be a scalar or have shape \(1,\).*got shape \(2,\)"
    ):
        dense(X_LECTURE[:2], w, np.array([1.0, 2.0]))


def test_dense_takes_lists():
    out = dense([[1, 2], [3, 4], [5, 6]], [[1, 3], [2, 4]], [-10, -20])
    np.testing.assert_array_equal(out, [[-5, -9], [1, 5], [7, 19]])


# --------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------


def test_sigmoid_is_stable_for_huge_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            values = sigmoid(np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]))
    assert values[0] == 0.0 and values[-1] == 1.0
    assert values[2] == 0.5
    assert np.all(np.isfinite(values))


def test_sigmoid_of_a_scalar_is_a_scalar():
    assert np.ndim(sigmoid(0)) == 0
    assert float(sigmoid(0)) == 0.5


def test_a_number_in_gives_a_numpy_number_out():
    """As NumPy's own functions do: a float64 for a scalar, an array for an array."""
    for activation in (sigmoid, relu, leaky_relu, relu_grad, leaky_relu_grad, linear):
        assert type(activation(-1.5)) is np.float64, activation
        assert type(activation([-1.5])) is np.ndarray, activation


@FAST
@given(arrays(np.float64, st.integers(1, 20), elements=floats(-30, 30)))
def test_sigmoid_matches_the_textbook_formula(z):
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12, atol=1e-300)


@FAST
@given(arrays(np.float64, st.integers(1, 20), elements=floats(-30, 30)))
def test_sigmoid_symmetry(z):
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), atol=1e-15)


@FAST
@given(logit_matrices(bound=1000.0))
def test_softmax_rows_sum_to_one_and_stay_finite(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = softmax(z)
    assert np.all(np.isfinite(p))
    assert np.all((p >= 0) & (p <= 1))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_softmax_of_plus_minus_1000():
    p = softmax(np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [1000.0, 1000.0]]))
    np.testing.assert_array_equal(p, [[1, 0], [0, 1], [0.5, 0.5]])


@FAST
@given(logit_matrices(), floats(-50, 50))
def test_softmax_ignores_a_shift(z, c):
    np.testing.assert_allclose(softmax(z + c), softmax(z), atol=1e-12)


def test_softmax_along_another_axis():
    z = np.array([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(softmax(z, axis=0), softmax(z.T).T)


@FAST
@given(logit_matrices(bound=1000.0))
def test_log_softmax_is_log_of_softmax(z):
    with np.errstate(divide="ignore"):
        expected = np.log(softmax(z))
    accurate = expected > -700  # below, softmax is subnormal and its log inexact
    np.testing.assert_allclose(log_softmax(z)[accurate], expected[accurate], rtol=1e-9, atol=1e-9)
    assert np.all(np.isfinite(log_softmax(z)))


def test_relu_leaky_relu_and_linear():
    z = np.array([-10.0, -1.0, 0.0, 2.0])
    np.testing.assert_array_equal(relu(z), [0, 0, 0, 2])
    np.testing.assert_array_equal(leaky_relu(z), [-2.0, -0.2, 0, 2])
    np.testing.assert_array_equal(leaky_relu(z, negative_slope=0.01), [-0.1, -0.01, 0, 2])
    np.testing.assert_array_equal(linear(z), z)
    assert linear(z) is not z


def test_leaky_relu_default_slope_is_keras_default(keras):
    def default_slope(function):
        return inspect.signature(function).parameters["negative_slope"].default

    keras_default = default_slope(keras.activations.leaky_relu)
    ours = default_slope(leaky_relu)
    assert ours == keras_default == 0.2


# keras.ops.convert_to_numpy on the torch backend warns about NumPy 2's copy keyword
KERAS_TO_NUMPY_NOISE = pytest.mark.filterwarnings(
    "ignore:__array__ implementation:DeprecationWarning"
)


@KERAS_TO_NUMPY_NOISE
@FAST
@given(arrays(np.float64, st.tuples(st.just(1), st.integers(2, 10)), elements=floats(-50, 50)))
def test_activations_agree_with_keras(keras, z):
    ops = keras.ops

    def run(fn, *args, **kwargs):
        return ops.convert_to_numpy(fn(ops.convert_to_tensor(z), *args, **kwargs))

    # some backends compute in float32 whatever the input: compare at float32 precision
    close = {"rtol": 1e-5, "atol": 1e-7}
    np.testing.assert_allclose(sigmoid(z), run(ops.sigmoid), **close)
    np.testing.assert_allclose(softmax(z), run(ops.softmax), **close)
    np.testing.assert_allclose(relu(z), run(ops.relu), **close)
    np.testing.assert_allclose(leaky_relu(z), run(keras.activations.leaky_relu), **close)


@KERAS_TO_NUMPY_NOISE
def test_softmax_agrees_with_keras_on_the_lecture_example(keras):
    out = keras.ops.convert_to_tensor([[5.0, -1.0, 6.0]])
    expected = keras.ops.convert_to_numpy(keras.ops.softmax(out))
    np.testing.assert_allclose(softmax([[5.0, -1.0, 6.0]]), expected, rtol=1e-6)


# --------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------


def test_binary_crossentropy_by_hand():
    y = np.array([0, 1, 1])
    p = np.array([0.1, 0.8, 0.6])
    expected = -(np.log(0.9) + np.log(0.8) + np.log(0.6)) / 3
    assert binary_crossentropy(y, p) == pytest.approx(expected)


def test_binary_crossentropy_clips_certain_mistakes():
    assert binary_crossentropy([1, 0], [0.0, 1.0]) == pytest.approx(-np.log(1e-7))
    assert binary_crossentropy([1, 0], [1.0, 0.0]) == pytest.approx(-np.log(1 - 1e-7))


def test_binary_crossentropy_from_huge_logits_is_exact():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logits = [1000.0, -1000.0, 1000.0, -1000.0]
        loss = binary_crossentropy([0, 1, 1, 0], logits, from_logits=True)
    assert loss == pytest.approx((1000 + 1000 + 0 + 0) / 4)


def test_binary_crossentropy_column_vector_predictions():
    y = pd.Series([0, 1, 1])
    flat = binary_crossentropy(y, [0.2, 0.7, 0.9])
    column = binary_crossentropy(y, [[0.2], [0.7], [0.9]])
    assert column == flat


@FAST
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=st.sampled_from([0.0, 1.0])),
            arrays(np.float64, n, elements=floats(-12, 12)),
        )
    )
)
def test_binary_crossentropy_from_logits_equals_from_probabilities(pair):
    y, z = pair
    assert binary_crossentropy(y, z, from_logits=True) == pytest.approx(
        binary_crossentropy(y, sigmoid(z)), rel=1e-6
    )


@FAST
@given(logit_matrices(bound=7.0), st.data())  # no probability below eps = 1e-7
def test_categorical_crossentropy_from_logits_equals_from_probabilities(z, data):
    labels = draw_labels(data, z)
    onehot = np.eye(z.shape[1])[labels]
    from_logits = categorical_crossentropy(onehot, z, from_logits=True)
    assert from_logits == pytest.approx(categorical_crossentropy(onehot, softmax(z)), rel=1e-6)
    sparse = sparse_categorical_crossentropy(labels, z, from_logits=True)
    assert from_logits == pytest.approx(sparse, rel=1e-12)
    assert sparse_categorical_crossentropy(labels, softmax(z)) == pytest.approx(
        categorical_crossentropy(onehot, softmax(z)), rel=1e-12
    )


def test_categorical_crossentropy_from_huge_logits_stays_finite():
    logits = [[-1000.0, 1000.0], [0.0, 0.0]]
    loss = categorical_crossentropy([[1, 0], [0, 1]], logits, from_logits=True)
    assert loss == pytest.approx((2000 + np.log(2)) / 2)


def test_sparse_categorical_crossentropy_by_hand_and_label_shapes():
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    expected = -(np.log(0.7) + np.log(0.8)) / 2
    assert sparse_categorical_crossentropy([0, 2], P) == pytest.approx(expected)
    assert sparse_categorical_crossentropy(np.array([[0], [2]]), P) == pytest.approx(expected)
    assert sparse_categorical_crossentropy(pd.Series([0.0, 2.0]), P) == pytest.approx(expected)


def test_mse():
    assert mse([1, 2, 3], [1, 2, 5]) == pytest.approx(4 / 3)
    assert mse(np.array([[1.0], [2.0]]), [1.0, 4.0]) == pytest.approx(2.0)


@KERAS_TO_NUMPY_NOISE
def test_losses_agree_with_keras(keras):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=8).astype(float)
    z = rng.normal(scale=3, size=8)
    to_np = keras.ops.convert_to_numpy
    keras_bce = np.mean(to_np(keras.losses.binary_crossentropy(y[:, None], sigmoid(z)[:, None])))
    assert binary_crossentropy(y, sigmoid(z)) == pytest.approx(float(keras_bce), rel=1e-5)
    Z = rng.normal(scale=3, size=(8, 4))
    labels = rng.integers(0, 4, size=8)
    keras_scce = keras.losses.sparse_categorical_crossentropy(labels, Z, from_logits=True)
    ours = sparse_categorical_crossentropy(labels, Z, from_logits=True)
    assert ours == pytest.approx(float(np.mean(to_np(keras_scce))), rel=1e-5)
    keras_mse = np.mean(to_np(keras.losses.mean_squared_error(y, z)))
    assert mse(y, z) == pytest.approx(float(keras_mse), rel=1e-5)


# --------------------------------------------------------------------------
# Gradients against autograd
# --------------------------------------------------------------------------


@FAST
@given(
    st.integers(1, 10).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=st.floats(0, 1)),
            arrays(np.float64, n, elements=floats(-30, 30)),
        )
    )
)
def test_binary_crossentropy_gradient_matches_autograd(torch, pair):
    y, z = pair
    z_t = torch.tensor(z, requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z_t, torch.tensor(y))
    loss.backward()
    ours = binary_crossentropy_grad(y, z)
    np.testing.assert_allclose(ours, z_t.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours, (sigmoid(z) - y) / len(z))
    ours_loss = binary_crossentropy(y, z, from_logits=True)
    assert ours_loss == pytest.approx(loss.item(), rel=1e-9, abs=1e-12)


@FAST
@given(logit_matrices(bound=30.0), st.data())
def test_categorical_crossentropy_gradient_matches_autograd(torch, z, data):
    labels = draw_labels(data, z)
    onehot = np.eye(z.shape[1])[labels]
    z_t = torch.tensor(z, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(z_t, torch.tensor(labels))
    loss.backward()
    ours = categorical_crossentropy_grad(onehot, z)
    np.testing.assert_allclose(ours, z_t.grad.numpy(), rtol=1e-9, atol=1e-12)
    ours_loss = categorical_crossentropy(onehot, z, from_logits=True)
    assert ours_loss == pytest.approx(loss.item(), rel=1e-9, abs=1e-12)


def test_crossentropy_gradients_are_derivatives_of_our_losses():
    """Central differences of the NumPy losses agree with the analytic gradients."""
    rng = np.random.default_rng(1)
    y, z = rng.integers(0, 2, 5).astype(float), rng.normal(size=5)
    Y, Z = np.eye(3)[rng.integers(0, 3, 4)], rng.normal(size=(4, 3))
    h = 1e-6
    for loss, grad, target, logits in [
        (binary_crossentropy, binary_crossentropy_grad, y, z),
        (categorical_crossentropy, categorical_crossentropy_grad, Y, Z),
    ]:
        numeric = np.zeros_like(logits)
        for index in np.ndindex(logits.shape):
            step = np.zeros_like(logits)
            step[index] = h
            up = loss(target, logits + step, from_logits=True)
            down = loss(target, logits - step, from_logits=True)
            numeric[index] = (up - down) / (2 * h)
        np.testing.assert_allclose(grad(target, logits), numeric, atol=1e-7)


# --------------------------------------------------------------------------
# Error messages
# --------------------------------------------------------------------------


def test_unknown_activation_names_what_is_allowed():
    with pytest.raises(ValueError) as info:
        dense(X_LECTURE, np.array([1, 2]), 0, activation="tanh")
    assert str(info.value) == (
        "unknown activation 'tanh'; allowed: None, a callable, or one of "
        "'linear', 'sigmoid', 'softmax', 'relu', 'leaky_relu'"
    )
    with pytest.raises(ValueError, match="unknown activation 3"):
        get_activation(3)


def test_dense_needs_one_or_two_dimensional_inputs_and_weights():
    with pytest.raises(
        ValueError, match=r"X must be 1-D .* or 2-D \(n, d\), got shape \(1, 3, 2\)"
    ):
        dense(X_LECTURE[np.newaxis], np.ones((2, 2)), 0)
    with pytest.raises(
        ValueError, match=r"W must be 1-D \(d,\) or 2-D \(d, k\), got shape \(2, 2, 1\)"
    ):
        dense(X_LECTURE, np.ones((2, 2, 1)), 0)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda bad: sigmoid(bad), "z"),
        (lambda bad: softmax(bad), "z"),
        (lambda bad: log_softmax(bad), "z"),
        (lambda bad: relu(bad), "z"),
        (lambda bad: leaky_relu(bad), "z"),
        (lambda bad: relu_grad(bad), "z"),
        (lambda bad: leaky_relu_grad(bad), "z"),
        (lambda bad: linear(bad), "z"),
        (lambda bad: dense(bad, [1, 2], 0), "X"),
        (lambda bad: dense([[1, 2]], bad, 0), "W"),
        (lambda bad: dense([[1, 2]], [1, 2], bad), "b"),
        (lambda bad: binary_crossentropy(bad, [0.5]), "y_true"),
        (lambda bad: binary_crossentropy([1], bad), "y_pred"),
        (lambda bad: binary_crossentropy_grad(bad, [0.5]), "y_true"),
        (lambda bad: binary_crossentropy_grad([1], bad), "logits"),
        (lambda bad: categorical_crossentropy(bad, [[0.5, 0.5]]), "y_true_onehot"),
        (lambda bad: categorical_crossentropy([[1, 0]], bad), "y_pred"),
        (lambda bad: categorical_crossentropy_grad(bad, [[0.5, 0.5]]), "y_true_onehot"),
        (lambda bad: categorical_crossentropy_grad([[1, 0]], bad), "logits"),
        (lambda bad: sparse_categorical_crossentropy(bad, [[0.5, 0.5]]), "labels"),
        (lambda bad: sparse_categorical_crossentropy([0], bad), "y_pred"),
        (lambda bad: mse(bad, [1.0]), "y_true"),
        (lambda bad: mse([1.0], bad), "y_pred"),
    ],
)
def test_non_numeric_input_is_named_in_the_error(call, name):
    with pytest.raises(ValueError, match=rf"^{name} must be numeric, got list"):
        call(["a"])


def test_dense_shape_mismatch_says_which_shapes():
    message = r"X has 2 features \(shape \(3, 2\)\) but W has 3 rows \(shape \(3, 2\)\)"
    with pytest.raises(ValueError, match=message):
        dense(X_LECTURE, np.ones((3, 2)), 0)


def test_dense_bias_shape_mismatch():
    message = r"b must be a scalar or have shape \(2,\).*got shape \(3,\)"
    with pytest.raises(ValueError, match=message):
        dense(X_LECTURE, np.ones((2, 2)), np.zeros(3))


def test_dense_softmax_needs_a_weight_matrix():
    with pytest.raises(ValueError, match="softmax needs one column of W per class"):
        dense(X_LECTURE, np.array([1, 2]), 0, activation="softmax")


def test_loss_shape_mismatch_says_which_shapes():
    with pytest.raises(ValueError, match=r"y_true.shape=\(3,\) and y_pred.shape=\(2,\)"):
        binary_crossentropy([0, 1, 1], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"same shape"):
        mse([1, 2], [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match=r"y_true.shape=\(2, 3\) and y_pred.shape=\(2, 2\)"):
        categorical_crossentropy(np.eye(3)[:2], np.full((2, 2), 0.5))
    # as many values, but not one per prediction: no silent reshape
    with pytest.raises(ValueError, match=r"y_true.shape=\(2, 3\) and y_pred.shape=\(3, 2\)"):
        mse(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"y_true.shape=\(3,\) and logits.shape=\(2,\)"):
        binary_crossentropy_grad([0, 1, 1], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"y_true \(one-hot\) and y_pred must have the same shape"):
        categorical_crossentropy_grad(np.eye(3)[:2], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="a vector of class scores per observation, got a scalar"):
        categorical_crossentropy(1.0, 0.5)
    with pytest.raises(
        ValueError, match=r"y_pred must have shape \(n, classes\), got shape \(1, 2, 2\)"
    ):
        sparse_categorical_crossentropy([0], np.full((1, 2, 2), 0.5))


def test_empty_inputs_are_refused():
    with pytest.raises(ValueError, match="^y_true and y_pred are empty: need at least one"):
        mse([], [])
    with pytest.raises(ValueError, match="^y_true and logits are empty"):
        binary_crossentropy_grad([], [])


def test_targets_must_be_probabilities():
    """A target outside [0, 1] is a mistake (a class code given as y_true, say)."""
    with pytest.raises(ValueError) as info:
        binary_crossentropy([2, 0], [0.5, 0.5])
    assert str(info.value) == "y_true must hold probabilities in [0, 1], got values in [0, 2]"
    for bad in ([1.5], [-0.5], [0.5, np.nan]):
        with pytest.raises(ValueError, match="y_true must hold probabilities"):
            binary_crossentropy(bad, [0.5] * len(bad))
    with pytest.raises(
        ValueError, match="y_true_onehot must hold probabilities.*got values in \\[0, 3\\]$"
    ):
        categorical_crossentropy([[0, 3]], [[0.5, 0.5]])
    # 0 and 1 are probabilities
    assert binary_crossentropy([1.0, 0.0], [0.5, 0.5]) == pytest.approx(np.log(2))


def test_eps_must_be_in_0_to_one_half():
    for loss in (binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy):
        y_true = [[1, 0]] if loss is categorical_crossentropy else [0]
        y_pred = [[0.5, 0.5]]
        if loss is binary_crossentropy:
            y_true, y_pred = [1], [0.5]
        for eps in (0.5, -1e-9, 0.7):
            with pytest.raises(ValueError, match=rf"eps must be in \[0, 0.5\), got eps={eps}"):
                loss(y_true, y_pred, eps=eps)
        assert loss(y_true, y_pred, eps=0.49) == pytest.approx(np.log(2))


def test_logits_given_as_probabilities_are_refused_by_every_loss():
    with pytest.raises(ValueError, match=r"y_pred must hold probabilities.*from_logits=True"):
        sparse_categorical_crossentropy([0], [[2.0, -1.0]])
    assert sparse_categorical_crossentropy([0], [[2.0, -1.0]], from_logits=True) == pytest.approx(
        np.log(1 + np.exp(-3.0))
    )


def test_certain_correct_predictions_cost_the_clipped_amount():
    """Probabilities are clipped to [eps, 1 - eps], as in Keras: a certain, correct
    prediction costs -log(1 - eps), about eps."""
    expected = -np.log(1 - 1e-7)
    assert categorical_crossentropy([[1, 0]], [[1.0, 0.0]]) == pytest.approx(expected, rel=1e-6)
    assert sparse_categorical_crossentropy([0], [[1.0, 0.0]]) == pytest.approx(expected, rel=1e-6)


def test_one_observation_as_a_flat_vector():
    """A single observation may be a 1-D vector of class scores, as the lecture's softmax."""
    z = np.array([5.0, -1.0, 6.0])
    expected = np.log(np.exp(z) / np.exp(z).sum())
    np.testing.assert_allclose(log_softmax(z), expected, rtol=1e-12)
    np.testing.assert_allclose(log_softmax([5, -1, 6]), expected, rtol=1e-12)  # a list too
    p = softmax(z)
    assert categorical_crossentropy([0, 0, 1], p) == pytest.approx(-np.log(p[2]), rel=1e-12)
    assert categorical_crossentropy([0, 0, 1], z, from_logits=True) == pytest.approx(
        -np.log(p[2]), rel=1e-12
    )
    assert sparse_categorical_crossentropy(2, p) == pytest.approx(-np.log(p[2]), rel=1e-12)
    np.testing.assert_allclose(categorical_crossentropy_grad([0, 0, 1], z), p - [0, 0, 1])
    np.testing.assert_allclose(categorical_crossentropy_grad([1, 0], [0.0, 0.0]), [-0.5, 0.5])
    with pytest.raises(ValueError, match="softmax needs a vector of scores, got a scalar"):
        log_softmax(2.0)


def test_activations_take_lists():
    np.testing.assert_array_equal(leaky_relu([-10, 0, 3]), [-2, 0, 3])
    np.testing.assert_array_equal(relu_grad([-1, 0, 2]), [0, 0, 1])
    np.testing.assert_array_equal(leaky_relu_grad([-1, 0, 2]), [0.2, 0.2, 1])
    np.testing.assert_allclose(softmax([0, 0]), [0.5, 0.5])


def test_losses_take_lists():
    assert sparse_categorical_crossentropy([0, 2], [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]) == (
        pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)
    )
    assert categorical_crossentropy([[1, 0]], [[0.8, 0.2]]) == pytest.approx(-np.log(0.8))
    np.testing.assert_allclose(binary_crossentropy_grad([0, 1], [0, 0]), [0.25, -0.25])


def test_probabilities_outside_0_1_suggest_from_logits():
    message = r"y_pred must hold probabilities in \[0, 1\].*from_logits=True"
    with pytest.raises(ValueError, match=message):
        binary_crossentropy([0, 1], [-2.0, 3.0])
    with pytest.raises(ValueError, match=r"^y_pred must hold probabilities.*from_logits=True"):
        categorical_crossentropy([[1, 0]], [[3.0, -1.0]])


def test_sparse_labels_out_of_range():
    message = r"labels must be integers in 0..2.*got values in \[0, 3\]"
    with pytest.raises(ValueError, match=message):
        sparse_categorical_crossentropy([0, 3], np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="labels must be integers"):
        sparse_categorical_crossentropy([0, 1.5], np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"one label per row.*got 3 labels"):
        sparse_categorical_crossentropy([0, 1, 2], np.full((2, 3), 1 / 3))


def test_bad_eps_and_non_numeric_input():
    with pytest.raises(ValueError, match=r"eps must be in \[0, 0.5\), got eps=0.7"):
        binary_crossentropy([1], [0.5], eps=0.7)
    with pytest.raises(ValueError, match="z must be numeric"):
        sigmoid(["a", "b"])
    with pytest.raises(ValueError, match="softmax needs a vector"):
        softmax(3.0)


def test_relu_gradients_worked_example():
    z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    np.testing.assert_array_equal(relu_grad(z), [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(leaky_relu_grad(z), [0.2, 0.2, 0.2, 1, 1])
    np.testing.assert_array_equal(leaky_relu_grad(z, negative_slope=0.01), [0.01, 0.01, 0.01, 1, 1])
    assert float(relu_grad(-1.0)) == 0.0 and float(leaky_relu_grad(2.0)) == 1.0


@FAST
@given(arrays(np.float64, st.integers(1, 8), elements=floats()))
def test_relu_gradients_match_autograd(torch, z):
    """The derivatives agree with PyTorch's, the corner at 0 included."""
    for ours, theirs in (
        (relu_grad, torch.relu),
        (leaky_relu_grad, lambda t: torch.nn.functional.leaky_relu(t, negative_slope=0.2)),
    ):
        z_t = torch.tensor(z, requires_grad=True)
        theirs(z_t).sum().backward()
        np.testing.assert_allclose(ours(z), z_t.grad.numpy())
    z_corner = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.leaky_relu(z_corner, 0.2).sum().backward()
    assert float(leaky_relu_grad(0.0)) == float(z_corner.grad[0])


def test_certain_correct_predictions_cost_nothing_without_clipping():
    """0 log 0 is taken as 0: with eps=0 a certain, correct prediction has zero loss, not NaN."""
    assert binary_crossentropy([1.0, 0.0], [1.0, 0.0], eps=0.0) == 0.0
    assert categorical_crossentropy([[0, 1, 0]], [[0.0, 1.0, 0.0]], eps=0.0) == 0.0
    assert binary_crossentropy([1.0], [0.0], eps=0.0) == np.inf  # certain and wrong
