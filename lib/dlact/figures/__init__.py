"""The lecture's figures, each a function in the style of scikit-learn's displays.

Every function takes ``ax=None`` (a new figure is made if None), draws on it
and returns what it drew: a small result object with ``.figure_``, the Axes
(``.ax`` or ``.axes``) and the data plotted. The look (book or slides) comes
from :func:`dlact.style.use_style`; nothing here changes global settings.
ROC and precision-recall curves, confusion matrices and reliability
diagrams are not here: the chapters call scikit-learn's displays directly,
since that call is the lesson.

Modules, named by what they hold:

* ``losses``: squared error vs cross-entropy;
* ``activations``: sigmoid and softmax;
* ``training``: learning curves from a Keras ``History``;
* ``descent``: gradient descent on a 1-D loss, one panel per learning rate;
* ``landscape``: a loss with a local minimum, a plateau and a global minimum;
* ``minibatch``: batch, mini-batch and stochastic paths on a contour plot;
* ``curves``: training loss against epoch for four learning rates;
* ``schedules``: learning-rate schedules;
* ``thresholds``: the total cost of a classifier's errors against its threshold;
* ``sweep``: quantities against one weight (accuracy vs cross-entropy);
* ``diagrams``: a classifier network diagram.

The plot functions are imported here (``from dlact.figures import
plot_history``), except :func:`~dlact.figures.sweep.plot_weight_sweep`, which is
imported from its module.

Figures only draw: what they show is computed by the teaching modules
(:mod:`dlact.maths`, :mod:`dlact.losses`, :mod:`dlact.gd`,
:mod:`dlact.landscapes`, :mod:`dlact.linreg`, :mod:`dlact.toydata`).

Importing this package imports matplotlib and NumPy only (never Keras, pandas or
SciPy), so the pre-render step that draws the diagrams needs no more.
"""

from .activations import plot_sigmoid, plot_softmax
from .curves import plot_learning_curves_by_rate
from .descent import plot_gd_paths
from .diagrams import plot_classifier_network
from .landscape import plot_loss_landscape
from .losses import plot_mse_vs_cross_entropy
from .minibatch import plot_minibatch_paths
from .schedules import plot_lr_schedules
from .thresholds import plot_threshold_costs
from .training import plot_history

__all__ = [
    "plot_classifier_network",
    "plot_gd_paths",
    "plot_history",
    "plot_learning_curves_by_rate",
    "plot_loss_landscape",
    "plot_lr_schedules",
    "plot_minibatch_paths",
    "plot_mse_vs_cross_entropy",
    "plot_sigmoid",
    "plot_softmax",
    "plot_threshold_costs",
]
