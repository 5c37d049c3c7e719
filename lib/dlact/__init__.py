"""dlact: the tested code behind the lecture "Classification & Optimisation".

Modules are imported explicitly (``from dlact.data import load_stroke_splits``);
importing the package runs nothing and does not import Keras.
"""

__version__ = "0.1.0"
