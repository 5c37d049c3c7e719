"""Tests of dlact.gd: the lecture's SGD and BGD examples, equivalences, schedules, errors."""

from __future__ import annotations

import dataclasses
import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dlact import gd
from dlact.gd import (
    batch_gradient_descent,
    gradient_descent,
    minibatch_gradient_descent,
    stochastic_gradient_descent,
)
from dlact.landscapes import descend, has_diverged
from dlact.linreg import (
    bgd_example_data,
    linear_predict,
    linear_regression_table,
    squared_error_grad,
    squared_error_loss,
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
    assert not trace.diverged


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


def test_schedule_reprs_are_readable():
    assert repr(constant(0.1)) == "constant(0.1)"
    assert repr(step_decay(0.1, 0.5, every=10)) == "step_decay(initial=0.1, drop=0.5, every=10)"
    assert (
        repr(exponential_decay(0.1, 0.96, 100))
        == "exponential_decay(initial=0.1, decay_rate=0.96, decay_steps=100.0)"
    )
    assert repr(cosine_decay(0.1, 50)) == "cosine_decay(initial=0.1, decay_steps=50.0, alpha=0.0)"


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


def test_module_has_no_import_time_state():
    state = (np.random.Generator, np.random.RandomState, np.ndarray)
    assert not [name for name, value in vars(gd).items() if isinstance(value, state)]
