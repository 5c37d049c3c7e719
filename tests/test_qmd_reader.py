"""The reader of Quarto sources that executes the lecture without Quarto."""

from __future__ import annotations

import re

import pytest

from dlact.site.qmd import (
    Cell,
    Inline,
    QmdError,
    expand_includes,
    included_files,
    read_blocks,
    to_notebook,
)


def write(path, text):
    path.write_text(text)
    return path


def test_cells_options_inline_and_includes(tmp_path):
    (tmp_path / "chapters").mkdir()
    write(
        tmp_path / "chapters" / "_part.qmd",
        "## A slide\n\n```{python}\n#| label: fig-x\n#| echo: false\nx = 1\n```\n\n"
        "The value is `{python} x + 1` here.\n",
    )
    main = write(
        tmp_path / "chapters" / "main.qmd",
        "---\ntitle: t\n---\n\n```{python}\nimport math\n```\n\n"
        "{{< include _part.qmd >}}\n\n```{python}\n#| eval: false\nboom()\n```\n",
    )
    blocks = read_blocks(main)
    assert [type(b) for b in blocks] == [Cell, Cell, Inline, Cell]
    assert blocks[0].source == "import math" and blocks[0].options == {}
    assert blocks[1].options == {"label": "fig-x", "echo": False}
    assert blocks[1].source == "x = 1"
    assert blocks[1].origin == "_part.qmd:3"
    assert blocks[2].expr == "x + 1"
    assert not blocks[3].evaluated
    assert included_files(main) == [main.resolve(), (tmp_path / "chapters" / "_part.qmd").resolve()]


def test_notebook_runs_inline_and_skips_eval_false(tmp_path):
    main = write(
        tmp_path / "a.qmd",
        "```{python}\ny = 2\n```\nSo `{python} y * 3`.\n```{python}\n#| eval: false\nboom()\n```\n",
    )
    nb = to_notebook(main)
    assert [c.source for c in nb.cells][::2] == ["y = 2", "boom()"]
    assert nb.cells[1].source.endswith("_dlact_check_inline((y * 3), 'y * 3', 'a.qmd:4')")
    assert nb.cells[2].metadata["tags"] == ["skip-execution"]


def test_inline_values_must_print_as_the_reader_should_see_them():
    """Quarto prints an inline value's repr: np.int64(32), 0.30000000000000004."""
    import numpy as np

    from dlact.site.qmd import InlineValueError, check_inline

    assert check_inline("1,022", "f'{n:,}'") == "1,022"
    assert check_inline(32, "int(n)") == 32

    class Shown:
        def _repr_markdown_(self):
            return "$x$"

    shown = Shown()
    assert check_inline(shown, "Markdown('$x$')") is shown
    for bad, printed in [
        (np.int64(32), "np.int64(32)"),
        (0.1 + 0.2, "0.30000000000000004"),
        (np.array([1, 2]), "array([1, 2])"),
        (True, "True"),
    ]:
        with pytest.raises(InlineValueError, match=re.escape(printed)) as caught:
            check_inline(bad, "cm[1, 1]", "_binary.qmd:12")
        assert "`cm[1, 1]` at _binary.qmd:12" in str(caught.value)
        assert 'f"{n:,}"' in str(caught.value)


def test_longer_fences_and_other_languages(tmp_path):
    main = write(
        tmp_path / "a.qmd",
        "````{python}\n```\nnot a fence end\n````\n\n```{ojs}\nviewof x = 1\n```\n",
    )
    blocks = read_blocks(main)
    assert len(blocks) == 1 and blocks[0].source == "```\nnot a fence end"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{< include _missing.qmd >}}\n", "included file _missing.qmd does not exist"),
        ("```{python}\nx = 1\n", "python cell is never closed"),
        ("```{python}\n#| label: [unclosed\nx = 1\n```\n", "cell options are not valid YAML"),
    ],
)
def test_errors_say_where(tmp_path, text, message):
    main = write(tmp_path / "a.qmd", text)
    with pytest.raises(QmdError, match=message) as info:
        read_blocks(main)
    assert "a.qmd" in str(info.value)


def test_include_cycle_is_refused(tmp_path):
    write(tmp_path / "a.qmd", "{{< include b.qmd >}}\n")
    write(tmp_path / "b.qmd", "{{< include a.qmd >}}\n")
    with pytest.raises(QmdError, match="Include cycle: a.qmd -> b.qmd -> a.qmd"):
        read_blocks(tmp_path / "a.qmd")
    with pytest.raises(QmdError, match="Include cycle"):
        included_files(tmp_path / "a.qmd")


def test_includes_from_the_project_root(tmp_path):
    """``/chapters/_x.qmd`` is read from the project's root, whichever file includes it."""
    (tmp_path / "_quarto.yml").write_text("project: {type: default}\n")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "slides").mkdir()
    write(tmp_path / "chapters" / "_widget.qmd", "widget line\n")
    write(tmp_path / "chapters" / "_part.qmd", "{{< include /chapters/_widget.qmd >}}\n")
    deck = write(tmp_path / "slides" / "deck.qmd", "{{< include ../chapters/_part.qmd >}}\n")
    assert [line for line, _ in expand_includes(deck)] == ["widget line"]
    assert (tmp_path / "chapters" / "_widget.qmd").resolve() in included_files(deck)
