"""Write the book's appendix "The course library" from the teaching API's docstrings.

Runs by hand, ``make api`` (``python -m dlact.site.build api``), after a
docstring changes; the tests run it into a temporary folder and fail, saying
to run ``make api``, when the committed page is out of date.  A render never
runs it: the page is committed, so ``quarto render`` needs nothing more.

`quartodoc <https://machow.github.io/quartodoc/>`_ does the collecting: the
``quartodoc`` section of ``chapters/_library.yml`` lists the modules (one group
each) and the objects of each; quartodoc loads them by static analysis (with
griffe), and its single-page builder lays them out.  The ``pages`` section of
the same file spreads the modules over the appendix's pages, in order (one
long page held some 9,300 elements, slow to lay out on a phone); each
page, ``chapters/library-*.qmd``, includes the part written for it,
``chapters/_library-*.qmd``. The renderer below writes the Markdown, for HTML
and for the Typst PDF alike:

* each group is a section: the module's docstring as its introduction, then a
  table of its objects, then each object with its signature, description,
  parameters, returns and examples;
* numpydoc sections are read from the docstring as written (types stay as
  the author wrote them) and become definition lists, never HTML;
* reST roles become Markdown: ``:math:`x``` is ``$x$``; ``:func:`name``` and
  the like link to the object when the appendix documents it (on its own
  page, or on the page that holds it), and are code otherwise; a role naming
  a ``dlact`` object that does not exist is an error;
* the first page opens with a table of every module, linked to its section;
* examples are code blocks, without their ``# doctest:`` directives.
"""

from __future__ import annotations

import importlib
import re
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import yaml
from plum import dispatch
from quartodoc import layout
from quartodoc._griffe_compat import dataclasses as dc
from quartodoc.renderers import MdRenderer

from dlact.site.docstrings import (
    ITEM_SECTIONS,
    DocstringError,
    Index,
    anchor,
    doctest_blocks,
    lookup,
    split_items,
    split_sections,
)

ROOT = Path(__file__).resolve().parents[3]
CONFIG = "chapters/_library.yml"
HEADER = (
    "<!-- Written from the docstrings of lib/dlact by `make api` (quartodoc); "
    "do not edit by hand. -->\n\n"
)

#: numpydoc sections whose body is a list of ``name : type`` items.
#: First parts of names that belong to other packages: shown as code, never checked.
EXTERNAL = ("matplotlib", "sklearn", "numpy", "np", "pandas", "pd", "keras", "scipy", "torch")
ROLE = re.compile(r":(?P<role>[a-z]+):`(?P<target>[^`]+)`")


# --------------------------------------------------------------------------
# The renderer
# --------------------------------------------------------------------------


class CourseRenderer(MdRenderer):
    """quartodoc's Markdown renderer, writing the appendix's style (see the module docstring)."""

    style = "dlact"

    def __init__(self, header_level: int = 2, **kwargs) -> None:
        super().__init__(header_level=header_level, **kwargs)
        self.index = Index()
        self.context: list[str] = []
        self.problems: list[str] = []
        #: each module's page (``library.qmd``, ...): see :func:`read_pages`
        self.page_of: dict[str, str] = {}
        #: the page each anchor is on, and the page being written
        self.anchor_page: dict[str, str] = {}
        self.page = ""

    # ---- text ---------------------------------------------------------------

    def href(self, anchor_: str) -> str:
        """A link to ``anchor_``: ``#anchor`` on this page, ``page.qmd#anchor`` on another."""
        page = self.anchor_page.get(anchor_, self.page)
        return f"#{anchor_}" if page == self.page else f"{page}#{anchor_}"

    def text(self, rst: str) -> str:
        """reST prose as Markdown: roles, and literal blocks (``::``) as code."""

        def literal(match: re.Match) -> str:
            code = textwrap.dedent(match.group("code")).strip("\n")
            return f"{match.group('before')}:\n\n```python\n{code}\n```\n"

        rst = re.sub(
            r"(?P<before>\S)::\n\n(?P<code>(?:[ ]{4}.*\n?|\n)+)", literal, rst.rstrip() + "\n"
        )
        return ROLE.sub(self.role, rst).strip()

    def role(self, match: re.Match) -> str:
        role, target = match.group("role"), match.group("target")
        if role == "math":
            return f"${target.strip()}$"
        short = target.startswith("~")
        target = target.lstrip("~!")
        shown = target.rsplit(".", 1)[-1] if short else target
        if role in ("func", "meth"):
            shown += "()"
        found = self.index.find(target, self.context)
        if found:
            return f"[`{shown}`]({self.href(found)})"
        if target.split(".")[0] not in EXTERNAL and lookup(target, self.context) is None:
            where = self.context[0] if self.context else "?"
            self.problems.append(f"{where}: :{role}:`{target}` names nothing")
        return f"`{shown}`"

    def type_text(self, type_: str) -> str:
        """A numpydoc type, in italics, with the names of documented classes linked."""

        def link(match: re.Match) -> str:
            found = self.index.find(match.group(0), self.context)
            return f"[{match.group(0)}]({self.href(found)})" if found else match.group(0)

        if not type_:
            return ""
        if "`" in type_ or "*" in type_:
            return self.text(type_)
        return "*" + re.sub(r"\b[A-Z]\w+\b", link, type_) + "*"

    # ---- docstrings ---------------------------------------------------------

    def docstring(self, obj, *, examples: bool = True) -> str:
        """A docstring (of a griffe object, or of a module) as Markdown: its
        sections in order, each in a div under a bold label."""
        if isinstance(obj, ModuleType):
            raw = obj.__doc__ or ""
        else:
            raw = obj.docstring.value if obj.docstring is not None else ""
        parts = []
        for title, body in split_sections(raw):
            if title == "Examples" and not examples:
                continue
            if title in ITEM_SECTIONS:
                rendered = self.items(title, body)
            elif title == "Examples":
                rendered = self.examples(body)
            else:
                rendered = self.text(body)
            if title:  # a block of its own: the PDF does not indent its label as a paragraph
                kind = title.lower().replace(" ", "-")
                _, _, rest = rendered.partition("\n\n")
                listed = rest.startswith(":   ") or rendered.startswith("```")
                # a label over a list or code; a label and a line of text: one paragraph
                joined = f"**{title}**\n\n{rendered}" if listed else f"**{title}**\\\n{rendered}"
                rendered = f"::: {{.doc-section .doc-section-{kind}}}\n\n{joined}\n\n:::"
            parts.append(rendered)
        return "\n\n".join(parts)

    def items(self, title: str, body: str) -> str:
        """An item section as a definition list; items without a description as
        the lines of one paragraph."""
        named = title not in ("Returns", "Yields", "Raises")
        blocks: list[str] = []
        lines = False  # whether the last block is a paragraph of such lines
        for item in split_items(body, named=named):
            names = ", ".join(f"`{n.strip()}`" for n in item.names.split(",") if n.strip())
            term = " : ".join(filter(None, [names, self.type_text(item.type)]))
            if item.description:
                description = self.text(item.description).replace("\n", "\n    ")
                blocks.append(f"{term}\n\n:   {description}")
                lines = False
            elif lines:
                blocks[-1] += f"\\\n{term}"
            else:
                blocks.append(term)
                lines = True
        return "\n\n".join(blocks)

    def examples(self, body: str) -> str:
        return "\n\n".join(
            f"```python\n{chunk}\n```" if kind == "code" else self.text(chunk)
            for kind, chunk in doctest_blocks(body)
        )

    # ---- layout -------------------------------------------------------------

    def index_page(self, el: layout.Page) -> None:
        """Index every documented object (for links), and note which page it is on."""
        self.index = Index()
        self.anchor_page = {}
        for section in el.contents:
            page = self.page_of.get(section.package, "")
            self.index.anchors[section.package] = anchor(section.package)
            self.anchor_page[anchor(section.package)] = page
            for doc in section.contents:
                for obj in [doc.obj, *(m.obj for m in getattr(doc, "members", ()))]:
                    self.index.add(obj, anchor(obj.path))
                    self.anchor_page[anchor(obj.path)] = page
        self.page = ""

    def render_split(self, el: layout.Page) -> dict[str, str]:
        """Each page's Markdown, ``{page: text}`` in the pages' order; the first
        opens with the table of every module."""
        self.index_page(el)
        parts: dict[str, list[str]] = {page: [] for page in dict.fromkeys(self.page_of.values())}
        if parts:
            self.page = next(iter(parts))
            parts[self.page].append(self.modules_table(el))
        for section in el.contents:
            self.page = self.page_of[section.package]
            parts[self.page].append(self.render(section))
        return {page: "\n\n".join(texts) + "\n" for page, texts in parts.items()}

    def modules_table(self, el: layout.Page) -> str:
        """Every module, linked to its section, with the first line of its docstring."""
        rows = ["| Module | What it holds |", "|:--------------|:---------------------|"]
        for section in el.contents:
            self.context = [section.package]
            doc = importlib.import_module(section.package).__doc__ or ""
            summary = self.text(split_sections(doc)[0][1].split("\n\n")[0])
            link = self.href(anchor(section.package))
            rows.append(f"| [`{section.package}`]({link}) | {summary.replace(chr(10), ' ')} |")
        return "\n".join(rows)

    @dispatch
    def render(self, el: layout.Section):  # noqa: F811 - plum dispatches on the type
        heading = f"## `{el.package}`: {el.title} {{#{anchor(el.package)}}}"
        self.context = [el.package]
        intro = self.docstring(importlib.import_module(el.package), examples=False)
        rows = ["| Name | What it is |", "|:--------------|:---------------------|"]  # 40:60
        for doc in el.contents:
            self.context = self.scopes(doc.obj)
            summary = (doc.obj.docstring.value if doc.obj.docstring else "").strip()
            summary = self.text(split_sections(summary)[0][1].split("\n\n")[0])
            rows.append(
                f"| [`{doc.obj.name}`]({self.href(anchor(doc.obj.path))}) "
                f"| {summary.replace(chr(10), ' ')} |"
            )
        body = [self.render(doc) for doc in el.contents]
        return "\n\n".join([heading, intro, "\n".join(rows), *body])

    def scopes(self, obj) -> list[str]:
        """Where the names in ``obj``'s docstring are looked up, innermost first."""
        path = getattr(obj, "canonical_path", obj.path)
        parents = path.split(".")[:-1]
        scopes = [".".join(parents[:i]) for i in range(len(parents), 0, -1)]
        if obj.is_class:
            scopes.insert(0, path)
        return scopes

    @dispatch
    def render(self, el: layout.Doc):  # noqa: F811 - plum dispatches on the type
        obj = el.obj
        self.context = self.scopes(obj)
        parts = [f"### {obj.name} {{#{anchor(obj.path)}}}", self.signature_of(el)]
        parts.append(self.docstring(obj))
        for member in getattr(el, "members", ()):
            parts.append(self.member(obj, member))
        return "\n\n".join(filter(None, parts))

    def member(self, owner, member: layout.Doc) -> str:
        obj = member.obj
        self.context = [owner.path, *self.scopes(owner)]
        heading = f"#### `{owner.name}.{obj.name}` {{#{anchor(obj.path)} .unnumbered .unlisted}}"
        signature = "" if obj.is_attribute else self.signature_of(member, name=obj.name)
        return "\n\n".join(filter(None, [heading, signature, self.docstring(obj)]))

    def signature_of(self, el: layout.Doc, name: str | None = None) -> str:
        obj = el.obj
        target = obj.final_target if isinstance(obj, dc.Alias) else obj
        name = name or obj.path
        if target.is_attribute:
            value = str(target.value) if target.value is not None else ""
            line = f"{name} = {value}" if value and len(value) <= 80 else name
            return f"```python\n{line}\n```"
        if target.is_class and not self._class_parameters(target):
            return f"```python\n{name}\n```"
        pars = self.render(self._fetch_method_parameters(target))
        flat = f"{name}({', '.join(pars)})"
        if len(flat) <= 80:
            return f"```python\n{flat}\n```"
        lines = "\n".join(f"    {par}," for par in pars)
        return f"```python\n{name}(\n{lines}\n)\n```"

    def _class_parameters(self, cls) -> list:
        try:
            return [p for p in cls.parameters if p.name not in ("self", "cls")]
        except (AttributeError, ValueError):
            return []


# --------------------------------------------------------------------------
# Building the page
# --------------------------------------------------------------------------


def read_config(root: Path = ROOT) -> dict:
    """quartodoc's settings (``chapters/_library.yml``, a ``quartodoc:`` section)."""
    return yaml.safe_load((root / CONFIG).read_text(encoding="utf-8"))


def read_pages(config: dict) -> dict[str, str]:
    """Each module's page, ``{module: page}``, from the ``pages`` section of the settings.

    Raises
    ------
    ValueError
        If a module documented in the ``quartodoc`` section is on no page or on
        two, if a page lists a module that section does not document, or if the
        pages do not take the modules in that section's order.
    """
    pages = config.get("pages") or {}
    modules = [section["package"] for section in config["quartodoc"]["sections"]]
    listed = [(module, page) for page, names in pages.items() for module in names]
    named = [module for module, _ in listed]
    problems = [f"{m} is on no page" for m in modules if m not in named]
    problems += [
        f"{m} is on {named.count(m)} pages" for m in dict.fromkeys(named) if named.count(m) > 1
    ]
    problems += [
        f"{m} is on a page but not in the quartodoc section" for m in named if m not in modules
    ]
    if not problems and named != modules:
        problems.append("the pages must take the modules in the quartodoc section's order")
    if problems:
        raise ValueError(
            f"{CONFIG}, pages: " + "; ".join(problems) + ". List each module of the "
            "quartodoc section on exactly one page, in that section's order."
        )
    return dict(listed)


def include_name(page: str) -> str:
    """The file a page includes, written by ``make api``: ``library.qmd`` -> ``_library.qmd``."""
    return f"_{page}"


def render_pages(root: Path = ROOT) -> dict[str, str]:
    """The appendix's pages, as ``{path relative to the project: Markdown}``.

    Raises
    ------
    DocstringError
        If a docstring's role names a ``dlact`` object that does not exist.
    """
    from quartodoc import Builder, blueprint, collect

    lib = str(root / "lib")
    if sys.path[0] != lib:
        sys.path.insert(0, lib)  # the dlact beside this project, not another install
    config = read_config(root)
    builder = Builder.from_quarto_config(config)
    renderer = builder.renderer
    if not isinstance(renderer, CourseRenderer):
        raise TypeError(f"{CONFIG}: quartodoc's renderer must be {CourseRenderer.style!r}")
    plan = blueprint(builder.layout, dynamic=builder.dynamic, parser=builder.parser)
    pages, _ = collect(plan, base_dir=builder.dir)
    if len(pages) != 1:
        raise ValueError(f"{CONFIG}: quartodoc's style must be single-page, got {len(pages)} pages")
    renderer.problems = []
    renderer.page_of = read_pages(config)
    texts = renderer.render_split(pages[0])
    if renderer.problems:
        raise DocstringError("\n".join(renderer.problems))
    return {f"{builder.dir}/{include_name(page)}": HEADER + text for page, text in texts.items()}


def write_pages(root: Path = ROOT, out: Path | None = None) -> list[Path]:
    """Write the pages under ``out`` (the project by default); return their paths."""
    out = out or root
    paths = []
    for relative, text in render_pages(root).items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def stale_pages(root: Path = ROOT) -> list[str]:
    """The committed pages that differ from what the docstrings give now."""
    return [
        relative
        for relative, text in render_pages(root).items()
        if not (root / relative).is_file() or (root / relative).read_text(encoding="utf-8") != text
    ]
