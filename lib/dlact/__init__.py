"""dlact: the tested code behind the lecture "Classification & Optimisation".

Two rooms. The teaching API, what the chapters import, is the modules here,
each named by what it holds:

``data``        the stroke and iris data, split and preprocessed
``rawdata``     the raw stroke CSV: found, checksummed, downloaded
``models``      the lecture's two networks
``backend``     which Keras backend runs them
``maths``       activations, their derivatives, a dense layer
``losses``      cross-entropies and squared error, with their gradients
``linreg``      the worked example: a line fitted by squared error
``gd``          batch, stochastic and mini-batch gradient descent
``schedules``   learning-rate schedules
``trace``       the record of a gradient-descent run
``landscapes``  losses of one parameter: the demo's curve, the pitfalls landscape
``descent``     gradient descent on a given function, no data
``toydata``     seeded synthetic data for the optimisation figures
``figures``     the figures, drawing what the modules above compute
``style``       the plot style for the book and the slides
``notebook``    the one set-up call at the top of every chapter

The publishing machinery (build, freeze check, fit cache, post-render
fixes, claims) is in :mod:`dlact.site`; a lecturer never needs to open it.

Modules are imported explicitly (``from dlact.data import load_stroke_splits``);
importing the package runs nothing and does not import Keras.
"""

__version__ = "0.1.0"
