"""Tests of dlact.gd: the lecture's SGD and BGD examples, equivalences, schedules, errors."""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlact import gd
from dlact.descent import descend, gd_iterates, has_diverged
from dlact.gd import (
    batch_gradient_descent,
    epoch_examples,
    gd_path,
    gradient_descent,
    minibatch_gradient_descent,
    stochastic_gradient_descent,
)
from dlact.linreg import (
    bgd_example_data,
    least_squares_grad,
    least_squares_loss,
    linear_predict,
    linear_regression_table,
    sgd_learning_curve,
    squared_error_contours,
    squared_error_grad,
    squared_error_loss,
    squared_error_surface,
)
from dlact.losses import binary_crossentropy
from dlact.maths import sigmoid
from dlact.schedules import constant, cosine_decay, exponential_decay, step_decay
from dlact.trace import Trace

FAST = settings(max_examples=30, deadline=None)


def finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def regression_data(min_n: int = 1, max_n: int = 8):
    """(theta, x, y) with modest values."""
    return st.integers(min_n, max_n).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, 2, elements=finite(-5, 5)),
            arrays(np.float64, n, elements=finite(-5, 5)),
            arrays(np.float64, n, elements=finite(-5, 5)),
        )
    )


@pytest.fixture
def sgd_data():
    """Ten examples where example 5 is (5, 5) and example 9 is (9, 17), as in the lecture."""
    x = np.arange(10.0)
    y = 2 * x - 1
    y[5], y[9] = 5, 17
    return x, y


# --------------------------------------------------------------------------
# The lecture's SGD example
# --------------------------------------------------------------------------


def test_lecture_sgd_two_iterations(sgd_data):
    x, y = sgd_data
    trace = stochastic_gradient_descent(
        squared_error_grad, [0, 0], x, y, learning_rate=0.01, order=[5, 9]
    )
    assert len(trace) == 2
    first, second = trace.steps
    assert first.indices == (5,) and second.indices == (9,)
    np.testing.assert_allclose(first.gradient, [-50, -10])
    assert first.loss == 25
    np.testing.assert_allclose(first.params_after, [0.5, 0.1])
    np.testing.assert_allclose(second.params, [0.5, 0.1])
    np.testing.assert_allclose(second.gradient, [-223.2, -24.8])
    np.testing.assert_allclose(second.params_after, [2.732, 0.348])
    np.testing.assert_allclose(trace.params, [[0, 0], [0.5, 0.1], [2.732, 0.348]])
    np.testing.assert_allclose(trace.final, [2.732, 0.348])
    assert [s.iteration for s in trace.steps] == [0, 1]
    assert [s.epoch for s in trace.steps] == [0, 0]
    np.testing.assert_array_equal(trace.learning_rates, [0.01, 0.01])


def test_lecture_sgd_first_prediction_and_loss():
    assert linear_predict([0, 0], [5]).tolist() == [0]
    assert squared_error_loss([0, 0], [5], [5]) == 25
    np.testing.assert_allclose(squared_error_grad([0, 0], [5], [5]), [-50, -10])


# --------------------------------------------------------------------------
# The lecture's BGD example
# --------------------------------------------------------------------------


def test_bgd_example_data_is_the_lecture_recipe():
    x, y = bgd_example_data()
    np.random.seed(111)  # the lecture's (legacy, global) recipe
    expected = 2 * np.arange(1, 4) - 1 + 0.01 * np.random.randn(3)
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, expected)
    np.testing.assert_array_equal(y.round(2), [0.99, 3.00, 5.01])


def test_lecture_bgd_first_table():
    x, y = bgd_example_data()
    table = linear_regression_table([0, 0], x, y)
    assert list(table.columns) == ["x", "y", "y_hat", "loss", "dL/dw", "dL/db"]
    rounded = table.round(2)
    np.testing.assert_array_equal(rounded["y_hat"], [0, 0, 0])
    np.testing.assert_array_equal(rounded["loss"], [0.98, 9.02, 25.15])
    np.testing.assert_array_equal(rounded["dL/dw"], [-1.98, -12.02, -30.09])
    np.testing.assert_array_equal(rounded["dL/db"], [-1.98, -6.01, -10.03])
    # the batch gradient is the mean of the per-row gradients
    nabla = np.array([table["dL/dw"].mean(), table["dL/db"].mean()])
    np.testing.assert_allclose(nabla, squared_error_grad([0, 0], x, y))
    np.testing.assert_array_equal(nabla.round(2), [-14.69, -6.00])


def test_lecture_bgd_second_table():
    x, y = bgd_example_data()
    theta_1 = batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1).final
    rounded = linear_regression_table(theta_1, x, y).round(2)
    np.testing.assert_array_equal(rounded["y_hat"], [2.07, 3.54, 5.01])
    np.testing.assert_array_equal(rounded["loss"], [1.17, 0.29, 0.00])
    np.testing.assert_array_equal(rounded["dL/dw"], [2.16, 2.14, -0.04])
    np.testing.assert_array_equal(rounded["dL/db"], [2.16, 1.07, -0.01])
    np.testing.assert_array_equal(squared_error_grad(theta_1, x, y).round(2), [1.42, 1.07])


@pytest.mark.parametrize(
    "y",
    [bgd_example_data()[1], np.array([0.99, 3.00, 5.01])],
    ids=["lecture-data", "rounded-data"],
)
def test_lecture_bgd_two_iterations(y):
    x = np.array([1, 2, 3])
    trace = batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1, epochs=2)
    assert len(trace) == 2
    assert trace.steps[0].indices == (0, 1, 2)
    assert trace.steps[0].gradient[0] == pytest.approx(-14.69, abs=0.01)
    assert trace.steps[0].gradient[1] == pytest.approx(-6.0, abs=0.01)
    np.testing.assert_array_equal(trace.params.round(2), [[0, 0], [1.47, 0.60], [1.33, 0.49]])
    assert [s.epoch for s in trace.steps] == [0, 1]
    # losses are the MSE before each update
    assert trace.losses[0] == pytest.approx(np.mean(y**2))


def test_linear_regression_table_accepts_pandas():
    data = pd.DataFrame({"x": [1, 2, 3], "y": [0.99, 3.00, 5.01]})
    table = linear_regression_table(np.array([1.0, 0.0]), data["x"], data["y"])
    np.testing.assert_allclose(table["y_hat"], [1, 2, 3])
    np.testing.assert_allclose(table["loss"], (np.array([1, 2, 3]) - data["y"]) ** 2)


# --------------------------------------------------------------------------
# The chain-rule gradient against autograd
# --------------------------------------------------------------------------


@FAST
@given(regression_data())
def test_squared_error_grad_matches_autograd(torch, data):
    theta, x, y = data
    theta_t = torch.tensor(theta, requires_grad=True)
    loss = torch.mean((theta_t[0] * torch.tensor(x) + theta_t[1] - torch.tensor(y)) ** 2)
    loss.backward()
    ours = squared_error_grad(theta, x, y)
    np.testing.assert_allclose(ours, theta_t.grad.numpy(), rtol=1e-9, atol=1e-9)
    assert squared_error_loss(theta, x, y) == pytest.approx(loss.item(), rel=1e-12, abs=1e-12)


@FAST
@given(regression_data())
def test_table_rows_average_to_loss_and_gradient(data):
    theta, x, y = data
    table = linear_regression_table(theta, x, y)
    loss = squared_error_loss(theta, x, y)
    assert table["loss"].mean() == pytest.approx(loss, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(
        [table["dL/dw"].mean(), table["dL/db"].mean()], squared_error_grad(theta, x, y), atol=1e-12
    )


# --------------------------------------------------------------------------
# The three algorithms agree where they should
# --------------------------------------------------------------------------


def assert_same_run(a: Trace, b: Trace) -> None:
    assert len(a) == len(b)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.gradients, b.gradients, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.losses, b.losses, rtol=1e-12, atol=1e-12)
    assert [s.indices for s in a.steps] == [s.indices for s in b.steps]


@FAST
@given(regression_data(min_n=2), st.integers(1, 4), finite(0.001, 0.05))
def test_minibatch_with_full_batches_is_batch_gradient_descent(data, epochs, lr):
    theta, x, y = data
    batch = batch_gradient_descent(squared_error_grad, theta, x, y, learning_rate=lr, epochs=epochs)
    kwargs = {"learning_rate": lr, "epochs": epochs, "shuffle": False}
    mini = minibatch_gradient_descent(squared_error_grad, theta, x, y, batch_size=len(x), **kwargs)
    general = gradient_descent(squared_error_grad, theta, x, y, **kwargs)
    assert_same_run(batch, mini)
    assert_same_run(batch, general)
    # shuffling the one batch changes only the order of a mean
    shuffled = minibatch_gradient_descent(
        squared_error_grad, theta, x, y, batch_size=len(x), learning_rate=lr, epochs=epochs, seed=3
    )
    np.testing.assert_allclose(shuffled.params, batch.params, rtol=1e-9, atol=1e-9)


@FAST
@given(regression_data(min_n=2), st.integers(1, 3), st.integers(0, 2**32 - 1), st.booleans())
def test_minibatch_with_batches_of_one_is_sgd(data, epochs, seed, shuffle):
    theta, x, y = data
    kwargs = {"learning_rate": 0.01, "epochs": epochs, "seed": seed, "shuffle": shuffle}
    sgd = stochastic_gradient_descent(squared_error_grad, theta, x, y, **kwargs)
    mini = minibatch_gradient_descent(squared_error_grad, theta, x, y, batch_size=1, **kwargs)
    general = gradient_descent(squared_error_grad, theta, x, y, batch_size=1, **kwargs)
    assert len(sgd) == epochs * len(x)
    assert_same_run(sgd, mini)
    assert_same_run(sgd, general)


def test_sgd_with_an_order_equals_minibatch_with_that_order(sgd_data):
    x, y = sgd_data
    order = [5, 9, 0, 3]
    kwargs = {"learning_rate": 0.01, "order": order, "epochs": 2}
    sgd = stochastic_gradient_descent(squared_error_grad, [0, 0], x, y, **kwargs)
    mini = minibatch_gradient_descent(squared_error_grad, [0, 0], x, y, batch_size=1, **kwargs)
    assert_same_run(sgd, mini)
    assert [s.indices[0] for s in sgd.steps] == order * 2


def test_without_shuffling_the_data_order_is_kept():
    x, y = bgd_example_data(n=7)
    trace = minibatch_gradient_descent(
        squared_error_grad, [0, 0], x, y, batch_size=3, learning_rate=0.01, epochs=2, shuffle=False
    )
    assert [s.indices for s in trace.steps] == [(0, 1, 2), (3, 4, 5), (6,)] * 2
    assert [s.epoch for s in trace.steps] == [0, 0, 0, 1, 1, 1]
    assert [s.iteration for s in trace.steps] == list(range(6))


@FAST
@given(st.integers(2, 12), st.integers(1, 12), st.integers(1, 3), st.integers(0, 1000))
def test_each_epoch_visits_every_example_once(n, batch_size, epochs, seed):
    batch_size = min(batch_size, n)
    x, y = np.arange(n, dtype=float), np.ones(n)
    kwargs = {"batch_size": batch_size, "learning_rate": 0.01, "epochs": epochs, "seed": seed}
    trace = minibatch_gradient_descent(squared_error_grad, [0, 0], x, y, **kwargs)
    assert len(trace) == epochs * -(-n // batch_size)
    for epoch in range(epochs):
        visited = [i for s in trace.steps if s.epoch == epoch for i in s.indices]
        assert sorted(visited) == list(range(n))


def test_shuffling_is_seeded():
    x, y = bgd_example_data(n=20)
    run = lambda seed: stochastic_gradient_descent(  # noqa: E731
        squared_error_grad, [0, 0], x, y, learning_rate=0.01, seed=seed, epochs=2
    )
    assert_same_run(run(1), run(1))
    orders = [s.indices[0] for s in run(1).steps]
    assert orders != [s.indices[0] for s in run(2).steps]
    assert orders[:20] != orders[20:]  # a fresh shuffle each epoch
    assert orders[:20] != list(range(20))


def test_batch_gradient_descent_converges_to_least_squares():
    x, y = bgd_example_data(n=10)
    trace = batch_gradient_descent(
        squared_error_grad, [0, 0], x, y, learning_rate=0.01, epochs=5000
    )
    np.testing.assert_allclose(trace.final, np.polyfit(x, y, 1), atol=1e-6)
    assert np.all(np.diff(trace.losses) <= 1e-12)


def test_works_for_another_model_logistic_regression():
    """The algorithms are general: logistic regression with the cross-entropy gradient."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X @ [2.0, -1.0] + 0.5 + rng.normal(scale=0.5, size=40) > 0).astype(float)

    def bce_grad(theta, X, y):  # theta = (w_1, w_2, b); chain rule through the sigmoid
        error = sigmoid(X @ theta[:2] + theta[2]) - y
        return np.append(X.T @ error, error.sum()) / len(y)

    def bce_loss(theta, X, y):
        return binary_crossentropy(y, X @ theta[:2] + theta[2], from_logits=True)

    kwargs = {"batch_size": 8, "learning_rate": 0.5, "epochs": 30, "seed": 0}
    trace = minibatch_gradient_descent(bce_grad, np.zeros(3), X, y, loss_fn=bce_loss, **kwargs)
    assert trace.params.shape == (30 * 5 + 1, 3)
    assert bce_loss(trace.final, X, y) < 0.5 * bce_loss(np.zeros(3), X, y)
    assert trace.losses[0] == pytest.approx(np.log(2))


def test_losses_default_to_nan_for_an_unknown_gradient():
    x, y = bgd_example_data()

    def grad(theta, x, y):
        return squared_error_grad(theta, x, y)

    trace = batch_gradient_descent(grad, [0, 0], x, y, learning_rate=0.1)
    assert np.isnan(trace.losses).all()
    assert trace.diverged is False  # NaN losses mean "not computed", not a divergence


def test_a_run_that_blows_up_is_marked_diverged():
    x, y = bgd_example_data(n=10)
    with np.errstate(over="ignore", invalid="ignore"):
        trace = batch_gradient_descent(
            squared_error_grad, [0, 0], x, y, learning_rate=1.0, epochs=400
        )
    assert trace.diverged is True
    assert not np.all(np.isfinite(trace.params))
    calm = batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.01, epochs=5)
    assert calm.diverged is False


@pytest.mark.parametrize("where", ["params", "gradient", "loss"])
def test_any_infinite_value_marks_a_trace_diverged(where):
    """A parameter, a gradient or a (computed) loss that is infinite or NaN."""
    x, y = np.array([1.0, 2.0]), np.array([1.0, 2.0])

    def grad(theta, x, y):
        return np.array([np.inf, 0.0]) if where == "gradient" else np.zeros(2)

    def loss(theta, x, y):
        return np.inf if where == "loss" else 1.0

    start = [np.nan, 0.0] if where == "params" else [0.0, 0.0]
    with np.errstate(invalid="ignore"):
        trace = batch_gradient_descent(grad, start, x, y, learning_rate=0.1, loss_fn=loss)
    assert trace.diverged is True


def test_linear_predict_away_from_zero():
    np.testing.assert_array_equal(linear_predict([2.0, -1.0], [0.0, 1.0, 3.0]), [-1.0, 1.0, 5.0])
    np.testing.assert_array_equal(linear_predict([-0.5, 4.0], 2.0), [3.0])
    assert squared_error_loss([2.0, -1.0], [1.0, 3.0], [2.0, 5.0]) == pytest.approx(
        ((1.0 - 2.0) ** 2 + (5.0 - 5.0) ** 2) / 2
    )
    # d/dw and d/db of the mean of (w x + b - y)^2, by hand at w = 2, b = -1
    np.testing.assert_allclose(
        squared_error_grad([2.0, -1.0], [1.0, 3.0], [2.0, 5.0]), [(2 * -1 * 1 + 0) / 2, -1.0]
    )


def test_defaults_one_epoch_in_a_shuffled_order():
    """Without epochs and shuffle: one pass over the data, in a random (seeded) order."""
    x, y = bgd_example_data(n=12)
    for run in (
        lambda **kw: stochastic_gradient_descent(squared_error_grad, [0, 0], x, y, **kw),
        lambda **kw: minibatch_gradient_descent(
            squared_error_grad, [0, 0], x, y, batch_size=1, **kw
        ),
        lambda **kw: gradient_descent(squared_error_grad, [0, 0], x, y, batch_size=1, **kw),
    ):
        trace = run(learning_rate=0.001, seed=4)
        order = [s.indices[0] for s in trace.steps]
        assert sorted(order) == list(range(12)) and order != list(range(12))
        assert {s.epoch for s in trace.steps} == {0}
        kept = run(learning_rate=0.001, seed=4, shuffle=False)
        assert [s.indices[0] for s in kept.steps] == list(range(12))
    batch = batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.001)
    assert len(batch) == 1 and batch.steps[0].indices == tuple(range(12))


def test_a_single_example():
    x, y = np.array([2.0]), np.array([3.0])
    for trace in (
        batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1, epochs=2),
        stochastic_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1, epochs=2),
        gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1, epochs=2),
    ):
        assert [s.indices for s in trace.steps] == [(0,), (0,)]
        # gradient at (0, 0): 2 (0 - 3) * (2, 1) = (-12, -6)
        np.testing.assert_allclose(trace.steps[0].gradient, [-12.0, -6.0])
        np.testing.assert_allclose(trace.params[1], [1.2, 0.6])


def test_pandas_data():
    x, y = bgd_example_data()
    frame = pd.DataFrame({"x": x, "y": y})
    from_pandas = batch_gradient_descent(
        squared_error_grad, [0, 0], frame["x"], frame["y"], learning_rate=0.1
    )
    from_numpy = batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1)
    assert_same_run(from_pandas, from_numpy)


# --------------------------------------------------------------------------
# Step and Trace
# --------------------------------------------------------------------------


def test_step_is_frozen_and_its_arrays_read_only(sgd_data):
    x, y = sgd_data
    trace = stochastic_gradient_descent(
        squared_error_grad, [0, 0], x, y, learning_rate=0.01, order=[5]
    )
    step = trace.steps[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.loss = 0.0
    with pytest.raises(ValueError):
        step.params[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.start = np.zeros(2)
    with pytest.raises(ValueError):
        trace.start[0] = 1.0


def test_steps_and_traces_are_compared_by_identity(sgd_data):
    """Two runs that happen to agree are still two runs: no element-wise comparison of
    their arrays (which has no single truth value), and they can be kept in a set."""
    x, y = sgd_data
    run = lambda: stochastic_gradient_descent(  # noqa: E731
        squared_error_grad, [0, 0], x, y, learning_rate=0.01, order=[5, 9]
    )
    a, b = run(), run()
    assert a == a and a != b
    assert a.steps[0] == a.steps[0] and a.steps[0] != b.steps[0]
    assert len({a, b, *a.steps, *b.steps}) == 6


def test_trace_shapes_and_frame():
    x, y = bgd_example_data(n=5)
    trace = minibatch_gradient_descent(
        squared_error_grad, [0, 0], x, y, batch_size=2, learning_rate=0.05, epochs=2, shuffle=False
    )
    assert len(trace) == 6
    assert trace.params.shape == (7, 2)
    assert trace.gradients.shape == (6, 2)
    assert trace.losses.shape == trace.learning_rates.shape == (6,)
    np.testing.assert_array_equal(trace.params[0], [0, 0])
    np.testing.assert_array_equal(trace.params[-1], trace.final)
    np.testing.assert_allclose(trace.params[1:], trace.params[:-1] - 0.05 * trace.gradients)

    frame = trace.to_frame(["w", "b"])
    assert list(frame.columns) == [
        "iteration",
        "epoch",
        "indices",
        "w",
        "b",
        "dL/dw",
        "dL/db",
        "loss",
        "learning_rate",
    ]
    assert len(frame) == 6
    assert frame["indices"].tolist() == [(0, 1), (2, 3), (4,)] * 2
    np.testing.assert_array_equal(frame[["w", "b"]], trace.params[:-1])
    np.testing.assert_array_equal(frame["loss"], trace.losses)
    default_names = list(trace.to_frame().columns)[3:7]
    assert default_names == ["theta_0", "theta_1", "dL/dtheta_0", "dL/dtheta_1"]
    with pytest.raises(ValueError, match="need 2 parameter names, got 3"):
        trace.to_frame(["a", "b", "c"])


def test_zero_epochs_is_an_empty_trace():
    x, y = bgd_example_data()
    trace = batch_gradient_descent(squared_error_grad, [1, 2], x, y, learning_rate=0.1, epochs=0)
    assert len(trace) == 0
    np.testing.assert_array_equal(trace.params, [[1, 2]])
    np.testing.assert_array_equal(trace.final, [1, 2])
    assert trace.to_frame().empty


def test_the_lecture_can_show_the_loops():
    algorithms = (batch_gradient_descent, stochastic_gradient_descent, minibatch_gradient_descent)
    for algorithm in algorithms:
        source = inspect.getsource(algorithm)
        assert "for epoch in range(epochs):" in source
        assert "weights = weights - eta * gradient" in source
    slicing = "batch = data[b * batch_size : (b + 1) * batch_size]"
    assert slicing in inspect.getsource(minibatch_gradient_descent)


# --------------------------------------------------------------------------
# Learning-rate schedules
# --------------------------------------------------------------------------


def keras_value(schedule, step) -> float:
    import keras

    return float(keras.ops.convert_to_numpy(schedule(step)))


@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
@FAST
@given(
    finite(1e-4, 1.0), finite(0.5, 0.99), st.integers(1, 100), st.booleans(), st.integers(0, 500)
)
def test_exponential_decay_matches_keras(keras, initial, decay_rate, decay_steps, staircase, step):
    # Keras computes in float32: give it float32 numbers, and allow float32 rounding of the power
    initial, decay_rate = float(np.float32(initial)), float(np.float32(decay_rate))
    ours = exponential_decay(initial, decay_rate, decay_steps, staircase=staircase)
    theirs = keras.optimizers.schedules.ExponentialDecay(
        initial, decay_steps, decay_rate, staircase=staircase
    )
    assert ours(step) == pytest.approx(keras_value(theirs, step), rel=1e-4, abs=1e-30)


@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
@FAST
@given(finite(1e-4, 1.0), st.integers(1, 100), finite(0.0, 0.5), st.integers(0, 300))
def test_cosine_decay_matches_keras(keras, initial, decay_steps, alpha, step):
    ours = cosine_decay(initial, decay_steps, alpha=alpha)
    theirs = keras.optimizers.schedules.CosineDecay(initial, decay_steps, alpha=alpha)
    assert ours(step) == pytest.approx(keras_value(theirs, step), rel=1e-5, abs=1e-7)


def test_schedule_values_and_vectorisation():
    steps = np.arange(0, 40)
    schedules = (
        constant(0.1),
        step_decay(0.1, 0.5, every=10),
        exponential_decay(0.1, 0.9, 5),
        cosine_decay(0.1, 30),
    )
    for schedule in schedules:
        assert isinstance(schedule(3), float)
        values = schedule(steps)
        assert values.shape == steps.shape
        np.testing.assert_allclose(values, [schedule(int(s)) for s in steps])
        assert np.all(values >= 0)
    steps = np.array([0, 9, 10, 19, 20])
    np.testing.assert_allclose(step_decay(0.1, 0.5, every=10)(steps), [0.1, 0.1, 0.05, 0.05, 0.025])
    assert constant(0.3)(1000) == 0.3
    assert exponential_decay(0.1, 0.5, 10)(10) == pytest.approx(0.05)
    assert exponential_decay(0.1, 0.5, 10, staircase=True)(19) == pytest.approx(0.05)


def test_schedule_boundary_values():
    step = step_decay(0.1, 0.5, every=3)
    assert [step(t) for t in (0, 2, 3, 5, 6)] == [0.1, 0.1, 0.05, 0.05, 0.025]
    assert step_decay(0.1, 1, every=1)(50) == 0.1  # drop = 1: a constant rate, allowed
    stairs = exponential_decay(0.1, 0.5, 10, staircase=True)
    assert [stairs(t) for t in (0, 9, 10, 19, 20)] == [0.1, 0.1, 0.05, 0.05, 0.025]
    assert exponential_decay(0.1, 0.5, 10)(5) == pytest.approx(0.1 * 0.5**0.5)  # smooth
    assert exponential_decay(0.1, 2.0, 10)(10) == pytest.approx(0.2)  # a rate above 1 grows
    cosine = cosine_decay(0.1, 10, alpha=0.2)
    assert cosine(0) == 0.1
    assert cosine(5) == pytest.approx(0.1 * (0.2 + 0.8 * 0.5))  # half-way: the middle
    assert cosine(10) == pytest.approx(0.02) and cosine(25) == pytest.approx(0.02)  # then flat
    assert cosine_decay(0.1, 10, alpha=1)(7) == pytest.approx(0.1)  # alpha = 1: constant
    assert cosine_decay(0.1, 10)(10) == 0.0 and cosine_decay(0.1, 10)(11) == 0.0
    with pytest.raises(ValueError, match=r"steps must be >= 0"):
        step(np.array([0, -1]))


def test_schedules_are_immutable_values():
    """A schedule cannot be changed once made (its repr and rates stay true), and can be
    used as a dictionary key."""
    from dlact.schedules import as_schedule

    for schedule in (
        constant(0.1),
        step_decay(0.1, 0.5, every=2),
        exponential_decay(0.1, 0.5, 10),
        cosine_decay(0.1, 10),
        as_schedule(lambda step: 0.1),
    ):
        with pytest.raises(dataclasses.FrozenInstanceError):
            schedule.initial = 1.0
        assert {schedule: 1}[schedule] == 1
    cosine = cosine_decay(0.1, 10)
    assert repr(as_schedule(cosine)) == repr(cosine)  # the checked schedule shows the original


def test_a_schedule_without_a_rate_says_so():
    from dlact.schedules import Schedule

    with pytest.raises(NotImplementedError):
        Schedule()(1)


def test_schedule_reprs_are_readable():
    assert repr(constant(0.1)) == "constant(0.1)"
    assert repr(step_decay(0.1, 0.5, every=10)) == "step_decay(initial=0.1, drop=0.5, every=10)"
    assert (
        repr(exponential_decay(0.1, 0.96, 100))
        == "exponential_decay(initial=0.1, decay_rate=0.96, decay_steps=100.0)"
    )
    assert repr(cosine_decay(0.1, 50)) == "cosine_decay(initial=0.1, decay_steps=50.0, alpha=0.0)"
    assert (
        repr(exponential_decay(0.1, 0.5, 10, staircase=True))
        == "exponential_decay(initial=0.1, decay_rate=0.5, decay_steps=10.0, staircase=True)"
    )


def test_gradient_descent_uses_the_schedule_per_step():
    x, y = bgd_example_data(n=6)
    schedule = step_decay(0.02, 0.5, every=4)
    trace = stochastic_gradient_descent(
        squared_error_grad, [0, 0], x, y, learning_rate=schedule, epochs=2, shuffle=False
    )
    np.testing.assert_allclose(trace.learning_rates, schedule(np.arange(12)))
    updates = trace.learning_rates[:, None] * trace.gradients
    np.testing.assert_allclose(trace.params[1:], trace.params[:-1] - updates)

    def by_hand(step):
        return 0.02 * 0.5 ** (step // 4)

    plain = stochastic_gradient_descent(
        squared_error_grad, [0, 0], x, y, learning_rate=by_hand, epochs=2, shuffle=False
    )
    assert_same_run(trace, plain)


# --------------------------------------------------------------------------
# descend: gradient descent on a function
# --------------------------------------------------------------------------


def square_grad(x):
    return 2 * x  # f(x) = x^2


def test_descend_converges_for_a_small_learning_rate():
    path = descend(square_grad, 1.0, learning_rate=0.1, steps=100)
    assert path.shape == (101, 1)
    assert not has_diverged(path)
    assert np.all(path > 0) and np.all(np.diff(path[:, 0]) < 0)  # straight down one side
    assert abs(path[-1, 0]) < 1e-8


def test_descend_oscillates_but_converges_for_0_9():
    path = descend(square_grad, 1.0, learning_rate=0.9, steps=100)[:, 0]
    assert not has_diverged(path)
    assert np.all(np.sign(path[1:]) == -np.sign(path[:-1]))  # jumps across the minimum
    assert np.all(np.abs(path[1:]) < np.abs(path[:-1]))
    assert abs(path[-1]) < 1e-8


def test_descend_diverges_cleanly_for_1_1():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = descend(square_grad, 1.0, learning_rate=1.1, steps=200)
    assert path.shape == (201, 1)
    assert has_diverged(path)
    reached = path[~np.isnan(path[:, 0]), 0]
    assert 1 < len(reached) < 201
    assert np.all(np.abs(reached[1:]) > np.abs(reached[:-1]))  # growing
    assert np.all(np.isnan(path[len(reached) :]))  # marked, not garbage


def test_descend_stops_before_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            # f(x) = 2.5 x^4: the iterates grow like 10^(3^t) and overflow to inf within 10 steps
            path = descend(lambda x: 10 * x**3, 10.0, learning_rate=1.0, steps=50, max_norm=np.inf)
    assert has_diverged(path)
    assert np.all(np.isfinite(path[:3])) and np.all(np.isnan(path[-40:]))


def test_descend_in_two_dimensions_with_a_schedule():
    grad = lambda theta: np.array([2 * theta[0], 20 * theta[1]])  # noqa: E731  f = x^2 + 10 y^2
    path = descend(grad, [1.0, 1.0], learning_rate=exponential_decay(0.09, 0.5, 50), steps=200)
    assert path.shape == (201, 2)
    np.testing.assert_allclose(path[-1], [0, 0], atol=1e-3)


# --------------------------------------------------------------------------
# Error messages
# --------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), "fast"])
def test_learning_rate_must_be_positive(lr):
    x, y = bgd_example_data()
    message = rf"learning_rate must be a positive number or a schedule.*got {lr!r}"
    with pytest.raises(ValueError, match=message):
        batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=lr)
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        descend(square_grad, 1.0, learning_rate=lr, steps=3)


@pytest.mark.parametrize("rate", [-0.1, float("inf"), float("nan")])
def test_schedule_must_give_finite_non_negative_rates(rate):
    x, y = bgd_example_data()
    with pytest.raises(ValueError, match=rf"gave {rate!r} at step 0; need a finite number >= 0"):
        batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=lambda step: rate)
    late = lambda step: 0.1 if step < 2 else rate  # noqa: E731
    with pytest.raises(ValueError, match=rf"gave {rate!r} at step 2"):
        batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=late, epochs=3)


def test_cosine_decay_runs_past_its_decay_steps():
    """With its default alpha = 0 the rate reaches 0 at decay_steps, as Keras's CosineDecay
    does; the descent goes on with steps of size 0, so the parameters stay put."""
    x, y = bgd_example_data(n=4)
    schedule = cosine_decay(0.05, decay_steps=4)
    trace = stochastic_gradient_descent(
        squared_error_grad, [0, 0], x, y, learning_rate=schedule, epochs=2, shuffle=False
    )
    assert len(trace) == 8
    np.testing.assert_allclose(
        trace.learning_rates[:4], 0.05 * 0.5 * (1 + np.cos(np.pi * np.arange(4) / 4))
    )
    np.testing.assert_array_equal(trace.learning_rates[4:], 0.0)
    np.testing.assert_array_equal(trace.params[4:], np.repeat(trace.params[4:5], 5, axis=0))
    assert not np.array_equal(trace.params[4], trace.params[0])  # it moved before
    path = descend(square_grad, 1.0, learning_rate=cosine_decay(0.1, decay_steps=3), steps=6)
    assert not has_diverged(path)
    np.testing.assert_array_equal(path[3:, 0], path[3, 0])


@pytest.mark.parametrize("batch_size", [0, 4, -1, 1.5, True])
def test_batch_size_out_of_range(batch_size):
    x, y = bgd_example_data()
    message = (
        r"batch_size must be an integer between 1 and the number of examples \(3\), "
        rf"got {batch_size!r}"
    )
    with pytest.raises(ValueError, match=message):
        minibatch_gradient_descent(
            squared_error_grad, [0, 0], x, y, batch_size=batch_size, learning_rate=0.1
        )


def test_other_bad_inputs_say_what_was_wrong():
    x, y = bgd_example_data()
    with pytest.raises(ValueError, match=r"same number of examples, got len\(X\)=3 and len\(y\)=2"):
        batch_gradient_descent(squared_error_grad, [0, 0], x, y[:2], learning_rate=0.1)
    with pytest.raises(ValueError, match=r"order holds indices outside 0..2"):
        stochastic_gradient_descent(
            squared_error_grad, [0, 0], x, y, learning_rate=0.1, order=[0, 3]
        )
    with pytest.raises(ValueError, match=r"epochs must be a non-negative integer, got -1"):
        batch_gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.1, epochs=-1)
    wrong_shape = r"grad_fn returned a gradient of shape \(3,\); expected \(2,\)"
    with pytest.raises(ValueError, match=wrong_shape):
        batch_gradient_descent(lambda t, x, y: np.zeros(3), [0, 0], x, y, learning_rate=0.1)
    with pytest.raises(ValueError, match=r"theta must be the pair \(w, b\), got shape \(3,\)"):
        squared_error_grad([0, 0, 0], x, y)
    with pytest.raises(ValueError, match=r"x and y must be 1-D of the same length"):
        squared_error_loss([0, 0], x, y[:2])
    with pytest.raises(ValueError, match=r"steps must be a non-negative integer"):
        descend(square_grad, 1.0, learning_rate=0.1, steps=-2)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: step_decay(0.1, 1.5, every=10), r"drop must be in \(0, 1\], got 1.5"),
        (lambda: step_decay(0.1, 0, every=10), r"drop must be in \(0, 1\], got 0"),
        (lambda: step_decay(0.1, 0.5, every=2.5), r"every must be a positive integer, got 2.5"),
        (lambda: step_decay(0, 0.5, every=2), r"initial must be a positive number, got 0"),
        (lambda: exponential_decay(0.1, 0, 10), r"decay_rate must be a positive number, got 0"),
        (lambda: exponential_decay(0.1, -0.5, 10), r"decay_rate must be a positive number"),
        (lambda: cosine_decay(0.1, 10, alpha=-0.1), r"alpha must be in \[0, 1\], got -0.1"),
        (lambda: cosine_decay(0.1, 0), r"decay_steps must be a positive number, got 0"),
        (lambda: cosine_decay(0, 10), r"initial must be a positive number, got 0"),
        (lambda: constant(0), r"learning_rate must be a positive number, got 0"),
        (lambda: constant(True), r"learning_rate must be a positive number, got True"),
        (lambda: constant(float("inf")), r"learning_rate must be a positive number, got inf"),
        (lambda: step_decay(0.1, 0.5, every=0), r"every must be a positive integer, got 0"),
        (lambda: exponential_decay(0.1, 0.5, 0), r"decay_steps must be a positive number, got 0"),
        (lambda: exponential_decay(-0.1, 0.5, 10), r"initial must be a positive number, got -0.1"),
        (lambda: cosine_decay(0.1, 10, alpha=2), r"alpha must be in \[0, 1\], got 2"),
        (lambda: constant(0.1)(-1), r"steps must be >= 0, got -1"),
    ],
)
def test_schedule_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("order", "message"),
    [
        ([], "order must be a non-empty sequence of integer example indices, got array"),
        ([0.5, 1.0], "order must be a non-empty sequence of integer example indices"),
        ([[0, 1]], "order must be a non-empty sequence"),
        ([-1, 0], r"order holds indices outside 0..2 \(there are 3 examples\): \[-1, 0\]"),
        ([0, 3], r"order holds indices outside 0..2"),
    ],
)
def test_order_must_name_examples(order, message):
    x, y = bgd_example_data()
    for run in (stochastic_gradient_descent, minibatch_gradient_descent):
        kwargs = {"batch_size": 1} if run is minibatch_gradient_descent else {}
        with pytest.raises(ValueError, match=message):
            run(squared_error_grad, [0, 0], x, y, learning_rate=0.1, order=order, **kwargs)


def test_an_order_may_repeat_or_skip_examples():
    x, y = bgd_example_data(n=5)
    trace = minibatch_gradient_descent(
        squared_error_grad, [0, 0], x, y, batch_size=2, learning_rate=0.01, order=[4, 4, 0]
    )
    assert [s.indices for s in trace.steps] == [(4, 4), (0,)]
    # the batch is at most the examples an epoch visits
    with pytest.raises(ValueError, match=r"between 1 and the number of examples \(3\), got 4"):
        minibatch_gradient_descent(
            squared_error_grad, [0, 0], x, y, batch_size=4, learning_rate=0.01, order=[4, 4, 0]
        )
    whole = gradient_descent(squared_error_grad, [0, 0], x, y, learning_rate=0.01, order=[1, 3])
    assert [s.indices for s in whole.steps] == [(1, 3)]  # one batch of the ordered examples


ALGORITHMS = {
    "batch": batch_gradient_descent,
    "stochastic": stochastic_gradient_descent,
    "mini-batch": lambda *args, **kwargs: minibatch_gradient_descent(*args, batch_size=2, **kwargs),
    "general": gradient_descent,
}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("epochs", [1.5, True, "2", None])
def test_epochs_must_be_a_whole_number(algorithm, epochs):
    x, y = bgd_example_data()
    with pytest.raises(ValueError, match=rf"epochs must be a non-negative integer, got {epochs!r}"):
        ALGORITHMS[algorithm](squared_error_grad, [0, 0], x, y, learning_rate=0.1, epochs=epochs)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_lists_and_pandas_with_any_index(algorithm):
    """Examples are taken by position: a pandas index that is not 0, 1, ... is ignored."""
    x, y = bgd_example_data(n=4)
    run = ALGORITHMS[algorithm]
    kwargs = {"learning_rate": 0.01, "epochs": 2, "shuffle": False}
    if algorithm == "batch":
        del kwargs["shuffle"]
    expected = run(squared_error_grad, [0, 0], x, y, **kwargs)
    from_lists = run(squared_error_grad, [0, 0], x.tolist(), y.tolist(), **kwargs)
    index = [10, 11, 12, 13]
    from_pandas = run(
        squared_error_grad, [0, 0], pd.Series(x, index=index), pd.Series(y, index=index), **kwargs
    )
    assert_same_run(from_lists, expected)
    assert_same_run(from_pandas, expected)
    with pytest.raises(ValueError, match="X and y must hold one row per example, got a scalar"):
        run(squared_error_grad, [0, 0], x, 1.0, **kwargs)


def test_an_epoch_is_shuffled_by_default():
    order = epoch_examples(10, np.random.default_rng(0))
    assert sorted(order.tolist()) == list(range(10)) and order.tolist() != list(range(10))
    assert epoch_examples(3, np.random.default_rng(0), order=[2, 2]).tolist() == [2, 2]


def test_numpy_integers_and_floats_are_numbers():
    x, y = bgd_example_data(n=4)
    trace = minibatch_gradient_descent(
        squared_error_grad,
        [0, 0],
        x,
        y,
        batch_size=np.int64(2),
        epochs=np.int32(2),
        learning_rate=np.float32(0.01),
        shuffle=False,
    )
    assert len(trace) == 4
    assert trace.learning_rates[0] == pytest.approx(0.01)


def test_data_must_hold_examples():
    with pytest.raises(ValueError, match="one row per example, got a scalar"):
        batch_gradient_descent(squared_error_grad, [0, 0], 1.0, [1.0], learning_rate=0.1)
    with pytest.raises(ValueError, match="one row per example, got a scalar"):
        batch_gradient_descent(squared_error_grad, [0, 0], [1.0], 1.0, learning_rate=0.1)
    with pytest.raises(ValueError, match="X and y are empty: need at least one example"):
        batch_gradient_descent(squared_error_grad, [0, 0], [], [], learning_rate=0.1)
    with pytest.raises(
        ValueError, match=r"theta0 must be a flat vector of parameters, got shape \(1, 2\)"
    ):
        batch_gradient_descent(squared_error_grad, [[0, 0]], [1.0], [1.0], learning_rate=0.1)


def test_a_dataframe_of_features():
    """Features in a DataFrame (one column per feature), the target a Series."""
    X = pd.DataFrame({"a": [1.0, 0.0, 1.0], "b": [0.0, 1.0, 1.0]})
    y = pd.Series([1.0, 2.0, 3.0])
    trace = batch_gradient_descent(
        least_squares_grad, [0, 0], X, y, learning_rate=0.1, loss_fn=least_squares_loss
    )
    # at w = 0: the gradient is -2 y X / n = -2 (1 + 3, 2 + 3) / 3
    np.testing.assert_allclose(trace.steps[0].gradient, [-8 / 3, -10 / 3])
    assert trace.losses[0] == pytest.approx((1 + 4 + 9) / 3)


def test_linear_inputs_must_be_pairs_of_vectors():
    with pytest.raises(
        ValueError, match=r"x and y must be 1-D .*x.shape=\(2, 1\) and y.shape=\(2, 1\)"
    ):
        squared_error_loss([0, 0], [[1.0], [2.0]], [[1.0], [2.0]])
    with pytest.raises(ValueError, match=r"theta must be the pair \(w, b\), got shape \(1,\)"):
        linear_predict([1.0], [1.0])
    with pytest.raises(
        ValueError, match=r"w and b must have the same shape, got \(2,\) and \(3,\)"
    ):
        squared_error_surface(np.zeros(2), np.zeros(3), [1.0], [1.0])


def test_the_loss_surface_is_the_loss_at_each_point():
    W, B = np.meshgrid([0.0, 1.0, 2.0], [-1.0, 0.5])
    x, y = np.array([1.0, 2.0, 4.0]), np.array([1.0, 3.0, 2.0])
    surface = squared_error_surface(W, B, x, y)
    assert surface.shape == (2, 3)
    for i, j in np.ndindex(surface.shape):
        assert surface[i, j] == squared_error_loss([W[i, j], B[i, j]], x, y)
    lists = squared_error_surface(W.tolist(), B.tolist(), x.tolist(), y.tolist())
    np.testing.assert_array_equal(lists, surface)
    with pytest.raises(ValueError, match="x and y must be 1-D of the same length"):
        squared_error_surface(W, B, x, y[:2])


def test_the_table_keeps_the_given_x():
    table = linear_regression_table([1.0, 0.0], [1, 2], [1.0, 2.5])
    assert table["x"].tolist() == [1, 2] and table["x"].dtype.kind == "i"
    np.testing.assert_allclose(table["dL/dw"], [0.0, 2 * (2 - 2.5) * 2])


def test_gd_path_takes_exactly_the_steps_asked_for():
    x, y = bgd_example_data(n=6)
    path, batches = gd_path(
        squared_error_grad, [0, 0], x, y, learning_rate=0.01, steps=5, batch_size=4, seed=1
    )
    assert path.shape == (6, 2)
    assert [len(b) for b in batches] == [4, 2, 4, 2, 4]  # three epochs, the last one cut short
    assert all(list(b) == sorted(b) for b in batches)
    assert sorted(np.concatenate(batches[:2]).tolist()) == list(range(6))
    trace = gradient_descent(
        squared_error_grad, [0, 0], x, y, learning_rate=0.01, epochs=3, batch_size=4, seed=1
    )
    np.testing.assert_array_equal(path, trace.params[:6])
    one, _ = gd_path(squared_error_grad, [0, 0], x, y, learning_rate=0.01, steps=1, batch_size=6)
    assert one.shape == (2, 2)
    for steps in (0, 1.5):
        with pytest.raises(ValueError, match=rf"steps must be a positive integer, got {steps!r}"):
            gd_path(squared_error_grad, [0, 0], x, y, learning_rate=0.01, steps=steps, batch_size=2)


def test_sgd_learning_curve_by_epoch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    y = X @ [1.0, -1.0]
    epochs, losses, blew_up = sgd_learning_curve(X, y, 0.05, epochs=3, seed=1)
    assert epochs.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert losses[0] == least_squares_loss(np.zeros(2), X, y)
    trace = stochastic_gradient_descent(
        least_squares_grad,
        np.zeros(2),
        X,
        y,
        learning_rate=0.05,
        epochs=3,
        seed=1,
        loss_fn=least_squares_loss,
    )
    # epoch k: the mean loss of the examples seen during that epoch, as Keras reports it
    np.testing.assert_allclose(losses[1:], trace.losses.reshape(3, 20).mean(axis=1))
    assert blew_up is False


def test_sgd_learning_curve_stops_where_it_blows_up():
    """The curve stops at the first example whose loss exceeds blow_up times the initial
    loss; its last point is the mean loss of that epoch so far, at the fraction done."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    y = X @ [1.0, -1.0]
    epochs, losses, blew_up = sgd_learning_curve(X, y, 3.0, epochs=5, seed=1)
    assert blew_up is True
    with np.errstate(over="ignore", invalid="ignore"):
        seen = stochastic_gradient_descent(
            least_squares_grad,
            np.zeros(2),
            X,
            y,
            learning_rate=3.0,
            epochs=5,
            seed=1,
            loss_fn=least_squares_loss,
        ).losses
    first = int(np.argmax(seen > 1000 * losses[0]))  # the example that blew up
    done, into = divmod(first + 1, 20)
    assert epochs[-1] == done + into / 20 and into > 0  # part-way through an epoch
    assert len(epochs) == done + 2
    assert losses[-1] == pytest.approx(np.mean(seen[done * 20 : first + 1]))
    assert np.all(np.isfinite(losses))
    # a higher threshold lets it run on for longer
    later, _, _ = sgd_learning_curve(X, y, 3.0, epochs=5, seed=1, blow_up=1e6)
    assert later[-1] > epochs[-1]


def test_sgd_learning_curve_blows_up_beyond_1000_times_the_initial_loss():
    """One example, y = 1 at x = 1, from w = 0: the loss before step k is (1 - 2 lr)^(2k)
    times the initial loss 1; the curve stops at the first that exceeds the threshold."""
    X, y = np.array([[1.0]]), np.array([1.0])
    # step 1's loss is 1000.5 times the initial one: beyond the default 1000
    lr = (1 + np.sqrt(1000.5)) / 2
    epochs, losses, blew_up = sgd_learning_curve(X, y, lr, epochs=3, seed=0)
    assert blew_up is True and epochs.tolist() == [0.0, 1.0, 2.0]
    assert losses[-1] == pytest.approx(1000.5)
    # exactly 4 times (lr = 1.5: w = 3, loss 4) is not beyond a threshold of 4; 16 is
    epochs, losses, _ = sgd_learning_curve(X, y, 1.5, epochs=4, seed=0, blow_up=4.0)
    assert epochs.tolist() == [0.0, 1.0, 2.0, 3.0] and losses.tolist() == [1.0, 1.0, 4.0, 16.0]


def test_descend_stops_as_soon_as_the_norm_exceeds_max_norm():
    climb = lambda x: -1.0  # noqa: E731  each step adds the learning rate
    path = descend(climb, 999_999.0, learning_rate=1.0, steps=3)  # default max_norm 1e6
    assert path[1, 0] == 1e6  # at the bound: not beyond it
    assert np.isnan(path[2:, 0]).all()
    path = descend(climb, [3.0, 4.0], learning_rate=1.0, steps=2, max_norm=5.0)
    assert np.isnan(path[1]).all()  # |(4, 5)| > 5: stopped at once
    assert has_diverged(path)
    assert descend(climb, 1.0, learning_rate=1.0, steps=0).tolist() == [[1.0]]
    for steps in (2.5, True, -1):
        with pytest.raises(
            ValueError, match=rf"steps must be a non-negative integer, got {steps!r}"
        ):
            descend(climb, 1.0, learning_rate=1.0, steps=steps)


def test_gd_iterates_stop_where_they_leave_the_range():
    # x_{k+1} = x_k - 1.5 * 2 x_k = -2 x_k: 1, -2, 4, -8, ...
    xs, left = gd_iterates(square_grad, 1.0, learning_rate=1.5, steps=10, x_range=(-5, 5))
    assert xs.tolist() == [1.0, -2.0, 4.0] and left == 3
    xs, left = gd_iterates(square_grad, 1.0, learning_rate=1.5, steps=10, x_range=(-8, 8))
    assert xs.tolist() == [1.0, -2.0, 4.0, -8.0] and left == 4  # the bounds are inside
    xs, left = gd_iterates(square_grad, 1.0, learning_rate=1.5, steps=5)  # no range: all steps
    assert xs.tolist() == [1.0, -2.0, 4.0, -8.0, 16.0, -32.0] and left is None
    xs, left = gd_iterates(square_grad, 1.0, learning_rate=0.25, steps=3, x_range=(-5, 5))
    assert xs.tolist() == [1.0, 0.5, 0.25, 0.125] and left is None
    # both ends of the range are inside: 8, -8, 8, ... never leaves [-8, 8]
    xs, left = gd_iterates(square_grad, 8.0, learning_rate=1.0, steps=4, x_range=(-8, 8))
    assert xs.tolist() == [8.0, -8.0, 8.0, -8.0, 8.0] and left is None
    # a start outside the range still takes its first step, whatever its number type
    xs, left = gd_iterates(square_grad, 10.0, learning_rate=0.25, steps=2, x_range=(-5, 5))
    assert xs.tolist() == [10.0, 5.0, 2.5] and left is None
    xs, left = gd_iterates(
        square_grad, Fraction(1, 10), learning_rate=0.25, steps=2, x_range=(0.01, 0.09)
    )
    assert xs.tolist() == [0.1, 0.05, 0.025] and left is None


def test_gd_iterates_stop_at_an_overflow():
    climb = lambda x: -np.exp(x)  # noqa: E731
    with np.errstate(over="ignore", invalid="ignore"):
        xs, left = gd_iterates(climb, 700.0, learning_rate=1.0, steps=5)
    assert xs.tolist() == [700.0, 700.0 + np.exp(700.0)]  # the next step overflows
    assert left == 2


def test_module_has_no_import_time_state():
    state = (np.random.Generator, np.random.RandomState, np.ndarray)
    assert not [name for name, value in vars(gd).items() if isinstance(value, state)]


def test_contour_lines_lie_on_levels_that_crowd_near_the_minimum():
    """Level k of n is the lowest loss plus ((k + 1) / (n + 1))**2 of the range, and
    every point of its lines has that loss (to the grid's interpolation)."""
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 7.0])
    # a rectangle away from the optimum (w, b) = (2.5, -0.67): its lowest loss is far from 0
    w_range, b_range = (3.0, 5.0), (1.0, 3.0)
    w, b = np.meshgrid(np.linspace(*w_range, 120), np.linspace(*b_range, 120))
    surface = squared_error_surface(w, b, x, y)
    low, high = surface.min(), surface.max()
    assert low > 1.0
    lines = squared_error_contours(x, y, w_range, b_range, levels=4)
    assert len(lines) == 4
    for k, segments in enumerate(lines):
        level = low + (high - low) * ((k + 1) / 5) ** 2
        points = np.concatenate(segments)
        losses = squared_error_surface(points[:, 0], points[:, 1], x, y)
        np.testing.assert_allclose(losses, level, rtol=0.01)


def test_contours_default_to_twelve_levels_on_a_120_point_grid():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 7.0])
    ranges = ((0.0, 4.0), (-2.0, 2.0))
    default = squared_error_contours(x, y, *ranges)
    assert len(default) == 12
    explicit = squared_error_contours(x, y, *ranges, levels=12, num=120)
    finer = squared_error_contours(x, y, *ranges, levels=12, num=121)
    for a, b, c in zip(default, explicit, finer, strict=True):
        np.testing.assert_array_equal(np.concatenate(a), np.concatenate(b))
        assert np.concatenate(a).shape != np.concatenate(c).shape or not np.array_equal(
            np.concatenate(a), np.concatenate(c)
        )
