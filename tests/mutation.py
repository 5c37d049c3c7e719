"""Mutation testing: would the tests notice if the code were wrong?

``make mutation`` runs this before a release (it is not part of ``make test``):
``python tests/mutation.py [GROUP ...] [--list] [--show TEXT]``.

The groups of modules and the tests that judge them are configured in
``pyproject.toml`` (``[tool.mutation]``). For each group it

1. copies ``lib/``, ``tests/``, ``pyproject.toml`` (and the files named by
   ``copy`` in the configuration) to a temporary folder:
   the project's own files are only read, never edited, and the copy is
   removed at the end, after Ctrl-C too;
2. runs the group's tests (and the doctests of its modules) once on the
   unchanged copy, recording which lines of each module every test executes;
3. makes the mutants of each module from its syntax tree (``ast``): a
   comparison changed (``<`` to ``<=``, ``==`` to ``!=``, ``in`` to
   ``not in``...), an arithmetic operator changed (``+`` to ``-``, ``*`` to
   ``/``...), ``and``/``or`` swapped or a ``not`` (or a unary minus) dropped,
   a constant changed (a number plus one, ``True``/``False`` flipped, a
   string or f-string emptied), ``return x`` turned into ``return None``, a
   simple statement removed (replaced by ``pass``); docstrings, annotations
   and type aliases (names used only in annotations) are left alone;
4. for each mutant, writes it into the copy and runs, in a forked process,
   only the tests that execute the mutated lines (all of the group's tests
   for code that runs at import, such as default arguments), the fastest
   first, stopping at the first failure. A failure, an import error or a
   time-out (a mutant that loops forever) kills the mutant; if every test
   passes it survives;
5. prints the survivors and a table: module | mutants | killed | equivalent |
   survived | score | raw.

A surviving mutant is either a gap in the tests, to be closed with a test, or
*equivalent*: it computes the same thing as the original (``x > 0`` versus
``x >= 0`` where both branches agree at 0), so no test can tell them apart.
Equivalent mutants are listed, each with the reason, in the file named by
``equivalent`` in the configuration; the score is
``killed / (mutants - equivalent)``, and ``raw`` is ``killed / mutants``.
The command fails if a group scores below ``min_score`` or a survivor is
neither killed nor listed, and it names listed entries that no longer match
a surviving mutant, so the list cannot go stale silently.

Speed comes from forking: the parent process imports the third-party packages
the tests use (NumPy, pandas, Keras, PyTorch, pytest...) once, and each mutant
runs in a fork of it that only re-imports the project's own modules. One
mutant runs at a time.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import difflib
import faulthandler
import gc
import importlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import tomllib
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: pytest's exit codes that mean "the tests found a problem" (1: a test failed;
#: 2: interrupted, e.g. the mutated module does not import; 3: internal error).
KILLED_EXIT_CODES = {1, 2, 3}

# --------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A module to mutate: its path (relative to the root) and, optionally, which
    of its top-level functions or classes (the rest of the module is not mutated)."""

    path: str
    only: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """Modules scored together, and the test files that judge them."""

    name: str
    targets: tuple[Target, ...]
    tests: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    groups: tuple[Group, ...]
    equivalent: str
    min_score: float
    timeout: float
    prepare: str
    copy: tuple[str, ...] = ()


def parse_target(text: str) -> Target:
    """``"lib/pkg/mod.py"`` or ``"lib/pkg/mod.py::f,g"`` (only ``f`` and ``g``).

    >>> parse_target("lib/dlact/landscapes.py::descend, has_diverged")
    Target(path='lib/dlact/landscapes.py', only=('descend', 'has_diverged'))
    """
    path, _, only = text.partition("::")
    return Target(path.strip(), tuple(n.strip() for n in only.split(",") if n.strip()))


def load_config(root: Path) -> Config:
    """The ``[tool.mutation]`` table of ``root/pyproject.toml``."""
    with open(root / "pyproject.toml", "rb") as stream:
        table = tomllib.load(stream).get("tool", {}).get("mutation")
    if not table or not table.get("group"):
        raise SystemExit(f"{root / 'pyproject.toml'} has no [[tool.mutation.group]] to run")
    groups = []
    for g in table["group"]:
        targets = tuple(parse_target(t) for t in g["modules"])
        for target in targets:
            if not (root / target.path).is_file():
                raise SystemExit(f"mutation group {g['name']!r}: no module {target.path}")
        groups.append(Group(g["name"], targets, tuple(g["tests"])))
    return Config(
        tuple(groups),
        table.get("equivalent", "tests/mutation_equivalent.txt"),
        float(table.get("min_score", 95)),
        float(table.get("timeout", 60)),
        table.get("prepare", ""),
        tuple(table.get("copy", ())),
    )


# --------------------------------------------------------------------------
# Mutants
# --------------------------------------------------------------------------

COMPARISONS = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
ARITHMETIC = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.Mult,
    ast.Pow: ast.Mult,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.BitXor: ast.BitAnd,
}
#: Statements that are removed (replaced by ``pass``); ``return`` has its own mutant.
REMOVABLE = (
    ast.Expr,
    ast.Assign,
    ast.AugAssign,
    ast.AnnAssign,
    ast.Raise,
    ast.Assert,
    ast.Delete,
    ast.Break,
    ast.Continue,
)


@dataclass(frozen=True)
class Mutant:
    """One small change to one module."""

    path: str  # relative to the root
    scope: str  # the enclosing functions and classes, "f" or "C.method"; "<module>"
    operator: str
    line: int
    end_line: int
    before: str
    after: str
    source: str  # the whole mutated module
    at_import: bool  # the changed code runs when the module is imported
    occurrence: int = 1

    @property
    def key(self) -> str:
        """Names the mutant in the list of equivalents: stable when other code moves."""
        key = f"{self.path}::{self.scope}: {self.before} -> {self.after}"
        return key if self.occurrence == 1 else f"{key} #{self.occurrence}"

    @property
    def lines(self) -> range:
        return range(self.line, self.end_line + 1)

    def diff(self, original: str) -> str:
        return "".join(
            difflib.unified_diff(
                original.splitlines(keepends=True),
                self.source.splitlines(keepends=True),
                f"a/{self.path}",
                f"b/{self.path}",
                n=1,
            )
        )


def _short(text: str, limit: int = 90) -> str:
    """One line of at most ``limit`` characters, for keys and reports."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


class _Source:
    """A module's text, with edits addressed by the (line, byte column) spans of ``ast``."""

    def __init__(self, text: str):
        self.text = text
        self.data = text.encode()
        self.starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.starts[node.lineno - 1] + node.col_offset
        return start, self.starts[node.end_lineno - 1] + node.end_col_offset

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.data[start:end].decode()

    def replace(self, node: ast.AST, text: str) -> str:
        start, end = self.span(node)
        return (self.data[:start] + text.encode() + self.data[end:]).decode()


class _Finder:
    """Walks a module's tree and collects its mutants."""

    def __init__(self, path: str, text: str, only: tuple[str, ...] = ()):
        self.path, self.source, self.only = path, _Source(text), only
        self.mutants: list[Mutant] = []

    # -- helpers ------------------------------------------------------------

    def add(self, node, scope, in_body, operator, replacement, before=None, after=None):
        """A mutant replacing ``node``'s text by ``replacement``."""
        if self.only and (not scope or scope[0] not in self.only):
            return
        after = replacement if after is None else after
        if isinstance(node, ast.expr):
            replacement = f"({replacement})"  # keeps the precedence of what surrounds it
        self.mutants.append(
            Mutant(
                path=self.path,
                scope=".".join(scope) or "<module>",
                operator=operator,
                line=node.lineno,
                end_line=node.end_lineno,
                before=_short(before if before is not None else self.source.segment(node)),
                after=_short(after),
                source=self.source.replace(node, replacement),
                at_import=not in_body,
            )
        )

    @staticmethod
    def swapped(node, mutate) -> str:
        """The text of a copy of ``node`` changed by ``mutate``."""
        copy = deepcopy(node)
        mutate(copy)
        return ast.unparse(copy)

    # -- the walk -------------------------------------------------------------

    def run(self) -> list[Mutant]:
        tree = ast.parse(self.source.text)
        self.used = _names_used_at_run_time(tree)
        self.body(tree.body, (), False, module=True)
        counts: Counter = Counter()
        numbered = []
        for mutant in self.mutants:
            counts[(mutant.scope, mutant.before, mutant.after)] += 1
            n = counts[(mutant.scope, mutant.before, mutant.after)]
            numbered.append(mutant if n == 1 else _with(mutant, occurrence=n))
        return numbered

    def body(self, statements, scope, in_body, module=False):
        for index, statement in enumerate(statements):
            if index == 0 and _is_docstring(statement):
                continue
            self.statement(statement, scope, in_body, module)

    def statement(self, node, scope, in_body, module=False):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # decorators and defaults run where the function is defined (at import, for
            # a module's functions), but they belong to the function
            inner = (*scope, node.name)
            for decorator in node.decorator_list:
                self.expression(decorator, inner, in_body)
            self.arguments(node.args, inner, in_body)
            self.body(node.body, inner, True)
            return
        if isinstance(node, ast.ClassDef):
            inner = (*scope, node.name)
            for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
                self.expression(expr, inner, in_body)
            self.body(node.body, inner, in_body)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.Pass)):
            return
        if module and isinstance(node, ast.Assign) and _assigns(node, "__all__"):
            return
        if module and isinstance(node, ast.Assign) and not _names(node) & self.used:
            return  # a type alias, used only in annotations (which are never evaluated)
        if _is_docstring(node):
            return  # a bare string: documentation
        if isinstance(node, REMOVABLE):
            first = self.source.segment(node).splitlines()[0]
            self.add(node, scope, in_body, "statement removed", "pass", before=first)
        if isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                self.add(node, scope, in_body, "return None", "return None")
        if isinstance(node, ast.AugAssign) and type(node.op) in ARITHMETIC:
            new = ARITHMETIC[type(node.op)]()
            text = self.swapped(node, lambda n: setattr(n, "op", new))
            self.add(node, scope, in_body, "arithmetic", text, before=ast.unparse(node))
        for name, value in ast.iter_fields(node):
            if name in ("annotation", "returns", "type_comment"):
                continue
            if name in ("targets", "target") and not isinstance(node, (ast.For, ast.AsyncFor)):
                continue  # what is assigned to is not mutated (an AugAssign's op is)
            self.children(value, scope, in_body)

    def children(self, value, scope, in_body):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, ast.stmt):
                pass  # bodies are walked statement by statement below
            elif isinstance(item, ast.expr):
                self.expression(item, scope, in_body)
            elif isinstance(item, (ast.excepthandler, ast.match_case)):
                if getattr(item, "type", None) is not None:
                    self.expression(item.type, scope, in_body)
                self.body(item.body, scope, in_body)
            elif isinstance(item, ast.withitem):
                self.expression(item.context_expr, scope, in_body)
            elif isinstance(item, ast.comprehension):
                self.expression(item.iter, scope, in_body)
                for condition in item.ifs:
                    self.expression(condition, scope, in_body)
            elif isinstance(item, ast.keyword):
                self.expression(item.value, scope, in_body)
            elif isinstance(item, ast.arguments):
                self.arguments(item, scope, in_body)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            self.body(value, scope, in_body)

    def arguments(self, args: ast.arguments, scope, in_body):
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.expression(default, scope, in_body)

    def expression(self, node, scope, in_body):
        if isinstance(node, ast.JoinedStr):
            self.add(node, scope, in_body, "constant", '""')
            return  # positions inside f-strings are not reliable: not mutated piece by piece
        if isinstance(node, ast.Constant):
            self.constant(node, scope, in_body)
            return
        if isinstance(node, ast.Lambda):
            self.arguments(node.args, scope, in_body)
            self.expression(node.body, scope, True)
            return
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in COMPARISONS:
                    new = COMPARISONS[type(op)]()
                    text = self.swapped(node, lambda n, i=i, new=new: _set_op(n, i, new))
                    self.add(node, scope, in_body, "comparison", text)
        elif isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
            new = ARITHMETIC[type(node.op)]()
            text = self.swapped(node, lambda n: setattr(n, "op", new))
            self.add(node, scope, in_body, "arithmetic", text)
        elif isinstance(node, ast.BoolOp):
            new = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            text = self.swapped(node, lambda n: setattr(n, "op", new))
            self.add(node, scope, in_body, "boolean", text)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub, ast.Invert)):
            operator = "boolean" if isinstance(node.op, ast.Not) else "arithmetic"
            self.add(node, scope, in_body, operator, self.source.segment(node.operand))
        for name, value in ast.iter_fields(node):
            if name in ("ctx", "annotation"):
                continue
            self.children(value, scope, in_body)

    def constant(self, node: ast.Constant, scope, in_body):
        value = node.value
        if isinstance(value, bool):
            self.add(node, scope, in_body, "constant", repr(not value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.add(node, scope, in_body, "constant", repr(value + 1))
        elif isinstance(value, (str, bytes)):
            # emptied (a message that says nothing), or given text if it was empty
            self.add(node, scope, in_body, "constant", repr(value[:0] if value else "XX"))
        # None, complex numbers and Ellipsis are left alone


def _assigns(node: ast.Assign, name: str) -> bool:
    return name in _names(node)


def _names(node: ast.Assign) -> set[str]:
    return {t.id for t in node.targets if isinstance(t, ast.Name)}


def _names_used_at_run_time(tree: ast.Module) -> set[str]:
    """The names a module reads outside annotations, and those it exports in ``__all__``."""
    used: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            used.add(node.id)
        if isinstance(node, ast.Assign) and _assigns(node, "__all__"):
            used.update(ast.literal_eval(node.value))
        for name, value in ast.iter_fields(node):
            if name in ("annotation", "returns"):
                continue
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    visit(child)

    visit(tree)
    return used


def _set_op(node: ast.Compare, index: int, op: ast.cmpop) -> None:
    node.ops[index] = op


def _with(mutant: Mutant, **changes) -> Mutant:
    return replace(mutant, **changes)


def make_mutants(root: Path, target: Target, *, validate: bool = True) -> list[Mutant]:
    """Every mutant of ``target`` (a module under ``root``), in source order; each
    compiled first (``validate``) to catch a mutator's bug before a run.

    >>> import textwrap
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "m.py").write_text(textwrap.dedent('''
    ...         def f(x, k=2):
    ...             \"\"\"Doc.\"\"\"
    ...             if x > 0 and k:
    ...                 x = x * k
    ...             return x
    ...     '''))
    ...     for m in make_mutants(Path(folder), Target("m.py")):
    ...         print(f"{m.operator:18} {m.before} -> {m.after}")
    constant           2 -> 3
    boolean            x > 0 and k -> x > 0 or k
    comparison         x > 0 -> x >= 0
    constant           0 -> 1
    statement removed  x = x * k -> pass
    arithmetic         x * k -> x / k
    return None        return x -> return None
    """
    text = (root / target.path).read_text(encoding="utf-8")
    mutants = _Finder(target.path, text, target.only).run()
    for mutant in mutants if validate else ():
        try:
            compile(mutant.source, mutant.path, "exec")
        except SyntaxError as error:  # a bug here, not in the project
            raise RuntimeError(f"mutant {mutant.key} is not valid Python: {error}") from None
    return mutants


# --------------------------------------------------------------------------
# Equivalent mutants
# --------------------------------------------------------------------------


def read_equivalents(path: Path) -> dict[str, str]:
    """The list of equivalent mutants: ``{key: reason}``.

    Each entry is a mutant's key on a line of its own (as the run prints it),
    followed by the reason, indented; ``#`` starts a comment line.
    """
    if not path.is_file():
        return {}
    entries: dict[str, list[str]] = {}
    key = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            if key is None:
                raise SystemExit(f"{path}:{number}: a reason with no mutant above it")
            entries[key].append(line.strip())
        else:
            key = line.strip()
            if key in entries:
                raise SystemExit(f"{path}:{number}: {key} is listed twice")
            entries[key] = []
    missing = [k for k, reason in entries.items() if not reason]
    if missing:
        raise SystemExit(f"{path}: no reason given for {missing[0]}")
    return {k: " ".join(reason) for k, reason in entries.items()}


# --------------------------------------------------------------------------
# Running the tests in a copy of the project
# --------------------------------------------------------------------------


class _Interrupted(Exception):
    pass


@dataclass
class Baseline:
    """What the unchanged code's tests did: which lines each executed, and how long it took."""

    lines: dict[str, dict[str, set[int]]]  # test id -> module path -> lines
    seconds: dict[str, float]
    files: dict[str, str]  # test id -> file to pass to pytest
    collection: dict[str, set[int]]  # module path -> lines run while collecting
    spawning: set[str]  # tests that start other processes, whose lines are not traced

    def tests_for(self, mutant: Mutant) -> list[str]:
        """The tests that could notice ``mutant``, fastest first.

        Those that execute one of its lines, and those that start another process
        (which may run any line); all of them if the mutated code runs at import or
        while the tests are collected (a parametrisation's values).
        """
        wanted = set(mutant.lines)
        if mutant.at_import or wanted & self.collection.get(mutant.path, set()):
            chosen = list(self.seconds)
        else:
            chosen = [
                t
                for t, by in self.lines.items()
                if wanted & by.get(mutant.path, set()) or t in self.spawning
            ]
        return sorted(chosen, key=lambda t: self.seconds[t])


class _Coverage:
    """A pytest plugin that records the lines of the target modules each test executes
    (and those executed while the tests are collected: imports, parametrisations)."""

    def __init__(self, files: dict[str, str]):
        self.files = files  # absolute path -> relative path
        self.lines: dict[str, dict[str, set[int]]] = {}
        self.seconds: dict[str, float] = {}
        self.paths: dict[str, str] = {}
        self.collection: dict[str, set[int]] = {}
        self.current: dict[str, set[int]] | None = None
        self.test: str | None = None
        self.spawning: set[str] = set()
        sys.addaudithook(self._audit)  # this process is a fork that ends with the run

    def _audit(self, event, args):
        if self.test is not None and event in ("subprocess.Popen", "os.posix_spawn", "os.exec"):
            self.spawning.add(self.test)

    def _global(self, frame, event, arg):
        return self._local if frame.f_code.co_filename in self.files else None

    def _local(self, frame, event, arg):
        if event == "line" and self.current is not None:
            path = self.files[frame.f_code.co_filename]
            self.current.setdefault(path, set()).add(frame.f_lineno)
        return self._local

    @contextlib.contextmanager
    def _tracing(self, into: dict[str, set[int]]):
        self.current = into
        sys.settrace(self._global)
        try:
            yield
        finally:
            sys.settrace(None)
            self.current = None

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session):  # noqa: ARG002 - pytest's signature
        with self._tracing(self.collection):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):  # noqa: ARG002
        lines: dict[str, set[int]] = {}
        start = time.perf_counter()
        self.test = item.nodeid
        with self._tracing(lines):
            result = yield
        self.test = None
        self.seconds[item.nodeid] = time.perf_counter() - start
        self.lines[item.nodeid] = lines
        self.paths[item.nodeid] = str(item.path)
        return result

    def report(self) -> dict:
        return {
            "lines": {t: _lists(by) for t, by in self.lines.items()},
            "collection": _lists(self.collection),
            "spawning": sorted(self.spawning),
            "seconds": self.seconds,
            "paths": self.paths,
        }


class _Select:
    """A pytest plugin that keeps only the chosen tests, in the chosen order, and notes
    the first that fails."""

    def __init__(self, tests: list[str]):
        self.order = {t: i for i, t in enumerate(tests)}
        self.failed: str | None = None

    def pytest_runtest_logreport(self, report):
        if report.failed and self.failed is None:
            self.failed = report.nodeid

    def report(self) -> dict:
        return {"failed": self.failed}

    def pytest_collection_modifyitems(self, session, config, items):  # noqa: ARG002
        kept = [i for i in items if i.nodeid in self.order]
        dropped = [i for i in items if i.nodeid not in self.order]
        kept.sort(key=lambda i: self.order[i.nodeid])
        items[:] = kept
        if dropped:
            config.hook.pytest_deselected(items=dropped)


PYTEST_ARGS = [
    "-q",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:xdist",
    "--hypothesis-seed=0",
    # the preloaded plugins cannot have their asserts rewritten, and need not
    "-W",
    "ignore::pytest.PytestAssertRewriteWarning",
]


class Workspace:
    """A temporary copy of the project in which the mutants are run.

    The project's files are only read. ``close`` (or leaving the ``with``
    block, also on Ctrl-C) removes the copy and any test process still running.
    """

    def __init__(self, root: Path, verbose: bool = False, extra: tuple[str, ...] = ()):
        self.root = root
        self.verbose = verbose
        self.copy = Path(tempfile.mkdtemp(prefix="mutation-"))
        self.child: int | None = None
        ignore = shutil.ignore_patterns(
            "__pycache__", "*.egg-info", "node_modules", "screenshots", ".hypothesis"
        )
        shutil.copytree(root / "lib", self.copy / "lib", ignore=ignore)
        shutil.copytree(root / "tests", self.copy / "tests", ignore=ignore)
        for name in ("pyproject.toml", *extra):  # and files the tests read
            (self.copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, self.copy / name)
        self.preloaded: set[str] = set()
        self.killers: dict[tuple[str, str], str] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._stop_child()
        shutil.rmtree(self.copy, ignore_errors=True)

    def _stop_child(self):
        if self.child is not None:
            try:
                os.killpg(self.child, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                # not (yet) the leader of its own group: the process itself
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(self.child, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.child, 0)
            self.child = None

    def activate(self):
        """Make this process import the project from the copy (run before any import of it)."""
        os.chdir(self.copy)
        sys.path.insert(0, str(self.copy / "lib"))
        sys.dont_write_bytecode = True  # a mutant must never be shadowed by a cached original
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        os.environ.setdefault("MPLBACKEND", "Agg")

    # -- one pytest run in a fork ---------------------------------------------

    def _pytest(self, args: list[str], plugin, result: Path, timeout: float) -> str:
        """Run pytest in a forked child; 'passed', 'failed', 'timeout' or 'error: ...'."""
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 70
            try:
                os.setpgid(0, 0)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                if not self.verbose:
                    null = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(null, 1)
                    os.dup2(null, 2)
                _forget_project_modules(self.copy)
                import pytest

                code = int(pytest.main(PYTEST_ARGS + args, plugins=[plugin]))
                recorded = {**plugin.report(), "modules": _third_party_modules(self.copy)}
                result.write_text(json.dumps(recorded))
            except BaseException:  # noqa: BLE001 - the child reports through its exit code
                import traceback

                traceback.print_exc()
            finally:
                os._exit(code)
        # the child's own process group, set from both sides: an interrupt that comes
        # before the child has set it must still find the group (killpg) to stop it
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.setpgid(pid, pid)
        self.child = pid
        deadline = time.monotonic() + timeout
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                self.child = None
                break
            if time.monotonic() > deadline:
                self._stop_child()
                return "timeout"
            time.sleep(0.01)
        if os.WIFSIGNALED(status):
            return "failed"  # crashed: the mutant broke something
        code = os.WEXITSTATUS(status)
        if code == 0:
            return "passed"
        if code in KILLED_EXIT_CODES:
            return "failed"
        return f"error: pytest exited with code {code}"

    def baseline(self, group: Group) -> Baseline:
        """Run the group's tests on the unchanged copy, recording their coverage."""
        files = {str(self.copy / t.path): t.path for t in group.targets}
        plugin = _Coverage(files)
        result = self.copy / ".baseline.json"
        args = [*group.tests, *(t.path for t in group.targets)]  # the modules' doctests too
        outcome = self._pytest(args, plugin, result, timeout=3600)
        if outcome != "passed":
            raise SystemExit(
                f"group {group.name}: the tests do not pass on the unchanged code ({outcome}); "
                f"run `python -m pytest {' '.join(args)}` and fix them first."
            )
        data = json.loads(result.read_text())
        result.unlink()
        self.preload(data["modules"])
        lines = {t: _sets(by) for t, by in data["lines"].items()}
        files_of = {t: str(Path(p).relative_to(self.copy)) for t, p in data["paths"].items()}
        return Baseline(
            lines, data["seconds"], files_of, _sets(data["collection"]), set(data["spawning"])
        )

    def preload(self, modules: list[str]) -> None:
        """Import what the tests import (not the project): each fork then starts warm."""
        for name in modules:
            if name in self.preloaded or name in sys.modules:
                continue
            self.preloaded.add(name)
            with contextlib.suppress(Exception), warnings_ignored():
                importlib.import_module(name)
        if threading.active_count() > 1 and self.verbose:
            print("warning: a preloaded package started a thread", file=sys.stderr)
        # what is loaded now is never garbage: the forks' collections skip it (pytest
        # collects garbage at the end of every run, and would walk all of Keras each time)
        gc.collect()
        gc.freeze()

    def run(self, mutant: Mutant, baseline: Baseline, timeout: float) -> str:
        """'killed', 'timeout', 'survived', 'not covered' or 'error: ...' for one mutant."""
        tests = baseline.tests_for(mutant)
        if not tests:
            return "not covered"
        # the test that killed the last mutant of this function is likely to kill this
        # one; but one that starts another process is slow, and keeps its place by time
        killer = self.killers.get((mutant.path, mutant.scope))
        if killer in tests and killer not in baseline.spawning:
            tests.remove(killer)
            tests.insert(0, killer)
        module = self.copy / mutant.path
        original = module.read_text(encoding="utf-8")
        files = list(dict.fromkeys(baseline.files[t] for t in tests))
        budget = timeout + 3 * sum(baseline.seconds[t] for t in tests)
        result = self.copy / ".mutant.json"
        try:
            module.write_text(mutant.source, encoding="utf-8")
            outcome = self._pytest(["-x", *files], _Select(tests), result, budget)
            if outcome == "failed" and result.is_file():
                failed = json.loads(result.read_text())["failed"]
                if failed is not None:
                    self.killers[(mutant.path, mutant.scope)] = failed
        finally:
            module.write_text(original, encoding="utf-8")
            result.unlink(missing_ok=True)
            # each mutant is judged afresh, not by examples Hypothesis saved from another
            shutil.rmtree(self.copy / ".hypothesis", ignore_errors=True)
        return {"failed": "killed", "passed": "survived"}.get(outcome, outcome)


@contextlib.contextmanager
def warnings_ignored():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _lists(lines: dict[str, set[int]]) -> dict[str, list[int]]:
    return {path: sorted(numbers) for path, numbers in lines.items()}


def _sets(lines: dict[str, list[int]]) -> dict[str, set[int]]:
    return {path: set(numbers) for path, numbers in lines.items()}


def _third_party_modules(copy: Path) -> list[str]:
    """The modules loaded in this process that are not the project's (nor its tests')."""
    names = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None) or ""
        if name in ("__main__", "__mp_main__") or str(copy) in path:
            continue
        names.append(name)
    return sorted(names)


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------


@dataclass
class Tally:
    mutants: int = 0
    killed: int = 0
    equivalent: int = 0
    survived: int = 0

    def add(self, other: Tally) -> None:
        for name in ("mutants", "killed", "equivalent", "survived"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def score(self) -> float:
        judged = self.mutants - self.equivalent
        return 100.0 * self.killed / judged if judged else 100.0

    @property
    def raw(self) -> float:
        return 100.0 * self.killed / self.mutants if self.mutants else 100.0


def table(rows: list[tuple[str, Tally]]) -> str:
    """The results as a Markdown table.

    >>> print(table([("maths", Tally(10, 8, 1, 1))]))
    | module | mutants | killed | equivalent | survived | score | raw |
    |---|---:|---:|---:|---:|---:|---:|
    | maths | 10 | 8 | 1 | 1 | 88.9% | 80.0% |
    """
    lines = [
        "| module | mutants | killed | equivalent | survived | score | raw |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, t in rows:
        lines.append(
            f"| {name} | {t.mutants} | {t.killed} | {t.equivalent} | {t.survived} "
            f"| {t.score:.1f}% | {t.raw:.1f}% |"
        )
    return "\n".join(lines)


@dataclass
class Results:
    statuses: dict[str, str] = field(default_factory=dict)  # key -> status
    mutants: dict[str, Mutant] = field(default_factory=dict)


SYMBOLS = {"killed": ".", "timeout": "T", "survived": "S", "not covered": "U", "equivalent": "e"}


def _module_name(path: str) -> str:
    return path.removeprefix("lib/").removesuffix(".py")


def run(root: Path, names: list[str], verbose: bool = False) -> int:
    config = load_config(root)
    unknown = set(names) - {g.name for g in config.groups}
    if unknown:
        raise SystemExit(
            f"no mutation group {sorted(unknown)}; groups: {[g.name for g in config.groups]}"
        )
    groups = [g for g in config.groups if not names or g.name in names]
    equivalents = read_equivalents(root / config.equivalent)
    originals = {
        t.path: (root / t.path).read_text(encoding="utf-8") for g in groups for t in g.targets
    }
    plan = {g.name: [m for t in g.targets for m in make_mutants(root, t)] for g in groups}
    total = sum(len(v) for v in plan.values())
    print(f"{total} mutants in {len(groups)} group(s); one at a time", flush=True)

    started = time.monotonic()
    statuses: dict[str, str] = {}
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    signal.signal(signal.SIGTERM, _raise_interrupt)
    _interruptible()
    try:
        with Workspace(root, verbose, config.copy) as workspace:
            workspace.activate()
            _prepare(workspace.copy, config.prepare)
            for group in groups:
                t0 = time.monotonic()
                baseline = workspace.baseline(group)
                print(
                    f"{group.name}: {len(plan[group.name])} mutants, {len(baseline.seconds)} tests ",
                    end="",
                    flush=True,
                )
                for mutant in plan[group.name]:
                    status = workspace.run(mutant, baseline, config.timeout)
                    if status.startswith("error"):
                        raise SystemExit(f"\n{mutant.key}: {status}")
                    if status in ("survived", "not covered") and mutant.key in equivalents:
                        status = "equivalent"
                    statuses[mutant.key] = status
                    print(SYMBOLS.get(status, "?"), end="", flush=True)
                print(f" {time.monotonic() - t0:.0f} s", flush=True)
    except (KeyboardInterrupt, _Interrupted):
        print(
            "\ninterrupted: the temporary copy is removed; no project file was changed",
            file=sys.stderr,
        )
        return 130
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)

    # survivors, with what to do about them
    survivors = [
        m for g in groups for m in plan[g.name] if statuses[m.key] in ("survived", "not covered")
    ]
    if survivors:
        print(
            f"\n{len(survivors)} surviving mutant(s): kill each with a test, or list it in {config.equivalent} with the reason\n"
        )
        for m in survivors:
            print(
                f"{m.path}:{m.line}: {m.operator}{' (no test runs this line)' if statuses[m.key] == 'not covered' else ''}"
            )
            print(f"{m.key}")
            if verbose:
                print(m.diff(originals[m.path]))
    listed = {m.key for g in groups for m in plan[g.name]}
    killed_but_listed = [
        k for k, s in statuses.items() if k in equivalents and s in ("killed", "timeout")
    ]
    stale = [k for k in equivalents if k not in listed and _in_groups(k, groups)]
    for k in killed_but_listed:
        print(f"listed as equivalent but killed (remove it from {config.equivalent}): {k}")
    for k in stale:
        print(f"listed as equivalent but no such mutant any more (remove or update it): {k}")

    rows, ok = [], not survivors and not killed_but_listed and not stale
    for group in groups:
        group_total = Tally()
        for target in group.targets:
            t = Tally()
            for m in plan[group.name]:
                if m.path != target.path:
                    continue
                t.mutants += 1
                status = statuses[m.key]
                t.killed += status in ("killed", "timeout")
                t.equivalent += status == "equivalent"
                t.survived += status in ("survived", "not covered")
            label = _module_name(target.path) + (
                f" ({', '.join(target.only)})" if target.only else ""
            )
            rows.append((f"{group.name}: {label}", t))
            group_total.add(t)
        rows.append((f"**{group.name}**", group_total))
        ok = ok and group_total.score >= config.min_score
    print()
    print(table(rows))
    minutes, seconds = divmod(time.monotonic() - started, 60)
    print(
        f"\n{int(minutes)} min {seconds:.0f} s; score = killed / (mutants - equivalent), raw = killed / mutants; needed: {config.min_score:g}% per group"
    )
    return 0 if ok else 1


def _in_groups(key: str, groups: list[Group]) -> bool:
    path = key.split("::", 1)[0]
    return any(t.path == path for g in groups for t in g.targets)


def _raise_interrupt(signum, frame):  # noqa: ARG001
    raise _Interrupted


def _interruptible() -> None:
    """Ctrl-C interrupts the run, also when it was started with SIGINT ignored (as a
    shell without job control starts a command run in the background)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _prepare(copy: Path, call: str) -> None:
    """Run the configured ``prepare`` call (``module:function``) in this process, then
    forget the project's modules it imported: the forks import them afresh."""
    if call:
        module, _, function = call.partition(":")
        getattr(importlib.import_module(module), function)()
    _forget_project_modules(copy)


def _forget_project_modules(copy: Path) -> None:
    for name, module in list(sys.modules.items()):
        if str(copy) in (getattr(module, "__file__", None) or ""):
            del sys.modules[name]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", help="groups to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument(
        "--show", metavar="TEXT", help="print the diff of each mutant whose key contains TEXT"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="show pytest's output and each survivor's diff"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if hasattr(signal, "SIGUSR1"):  # `kill -USR1 <pid>`: where a long run is, on stderr
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    if args.list or args.show:
        config = load_config(root)
        for group in config.groups:
            if args.groups and group.name not in args.groups:
                continue
            for target in group.targets:
                original = (root / target.path).read_text(encoding="utf-8")
                for m in make_mutants(root, target):
                    if args.show is not None and args.show not in m.key:
                        continue
                    print(f"{m.path}:{m.line}: {m.operator}\n{m.key}")
                    if args.show is not None:
                        print(m.diff(original))
        return 0
    return run(root, args.groups, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
