"""Diagrams of neural networks, drawn with matplotlib."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from ._axes import labels_for, positive_int, short_repr, single_axes

__all__ = ["IRIS_FEATURES", "IRIS_SPECIES", "NetworkDiagram", "plot_classifier_network"]

IRIS_FEATURES = ("SepalLength", "SepalWidth", "PetalLength", "PetalWidth")
IRIS_SPECIES = ("setosa", "versicolor", "virginica")

_MAX_NEURONS = 30


@dataclass(repr=False)
class NetworkDiagram:
    """What :func:`plot_classifier_network` drew.

    Attributes
    ----------
    ax : matplotlib.axes.Axes
        The Axes drawn on.
    figure_ : matplotlib.figure.Figure
        Its figure.
    positions : dict of str to numpy.ndarray
        Layer name (``"input"``, ``"hidden"``, ``"output"``) -> array (n, 2)
        of neuron centres in data coordinates.
    input_labels, output_labels : list of str
        The labels written beside the layers.
    n_weights : int
        Number of connections drawn (``n_in*n_hidden + n_hidden*n_out``).
    """

    ax: Axes
    figure_: Figure
    positions: dict[str, np.ndarray]
    input_labels: list[str]
    output_labels: list[str]
    n_weights: int

    def __repr__(self) -> str:
        return short_repr(self, neurons={k: len(v) for k, v in self.positions.items()})


def _column(n: int, x: float, height: float) -> np.ndarray:
    """n points at x, evenly spaced and centred on 0, spanning at most `height`."""
    y = (np.arange(n)[::-1] - (n - 1) / 2) * (height / max(n - 1, 1)) if n > 1 else np.zeros(1)
    return np.column_stack([np.full(n, x), y])


def plot_classifier_network(
    n_inputs: int = 4,
    n_hidden: int = 8,
    n_outputs: int = 3,
    ax: Axes | None = None,
    input_labels: Sequence[str] | None = None,
    output_labels: Sequence[str] | None = None,
):
    """Draw a classifier network: inputs, one hidden ReLU layer, a softmax output.

    Neurons are circles, weights are lines joining every neuron of a layer to
    every neuron of the next (dense layers). The inputs and outputs are
    labelled; with the default sizes the labels are iris's features and
    species.

    Parameters
    ----------
    n_inputs, n_hidden, n_outputs : int, default 4, 8, 3
        Number of neurons per layer (1 to 30 each).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made if None.
    input_labels : sequence of str, optional
        One per input; iris's feature names if ``n_inputs == 4``, else
        ``x_1, x_2, ...``.
    output_labels : sequence of str, optional
        One per output; iris's species if ``n_outputs == 3``, else
        ``class 1, class 2, ...``.

    Returns
    -------
    NetworkDiagram
        The Axes, the figure and the neuron positions per layer.

    Examples
    --------
    >>> diagram = plot_classifier_network()
    >>> diagram.n_weights, diagram.output_labels
    (56, ['setosa', 'versicolor', 'virginica'])
    """
    func = "plot_classifier_network"
    sizes = {}
    for name, value in (("n_inputs", n_inputs), ("n_hidden", n_hidden), ("n_outputs", n_outputs)):
        sizes[name] = positive_int(value, name, func)
        if sizes[name] > _MAX_NEURONS:
            raise ValueError(
                f"{func}: {name} must be at most {_MAX_NEURONS} to be drawn, got {value}"
            )
    n_in, n_hid, n_out = sizes["n_inputs"], sizes["n_hidden"], sizes["n_outputs"]
    default_in = IRIS_FEATURES if n_in == 4 else [f"$x_{{{i + 1}}}$" for i in range(n_in)]
    default_out = IRIS_SPECIES if n_out == 3 else [f"class {i + 1}" for i in range(n_out)]
    input_labels = labels_for(input_labels, n_in, default_in, "input_labels", func)
    output_labels = labels_for(output_labels, n_out, default_out, "output_labels", func)
    ax = single_axes(ax, func)

    # Layers at x = 0, 1, 2, centred vertically, the same spacing between
    # neighbours in every layer (1 / (biggest - 1): the biggest spans [-0.5, 0.5]).
    biggest = max(n_in, n_hid, n_out)
    spacing = 1.0 / (biggest - 1) if biggest > 1 else 1.0
    positions = {
        "input": _column(n_in, 0.0, spacing * (n_in - 1)),
        "hidden": _column(n_hid, 1.0, spacing * (n_hid - 1)),
        "output": _column(n_out, 2.0, spacing * (n_out - 1)),
    }
    margin = 0.65 * spacing  # room above and below the biggest layer
    ax.set_xlim(-0.75, 2.75)  # room for the labels beside the columns
    ax.set_ylim(-0.5 - margin, 0.5 + margin)

    segments = [
        [p, q]
        for a, b in (("input", "hidden"), ("hidden", "output"))
        for p in positions[a]
        for q in positions[b]
    ]
    lw = 0.35 * mpl.rcParams["lines.linewidth"]
    ax.add_collection(LineCollection(segments, colors="0.55", linewidths=lw, zorder=1))

    # Marker sizes are in points, so circles stay round whatever the aspect:
    # a diameter of 72% of the spacing (capped for small layers).
    fig = ax.figure
    axes_height_pt = fig.get_figheight() * ax.get_position().height * 72
    spacing_pt = axes_height_pt * spacing / (1.0 + 2 * margin)
    diameter = min(0.72 * spacing_pt, 2.4 * mpl.rcParams["font.size"])
    fills = {"input": "#BFE1F5", "hidden": "#FFE2B3", "output": "#C9EBDD"}
    edges = {"input": "#0072B2", "hidden": "#A65F00", "output": "#007A5A"}
    for layer, pos in positions.items():
        ax.scatter(
            pos[:, 0],
            pos[:, 1],
            s=diameter**2,
            c=fills[layer],
            edgecolors=edges[layer],
            linewidths=max(1.0, 0.6 * mpl.rcParams["lines.linewidth"]),
            zorder=3,
            label=layer,
        )

    gap = 0.5 * diameter + 0.4 * mpl.rcParams["font.size"]
    for (x, y), text in zip(positions["input"], input_labels, strict=True):
        ax.annotate(
            text, (x, y), xytext=(-gap, 0), textcoords="offset points", ha="right", va="center"
        )
    for (x, y), text in zip(positions["output"], output_labels, strict=True):
        ax.annotate(
            text, (x, y), xytext=(gap, 0), textcoords="offset points", ha="left", va="center"
        )
    titles = {
        0.0: f"Input layer\n{n_in} feature{'s' if n_in > 1 else ''}",
        1.0: f"Hidden layer\n{n_hid} neurons, ReLU",
        2.0: f"Output layer\n{n_out} neurons, softmax",
    }
    for x, title in titles.items():
        ax.text(
            x,
            1.0,
            title,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            linespacing=1.3,
        )
    ax.set_axis_off()
    return NetworkDiagram(ax, fig, positions, input_labels, output_labels, len(segments))
