"""Listings of the library's real code and worked-update equations."""

from __future__ import annotations

import numpy as np
import pytest

from dlact.gd import (
    batch_gradient_descent,
    minibatch_gradient_descent,
    stochastic_gradient_descent,
)
from dlact.linreg import squared_error_grad
from dlact.site.display import format_number, source_listing, update_equation


@pytest.mark.parametrize(
    "func", [batch_gradient_descent, stochastic_gradient_descent, minibatch_gradient_descent]
)
def test_listing_is_the_loop_of_the_real_function(func):
    listing = source_listing(func)
    lines = listing.splitlines()
    assert lines[0] == "```python" and lines[-1] == "```"
    assert lines[1].startswith("for epoch in range(epochs):")
    assert "weights = weights - eta * gradient" in listing
    # every listed line is in the function's source, in order
    import inspect

    source = inspect.getsource(func)
    position = 0
    for line in lines[1:-1]:
        position = source.index(line.strip(), position)


def test_listing_stop_and_errors():
    listing = source_listing(batch_gradient_descent, stop="return")
    assert "return" not in listing
    with pytest.raises(ValueError, match="starts with 'while '"):
        source_listing(batch_gradient_descent, start="while ")
    with pytest.raises(ValueError, match="cannot read the source"):
        source_listing(len)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.7320000000000002, "2.732"),
        (-0.0, "0"),
        (-223.2, "-223.2"),
        (0.5, "0.5"),
        (25, "25"),
        (1e-9, "0"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_update_equation_of_the_lectures_second_sgd_step():
    theta1 = np.array([0.5, 0.1])
    gradient = squared_error_grad(theta1, [9], [17])
    text = update_equation(theta1, gradient, 0.01, t=1)
    assert text.startswith("$$\n") and text.endswith("\n$$")
    assert r"\theta_{2} &= \theta_{1}" in text
    assert r"\begin{pmatrix} -223.2 \\ -24.8 \end{pmatrix}" in text
    assert r"\begin{pmatrix} 2.232 \\ 0.248 \end{pmatrix}" in text
    assert r"\begin{pmatrix} 2.732 \\ 0.348 \end{pmatrix} ." in text


def test_update_equation_checks_shapes():
    with pytest.raises(ValueError, match="same length"):
        update_equation([0, 0], [1, 2, 3], 0.1)
