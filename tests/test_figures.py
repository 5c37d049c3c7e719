"""The plot styles and the figure functions: each draws what it claims, in both styles."""

from __future__ import annotations

import math
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from scipy.optimize import minimize_scalar  # noqa: E402

from dlact import style  # noqa: E402
from dlact.figures import (  # noqa: E402
    plot_classifier_network,
    plot_gd_paths,
    plot_history,
    plot_learning_curves_by_rate,
    plot_loss_landscape,
    plot_lr_schedules,
    plot_minibatch_paths,
    plot_mse_vs_cross_entropy,
    plot_sigmoid,
    plot_softmax,
)
from dlact.landscapes import landscape_loss  # noqa: E402
from dlact.style import use_style  # noqa: E402


@pytest.fixture(params=["book", "slides"])
def style_name(request):
    """Each test using it runs once per style; matplotlib's settings are restored after."""
    with mpl.rc_context():
        yield use_style(request.param)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def lines_with_data(ax):
    """The Line2D objects of an Axes that hold more than one point."""
    return [line for line in ax.get_lines() if len(np.atleast_1d(line.get_xdata())) > 1]


# --------------------------------------------------------------------------- style


def test_use_style_applies_and_returns_the_name():
    with mpl.rc_context():
        assert use_style("book") == "book"
        assert mpl.rcParams["font.size"] == pytest.approx(11)
        assert tuple(mpl.rcParams["figure.figsize"]) == pytest.approx((6.5, 4.0))
        assert use_style("slides") == "slides"
        assert 18 <= mpl.rcParams["font.size"] <= 20
        assert tuple(mpl.rcParams["figure.figsize"]) == pytest.approx((10.0, 4.2))
        assert use_style(" Slides ") == "slides"


def test_slides_have_larger_type_and_thicker_lines_than_book():
    book, slides = style.rc_params("book"), style.rc_params("slides")
    for key in (
        "font.size",
        "axes.labelsize",
        "axes.titlesize",
        "xtick.labelsize",
        "legend.fontsize",
        "lines.linewidth",
    ):
        assert slides[key] > book[key], key
    assert slides["figure.figsize"][0] > book["figure.figsize"][0]


def test_slides_style_draws_larger_text_than_book_style():
    sizes = {}
    for name in ("book", "slides"):
        with mpl.rc_context():
            use_style(name)
            ax = plot_sigmoid().ax
            sizes[name] = (
                ax.xaxis.label.get_size(),
                ax.get_xticklabels()[0].get_size(),
                ax.get_legend().get_texts()[0].get_size(),
            )
            plt.close("all")
    assert all(s > b for s, b in zip(sizes["slides"], sizes["book"], strict=True))


def test_palette_is_the_colour_cycle():
    with mpl.rc_context():
        use_style("book")
        colours = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [c.lower() for c in colours] == [c.lower() for c in style.PALETTE]
    assert "#f0e442" not in [c.lower() for c in colours]  # yellow: too pale on white


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "book"),
        ({"QUARTO_PROFILE": "slides"}, "slides"),
        ({"QUARTO_PROFILE": "book"}, "book"),
        ({"QUARTO_PROFILE": "slides,draft"}, "slides"),
        ({"DLACT_STYLE": "book", "QUARTO_PROFILE": "slides"}, "book"),
        ({"DLACT_STYLE": "slides"}, "slides"),
        ({"DLACT_STYLE": "", "QUARTO_PROFILE": "slides"}, "slides"),
    ],
)
def test_style_name_from_environment(monkeypatch, env, expected):
    monkeypatch.delenv("DLACT_STYLE", raising=False)
    monkeypatch.delenv("QUARTO_PROFILE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert style.style_name() == expected
    with mpl.rc_context():
        assert use_style() == expected
        assert mpl.rcParams["font.size"] == style.STYLES[expected]["font.size"]


def test_unknown_style_names_the_choices(monkeypatch):
    with pytest.raises(ValueError, match=r"unknown plot style 'poster'.*\['book', 'slides'\]"):
        use_style("poster")
    monkeypatch.setenv("DLACT_STYLE", "poster")
    with pytest.raises(ValueError, match=r"DLACT_STYLE='poster'.*\['book', 'slides'\]"):
        style.style_name()
    with pytest.raises(ValueError, match="unknown plot style"):
        style.rc_params(3)


def test_importing_changes_nothing_and_loads_no_keras():
    code = (
        "import sys, matplotlib as mpl\n"
        "before = dict(mpl.rcParams)\n"
        "import dlact.style, dlact.figures\n"
        "assert dict(mpl.rcParams) == before, 'import changed rcParams'\n"
        "bad = [m for m in ('keras', 'torch', 'jax', 'tensorflow') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# --------------------------------------------------------------------------- common behaviour

SINGLE_AXES_FUNCTIONS = {
    "losses": lambda ax: plot_mse_vs_cross_entropy(ax=ax),
    "sigmoid": lambda ax: plot_sigmoid(ax=ax),
    "history": lambda ax: plot_history({"loss": [1.0, 0.5]}, ax=ax),
    "schedules": lambda ax: plot_lr_schedules({"c": lambda e: 0.1 + 0 * e}, 5, ax=ax),
    "learning curves": lambda ax: plot_learning_curves_by_rate(ax=ax, epochs=3),
    "landscape": lambda ax: plot_loss_landscape(ax=ax),
    "minibatch": lambda ax: plot_minibatch_paths(ax=ax, steps=5),
    "network": lambda ax: plot_classifier_network(ax=ax),
    "gd paths": lambda ax: plot_gd_paths(lambda x: x**2, lambda x: 2 * x, 1.0, [0.1], ax=ax),
}


@pytest.mark.parametrize("name", sorted(SINGLE_AXES_FUNCTIONS))
def test_draws_on_the_given_axes(style_name, name):
    fig, ax = plt.subplots()
    result = SINGLE_AXES_FUNCTIONS[name](ax)
    assert result.ax is ax
    assert result.figure_ is fig
    assert plt.get_fignums() == [fig.number]  # no other figure made
    assert len(repr(result)) < 200  # short repr: no arrays dumped in a notebook


@pytest.mark.parametrize("name", sorted(SINGLE_AXES_FUNCTIONS))
def test_rejects_something_that_is_not_an_axes(name):
    with pytest.raises(ValueError, match="ax must be"):
        SINGLE_AXES_FUNCTIONS[name]("not an axes")


ALL_FIGURES = {
    "losses": lambda: plot_mse_vs_cross_entropy().figure_,
    "sigmoid": lambda: plot_sigmoid().figure_,
    "softmax": lambda: (
        plot_softmax([5, -1, 6], labels=["setosa", "versicolor", "virginica"]).figure_
    ),
    "history": lambda: plot_history(HISTORY, restored_epoch=3, stopped_epoch=6).figure_,
    "history 2 metrics": lambda: (
        plot_history(HISTORY, ["loss", "accuracy"], restored_epoch=3).figure_
    ),
    "gd paths": lambda: (
        plot_gd_paths(square, d_square, -4.0, FOUR_RATES, labels=FOUR_LABELS).figure_
    ),
    "schedules": lambda: (
        plot_lr_schedules(
            {"constant": lambda e: 0.01 + 0 * e, "step decay": lambda e: 0.01 * 0.5 ** (e // 10)},
            40,
        ).figure_
    ),
    "learning curves": lambda: plot_learning_curves_by_rate().figure_,
    "landscape": lambda: plot_loss_landscape().figure_,
    "minibatch": lambda: plot_minibatch_paths().figure_,
    "network": lambda: plot_classifier_network().figure_,
}


@pytest.mark.parametrize("name", list(ALL_FIGURES))
def test_figure_renders_with_nothing_cut_off(style_name, name, recwarn):
    """Drawn at the style's size, every visible text lies inside the figure."""
    fig = ALL_FIGURES[name]()
    assert tuple(fig.get_size_inches()) == pytest.approx(
        tuple(mpl.rcParams["figure.figsize"]), rel=0.6
    )
    fig.canvas.draw()
    assert not [str(w.message) for w in recwarn if "layout" in str(w.message).lower()]
    # Everything drawn (labels, tick labels, titles, legends) fits in the figure.
    tight = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
    width, height = fig.get_size_inches()
    tolerance = 0.02  # inches
    assert tight.x0 >= -tolerance and tight.y0 >= -tolerance, (name, tight)
    assert tight.x1 <= width + tolerance and tight.y1 <= height + tolerance, (name, tight)


# --------------------------------------------------------------------------- losses


def test_mse_vs_cross_entropy_curves(style_name):
    result = plot_mse_vs_cross_entropy()
    p = result.p
    assert p.min() > 0 and p.max() == 1.0 and np.all(np.diff(p) > 0)
    np.testing.assert_allclose(result.squared_error, (1 - p) ** 2)
    np.testing.assert_allclose(result.cross_entropy, -np.log(p))
    se, ce = lines_with_data(result.ax)
    np.testing.assert_allclose(se.get_xdata(), p)
    np.testing.assert_allclose(se.get_ydata(), (1 - p) ** 2)
    np.testing.assert_allclose(ce.get_ydata(), -np.log(p))
    assert [t.get_text() for t in result.ax.get_legend().get_texts()] == [
        se.get_label(),
        ce.get_label(),
    ]
    assert "Squared error" in se.get_label() and "Cross-entropy" in ce.get_label()
    # Cross-entropy runs off the top (unbounded); squared error stays at most 1.
    assert result.cross_entropy.max() > result.ax.get_ylim()[1] > 1 >= result.squared_error.max()
    assert any("infty" in t.get_text() for t in result.ax.texts)
    assert result.ax.get_xlabel() and result.ax.get_ylabel() == "Loss"


def test_mse_vs_cross_entropy_bad_input():
    with pytest.raises(ValueError, match="num must be an integer >= 10"):
        plot_mse_vs_cross_entropy(num=3)
    with pytest.raises(ValueError, match="y_max must be a finite number > 1"):
        plot_mse_vs_cross_entropy(y_max=0.5)


# --------------------------------------------------------------------------- activations


def test_sigmoid_curve(style_name):
    result = plot_sigmoid(z_range=(-6, 4))
    z = result.z
    assert z[0] == -6 and z[-1] == 4
    np.testing.assert_allclose(result.sigma, 1 / (1 + np.exp(-z)))
    curve = max(lines_with_data(result.ax), key=lambda line: len(line.get_xdata()))
    np.testing.assert_allclose(curve.get_ydata(), 1 / (1 + np.exp(-np.asarray(curve.get_xdata()))))
    assert result.ax.get_xlim() == (-6, 4)


def test_sigmoid_is_stable_for_large_z():
    result = plot_sigmoid(z_range=(-800, 800))
    assert np.all(np.isfinite(result.sigma))
    assert result.sigma[0] == 0.0 and result.sigma[-1] == 1.0


@pytest.mark.parametrize(
    ("z_range", "message"),
    [
        ((5, -5), "low < high"),
        ((0, 0), "low < high"),
        (("a", 1), "must be a number"),
        ((1, 2, 3), "must be a pair"),
        ((0, np.inf), "must be finite"),
    ],
)
def test_sigmoid_bad_range(z_range, message):
    with pytest.raises(ValueError, match=rf"plot_sigmoid: z_range.*{message}"):
        plot_sigmoid(z_range=z_range)


def test_softmax_bars(style_name):
    result = plot_softmax([5, -1, 6], labels=["setosa", "versicolor", "virginica"])
    np.testing.assert_allclose(result.probabilities.sum(), 1.0)
    np.testing.assert_allclose(result.probabilities.round(3), [0.269, 0.001, 0.731])
    e = np.exp([5.0, -1.0, 6.0])
    np.testing.assert_allclose(result.probabilities, e / e.sum())
    ax_z, ax_p = result.axes
    assert [b.get_height() for b in ax_z.patches] == [5, -1, 6]
    np.testing.assert_allclose([b.get_height() for b in ax_p.patches], result.probabilities)
    assert sum(b.get_height() for b in ax_p.patches) == pytest.approx(1.0)
    assert [t.get_text() for t in ax_p.get_xticklabels()] == ["setosa", "versicolor", "virginica"]
    assert result.ax is ax_p


def test_softmax_large_logits_and_given_axes():
    fig, axs = plt.subplots(1, 2)
    result = plot_softmax(np.array([[1000.0, 0.0]]), ax=axs)
    np.testing.assert_allclose(result.probabilities, [1.0, 0.0], atol=1e-12)
    assert result.axes == tuple(axs) and result.figure_ is fig
    assert [t.get_text() for t in axs[0].get_xticklabels()] == ["class 1", "class 2"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"logits": [1.0]}, "at least 2 numbers"),
        ({"logits": [[1, 2], [3, 4]]}, "one vector"),
        ({"logits": [1.0, np.nan]}, "must be finite"),
        ({"logits": ["a", "b"]}, "must be numbers"),
        ({"logits": [1, 2], "labels": ["a"]}, "labels must have 2 entries"),
        ({"logits": [1, 2], "labels": "ab"}, "not one string"),
    ],
)
def test_softmax_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_softmax(**kwargs)


def test_softmax_needs_two_axes():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="pass two Axes"):
        plot_softmax([1, 2], ax=ax)
    _, axs = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="needs 2 Axes"):
        plot_softmax([1, 2], ax=axs)


# --------------------------------------------------------------------------- training

HISTORY = {
    "loss": [0.9, 0.6, 0.5, 0.45, 0.44, 0.43],
    "val_loss": [0.95, 0.7, 0.6, 0.62, 0.65, 0.7],
    "accuracy": [0.6, 0.7, 0.8, 0.82, 0.83, 0.84],
    "val_accuracy": [0.55, 0.7, 0.75, 0.74, 0.74, 0.73],
}


class FakeHistory:
    """Quacks like keras.callbacks.History."""

    def __init__(self, history):
        self.history = history


def vlines_at(ax):
    """x positions of the vertical lines (axvline) of an Axes."""
    return [
        line.get_xdata()[0]
        for line in ax.get_lines()
        if len(set(line.get_xdata())) == 1 and len(line.get_xdata()) == 2
    ]


@pytest.mark.parametrize("wrap", [dict, FakeHistory])
def test_history_curves(style_name, wrap):
    result = plot_history(wrap(HISTORY), restored_epoch=3, stopped_epoch=6)
    (ax,) = result.axes
    train, val = (line for line in ax.get_lines() if line.get_label() in ("training", "validation"))
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4, 5, 6])
    np.testing.assert_allclose(train.get_ydata(), HISTORY["loss"])
    np.testing.assert_allclose(val.get_ydata(), HISTORY["val_loss"])
    np.testing.assert_array_equal(result.epochs, np.arange(1, 7))
    assert set(result.series) == {"loss", "val_loss"}
    assert sorted(vlines_at(ax)) == [3, 6]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "restored (epoch 3)" in labels and "stopped (epoch 6)" in labels
    assert ax.get_xlabel() == "Epoch" and ax.get_ylabel() == "Loss"


def test_history_several_metrics(style_name):
    result = plot_history(HISTORY, ["loss", "accuracy"], restored_epoch=3)
    assert len(result.axes) == 2
    for ax, metric in zip(result.axes, ["loss", "accuracy"], strict=True):
        ys = [list(line.get_ydata()) for line in lines_with_data(ax) if line.get_label() != "_"]
        assert HISTORY[metric] in ys and HISTORY[f"val_{metric}"] in ys
        assert vlines_at(ax) == [3]
    assert result.axes[1].get_ylabel() == "Accuracy"
    assert result.figure_.legends  # one legend for both panels


def test_history_on_given_axes_and_without_validation():
    fig, axs = plt.subplots(1, 2)
    result = plot_history(
        {"loss": [3, 2, 1], "pr_auc": [0.1, 0.2, 0.3]}, ("loss", "pr_auc"), ax=axs
    )
    assert result.axes == tuple(axs)
    assert [len(lines_with_data(a)) for a in axs] == [1, 1]
    assert axs[1].get_ylabel() == "PR AUC"
    assert plt.get_fignums() == [fig.number]


@pytest.mark.parametrize(
    ("history", "kwargs", "message"),
    [
        (HISTORY, {"metrics": ["auc"]}, r"metric\(s\) \['auc'\] not in the history; it has \["),
        (HISTORY, {"restored_epoch": 7}, r"restored_epoch=7 is outside the 6 epochs"),
        (HISTORY, {"restored_epoch": 0}, "best_epoch \\+ 1"),
        (HISTORY, {"stopped_epoch": 2.5}, "must be an integer epoch"),
        (HISTORY, {"metrics": []}, "non-empty list"),
        ({"loss": [1, 2], "val_loss": [1]}, {}, "different lengths"),
        ({}, {}, "history is empty"),
        ([1, 2, 3], {}, "Keras History or a dict"),
    ],
)
def test_history_bad_input(history, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_history(history, **kwargs)


def test_history_wrong_number_of_axes():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="needs 2 Axes"):
        plot_history(HISTORY, ["loss", "accuracy"], ax=ax)


# --------------------------------------------------------------------------- gradient descent paths


def square(x):
    return x**2


def d_square(x):
    return 2 * x


FOUR_RATES = [0.05, 0.3, 0.9, 1.05]
FOUR_LABELS = ["too small", "good", "too large", "diverges"]


def test_gd_paths_follow_the_update_rule(style_name):
    result = plot_gd_paths(square, d_square, -4.0, FOUR_RATES, steps=12, labels=FOUR_LABELS)
    assert [p.learning_rate for p in result.paths] == FOUR_RATES
    assert len(result.axes) == 4
    for path in result.paths:
        assert path.x[0] == -4.0
        np.testing.assert_allclose(path.x[1:], path.x[:-1] - path.learning_rate * 2 * path.x[:-1])
        np.testing.assert_allclose(path.loss, path.x**2)
    small, good, large, diverging = result.paths
    assert not small.diverged and len(small.x) == 13 and abs(small.x[-1]) > 1  # crawls
    assert not good.diverged and abs(good.x[-1]) < 1e-3
    assert not large.diverged and np.all(np.sign(large.x[1:]) != np.sign(large.x[:-1]))  # zig-zag
    assert diverging.diverged and diverging.left_range_at == len(diverging.x)
    lo, hi = result.x_range
    assert np.all((diverging.x >= lo) & (diverging.x <= hi))
    next_x = diverging.x[-1] - 1.05 * 2 * diverging.x[-1]
    assert not lo <= next_x <= hi  # it stopped because the next iterate leaves the plot
    assert any("leaves" in t.get_text() for t in result.axes[3].texts)
    # what is drawn is what is returned
    for ax, path in zip(result.axes, result.paths, strict=True):
        drawn = [line for line in lines_with_data(ax) if len(line.get_xdata()) == len(path.x)]
        assert any(
            np.allclose(line.get_xdata(), path.x) and np.allclose(line.get_ydata(), path.loss)
            for line in drawn
        )
        np.testing.assert_allclose(lines_with_data(ax)[0].get_ydata(), result.x_grid**2)
    assert [ax.get_title() for ax in result.axes] == FOUR_LABELS


def test_gd_paths_default_range_centres_on_the_minimum():
    result = plot_gd_paths(lambda x: (x - 3) ** 2, lambda x: 2 * (x - 3), 0.0, [0.1, 0.4])
    lo, hi = result.x_range
    assert lo < 0 < 3 < hi and (lo + hi) / 2 == pytest.approx(3, abs=1e-3)


def test_gd_paths_one_axes_explicit_range_and_scalar_f():
    fig, ax = plt.subplots()
    result = plot_gd_paths(
        lambda x: math.cosh(x), math.sinh, 2.0, [0.5, 2.5], steps=5, ax=ax, x_range=(-3, 3)
    )
    assert result.axes == (ax,) and result.x_range == (-3.0, 3.0)
    np.testing.assert_allclose(result.loss_grid, np.cosh(result.x_grid))
    assert [p.diverged for p in result.paths] == [False, True]
    assert len(ax.get_legend().get_texts()) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"learning_rates": []}, "learning_rates is empty"),
        ({"learning_rates": [0.1, -0.1]}, "must be positive"),
        ({"learning_rates": [0.1, "fast"]}, "must be a number"),
        ({"x_range": (-1, 1)}, r"x0=-4.0 is outside x_range"),
        ({"x_range": (1, -1)}, "low < high"),
        ({"steps": 0}, "steps must be a positive integer"),
        ({"labels": ["a"]}, "labels must have 2 entries"),
        ({"f": "x**2"}, "f must be callable"),
        ({"x0": float("nan")}, "x0 must be finite"),
    ],
)
def test_gd_paths_bad_input(kwargs, message):
    args = {"f": square, "grad": d_square, "x0": -4.0, "learning_rates": [0.1, 0.5], **kwargs}
    with pytest.raises(ValueError, match=rf"plot_gd_paths: .*{message}"):
        plot_gd_paths(**args)


# --------------------------------------------------------------------------- schedules


def test_lr_schedules(style_name):
    def step_decay(epoch):  # works on one int only (an `if`), like a Keras schedule
        if epoch < 10:
            return 0.01
        return 0.001

    schedules = {
        "constant": lambda e: 0.01 + 0 * e,
        "exponential": lambda e: 0.01 * np.exp(-np.asarray(e) / 10),
        "step": step_decay,
    }
    result = plot_lr_schedules(schedules, 30)
    np.testing.assert_array_equal(result.epochs, np.arange(30))
    np.testing.assert_allclose(result.rates["constant"], 0.01)
    np.testing.assert_allclose(result.rates["exponential"], 0.01 * np.exp(-np.arange(30) / 10))
    np.testing.assert_allclose(result.rates["step"], [step_decay(e) for e in range(30)])
    drawn = {line.get_label(): line for line in result.ax.get_lines()}
    for name, rates in result.rates.items():
        np.testing.assert_allclose(drawn[name].get_ydata(), rates)
        np.testing.assert_array_equal(drawn[name].get_xdata(), np.arange(30))
    assert result.ax.get_xlabel() == "Epoch" and result.ax.get_ylabel() == "Learning rate"
    assert len(result.ax.get_legend().get_texts()) == 3


def test_lr_schedules_given_epochs():
    result = plot_lr_schedules({"halving": lambda e: 0.1 * 0.5**e}, [0, 2, 4])
    np.testing.assert_allclose(result.rates["halving"], [0.1, 0.025, 0.00625])


@pytest.mark.parametrize(
    ("schedules", "epochs", "message"),
    [
        ({}, 10, "non-empty dict"),
        ({"a": 0.1}, 10, "schedule 'a' must be callable"),
        ({"a": lambda e: -0.1 + 0 * e}, 10, "negative or non-finite"),
        ({"a": lambda e: 0.1}, 0, "epochs must be a positive integer"),
        ({"a": lambda e: 0.1}, [0.5, 1.5], "1-D array of epochs"),
        ({"a": lambda e: 1 / 0}, 3, "schedule 'a' failed"),
    ],
)
def test_lr_schedules_bad_input(schedules, epochs, message):
    with pytest.raises(ValueError, match=message):
        plot_lr_schedules(schedules, epochs)


# --------------------------------------------------------------------------- learning curves


def test_learning_curves_by_rate(style_name):
    result = plot_learning_curves_by_rate()
    assert list(result.losses) == ["very high", "high", "low", "good"]
    rates = result.learning_rates
    assert rates["very high"] > rates["high"] > rates["good"] > rates["low"]
    initial = np.mean(result.y**2)  # the weights start at zero
    for name, losses in result.losses.items():
        assert losses[0] == pytest.approx(initial)
        assert len(result.epochs[name]) == len(losses)
    lstsq = np.linalg.lstsq(result.X, result.y, rcond=None)[0]
    best = np.mean((result.X @ lstsq - result.y) ** 2)
    vh, high, low, good = (result.losses[k] for k in ("very high", "high", "low", "good"))
    # very high blows up at once; only it does
    assert result.blew_up == {"very high": True, "high": False, "low": False, "good": False}
    assert vh[-1] > 10 * initial and result.epochs["very high"][-1] <= 1
    # good gets to (about) the least-squares loss
    assert good[-1] == pytest.approx(best, rel=0.05)
    # high drops fast, then stays on a plateau well above good
    assert high[1] < 0.5 * initial
    assert np.mean(high[-10:]) > 1.15 * np.mean(good[-10:])
    # low decreases steadily but is still above good at the end
    assert np.all(np.diff(low) < 0) and low[-1] > 1.1 * good[-1]
    drawn = {line.get_label().split(" (")[0]: line for line in result.ax.get_lines()}
    for name in result.losses:
        np.testing.assert_allclose(drawn[name].get_ydata(), result.losses[name])
        np.testing.assert_allclose(drawn[name].get_xdata(), result.epochs[name])


def test_learning_curves_are_reproducible():
    a = plot_learning_curves_by_rate(epochs=5, seed=3)
    b = plot_learning_curves_by_rate(epochs=5, seed=3)
    for name in a.losses:
        np.testing.assert_array_equal(a.losses[name], b.losses[name])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"seed": -1}, "seed must be a non-negative integer"),
    ],
)
def test_learning_curves_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_learning_curves_by_rate(**kwargs)


# --------------------------------------------------------------------------- loss landscape


def test_loss_landscape_marks_the_true_minima(style_name):
    result = plot_loss_landscape()
    np.testing.assert_allclose(result.loss, landscape_loss(result.x))
    # independent check: a bounded scalar minimiser around each minimum
    true_local = minimize_scalar(
        landscape_loss, bounds=(0.5, 2.8), method="bounded", options={"xatol": 1e-10}
    ).x
    true_global = minimize_scalar(
        landscape_loss, bounds=(6.5, 10), method="bounded", options={"xatol": 1e-10}
    ).x
    assert result.local_min[0] == pytest.approx(true_local, abs=1e-4)
    assert result.global_min[0] == pytest.approx(true_global, abs=1e-4)
    assert result.global_min[1] == pytest.approx(landscape_loss(true_global), abs=1e-8)
    assert result.global_min[1] < result.local_min[1]
    assert result.global_min[1] == pytest.approx(result.loss.min(), abs=1e-6)
    markers = {
        line.get_marker(): (line.get_xdata()[0], line.get_ydata()[0])
        for line in result.ax.get_lines()
        if line.get_marker() in ("*", "X")
    }
    np.testing.assert_allclose(markers["*"], result.global_min)
    np.testing.assert_allclose(markers["X"], result.local_min)
    # the plateau: long, flat, between the two minima, holding no minimum
    a, b = result.plateau
    assert result.local_min[0] < a < b < result.global_min[0] and b - a > 1.5
    inside = (result.x > a) & (result.x < b)
    slope = np.gradient(result.loss, result.x)
    mean_slope = np.ptp(result.loss) / np.ptp(result.x)
    assert np.all(np.abs(slope[inside]) < 0.2 * mean_slope)
    assert np.ptp(result.loss[inside]) < 0.05 * np.ptp(result.loss)
    spans = [p for p in result.ax.patches if p.get_label() == "Plateau"]
    assert len(spans) == 1
    x0, x1 = spans[0].get_bbox().x0, spans[0].get_bbox().x1
    assert (x0, x1) == pytest.approx((a, b))
    assert [t.get_text() for t in result.ax.get_legend().get_texts()] == [
        "Global minimum",
        "Local minimum",
        "Plateau",
    ]


# --------------------------------------------------------------------------- mini-batch paths


def mse_gradient(theta, x, y):
    residual = theta[0] * x + theta[1] - y
    return np.array([np.mean(2 * residual * x), np.mean(2 * residual)])


def path_length(path):
    return np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1))


def test_minibatch_paths(style_name):
    result = plot_minibatch_paths(seed=1, steps=30, learning_rate=0.1, batch_size=8)
    x, y, lr = result.x, result.y, result.learning_rate
    assert result.batch_sizes == dict(zip(result.paths, [40, 8, 1], strict=True))
    starts = {tuple(p[0]) for p in result.paths.values()}
    assert len(starts) == 1  # same start
    for name, path in result.paths.items():
        assert path.shape == (31, 2)
        batches = result.batch_indices[name]
        assert [len(b) for b in batches] == [result.batch_sizes[name]] * 30
        for k, batch in enumerate(batches):
            expected = path[k] - lr * mse_gradient(path[k], x[batch], y[batch])
            np.testing.assert_allclose(path[k + 1], expected)
        line = next(line for line in result.ax.get_lines() if line.get_label() == name)
        np.testing.assert_allclose(np.column_stack([line.get_xdata(), line.get_ydata()]), path)
    batch, mini, sgd = result.paths.values()
    # within an epoch, no example is used twice (a shuffle, then consecutive batches)
    seen = np.concatenate(result.batch_indices[list(result.paths)[2]])  # 30 steps < 40 examples
    assert len(np.unique(seen)) == len(seen) == 30
    losses = [np.mean((w * x + b - y) ** 2) for w, b in batch]
    assert np.all(np.diff(losses) < 0)  # batch GD: smooth, loss always falls
    optimum = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    np.testing.assert_allclose(result.optimum, optimum)
    assert np.linalg.norm(batch[-1] - optimum) < 0.05
    assert path_length(sgd) > path_length(mini) > path_length(batch)  # noisier, longer paths
    assert result.ax.collections  # the contours
    assert result.ax.get_xlabel() == "$w$" and result.ax.get_ylabel() == "$b$"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 1}, "between 2 and 39"),
        ({"batch_size": 40}, "between 2 and 39"),
        ({"learning_rate": 0}, "learning_rate must be positive"),
        ({"seed": -2}, "seed must be"),
        ({"steps": 0}, "steps must be a positive integer"),
    ],
)
def test_minibatch_paths_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_minibatch_paths(**kwargs)


# --------------------------------------------------------------------------- network diagram


def test_classifier_network_for_iris(style_name):
    result = plot_classifier_network()
    sizes = {layer: len(pos) for layer, pos in result.positions.items()}
    assert sizes == {"input": 4, "hidden": 8, "output": 3}
    scatters = [c for c in result.ax.collections if isinstance(c, PathCollection)]
    assert sorted(len(c.get_offsets()) for c in scatters) == [3, 4, 8]
    for c in scatters:
        np.testing.assert_allclose(c.get_offsets(), result.positions[c.get_label()])
    assert result.n_weights == 4 * 8 + 8 * 3
    (weights,) = [c for c in result.ax.collections if not isinstance(c, PathCollection)]
    assert len(weights.get_segments()) == result.n_weights
    texts = " ".join(t.get_text() for t in result.ax.texts)
    for name in (
        "SepalLength",
        "SepalWidth",
        "PetalLength",
        "PetalWidth",
        "setosa",
        "versicolor",
        "virginica",
        "ReLU",
        "softmax",
    ):
        assert name in texts
    xs = [pos[:, 0] for pos in result.positions.values()]
    assert [float(x[0]) for x in xs] == [0.0, 1.0, 2.0] and all(np.ptp(x) == 0 for x in xs)
    for pos in result.positions.values():  # each layer centred vertically
        assert pos[:, 1].mean() == pytest.approx(0.0)


def test_classifier_network_custom_sizes_and_labels():
    result = plot_classifier_network(2, 5, 2, output_labels=["no", "yes"])
    assert [len(p) for p in result.positions.values()] == [2, 5, 2]
    assert result.input_labels == ["$x_{1}$", "$x_{2}$"]
    assert result.output_labels == ["no", "yes"]
    assert result.n_weights == 2 * 5 + 5 * 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_hidden": 0}, "n_hidden must be a positive integer"),
        ({"n_inputs": 31}, "n_inputs must be at most 30"),
        ({"n_outputs": 2.0}, "n_outputs must be a positive integer"),
        ({"input_labels": ["a", "b"]}, "input_labels must have 4 entries"),
        ({"output_labels": ["a"]}, "output_labels must have 3 entries"),
    ],
)
def test_classifier_network_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_classifier_network(**kwargs)


def test_minibatch_paths_on_given_data(style_name):
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 4, 30)
    y = 2 * x - 1 + rng.normal(0, 0.5, 30)
    result = plot_minibatch_paths(data=(x, y), theta0=(0, 0), learning_rate=0.02, steps=10)
    np.testing.assert_array_equal(result.x, x)
    np.testing.assert_array_equal(result.y, y)
    np.testing.assert_allclose(result.optimum, np.polyfit(x, y, 1))
    for path in result.paths.values():
        np.testing.assert_array_equal(path[0], [0, 0])
        assert len(path) == 11
    with pytest.raises(ValueError, match="two 1-D arrays of the same length"):
        plot_minibatch_paths(data=(x, y[:-1]))
