"""A prose-only edit is carried into the frozen results; anything else executes again."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from dlact.site import freeze, prosepatch
from dlact.site.qmd import included_files

ROOT = Path(__file__).resolve().parents[1]

PART = """## Scores

The network gives each patient a score.

```{python}
#| label: fig-scores
x = 1
print(x)
```

A score is not yet a probability.
It has `{python} x` parts.

More prose here.
"""

#: What Quarto freezes for PART: the prose as written, the cell as code and output,
#: the inline value computed.
FROZEN = """---
title: One
---

## Scores

The network gives each patient a score.

::: {#cell-fig-scores .cell execution_count=1}
``` {.python .cell-code}
x = 1
print(x)
```

::: {.cell-output .cell-output-stdout}
```
1
```
:::
:::


A score is not yet a probability.
It has 1 parts.

More prose here."""


def _freeze_project(root: Path, doc_text: str, markdown: str) -> None:
    """chapters/one.qmd (``doc_text``) frozen for two formats as ``markdown``, with the
    manifest and the record of its sources written as after a render."""
    doc = root / "chapters" / "one.qmd"
    doc.write_text(doc_text)
    results = freeze.freeze_dir(doc, root) / "execute-results"
    results.mkdir(parents=True, exist_ok=True)
    for fmt in ("html", "typ"):
        frozen = {"hash": prosepatch.quarto_hash(doc_text), "result": {"markdown": markdown}}
        (results / f"{fmt}.json").write_text(json.dumps(frozen, indent=2))
    prosepatch.sources_file(doc, root).unlink(missing_ok=True)
    _, current = freeze.find_stale(root)
    freeze.write_manifest(current, root)
    assert freeze.main([], root) == 0  # records the sources of the frozen results
    assert prosepatch.sources_file(doc, root) == root / "_freeze/sources/chapters/one.json"
    assert prosepatch.sources_file(doc, root).is_file()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """chapters/one.qmd includes _part.qmd; frozen for two formats, its sources recorded."""
    root = tmp_path / "proj"
    (root / "chapters").mkdir(parents=True)
    (root / "chapters" / "_part.qmd").write_text(PART)
    (root / "requirements.lock").write_text("keras==3\n")
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    _freeze_project(root, "---\ntitle: One\n---\n\n{{< include _part.qmd >}}\n", FROZEN)
    return root


def _frozen(root: Path, fmt: str = "html") -> dict:
    path = root / "_freeze" / "chapters" / "one" / "execute-results" / f"{fmt}.json"
    return json.loads(path.read_text())


def _edit(root: Path, old: str, new: str) -> None:
    part = root / "chapters" / "_part.qmd"
    text = part.read_text()
    assert old in text
    part.write_text(text.replace(old, new))


def test_a_prose_edit_is_carried_into_every_format_and_nothing_executes(project, capsys):
    _edit(project, "is not yet a probability.", "is not, as it stands, a probability.")
    assert freeze.main([], project) == 0
    assert capsys.readouterr().out == (
        "freeze: chapters/one.qmd: only its prose changed, carried into its frozen results\n"
    )
    for fmt in ("html", "typ"):
        markdown = _frozen(project, fmt)["result"]["markdown"]
        assert markdown == FROZEN.replace("is not yet a", "is not, as it stands, a")
    assert freeze.main(["--check"], project) == 0  # fresh: the render executes nothing


def test_added_and_removed_paragraphs_are_carried(project):
    _edit(project, "More prose here.\n", "More prose here.\n\nA new closing line.\n")
    _edit(project, "The network gives each patient a score.\n\n", "")
    assert freeze.main([], project) == 0
    markdown = _frozen(project)["result"]["markdown"]
    assert markdown.endswith("More prose here.\n\nA new closing line.")
    assert "The network gives" not in markdown
    assert "``` {.python .cell-code}\nx = 1" in markdown


def test_an_edit_and_its_undoing_give_back_the_same_bytes(project):
    path = project / "_freeze" / "chapters" / "one" / "execute-results" / "html.json"
    before = path.read_bytes()
    _edit(project, "More prose here.", "Other prose here.")
    assert freeze.main([], project) == 0
    assert path.read_bytes() != before
    _edit(project, "Other prose here.", "More prose here.")
    assert freeze.main([], project) == 0
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "old, new",
    [
        ("x = 1\n", "x = 2\n"),  # a cell's code
        ("#| label: fig-scores\n", "#| label: fig-scores\n#| echo: false\n"),  # its options
        ("It has `{python} x` parts.", "It has `{python} x + 1` parts."),  # inline code
        ("It has `{python} x` parts.", "It has `{python} x` pieces."),  # a line with inline code
        ("More prose here.\n", "More prose here.\n\n{{< include _other.qmd >}}\n"),  # an include
    ],
)
def test_anything_but_prose_executes_again(project, old, new, capsys):
    (project / "chapters" / "_other.qmd").write_text("Other.\n")
    _edit(project, old, new)
    assert freeze.main([], project) == 0
    assert "re-executing chapters/one.qmd" in capsys.readouterr().out
    assert not (project / "_freeze" / "chapters" / "one").exists()


def test_a_changed_claims_file_or_lock_executes_again(project, capsys):
    (project / "chapters" / "_part.claims.yml").write_text("claims: []\n")
    _edit(project, "More prose here.", "Other prose here.")
    assert freeze.main([], project) == 0
    assert "re-executing chapters/one.qmd" in capsys.readouterr().out


def test_prose_found_twice_or_not_at_all_executes_again(project, capsys):
    # the frozen text holds the passage twice: which one was edited is unknown
    for fmt in ("html", "typ"):
        path = project / "_freeze" / "chapters" / "one" / "execute-results" / f"{fmt}.json"
        frozen = json.loads(path.read_text())
        frozen["result"]["markdown"] += "\n\nMore prose here."
        path.write_text(json.dumps(frozen, indent=2))
    _edit(project, "More prose here.", "Other prose here.")
    assert freeze.main([], project) == 0
    assert "re-executing chapters/one.qmd" in capsys.readouterr().out


def test_without_a_record_of_the_sources_it_executes_again(project, capsys):
    (project / "_freeze" / "sources" / "chapters" / "one.json").unlink()
    _edit(project, "More prose here.", "Other prose here.")
    assert freeze.main([], project) == 0
    assert "re-executing chapters/one.qmd" in capsys.readouterr().out


def test_a_prose_edit_of_the_document_itself_updates_quartos_hash(project):
    text = "---\ntitle: One\n---\n\nAn opening line.\n\n{{< include _part.qmd >}}\n"
    markdown = FROZEN.replace("---\n\n", "---\n\nAn opening line.\n\n", 1)
    _freeze_project(project, text, markdown)
    doc = project / "chapters" / "one.qmd"
    doc.write_text(text.replace("An opening", "A first"))
    assert freeze.main([], project) == 0
    frozen = _frozen(project)
    assert frozen["hash"] == prosepatch.quarto_hash(doc.read_text())  # Quarto's freeze holds
    assert frozen["result"]["markdown"] == markdown.replace("An opening", "A first")


def test_an_edit_with_nothing_unchanged_around_it_executes_again(project, capsys):
    doc = project / "chapters" / "one.qmd"
    doc.write_text(doc.read_text() + "\nA closing line.\n")  # after an include: no context
    assert freeze.main([], project) == 0
    assert "re-executing chapters/one.qmd" in capsys.readouterr().out


def test_the_lectures_prose_is_in_its_frozen_results_line_for_line():
    """What the patch relies on, checked on the lecture itself: every prose line of every
    executed document's sources is a whole line of each format's frozen text (the
    documents edited since their last render aside)."""
    if not (ROOT / "_freeze").is_dir():
        pytest.skip("no lecture here to check (a copy of lib/ and tests/ only)")
    checked = 0
    stale = {s.document for s in freeze.find_stale(ROOT)[0]}  # edited since: nothing to compare
    for doc in freeze.executable_documents(ROOT):
        if doc in stale:
            continue
        results = sorted((freeze.freeze_dir(doc, ROOT) / "execute-results").glob("*.json"))
        if not results:
            continue
        frozen = [
            set(json.loads(p.read_text())["result"]["markdown"].splitlines()) for p in results
        ]
        for path in included_files(doc):
            lines = path.read_text(encoding="utf-8").splitlines()
            for line, prose in zip(lines, prosepatch.prose_lines(lines), strict=True):
                if prose and line.strip():
                    checked += 1
                    missing = [
                        p.name
                        for p, lines_ in zip(results, frozen, strict=True)
                        if line not in lines_
                    ]
                    assert not missing, f"{path.name}: {line!r} is not in {missing}"
    assert checked > 1000


def test_prose_lines_skip_cells_observable_blocks_and_longer_fences():
    lines = [
        "Prose.",
        "````{python}",
        "```",
        "still code",
        "````",
        "```{ojs}",
        "viewof k = Inputs.range([1, 5])",
        "```",
        "```python",
        "shown, not run",
        "```",
    ]
    assert prosepatch.prose_lines(lines) == [
        True,
        False,
        False,
        False,
        False,
        False,
        False,
        False,
        True,
        True,
        True,
    ]


def test_an_edit_is_found_with_its_context():
    old = "A.\nB.\nC.\nD.\nE.\n"
    new = "A.\nB.\nC, changed.\nD.\nE.\n"
    assert prosepatch.prose_edits(old, new) == [
        ("A.\nB.\nC.\nD.\nE.", "A.\nB.\nC, changed.\nD.\nE.")
    ]
    assert prosepatch.replace_once("x\nC.\ny", "C.", "C2.") == "x\nC2.\ny"
    assert prosepatch.replace_once("x\nC.\nC.", "C.", "C2.") is None
    assert prosepatch.replace_once("x\nCC.", "C.", "C2.") is None  # whole lines only
    assert re.fullmatch(r"[0-9a-f]{32}", prosepatch.quarto_hash("a\r\nb"))
    assert prosepatch.quarto_hash("a\r\nb") == prosepatch.quarto_hash("a\nb")


# ---- the edits, exactly -------------------------------------------------------------

LINES = "L1\nL2\nL3\nL4\nL5\nL6\nL7\n"


@pytest.mark.parametrize(
    "new, edits",
    [
        # two unchanged lines either side, no more
        ("L1\nL2\nL3\nX\nL5\nL6\nL7\n", [("L2\nL3\nL4\nL5\nL6", "L2\nL3\nX\nL5\nL6")]),
        # at the start and at the end of the file: what there is
        ("X\nL2\nL3\nL4\nL5\nL6\nL7\n", [("L1\nL2\nL3", "X\nL2\nL3")]),
        ("L1\nL2\nL3\nL4\nL5\nL6\nX\n", [("L5\nL6\nL7", "L5\nL6\nX")]),
        # an insertion and a deletion
        ("L1\nL2\nL3\nN\nL4\nL5\nL6\nL7\n", [("L2\nL3\nL4\nL5", "L2\nL3\nN\nL4\nL5")]),
        ("L1\nL2\nL3\nL5\nL6\nL7\n", [("L2\nL3\nL4\nL5\nL6", "L2\nL3\nL5\nL6")]),
        # two edits one line apart: the context stops at the other edit
        (
            "L1\nL2\nX\nL4\nY\nL6\nL7\n",
            [("L1\nL2\nL3\nL4", "L1\nL2\nX\nL4"), ("L4\nL5\nL6\nL7", "L4\nY\nL6\nL7")],
        ),
    ],
)
def test_each_edit_comes_with_up_to_two_unchanged_lines_either_side(new, edits):
    assert prosepatch.prose_edits(LINES, new) == edits


def test_the_context_stops_at_a_line_that_is_not_prose():
    old = "```{python}\nx = 1\n```\nA.\nB.\nC.\n"
    assert prosepatch.prose_edits(old, old.replace("A.", "A2.")) == [("A.\nB.\nC.", "A2.\nB.\nC.")]
    # a prose line turned into inline code is not prose any more
    assert prosepatch.prose_edits(old, old.replace("B.", "B `{python} x`.")) is None


def test_front_matter_ends_at_its_closing_line_and_a_later_rule_is_prose():
    assert prosepatch.prose_lines(["---", "a: 1", "...", "Text."]) == [False] * 3 + [True]
    assert prosepatch.prose_lines(["Text.", "---", "More."]) == [True, True, True]


def test_a_passage_at_the_very_start_of_the_frozen_text_is_found():
    assert prosepatch.replace_once("C.\nx", "C.", "D.") == "D.\nx"
    assert prosepatch.replace_once("x\nC.", "C.", "D.") == "x\nD."


def test_a_carry_refuses_other_includes_and_missing_results(project):
    doc = project / "chapters" / "one.qmd"
    folder = freeze.freeze_dir(doc, project)
    files = included_files(doc)
    record = prosepatch.sources_file(doc, project)
    texts = json.loads(record.read_text())
    # a record naming another set of files
    record.write_text(json.dumps({**texts, "chapters/_gone.qmd": "Gone.\n"}))
    assert prosepatch.carry(doc, files, folder, project) is False
    # no record at all
    record.unlink()
    assert prosepatch.carry(doc, files, folder, project) is False
    assert freeze.carry_prose(doc, "any", project) is False
    # a record but no frozen results
    prosepatch.write_sources(record, texts)
    shutil.rmtree(folder / "execute-results")
    assert prosepatch.carry(doc, files, folder, project) is False


def test_a_carry_refuses_a_recorded_hash_that_is_not_the_sources(project):
    doc = project / "chapters" / "one.qmd"
    _edit(project, "More prose here.", "Other prose here.")
    assert freeze.carry_prose(doc, "not the hash of the sources", project) is False
    assert freeze.carry_prose(doc, None, project) is False


def test_non_ascii_prose_is_written_as_quarto_writes_it(project):
    _edit(project, "More prose here.", "More prose here: 5 × 3 ≈ 15.")
    assert freeze.main([], project) == 0
    path = project / "_freeze" / "chapters" / "one" / "execute-results" / "html.json"
    assert "5 × 3 ≈ 15." in path.read_text(encoding="utf-8")  # as written, not \u escapes


def test_an_existing_record_of_the_sources_is_left_as_it_is(project):
    record = project / "_freeze" / "sources" / "chapters" / "one.json"
    before = _older(record)
    assert freeze.main([], project) == 0
    assert record.stat().st_mtime_ns == before


def _older(path: Path) -> int:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 60 * 10**9))
    return path.stat().st_mtime_ns


def test_empty_front_matter_ends_on_its_second_line():
    assert prosepatch.prose_lines(["---", "---", "Text."]) == [False, False, True]


def test_the_context_after_an_edit_stops_at_a_line_that_is_not_prose():
    old = "A.\nB.\n```{python}\nx = 1\n```\n"
    assert prosepatch.prose_edits(old, old.replace("A.", "A2.")) == [("A.\nB.", "A2.\nB.")]


def test_a_carry_refuses_code_and_a_passage_it_cannot_find(project):
    doc = project / "chapters" / "one.qmd"
    folder = freeze.freeze_dir(doc, project)
    _edit(project, "x = 1\n", "x = 2\n")
    assert prosepatch.carry(doc, included_files(doc), folder, project) is False
    _edit(project, "x = 2\n", "x = 1\n")
    _edit(project, "More prose here.", "Other prose here.")
    path = folder / "execute-results" / "html.json"
    frozen = json.loads(path.read_text())
    frozen["result"]["markdown"] = frozen["result"]["markdown"].replace("More prose", "Some")
    path.write_text(json.dumps(frozen, indent=2))
    assert prosepatch.carry(doc, included_files(doc), folder, project) is False
