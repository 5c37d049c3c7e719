"""The docstrings' side of the appendix "The course library": numpydoc as written, and links.

Used by :mod:`dlact.site.apidoc` when ``make api`` writes the appendix (never
during a render): numpydoc sections split as the author wrote them, the
doctest blocks of an ``Examples`` section, and the index of the objects the
appendix documents, which turns a reST role such as ``:func:`sigmoid``` into
a link to its entry.
"""

from __future__ import annotations

import importlib
import re
import textwrap
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

ITEM_SECTIONS = ("Parameters", "Other Parameters", "Attributes", "Returns", "Yields", "Raises")
SECTION_TITLES = (*ITEM_SECTIONS, "Examples", "Notes", "Warnings", "See Also", "References")


class DocstringError(ValueError):
    """A docstring refers to a ``dlact`` object that does not exist."""


def anchor(path: str) -> str:
    """The page anchor of a documented object: ``dlact.maths.sigmoid`` -> ``dlact-maths-sigmoid``.

    Examples
    --------
    >>> anchor("dlact.figures.plot_sigmoid")
    'dlact-figures-plot_sigmoid'
    """
    return path.replace(".", "-")


# --------------------------------------------------------------------------
# numpydoc, read as written
# --------------------------------------------------------------------------


def split_sections(docstring: str) -> list[tuple[str, str]]:
    """A docstring as ``(title, body)`` pairs; the text before the first section is ``""``.

    Examples
    --------
    >>> split_sections("Summary.\\n\\nParameters\\n----------\\nx : int\\n    A number.")
    [('', 'Summary.'), ('Parameters', 'x : int\\n    A number.')]
    """
    lines = textwrap.dedent(docstring).strip("\n").splitlines()
    sections: list[tuple[str, list[str]]] = [("", [])]
    i = 0
    while i < len(lines):
        line = lines[i]
        underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if (
            line.strip() in SECTION_TITLES
            and not line.startswith(" ")
            and underline
            and set(underline) == {"-"}
        ):
            sections.append((line.strip(), []))
            i += 2
            continue
        sections[-1][1].append(line)
        i += 1
    return [(title, "\n".join(body).strip("\n")) for title, body in sections if "\n".join(body)]


@dataclass
class Item:
    """One entry of a Parameters, Returns, Raises or Attributes section."""

    names: str
    type: str
    description: str


def split_items(body: str, *, named: bool) -> list[Item]:
    """The entries of an item section: ``name : type`` (or a type alone, unnamed) lines
    at the left margin, each followed by its indented description."""
    items: list[Item] = []
    for line in body.splitlines():
        if line and not line[0].isspace():
            names, sep, type_ = line.partition(" : ")
            if not sep and named:
                names, type_ = line.strip(), ""
            elif not sep:
                names, type_ = "", line.strip()
            items.append(Item(names.strip(), type_.strip(), ""))
        elif items:
            items[-1].description += line + "\n"
    for item in items:
        item.description = textwrap.dedent(item.description).strip()
    return items


def doctest_blocks(body: str) -> list[tuple[str, str]]:
    """An Examples section as ``("code", ...)`` and ``("text", ...)`` blocks, in order.

    Doctest directives (``# doctest: +SKIP``) are dropped from the code; the
    blocks of code that follow each other become one.
    """
    blocks: list[tuple[str, str]] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        kind = "code" if chunk.lstrip().startswith(">>>") else "text"
        if kind == "code":
            chunk = "\n".join(re.sub(r"\s*#\s*doctest:.*$", "", ln) for ln in chunk.splitlines())
        if blocks and blocks[-1][0] == kind == "code":
            blocks[-1] = ("code", blocks[-1][1] + "\n" + chunk)
        else:
            blocks.append((kind, chunk))
    return blocks


# --------------------------------------------------------------------------
# Names: what a role points at
# --------------------------------------------------------------------------


def lookup(target: str, context: list[str]) -> tuple[str, Any] | None:
    """The Python object ``target`` names, seen from ``context`` (innermost scope
    first), and the dotted path it was found at; None if it names nothing."""
    for scope in [*context, ""]:
        path = f"{scope}.{target}" if scope else target
        parts = path.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj: Any = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attribute in parts[cut:]:
                    obj = getattr(obj, attribute)
            except AttributeError:
                break
            return path, obj
    return None


@dataclass
class Index:
    """The objects the appendix documents, by every path that names them."""

    anchors: dict[str, str] = field(default_factory=dict)

    def add(self, obj, anchor_: str) -> None:
        for path in {obj.path, getattr(obj, "canonical_path", obj.path)}:
            self.anchors.setdefault(path, anchor_)

    def find(self, target: str, context: list[str]) -> str | None:
        """The anchor of what ``target`` names, seen from ``context``, if documented here.

        By the path it is written with; else by where the object it names is
        defined (a function or class imported into another module); else, for
        a constant, by a documented one of the same name that is the same object.
        """
        for scope in [*context, ""]:
            path = f"{scope}.{target}" if scope else target
            if path in self.anchors:
                return self.anchors[path]
        found = lookup(target, context)
        if found is None:
            return None
        _, obj = found
        if isinstance(obj, ModuleType):
            return self.anchors.get(obj.__name__)
        if hasattr(obj, "__module__") and hasattr(obj, "__qualname__"):
            return self.anchors.get(f"{obj.__module__}.{obj.__qualname__}")
        name = target.rsplit(".", 1)[-1]
        for path, anchor_ in self.anchors.items():
            if path.rsplit(".", 1)[-1] == name and (same := lookup(path, [])) and same[1] is obj:
                return anchor_
        return None
