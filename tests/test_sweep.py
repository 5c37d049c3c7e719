"""plot_weight_sweep: quantities against one weight, one panel each."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlact.figures.sweep import plot_weight_sweep  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_draws_each_curve_on_its_own_panel():
    w = np.linspace(-1, 1, 5)
    result = plot_weight_sweep(w, {"a": w**2, "b": np.sign(w)}, xlabel="$w$", mark=0.5)
    assert len(result.axes) == 2
    for a, (name, values) in zip(result.axes, result.curves.items(), strict=True):
        line = a.get_lines()[0]
        assert np.allclose(line.get_xdata(), w)
        assert np.allclose(line.get_ydata(), values)
        assert a.get_ylabel() == name
        assert a.get_lines()[1].get_xdata()[0] == 0.5  # the mark
    assert result.axes[-1].get_xlabel() == "$w$"
    assert result.marked == 0.5
    assert "curves=['a', 'b']" in repr(result)


def test_uses_given_axes():
    fig, axs = plt.subplots(2)
    result = plot_weight_sweep([0, 1], {"a": [1, 2], "b": [3, 4]}, ax=axs)
    assert result.figure_ is fig and result.ax is axs[0]


@pytest.mark.parametrize(
    ("weights", "curves", "message"),
    [
        ([0, 1], {}, "non-empty"),
        ([0, 1], {"a": [1, 2, 3]}, "3 values for 2 weights"),
        ([1, 0], {"a": [1, 2]}, "increasing"),
        ([0, 1], {"a": [1, np.nan]}, "NaN"),
        (["x", "y"], {"a": [1, 2]}, "numbers"),
    ],
)
def test_bad_input_is_refused(weights, curves, message):
    with pytest.raises(ValueError, match=message):
        plot_weight_sweep(weights, curves)


def test_wrong_number_of_axes():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="needs 2 Axes"):
        plot_weight_sweep([0, 1], {"a": [1, 2], "b": [3, 4]}, ax=ax)
