"""The book's appendix "The course library": current, complete, and in the book.

``chapters/_library.qmd`` is written from the docstrings by ``make api``
(:mod:`dlact.site.apidoc`, with quartodoc) and committed, so that a render
needs nothing more. Here it is written again into a temporary folder: a
committed page that differs is out of date.
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
PAGE = ROOT / "chapters" / apidoc.PAGE


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, str]:
    """The appendix as the docstrings give it now, written into a temporary folder."""
    out = tmp_path_factory.mktemp("library")
    paths = apidoc.write_pages(ROOT, out)
    return {str(path.relative_to(out)): path.read_text(encoding="utf-8") for path in paths}


def test_committed_page_is_up_to_date(written):
    assert list(written) == ["chapters/_library.qmd"]
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
def test_appendix_documents_every_public_object(written, module, name):
    text = written["chapters/_library.qmd"]
    assert f"{{#{apidoc.anchor(f'{module}.{name}')}}}" in text, (
        f"{module}.{name} is not in the appendix: add it to chapters/_library.yml, then `make api`"
    )


def test_appendix_follows_the_glossary_in_the_book():
    book = yaml.safe_load((ROOT / "_quarto-book.yml").read_text(encoding="utf-8"))["book"]
    appendices = book["appendices"]
    assert appendices.index("chapters/library.qmd") == appendices.index("chapters/glossary.qmd") + 1
    wrapper = (ROOT / "chapters" / "library.qmd").read_text(encoding="utf-8")
    assert f"{{{{< include {apidoc.PAGE} >}}}}" in wrapper


def test_each_module_is_a_section_with_its_docstring_as_introduction(written):
    text = written["chapters/_library.qmd"]
    for module in sorted({m for m, _ in PUBLIC if m != "dlact.figures.sweep"}):
        assert f"## `{module}`: " in text
        assert f"{{#{apidoc.anchor(module)}}}" in text
    assert "The lecture's data: the stroke prediction data" in text  # dlact.data's docstring


def test_renderer_writes_markdown_for_html_and_typst(written):
    text = written["chapters/_library.qmd"]
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
    """The Typst PDF does not build with a link to a missing label; HTML would just not jump."""
    text = written["chapters/_library.qmd"]
    anchors = set(re.findall(r"\{#([\w-]+)", text))
    missing = {target for target in re.findall(r"\]\(#([\w-]+)\)", text) if target not in anchors}
    assert not missing, sorted(missing)
