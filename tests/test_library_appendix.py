"""The book's appendix "The course library": current, complete, and in the book.

Its pages (``chapters/library*.qmd``) include parts written from the
docstrings by ``make api`` (:mod:`dlact.site.apidoc`, with quartodoc) and
committed, so that a render needs nothing more. Here they are written again
into a temporary folder: a committed part that differs is out of date.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
import yaml

pytest.importorskip(
    "quartodoc", reason="quartodoc is not installed: `make setup` installs requirements.lock"
)

from dlact.site import apidoc, docstrings  # noqa: E402 - needs quartodoc
from test_docstrings import PUBLIC  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: The appendix's pages, in order, as chapters/_library.yml lists them
PAGES = list(apidoc.read_config(ROOT)["pages"])
PARTS = [f"chapters/{apidoc.include_name(page)}" for page in PAGES]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, str]:
    """The appendix as the docstrings give it now, written into a temporary folder."""
    out = tmp_path_factory.mktemp("library")
    paths = apidoc.write_pages(ROOT, out)
    return {str(path.relative_to(out)): path.read_text(encoding="utf-8") for path in paths}


@pytest.fixture(scope="module")
def text(written) -> str:
    """Every part of the appendix, one after the other."""
    return "\n".join(written.values())


def test_committed_page_is_up_to_date(written):
    assert list(written) == PARTS
    assert PARTS[0] == "chapters/_library.qmd"
    for relative, text in written.items():
        committed = (ROOT / relative).read_text(encoding="utf-8")
        if committed != text:
            diff = difflib.unified_diff(
                committed.splitlines(), text.splitlines(), "committed", "from the docstrings", n=1
            )
            pytest.fail(
                f"{relative} is out of date with the docstrings: run `make api` and commit it.\n"
                + "\n".join(list(diff)[:60])
            )


@pytest.mark.parametrize(("module", "name"), PUBLIC, ids=[f"{m}.{n}" for m, n in PUBLIC])
def test_appendix_documents_every_public_object(text, module, name):
    assert f"{{#{apidoc.anchor(f'{module}.{name}')}}}" in text, (
        f"{module}.{name} is not in the appendix: add it to chapters/_library.yml, then `make api`"
    )


def test_the_pages_follow_the_glossary_in_the_book_each_with_its_part():
    book = yaml.safe_load((ROOT / "_quarto-book.yml").read_text(encoding="utf-8"))["book"]
    appendices = book["appendices"]
    first = appendices.index("chapters/glossary.qmd") + 1
    assert appendices[first : first + len(PAGES)] == [f"chapters/{page}" for page in PAGES]
    for page in PAGES:
        wrapper = (ROOT / "chapters" / page).read_text(encoding="utf-8")
        assert f"{{{{< include {apidoc.include_name(page)} >}}}}" in wrapper, page
        assert "{{< downloads >}}" in wrapper, page


def test_each_page_holds_its_modules_and_the_first_lists_them_all(written):
    config = apidoc.read_config(ROOT)
    for page, part in zip(PAGES, PARTS, strict=True):
        headings = re.findall(r"^## `([\w.]+)`", written[part], flags=re.M)
        assert headings == config["pages"][page], page
    table = written[PARTS[0]].split("\n## ")[0]
    modules = [s["package"] for s in config["quartodoc"]["sections"]]
    assert re.findall(r"^\| \[`([\w.]+)`\]", table, flags=re.M) == modules
    # a module on another page is linked there, one on this page by its anchor
    assert "| [`dlact.data`](#dlact-data) |" in table
    assert "| [`dlact.gd`](library-descent.qmd#dlact-gd) |" in table


def test_the_pages_must_take_every_module_once_in_order():
    sections = {"quartodoc": {"sections": [{"package": m} for m in ("a", "b", "c")]}}
    assert apidoc.read_pages({**sections, "pages": {"p.qmd": ["a", "b"], "q.qmd": ["c"]}}) == {
        "a": "p.qmd",
        "b": "p.qmd",
        "c": "q.qmd",
    }
    cases = {
        "c is on no page": {"p.qmd": ["a", "b"]},
        "b is on 2 pages": {"p.qmd": ["a", "b"], "q.qmd": ["b", "c"]},
        "d is on a page but not in the quartodoc section": {"p.qmd": ["a", "b", "c", "d"]},
        "in the quartodoc section's order": {"p.qmd": ["b", "a"], "q.qmd": ["c"]},
    }
    for message, pages in cases.items():
        with pytest.raises(ValueError, match=re.escape(message)):
            apidoc.read_pages({**sections, "pages": pages})


def test_each_module_is_a_section_with_its_docstring_as_introduction(text):
    for module in sorted({m for m, _ in PUBLIC if m != "dlact.figures.sweep"}):
        assert f"## `{module}`: " in text
        assert f"{{#{apidoc.anchor(module)}}}" in text
    assert "The lecture's data: the stroke prediction data" in text  # dlact.data's docstring


def test_renderer_writes_markdown_for_html_and_typst(text):
    sigmoid = text.split("### sigmoid {#dlact-maths-sigmoid}")[1].split("\n### ")[0]
    assert "```python\ndlact.maths.sigmoid(z)\n```" in sigmoid  # the signature
    assert r"Logistic sigmoid $\sigma(z) = 1 / (1 + e^{-z})$." in sigmoid  # :math: as $...$
    assert "`z` : *array_like*\n\n:   Inputs (logits)." in sigmoid  # a definition list
    assert ">>> sigmoid(np.array([-5, 1, 7])).round(2)\narray([0.01, 0.73, 1.  ])" in sigmoid
    assert "doctest:" not in text  # directives are for the tests, not the reader
    assert ":func:`" not in text and ":math:`" not in text and "<dl" not in text
    # a role naming a documented object links to it
    assert "[`preprocess_stroke()`](#dlact-data-preprocess_stroke)" in text


def test_a_role_that_names_nothing_is_an_error():
    renderer = apidoc.CourseRenderer()
    renderer.context = ["dlact.maths"]
    assert renderer.text("See :func:`sigmoid`.") == "See `sigmoid()`."  # not documented here
    assert renderer.problems == []
    renderer.text("See :func:`no_such_function` and :class:`dlact.gd.Nothing`.")
    assert len(renderer.problems) == 2
    renderer.text("See :func:`matplotlib.pyplot.no_such_thing`.")  # other packages: not checked
    assert len(renderer.problems) == 2


def test_numpydoc_is_read_as_written():
    doc = "Summary.\n\nParameters\n----------\nX : array_like, shape (n, d)\n    Rows.\n"
    (title, body), (section, items) = docstrings.split_sections(doc)
    assert (title, body, section) == ("", "Summary.", "Parameters")
    (item,) = docstrings.split_items(items, named=True)
    assert (item.names, item.type, item.description) == ("X", "array_like, shape (n, d)", "Rows.")
    blocks = docstrings.doctest_blocks(">>> f()  # doctest: +SKIP\n1\n\nThen:\n\n>>> g()\n2")
    assert blocks == [("code", ">>> f()\n1"), ("text", "Then:"), ("code", ">>> g()\n2")]


def test_every_link_in_the_appendix_has_its_target(written):
    """The Typst PDF does not build with a link to a missing label; HTML would just not jump.

    A link to the same page is ``#anchor``; to another page of the appendix,
    ``page.qmd#anchor`` (Quarto makes it ``page.html#anchor``, and a link
    inside the PDF)."""
    anchors = {
        page: set(re.findall(r"\{#([\w-]+)", written[part]))
        for page, part in zip(PAGES, PARTS, strict=True)
    }
    missing, across = [], 0
    for page, part in zip(PAGES, PARTS, strict=True):
        for target_page, target in re.findall(r"\]\(([\w-]*\.qmd)?#([\w-]+)\)", written[part]):
            assert target_page != page, f"{part} links to its own page by name: #{target}"
            across += bool(target_page)
            if target not in anchors.get(target_page or page, ()):
                missing.append(f"{part}: {target_page}#{target}")
    assert not missing, missing
    assert across > 15  # the table of modules, and docstrings naming another page's objects
