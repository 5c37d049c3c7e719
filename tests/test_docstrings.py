"""The teaching API's docstrings: every public function and class has an example.

The examples run as doctests (``--doctest-modules`` in ``pyproject.toml``).
The few that cannot run everywhere are marked ``# doctest: +SKIP`` (the
directive is not shown in the book's appendix): those that read the stroke
data, which a machine may not have, and :func:`dlact.notebook.setup_notebook`,
which changes the process's global settings. They run here, in a fresh
Python, with the data where this machine has a copy.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

#: The teaching API: the modules the chapters import (the README's first room).
TEACHING_MODULES = (
    "dlact.data",
    "dlact.rawdata",
    "dlact.models",
    "dlact.backend",
    "dlact.maths",
    "dlact.losses",
    "dlact.linreg",
    "dlact.gd",
    "dlact.schedules",
    "dlact.trace",
    "dlact.landscapes",
    "dlact.descent",
    "dlact.toydata",
    "dlact.figures",
    "dlact.style",
    "dlact.notebook",
)

#: Modules whose skipped examples run below, and what they need.
SKIPPED_EXAMPLES = {
    "dlact.data": "the stroke data",
    "dlact.rawdata": "the stroke data",
    "dlact.notebook": "a fresh process",
}


def public_objects() -> list[tuple[str, str]]:
    """``(module, name)`` of every public function and class of the teaching API.

    What a module's ``__all__`` lists, or, without one, the functions and
    classes it defines whose names do not start with ``_``; for
    :mod:`dlact.figures`, also the ``plot_*`` functions of its submodules. A
    name one teaching module re-exports from another (``dlact.data`` re-exports
    :mod:`dlact.rawdata`) counts once, in the module that defines it.
    """
    found = []
    for module_name in TEACHING_MODULES:
        module = importlib.import_module(module_name)
        names = getattr(module, "__all__", None)
        if names is None:
            names = [
                name
                for name, obj in vars(module).items()
                if not name.startswith("_")
                and (inspect.isfunction(obj) or inspect.isclass(obj))
                and obj.__module__ == module_name
            ]
        for name in names:
            obj = getattr(module, name)
            home = getattr(obj, "__module__", module_name)
            if home != module_name and home in TEACHING_MODULES:
                continue  # re-exported from another module, and documented there
            if inspect.isfunction(obj) or inspect.isclass(obj):
                found.append((module_name, name))
    figures = importlib.import_module("dlact.figures")
    for info in pkgutil.iter_modules(figures.__path__):
        if info.name.startswith("_"):
            continue
        submodule = importlib.import_module(f"dlact.figures.{info.name}")
        for name in getattr(submodule, "__all__", []):
            if name.startswith("plot_") and name not in figures.__all__:
                found.append((submodule.__name__, name))
    return found


PUBLIC = public_objects()


def examples_of(obj) -> list[doctest.Example]:
    """The doctest examples in the ``Examples`` section of ``obj``'s docstring."""
    docstring = inspect.getdoc(obj) or ""
    _, heading, section = docstring.partition("\nExamples\n--------\n")
    return doctest.DocTestParser().get_examples(section) if heading else []


def test_the_teaching_api_is_found():
    names = {name for _, name in PUBLIC}
    assert {"load_stroke_splits", "sigmoid", "Trace", "plot_history", "plot_weight_sweep"} <= names
    assert not any(module.startswith("dlact.site") for module, _ in PUBLIC)


@pytest.mark.parametrize(("module", "name"), PUBLIC, ids=[f"{m}.{n}" for m, n in PUBLIC])
def test_public_object_has_a_description_and_an_example(module, name):
    obj = getattr(importlib.import_module(module), name)
    docstring = inspect.getdoc(obj) or ""
    assert docstring.strip(), f"{module}.{name} has no docstring"
    summary = docstring.split("\n\n")[0]
    assert summary.strip() and not summary.startswith(("Parameters", "Examples")), (
        f"{module}.{name}: the docstring should start with a one-paragraph description"
    )
    assert examples_of(obj), f"{module}.{name}: its docstring has no Examples section with >>>"


def test_only_known_modules_skip_examples():
    """A new ``+SKIP`` must be run somewhere: add its module to SKIPPED_EXAMPLES."""
    skipping = set()
    for module_name in TEACHING_MODULES:
        module = importlib.import_module(module_name)
        for test in doctest.DocTestFinder().find(module):
            if any(example.options.get(doctest.SKIP) for example in test.examples):
                skipping.add(module_name)
    assert skipping <= set(SKIPPED_EXAMPLES), sorted(skipping - set(SKIPPED_EXAMPLES))


RUN_SKIPPED = """
import doctest, importlib, sys
module = importlib.import_module(sys.argv[1])
runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
for test in doctest.DocTestFinder().find(module):
    for example in test.examples:
        example.options.pop(doctest.SKIP, None)
    runner.run(test)
failed, attempted = runner.summarize(verbose=False)
print(f"{attempted} examples, {failed} failed")
sys.exit(1 if failed or not attempted else 0)
"""


@pytest.mark.parametrize("module", sorted(SKIPPED_EXAMPLES))
def test_skipped_examples_run_in_a_fresh_python(module, request, tmp_path):
    import dlact

    lib = str(Path(dlact.__file__).resolve().parents[1])  # this dlact, wherever the test runs
    path = os.pathsep.join(filter(None, [lib, os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "MPLBACKEND": "Agg"}
    env["DLACT_DATA_DIR"] = str(tmp_path / "data")  # processed splits go here, not data/
    env.pop("DLACT_FIT_CACHE", None)
    if module in ("dlact.data", "dlact.rawdata"):
        env["DLACT_STROKE_DATA"] = str(request.getfixturevalue("stroke_csv"))
    result = subprocess.run(
        [sys.executable, "-c", RUN_SKIPPED, module],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
