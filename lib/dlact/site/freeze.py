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
* the ``dlact`` library's code (its syntax trees: comments and docstrings
  do not count);
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
import hashlib
import json
import os
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


def python_code(source: str) -> str:
    """What a Python module *does*: its syntax tree without docstrings (comments are
    not in the tree), so editing documentation does not make results stale."""
    return ast.dump(_WithoutDocstrings().visit(ast.parse(source)))


def _digest(paths: list[Path], root: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(root)).encode())
        h.update(b"\0")
        if path.suffix == ".py":
            h.update(python_code(path.read_text(encoding="utf-8")).encode())
        else:
            h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def shared_inputs(root: Path = ROOT) -> list[Path]:
    """Inputs common to every document: the library and the pinned packages."""
    lib = sorted((root / "lib").rglob("*.py"))
    lock = [root / "requirements.lock"] if (root / "requirements.lock").is_file() else []
    return lib + lock


def backend() -> str:
    from dlact.backend import DEFAULT_BACKEND

    return os.environ.get("KERAS_BACKEND") or DEFAULT_BACKEND


def document_hash(doc: Path, root: Path = ROOT) -> str:
    """Hash of everything that determines ``doc``'s executed results."""
    from dlact.site.qmd import included_files

    files = included_files(doc)
    claims = [c for f in files if (c := f.with_name(f.stem + ".claims.yml")).is_file()]
    own = _digest(files + claims, root)
    shared = _digest(shared_inputs(root), root)
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
                    "its sources, an included partial, lib/, the pinned "
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
    for s in stale:
        shutil.rmtree(freeze_dir(s.document, root))
        print(f"freeze: re-executing {s.document.relative_to(root)} ({s.reason})")
    # Record the inputs now: a document whose freeze was removed will be executed by
    # this render, and if the render fails it has no freeze, so it executes next time.
    write_manifest({**read_manifest(root), **current}, root)
    return 0


if __name__ == "__main__":
    # Run by Quarto as a script: find the package beside this file, installed or not.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main(sys.argv[1:]))
