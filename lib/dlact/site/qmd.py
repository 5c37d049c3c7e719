"""Read the lecture's Quarto sources as Python: includes, code cells, inline code.

Runs in the tests, the benchmark and the freeze check (no Quarto needed).

Used to execute every cell of a chapter in a Jupyter kernel where no
``quarto`` is installed, and to list what a chapter depends on.  Only the
subset of Quarto's syntax the lecture uses is understood:

* ``{{< include path >}}`` on a line of its own (paths relative to the file,
  or to the project's root when they start with ``/``);
* fenced ``{python}`` cells, with ``#| key: value`` options at their top;
* inline expressions written as a backtick, ``{python}``, the expression, a backtick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

INCLUDE = re.compile(r"^\s*\{\{<\s*include\s+(?P<path>\S+)\s*>\}\}\s*$")
CELL_OPEN = re.compile(r"^(?P<fence>`{3,})\s*\{python(?P<attrs>[^}]*)\}\s*$")
INLINE = re.compile(r"`\{python\}\s+(?P<expr>[^`]+)`")


class QmdError(ValueError):
    """A source file the reader cannot follow (missing include, unclosed cell, bad options)."""


@dataclass(frozen=True)
class Cell:
    """One fenced ``{python}`` cell."""

    source: str
    options: dict = field(default_factory=dict)
    origin: str = ""  # "file:line" of the opening fence

    @property
    def evaluated(self) -> bool:
        return bool(self.options.get("eval", True))


@dataclass(frozen=True)
class Inline:
    """One inline ``{python}`` expression in the prose."""

    expr: str
    origin: str = ""


def project_root(path: Path) -> Path:
    """The folder of the Quarto project ``path`` is in (the nearest with a ``_quarto.yml``)."""
    path = Path(path).resolve()
    for folder in (path, *path.parents):
        if (folder / "_quarto.yml").is_file():
            return folder
    return path.parent


def include_target(including: Path, target: str) -> Path:
    """The file an include names: ``/...`` is from the project's root (as Quarto reads it,
    whichever document the partial ends up in), anything else from the including file."""
    if target.startswith("/"):
        return (project_root(including) / target.lstrip("/")).resolve()
    return (Path(including).parent / target).resolve()


def expand_includes(path: Path, *, _seen: tuple[Path, ...] = ()) -> list[tuple[str, str]]:
    """The lines of ``path`` with every include replaced by the included lines.

    Each line comes with its origin ``"file:line"`` for error messages.
    """
    path = Path(path).resolve()
    if path in _seen:
        chain = " -> ".join(p.name for p in (*_seen, path))
        raise QmdError(f"Include cycle: {chain}")
    if not path.is_file():
        raise QmdError(f"{path} does not exist")
    lines: list[tuple[str, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = INCLUDE.match(line)
        if match:
            target = include_target(path, match["path"])
            if not target.is_file():
                raise QmdError(f"{path}:{number}: included file {match['path']} does not exist")
            lines.extend(expand_includes(target, _seen=(*_seen, path)))
        else:
            lines.append((line, f"{path.name}:{number}"))
    return lines


def included_files(path: Path) -> list[Path]:
    """``path`` and every file it includes, recursively, in reading order."""
    found: list[Path] = []

    def visit(current: Path, chain: tuple[Path, ...]) -> None:
        current = current.resolve()
        if current in chain:
            raise QmdError("Include cycle: " + " -> ".join(p.name for p in (*chain, current)))
        if current not in found:
            found.append(current)
        for line in current.read_text(encoding="utf-8").splitlines():
            match = INCLUDE.match(line)
            if match:
                visit(include_target(current, match["path"]), (*chain, current))

    visit(Path(path), ())
    return found


def _parse_options(body: list[str], origin: str) -> tuple[dict, list[str]]:
    option_lines = []
    while body and body[0].startswith("#|"):
        option_lines.append(body.pop(0)[2:].strip())
    if not option_lines:
        return {}, body
    try:
        options = yaml.safe_load("\n".join(option_lines)) or {}
    except yaml.YAMLError as exc:
        raise QmdError(f"{origin}: cell options are not valid YAML: {exc}") from exc
    if not isinstance(options, dict):
        raise QmdError(f"{origin}: cell options must be 'key: value' lines")
    return options, body


def read_blocks(path: Path) -> list[Cell | Inline]:
    """Code cells and inline expressions of ``path`` (includes expanded), in order."""
    blocks: list[Cell | Inline] = []
    lines = expand_includes(path)
    i = 0
    while i < len(lines):
        line, origin = lines[i]
        opened = CELL_OPEN.match(line)
        if opened:
            fence = opened["fence"]
            body = []
            i += 1
            while i < len(lines) and lines[i][0].rstrip() != fence:
                body.append(lines[i][0])
                i += 1
            if i == len(lines):
                raise QmdError(f"{origin}: python cell is never closed (expected {fence})")
            options, body = _parse_options(body, origin)
            blocks.append(Cell("\n".join(body).strip("\n"), options, origin))
        else:
            blocks.extend(Inline(m["expr"].strip(), origin) for m in INLINE.finditer(line))
        i += 1
    return blocks


class InlineValueError(TypeError):
    """An inline expression whose value Quarto would print as a Python repr."""


def check_inline(value, expr: str, origin: str = ""):
    """``value`` if Quarto prints it as the reader should see it, else a clear error.

    Quarto writes an inline expression's value with its ``repr``: a string
    shows as itself and an ``int`` as digits, but a NumPy scalar shows as
    ``np.int64(32)`` and a float with every digit it has.  The prose must
    format such values (``f"{x:.3f}"``, ``f"{n:,}"``, ``int(n)``), so only
    ``str``, ``int`` and objects with a Markdown representation pass.
    """
    if isinstance(value, str) or type(value) is int or hasattr(value, "_repr_markdown_"):
        return value
    where = f" at {origin}" if origin else ""
    raise InlineValueError(
        f"The inline expression `{expr}`{where} gives a {type(value).__module__}."
        f"{type(value).__qualname__}, which Quarto prints as {value!r}. Format it for the "
        f'reader: f"{{x:.3f}}", f"{{n:,}}" or int(n).'
    )


def to_notebook(path: Path, *, inline_as_cells: bool = True):
    """A notebook of the python cells of ``path`` (for executing it in a kernel).

    Inline expressions become cells that evaluate them and check, with
    :func:`check_inline`, that Quarto will print them as formatted text, so
    that an error or a raw NumPy value in the prose fails as loudly as an
    error in a cell.  Cells marked ``eval: false`` are kept but tagged
    ``skip-execution``.
    """
    import nbformat

    cells = []
    for block in read_blocks(path):
        if isinstance(block, Cell):
            cell = nbformat.v4.new_code_cell(block.source)
            cell.metadata["origin"] = block.origin
            if not block.evaluated:
                cell.metadata["tags"] = ["skip-execution"]
            cells.append(cell)
        elif inline_as_cells:
            cell = nbformat.v4.new_code_cell(
                "from dlact.site.qmd import check_inline as _dlact_check_inline\n"
                f"_dlact_check_inline(({block.expr}), {block.expr!r}, {block.origin!r})"
            )
            cell.metadata["origin"] = block.origin
            cells.append(cell)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook
