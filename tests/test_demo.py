"""The gradient-descent demo's loss curve and the bridge to Observable JS."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from dlact.descent import descend
from dlact.landscapes import GD_DEMO_DEFAULTS, GD_DEMO_LOSS, PolynomialLoss
from dlact.site import ojs
from dlact.site.ojs import json_ready, share_with_ojs


def test_demo_curve_is_the_documented_quartic():
    x = np.linspace(-3.5, 3.5, 11)
    assert np.allclose(GD_DEMO_LOSS(x), 0.1 * x**4 - x**2 + 0.5 * x + 4)
    assert np.allclose(GD_DEMO_LOSS.grad(x), 0.4 * x**3 - 2 * x + 0.5)


def test_gradient_matches_finite_differences():
    x = np.linspace(-3, 3, 13)
    h = 1e-6
    numeric = (GD_DEMO_LOSS(x + h) - GD_DEMO_LOSS(x - h)) / (2 * h)
    assert np.allclose(GD_DEMO_LOSS.grad(x), numeric, atol=1e-6)


def test_demo_curve_has_a_global_and_a_local_minimum():
    global_min, local_min = GD_DEMO_LOSS.minima()
    assert global_min == pytest.approx(-2.3519, abs=1e-4)
    assert local_min == pytest.approx(2.0987, abs=1e-4)
    assert GD_DEMO_LOSS(global_min) < GD_DEMO_LOSS(local_min)
    assert abs(float(GD_DEMO_LOSS.grad(global_min))) < 1e-9


def test_learning_rates_of_the_demo_behave_as_the_lecture_says():
    """Small steps crawl, moderate ones converge, large ones overshoot, from the default start."""
    start = GD_DEMO_DEFAULTS["start"]
    local_min = GD_DEMO_LOSS.minima()[1]
    crawl = descend(GD_DEMO_LOSS.grad, start, learning_rate=0.01, steps=10)
    good = descend(GD_DEMO_LOSS.grad, start, learning_rate=0.1, steps=10)
    assert abs(crawl[-1, 0] - local_min) > 0.3  # still far away
    assert good[-1, 0] == pytest.approx(local_min, abs=0.02)
    # stable only below 2 / f''(x*): about 0.43 at the global minimum
    curvature = 1.2 * GD_DEMO_LOSS.minima()[0] ** 2 - 2
    assert 2 / curvature == pytest.approx(0.431, abs=0.01)


def test_to_ojs_is_plain_json_with_the_formula():
    data = GD_DEMO_LOSS.to_ojs()
    assert json.loads(json.dumps(data)) == data
    assert data["coefficients"] == [4.0, 0.5, -1.0, 0.0, 0.1]
    assert data["x_range"] == [-3.5, 3.5]
    low, high = data["y_range"]
    values = GD_DEMO_LOSS(np.linspace(-3.5, 3.5, 1001))
    assert low < values.min() and high > values.max()


def test_defaults_fit_the_curve():
    lo, hi = GD_DEMO_LOSS.x_range
    assert lo <= GD_DEMO_DEFAULTS["start"] <= hi
    rmin, rmax = GD_DEMO_DEFAULTS["learning_rate_range"]
    assert rmin <= GD_DEMO_DEFAULTS["learning_rate"] <= rmax
    assert 0 <= GD_DEMO_DEFAULTS["steps"] <= GD_DEMO_DEFAULTS["max_steps"]
    assert json.loads(json.dumps(json_ready(GD_DEMO_DEFAULTS))) == dict(GD_DEMO_DEFAULTS)


@pytest.mark.parametrize(
    ("coefficients", "x_range", "message"),
    [
        ((1.0,), (0, 1), "at least two"),
        ((1.0, np.nan), (0, 1), "finite"),
        ((1.0, 2.0), (1, 0), "low < high"),
        ((1.0, 2.0), "ab", "finite with low < high|pair"),
        ((1.0, 2.0), (0,), "pair"),
    ],
)
def test_bad_curves_are_refused(coefficients, x_range, message):
    with pytest.raises(ValueError, match=message):
        PolynomialLoss(coefficients, x_range)


def test_json_ready_converts_numpy_and_refuses_nan():
    assert json_ready({"a": np.array([[1, 2]]), "b": np.float32(0.5), "c": (1, "x")}) == {
        "a": [[1, 2]],
        "b": 0.5,
        "c": [1, "x"],
    }
    with pytest.raises(ValueError, match="NaN or infinity"):
        json_ready([1.0, float("nan")])
    with pytest.raises(ValueError, match="cannot pass a object"):
        json_ready(object())


def test_share_with_ojs_does_nothing_outside_quarto(monkeypatch):
    monkeypatch.setattr(ojs, "_quarto_ojs_define", lambda: None)
    assert share_with_ojs(gd_demo=GD_DEMO_LOSS) is None


def test_share_with_ojs_calls_quartos_ojs_define(monkeypatch):
    received = {}
    monkeypatch.setattr(ojs, "_quarto_ojs_define", lambda: lambda **kw: received.update(kw))
    share_with_ojs(gd_demo=GD_DEMO_LOSS, start=np.float64(3.0))
    assert received == {"gd_demo": GD_DEMO_LOSS.to_ojs(), "start": 3.0}


def test_share_with_ojs_finds_ojs_define_in_a_kernel_namespace():
    """As Quarto does, define ``ojs_define`` in the IPython user namespace, then share."""
    code = textwrap.dedent(
        """
        from IPython.testing.globalipapp import start_ipython
        shell = start_ipython()
        seen = {}
        shell.user_ns["ojs_define"] = lambda **kw: seen.update(kw)
        from dlact.site.ojs import share_with_ojs
        share_with_ojs(answer=42)
        print(seen)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("{'answer': 42}")


@pytest.mark.parametrize(
    ("coefficients", "latex"),
    [
        ((4.0, 0.5, -1.0, 0.0, 0.1), "0.1x^{4} - x^{2} + 0.5x + 4"),
        ((0.0, -1.0), "-x"),
        ((-2.0, 0.0, 3.0), "3x^{2} - 2"),
        ((0.0, 0.0), "0"),
    ],
)
def test_to_latex(coefficients, latex):
    assert PolynomialLoss(coefficients, (0, 1)).to_latex() == latex


# --------------------------------------------------------------------------
# Noise helps: the demo's loss as an average of noisy examples
# --------------------------------------------------------------------------


def test_noisy_examples_average_to_the_demo_loss():
    from dlact.descent import noisy_examples

    a = noisy_examples(n=400, noise=16.0, seed=3)
    assert a.shape == (400,)
    assert abs(a.mean()) < 1e-12  # centred: the mean loss is f itself
    assert a.std() == pytest.approx(16.0, rel=0.15)
    np.testing.assert_array_equal(a, noisy_examples(n=400, noise=16.0, seed=3))
    assert not np.array_equal(a, noisy_examples(n=400, noise=16.0, seed=4))
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        noisy_examples(n=1)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        noisy_examples(noise=-1.0)


def test_full_batch_noisy_descent_is_plain_gradient_descent():
    from dlact.descent import noisy_descent, noisy_examples

    a = noisy_examples(n=10, noise=5.0, seed=0)
    trace = noisy_descent(GD_DEMO_LOSS, a, 3.0, batch_size=10, learning_rate=0.1, epochs=25)
    plain = descend(GD_DEMO_LOSS.grad, 3.0, learning_rate=0.1, steps=25)[:, 0]
    np.testing.assert_allclose(trace.params[:, 0], plain, atol=1e-12)
    local = GD_DEMO_LOSS.minima()[1]
    assert trace.final[0] == pytest.approx(local, abs=0.02)  # stuck in the local minimum


def test_single_examples_add_noise_to_each_step():
    from dlact.descent import noisy_descent, noisy_examples

    a = noisy_examples(n=10, noise=5.0, seed=0)
    trace = noisy_descent(GD_DEMO_LOSS, a, 3.0, batch_size=1, learning_rate=0.01, epochs=1, seed=2)
    x = trace.params[:-1, 0]
    expected = np.array([GD_DEMO_LOSS.grad(v) for v in x]) + a[[s.indices[0] for s in trace.steps]]
    np.testing.assert_allclose(trace.gradients[:, 0], expected)
