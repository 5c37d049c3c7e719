"""Stale frozen results are noticed: partials, lib code, packages, backend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dlact.site import freeze


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    (root / "chapters").mkdir(parents=True)
    (root / "slides").mkdir()
    (root / "lib" / "pkg").mkdir(parents=True)
    (root / "chapters" / "_part.qmd").write_text("## A\n\n```{python}\nx = 1\n```\n\nProse.\n")
    (root / "chapters" / "one.qmd").write_text(
        "---\ntitle: One\n---\n\n{{< include _part.qmd >}}\n"
    )
    (root / "chapters" / "glossary.qmd").write_text("---\ntitle: G\n---\n\nNo code.\n")
    (root / "slides" / "deck.qmd").write_text("{{< include ../chapters/_part.qmd >}}\n")
    (root / "lib" / "pkg" / "mod.py").write_text(
        '"""Doc."""\n\n\ndef f():\n    """Doc."""\n    return 1\n'
    )
    (root / "requirements.lock").write_text("keras==3\n")
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    return root


def _freeze_all(root: Path) -> None:
    """As after a render: every document frozen, the manifest written."""
    for doc in freeze.executable_documents(root):
        (freeze.freeze_dir(doc, root) / "execute-results").mkdir(parents=True)
    _, current = freeze.find_stale(root)
    freeze.write_manifest(current, root)


def stale_names(root):
    stale, _ = freeze.find_stale(root)
    return sorted(str(s.document.relative_to(root)) for s in stale)


def test_only_documents_with_code(project):
    docs = [str(d.relative_to(project)) for d in freeze.executable_documents(project)]
    assert docs == ["chapters/one.qmd", "slides/deck.qmd"]


def test_fresh_freeze_is_not_stale(project):
    _freeze_all(project)
    assert stale_names(project) == []


def test_editing_a_partial_makes_every_includer_stale(project):
    _freeze_all(project)
    part = project / "chapters" / "_part.qmd"
    part.write_text(part.read_text().replace("Prose.", "Edited prose."))
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]


def test_editing_a_partials_claims_makes_every_includer_stale(project):
    """Claims are checked when the cells run: an edited claim needs the cells run again."""
    claims = project / "chapters" / "_part.claims.yml"
    claims.write_text("claims: []\n")
    _freeze_all(project)
    assert stale_names(project) == []
    claims.write_text("claims: [{section: A, says: Prose., check: x == 1}]\n")
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]


def test_lib_code_counts_but_its_docs_do_not(project):
    _freeze_all(project)
    mod = project / "lib" / "pkg" / "mod.py"
    mod.write_text(mod.read_text().replace('"""Doc."""', '"""Better doc."""') + "# a comment\n")
    assert stale_names(project) == []
    mod.write_text(mod.read_text().replace("return 1", "return 2"))
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]


def test_a_constants_docstring_does_not_count(project):
    mod = project / "lib" / "pkg" / "mod.py"
    mod.write_text(mod.read_text() + '\nLIMIT = 3\n"""The limit."""\n')
    _freeze_all(project)
    mod.write_text(mod.read_text().replace('"""The limit."""', '"""The upper limit."""'))
    assert stale_names(project) == []
    mod.write_text(mod.read_text().replace("LIMIT = 3", "LIMIT = 4"))
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]


def test_pinned_packages_and_backend_count(project, monkeypatch):
    _freeze_all(project)
    monkeypatch.setenv("KERAS_BACKEND", "torch" if freeze.backend() == "jax" else "jax")
    assert len(stale_names(project)) == 2
    monkeypatch.delenv("KERAS_BACKEND")
    assert stale_names(project) == []
    (project / "requirements.lock").write_text("keras==4\n")
    assert len(stale_names(project)) == 2


def test_main_removes_stale_results_and_records_inputs(project, monkeypatch, capsys):
    _freeze_all(project)
    (project / "slides" / "deck.qmd").write_text("Changed.\n\n```{python}\ny = 2\n```\n")
    assert freeze.main(["--check"], project) == 1
    assert "slides/deck.qmd" in capsys.readouterr().err
    assert freeze.freeze_dir(project / "slides" / "deck.qmd", project).exists()  # check only
    assert freeze.main([], project) == 0
    assert not freeze.freeze_dir(project / "slides" / "deck.qmd", project).exists()
    assert freeze.freeze_dir(project / "chapters" / "one.qmd", project).exists()
    manifest = json.loads((project / "_freeze" / freeze.MANIFEST).read_text())
    assert set(manifest) == {"chapters/one.qmd", "slides/deck.qmd"}
    assert freeze.main(["--check"], project) == 0  # nothing frozen is stale any more


def test_unrecorded_freeze_is_stale(project):
    _freeze_all(project)
    (project / "_freeze" / freeze.MANIFEST).unlink()
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]
    shutil.rmtree(project / "_freeze" / "slides")
    assert stale_names(project) == ["chapters/one.qmd"]  # nothing frozen: Quarto executes it
