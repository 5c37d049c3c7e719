"""Notice when Quarto's frozen results are stale, and make Quarto re-execute.

Runs before every render (Quarto's ``pre-render``), and by hand.

Quarto's freeze re-executes a document only when the document's own file
changes, not the partials it includes, nor the library its cells import, nor
the pinned packages.  Before every render (``pre-render`` in ``_quarto.yml``)
this module hashes, for each executable document, everything that determines
its results:

* the document and every file it includes, and the claims files of those
  (``_binary.claims.yml`` beside ``_binary.qmd``: the checks run when the
  cells do, so an edited claim must be checked against the results again);
* the code of the library modules its cells can run: those they import, and
  what those import, at any depth (their syntax trees: comments and
  docstrings do not count; a module only the build runs does not count);
* ``requirements.lock`` (the package versions);
* the Keras backend.

and compares the hash with the one recorded in ``_freeze/inputs.json`` when
the document was last executed.  A document whose inputs changed has its
frozen results removed, so Quarto executes it again in this render; with
``DLACT_FREEZE=check`` the render stops instead, saying what changed and
what to run.

Run by hand: ``python lib/dlact/site/freeze.py [--check]``.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = "inputs.json"
MODE_ENV_VAR = "DLACT_FREEZE"


#: The documents with executable cells, relative to the project root.
def executable_documents(root: Path = ROOT) -> list[Path]:
    """Every ``.qmd`` under ``chapters/`` and ``slides/`` (not partials) and ``index.qmd``
    that holds or includes a python cell."""
    from dlact.site.qmd import CELL_OPEN, included_files

    candidates = [root / "index.qmd"]
    for folder in ("chapters", "slides"):
        candidates += sorted(p for p in (root / folder).glob("*.qmd") if not p.name.startswith("_"))
    documents = []
    for doc in candidates:
        if not doc.is_file():
            continue
        if any(
            CELL_OPEN.match(line)
            for f in included_files(doc)
            for line in f.read_text(encoding="utf-8").splitlines()
        ):
            documents.append(doc)
    return documents


class _WithoutDocstrings(ast.NodeTransformer):
    """Drops every statement that is a bare string: the docstrings of modules,
    classes and functions, and those written under a constant. None does anything."""

    def visit_Expr(self, node: ast.Expr) -> ast.Expr | None:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return None
        return node

    def _keep_a_body(self, node):
        # a body that was only a docstring does what `pass` does
        self.generic_visit(node)
        if not node.body:
            node.body = [ast.Pass()]
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _keep_a_body


@functools.cache  # each module once per run, however many documents import it
def python_code(source: str) -> str:
    """What a Python module *does*: its syntax tree without docstrings (comments are
    not in the tree), so editing documentation does not make results stale."""
    return ast.dump(_WithoutDocstrings().visit(ast.parse(source)))


def _digest(paths: list[Path], root: Path, texts: dict[str, str] | None = None) -> str:
    """Hash of ``paths``; a path named in ``texts`` counts with that text instead of its file's."""
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        given = (texts or {}).get(path.relative_to(root).as_posix())
        if given is not None:
            h.update(given.encode("utf-8"))
        elif path.suffix == ".py":
            h.update(python_code(path.read_text(encoding="utf-8")).encode())
        else:
            h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def library_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module under ``lib/`` by its dotted name (a package by its ``__init__.py``)."""
    modules = {}
    for path in sorted((root / "lib").rglob("*.py")):
        parts = path.relative_to(root / "lib").with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            modules[".".join(parts)] = path
    return modules


#: ``import a.b`` and ``from a.b import c`` in a cell (cells may hold IPython syntax).
_CELL_IMPORT = re.compile(
    r"^\s*(?:from\s+([\w.]+)\s+import\s+([\w\s,()]+)|import\s+([\w.]+))", re.M
)


def _named_modules(names: set[str], modules: dict[str, Path]) -> set[str]:
    """The library modules that importing ``names`` runs: each one and its packages."""
    found = set()
    for name in names:
        parts = name.split(".")
        found |= {p for i in range(1, len(parts) + 1) if (p := ".".join(parts[:i])) in modules}
    return found


def _imports_of_module(name: str, path: Path) -> set[str]:
    """Every name a module imports, at its top or inside a function (lazily)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return set(_imports_in(package, path.read_text(encoding="utf-8")))


@functools.cache  # each module once per run, however many documents import it
def _imports_in(package: str, source: str) -> frozenset[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return frozenset(names)


def library_inputs(doc: Path, root: Path = ROOT) -> list[Path]:
    """The library modules ``doc``'s cells can run: those its code imports, and what
    those import in turn, at any depth, found in their syntax trees.

    A module of the build that no cell reaches (the render, the post-render
    fixes, the site's checkers) does not make the results stale.
    """
    from dlact.site.qmd import Cell, read_blocks

    modules = library_modules(root)
    code = "\n".join(
        block.source if isinstance(block, Cell) else block.expr for block in read_blocks(doc)
    )
    names = set()
    for m in _CELL_IMPORT.finditer(code):
        if m.group(3):
            names.add(m.group(3))
        else:
            imported = m.group(2).replace("(", " ").replace(")", " ").replace(",", " ").split()
            names |= {m.group(1)} | {f"{m.group(1)}.{n}" for n in imported}
    todo, reached = _named_modules(names, modules), set()
    while todo:
        name = todo.pop()
        reached.add(name)
        todo |= _named_modules(_imports_of_module(name, modules[name]), modules) - reached
    return sorted(modules[name] for name in reached)


def shared_inputs(root: Path = ROOT) -> list[Path]:
    """Inputs common to every document: the pinned packages."""
    return [root / "requirements.lock"] if (root / "requirements.lock").is_file() else []


def backend() -> str:
    from dlact.backend import DEFAULT_BACKEND

    return os.environ.get("KERAS_BACKEND") or DEFAULT_BACKEND


def document_hash(doc: Path, root: Path = ROOT, texts: dict[str, str] | None = None) -> str:
    """Hash of everything that determines ``doc``'s executed results; with ``texts``, as if
    the files they name (by path in the project) held those texts."""
    from dlact.site.qmd import included_files

    files = included_files(doc)
    claims = [c for f in files if (c := f.with_name(f.stem + ".claims.yml")).is_file()]
    own = _digest(files + claims, root, texts)
    shared = _digest(library_inputs(doc, root) + shared_inputs(root), root)
    return hashlib.sha256(f"{own}:{shared}:{backend()}".encode()).hexdigest()


def freeze_dir(doc: Path, root: Path = ROOT) -> Path:
    """Where Quarto keeps ``doc``'s frozen results."""
    return root / "_freeze" / doc.relative_to(root).with_suffix("")


@dataclass(frozen=True)
class Stale:
    document: Path
    reason: str


def read_manifest(root: Path = ROOT) -> dict[str, str]:
    try:
        return json.loads((root / "_freeze" / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}


def write_manifest(entries: dict[str, str], root: Path = ROOT) -> None:
    path = root / "_freeze" / MANIFEST
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(dict(sorted(entries.items())), indent=2) + "\n")
    tmp.replace(path)


def find_stale(root: Path = ROOT) -> tuple[list[Stale], dict[str, str]]:
    """Documents whose frozen results do not match their inputs, and the current hashes."""
    recorded = read_manifest(root)
    current: dict[str, str] = {}
    stale = []
    for doc in executable_documents(root):
        key = str(doc.relative_to(root))
        current[key] = document_hash(doc, root)
        if not freeze_dir(doc, root).exists():
            continue  # nothing frozen: Quarto executes it anyway
        if key not in recorded:
            stale.append(Stale(doc, "no record of the inputs its frozen results came from"))
        elif recorded[key] != current[key]:
            stale.append(
                Stale(
                    doc,
                    "its sources, an included partial, the library code its cells run, the pinned "
                    "packages or the Keras backend changed",
                )
            )
    return stale, current


def main(argv: list[str], root: Path | None = None) -> int:
    root = root or ROOT
    check_only = "--check" in argv or os.environ.get(MODE_ENV_VAR) == "check"
    stale, current = find_stale(root)
    if check_only:
        if stale:
            lines = "\n".join(f"  {s.document.relative_to(root)}: {s.reason}" for s in stale)
            print(
                "Frozen results are out of date:\n" + lines + "\n"
                "Re-execute them with `make retrain` (or unset DLACT_FREEZE and render again).",
                file=sys.stderr,
            )
            return 1
        return 0
    recorded = read_manifest(root)
    for s in stale:
        name = s.document.relative_to(root)
        if carry_prose(s.document, recorded.get(str(name)), root):
            print(f"freeze: {name}: only its prose changed, carried into its frozen results")
            continue
        shutil.rmtree(freeze_dir(s.document, root))
        print(f"freeze: re-executing {name} ({s.reason})")
    # Record the inputs now: a document whose freeze was removed will be executed by
    # this render, and if the render fails it has no freeze, so it executes next time.
    write_manifest({**recorded, **current}, root)
    record_sources(root, recorded, current)
    return 0


def carry_prose(doc: Path, recorded: str | None, root: Path = ROOT) -> bool:
    """Carry a prose-only edit into ``doc``'s frozen results (:mod:`dlact.site.prosepatch`):
    only if nothing but its included files changed since the sources it was executed from
    (the recorded hash is that of those sources, with today's library, packages, backend
    and claims)."""
    from dlact.site import prosepatch
    from dlact.site.qmd import included_files

    sources = prosepatch.read_sources(prosepatch.sources_file(doc, root))
    if sources is None or document_hash(doc, root, texts=sources) != recorded:
        return False
    return prosepatch.carry(doc, included_files(doc), freeze_dir(doc, root), root)


def record_sources(root: Path, recorded: dict[str, str], current: dict[str, str]) -> None:
    """Keep the texts each document's frozen results come from: for a document with
    none frozen (executed in this render, or never), today's; for a frozen one with no
    record whose inputs are unchanged, today's too. An existing record is left as it is."""
    from dlact.site import prosepatch
    from dlact.site.qmd import included_files

    for doc in executable_documents(root):
        record = prosepatch.sources_file(doc, root)
        key = str(doc.relative_to(root))
        frozen = freeze_dir(doc, root).exists()
        if not frozen or (not record.exists() and recorded.get(key) == current.get(key)):
            prosepatch.write_sources(record, prosepatch.current_sources(included_files(doc), root))


if __name__ == "__main__":
    # Run by Quarto as a script: find the package beside this file, installed or not.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main(sys.argv[1:]))
