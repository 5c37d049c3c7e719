"""Stale frozen results are noticed: partials, lib code, packages, backend."""

from __future__ import annotations

import ast
import dataclasses
import json
import shutil
import types
from pathlib import Path

import pytest

from dlact.site import freeze


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    (root / "chapters").mkdir(parents=True)
    (root / "slides").mkdir()
    (root / "lib" / "pkg").mkdir(parents=True)
    (root / "chapters" / "_part.qmd").write_text(
        "## A\n\n```{python}\nfrom pkg import mod\nx = 1\n```\n\nProse.\n"
    )
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


def test_pinned_packages_count(project):
    _freeze_all(project)
    (project / "requirements.lock").write_text("keras==4\n")
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]


def test_the_keras_backend_counts(project, monkeypatch):
    """Results computed on one backend are stale on the other; the default is JAX."""
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert freeze.backend() == "torch"
    _freeze_all(project)
    assert stale_names(project) == []
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]
    monkeypatch.delenv("KERAS_BACKEND")  # the default backend, as the README says
    assert freeze.backend() == "jax"
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]
    monkeypatch.setenv("KERAS_BACKEND", "")  # set but empty: the default too
    assert freeze.backend() == "jax"
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert stale_names(project) == []


def test_renaming_a_lib_module_counts(project):
    """The same code under another name is imported differently: the path is hashed too."""
    _freeze_all(project)
    (project / "lib" / "pkg" / "mod.py").rename(project / "lib" / "pkg" / "renamed.py")
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]


def test_moving_text_between_two_files_counts(project):
    """Each file is hashed apart from the next: text moved across the boundary between a
    document and its partial (the two read one after the other) is a change."""
    one, part = project / "chapters" / "one.qmd", project / "chapters" / "_part.qmd"
    one.write_text("{{< include _part.qmd >}}\nA")
    part.write_text("chapters/_part.qmdB\n```{python}\nx = 1\n```\n")
    _freeze_all(project)
    one.write_text("{{< include _part.qmd >}}\nAchapters/_part.qmd")
    part.write_text("B\n```{python}\nx = 1\n```\n")
    assert "chapters/one.qmd" in stale_names(project)


def test_docstrings_of_classes_and_async_functions_do_not_count(project):
    mod = project / "lib" / "pkg" / "mod.py"
    mod.write_text(
        'class C:\n    """Doc."""\n\n    x = 1\n\n\n'
        'async def g():\n    """Doc."""\n    return 1\n\n\n'
        'def only_doc():\n    """Doc."""\n'
    )
    _freeze_all(project)
    text = mod.read_text().replace('"""Doc."""', '"""Better."""')
    mod.write_text(text)
    assert stale_names(project) == []
    # a function that only has a docstring does what one with `pass` does
    mod.write_text(text.replace('def only_doc():\n    """Better."""', "def only_doc():\n    pass"))
    assert stale_names(project) == []
    mod.write_text(text.replace("x = 1", "x = 2"))
    assert len(stale_names(project)) == 2


def test_a_first_statement_that_is_not_a_string_is_code(project):
    mod = project / "lib" / "pkg" / "mod.py"
    mod.write_text("def f():\n    1\n    return 1\n")
    _freeze_all(project)
    mod.write_text("def f():\n    2\n    return 1\n")
    assert len(stale_names(project)) == 2


def test_python_outside_lib_does_not_count(project):
    """Tests and the figure scripts do not run in the documents' cells."""
    _freeze_all(project)
    (project / "tests").mkdir()
    (project / "tests" / "test_x.py").write_text("def test():\n    pass\n")
    (project / "figures_src").mkdir()
    (project / "figures_src" / "draw.py").write_text("print(1)\n")
    assert stale_names(project) == []


def test_the_check_lists_each_stale_document_on_a_line(project, capsys):
    _freeze_all(project)
    (project / "requirements.lock").write_text("keras==4\n")
    assert freeze.main(["--check"], project) == 1
    reason = (
        "its sources, an included partial, the library code its cells run, the pinned packages "
        "or the Keras backend changed"
    )
    assert capsys.readouterr().err.startswith(
        f"Frozen results are out of date:\n  chapters/one.qmd: {reason}\n"
        f"  slides/deck.qmd: {reason}\nRe-execute them with `make retrain`"
    )
    stale, _ = freeze.find_stale(project)
    with pytest.raises(dataclasses.FrozenInstanceError):
        stale[0].reason = "edited"  # a finding, not a draft


def test_a_project_without_a_lock_file(project):
    (project / "requirements.lock").unlink()
    _freeze_all(project)
    assert stale_names(project) == []
    assert freeze.shared_inputs(project) == []
    doc = project / "chapters" / "one.qmd"
    assert freeze.library_inputs(doc, project) == [project / "lib" / "pkg" / "mod.py"]


def test_a_module_no_cell_reaches_does_not_count(project):
    """The build's own modules (render, post-render fixes, checkers) never run in a cell."""
    build = project / "lib" / "pkg" / "build.py"
    build.write_text("def render():\n    return 1\n")
    _freeze_all(project)
    build.write_text("def render():\n    return 2\n")
    assert stale_names(project) == []


def test_modules_imported_by_imported_modules_count_lazily_and_relatively_too(project):
    lib = project / "lib" / "pkg"
    (lib / "__init__.py").write_text("")
    (lib / "mod.py").write_text("def f():\n    from .helper import g\n    return g()\n")
    (lib / "helper.py").write_text("from pkg.deep import h\n\ndef g():\n    return h()\n")
    (lib / "deep.py").write_text("def h():\n    return 1\n")
    _freeze_all(project)
    doc = project / "chapters" / "one.qmd"
    reached = {p.name for p in freeze.library_inputs(doc, project)}
    assert reached == {"__init__.py", "mod.py", "helper.py", "deep.py"}
    (lib / "deep.py").write_text("def h():\n    return 2\n")
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]


def test_each_module_is_parsed_once_per_run_however_many_documents_import_it(project, monkeypatch):
    """The chapters and the deck import the same modules: a run parses each one once
    for its code and once for its imports, not once per document (a preview renders
    a page after every save, and this runs first)."""
    freeze.python_code.cache_clear()
    freeze._imports_in.cache_clear()
    parsed = []
    counting = types.ModuleType("ast")  # freeze's ast, parse counted; pytest's own untouched
    counting.__dict__.update(vars(ast))
    counting.parse = lambda source: parsed.append(source) or ast.parse(source)
    monkeypatch.setattr(freeze, "ast", counting)
    module = (project / "lib" / "pkg" / "mod.py").read_text()
    for _ in range(3):
        stale, current = freeze.find_stale(project)
    assert len(current) == 2  # two documents, both importing pkg.mod
    assert parsed.count(module) == 2
    # an edited module is parsed again, and counts
    (project / "lib" / "pkg" / "mod.py").write_text(module.replace("return 1", "return 2"))
    assert freeze.find_stale(project)[1] != current
    assert len(parsed) == 4


def test_the_lectures_cells_reach_the_teaching_api_but_not_the_build():
    root = freeze.ROOT
    deck = root / "slides" / "lecture.qmd"
    if not deck.is_file():
        pytest.skip("the lecture's sources are not here (a copy of lib/ and tests/ only)")
    reached = {p.relative_to(root / "lib").as_posix() for p in freeze.library_inputs(deck, root)}
    assert {"dlact/data.py", "dlact/rawdata.py", "dlact/gd.py", "dlact/site/fitcache.py"} <= reached
    assert {"dlact/figures/descent.py", "dlact/schedules.py", "dlact/notebook.py"} <= reached
    build_only = {
        "build",
        "postrender",
        "webfix",
        "prune",
        "fonts",
        "sitecheck",
        "lighthouse",
        "apidoc",
    }
    assert not {f"dlact/site/{name}.py" for name in build_only} & reached


def test_index_with_code_is_an_executable_document(project):
    (project / "index.qmd").write_text("---\ntitle: I\n---\n\n```{python}\n1\n```\n")
    docs = [str(d.relative_to(project)) for d in freeze.executable_documents(project)]
    assert docs == ["index.qmd", "chapters/one.qmd", "slides/deck.qmd"]


def test_main_removes_stale_results_and_records_inputs(project, monkeypatch, capsys):
    _freeze_all(project)
    deck = project / "slides" / "deck.qmd"
    recorded = json.loads((project / "_freeze" / "inputs.json").read_text())
    deck.write_text("Changed.\n\n```{python}\ny = 2\n```\n")
    assert freeze.main(["--check"], project) == 1
    err = capsys.readouterr().err
    assert "Frozen results are out of date:\n  slides/deck.qmd: its sources" in err
    assert "chapters/one.qmd" not in err
    assert "make retrain" in err
    assert freeze.freeze_dir(deck, project).exists()  # check only
    assert freeze.main([], project) == 0
    out = capsys.readouterr().out
    assert out.startswith("freeze: re-executing slides/deck.qmd (its sources")
    # nothing of ours in Quarto's folder for it (Quarto copies that folder's files)
    assert not freeze.freeze_dir(deck, project).exists()
    # the texts this render executes it from, kept apart
    sources = json.loads((project / "_freeze" / "sources" / "slides" / "deck.json").read_text())
    assert sources["slides/deck.qmd"] == deck.read_text()
    assert freeze.freeze_dir(project / "chapters" / "one.qmd", project).exists()
    manifest = json.loads((project / "_freeze" / "inputs.json").read_text())
    assert set(manifest) == {"chapters/one.qmd", "slides/deck.qmd"}
    assert manifest["chapters/one.qmd"] == recorded["chapters/one.qmd"]
    assert manifest["slides/deck.qmd"] != recorded["slides/deck.qmd"]  # the new inputs
    assert freeze.main(["--check"], project) == 0  # nothing frozen is stale any more
    # Quarto executes the deck in this render and freezes it: fresh at the next render
    (freeze.freeze_dir(deck, project) / "execute-results").mkdir(parents=True)
    assert freeze.main(["--check"], project) == 0
    assert freeze.main([], project) == 0
    assert capsys.readouterr().out == ""  # nothing to re-execute


def test_the_check_can_be_asked_for_by_the_setting(project, monkeypatch, capsys):
    _freeze_all(project)
    (project / "chapters" / "_part.qmd").write_text("## A\n\n```{python}\nx = 2\n```\n")
    monkeypatch.setenv("DLACT_FREEZE", "check")
    assert freeze.main([], project) == 1
    assert freeze.freeze_dir(project / "chapters" / "one.qmd", project).exists()
    monkeypatch.setenv("DLACT_FREEZE", "")
    assert freeze.main([], project) == 0
    assert not freeze.freeze_dir(project / "chapters" / "one.qmd", project).exists()


def test_the_manifest_is_sorted_for_readable_diffs(project):
    freeze.write_manifest({"b.qmd": "2", "a.qmd": "1"}, project)
    text = (project / "_freeze" / "inputs.json").read_text()
    assert text == '{\n  "a.qmd": "1",\n  "b.qmd": "2"\n}\n'
    assert not list((project / "_freeze").glob("*.tmp"))


def test_an_unreadable_manifest_makes_everything_stale(project):
    _freeze_all(project)
    (project / "_freeze" / "inputs.json").write_text("{not json")
    assert freeze.read_manifest(project) == {}
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]
    stale, _ = freeze.find_stale(project)
    assert stale[0].reason == "no record of the inputs its frozen results came from"


def test_run_as_a_script_it_finds_the_package_beside_it(project, tmp_path):
    """Quarto runs lib/dlact/site/freeze.py as a script, with dlact neither installed nor
    on the path: it finds the package two folders up, and exits with the check's status."""
    import subprocess
    import sys
    import sysconfig

    import dlact

    shutil.copytree(Path(dlact.__file__).parent, project / "lib" / "dlact")
    script = project / "lib" / "dlact" / "site" / "freeze.py"
    # the installed packages, but not the .pth files that would put an installed dlact
    # on the path (-S): only the copy beside the script can be found
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    _freeze_all(project)
    run = [sys.executable, "-S", str(script), "--check"]
    assert subprocess.run(run, cwd=tmp_path, env=env, capture_output=True).returncode == 0
    (project / "chapters" / "_part.qmd").write_text("## A\n\n```{python}\nx = 2\n```\n")
    result = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "chapters/one.qmd" in result.stderr


def test_unrecorded_freeze_is_stale(project):
    _freeze_all(project)
    (project / "_freeze" / freeze.MANIFEST).unlink()
    assert stale_names(project) == ["chapters/one.qmd", "slides/deck.qmd"]
    shutil.rmtree(project / "_freeze" / "slides")
    assert stale_names(project) == ["chapters/one.qmd"]  # nothing frozen: Quarto executes it


def test_imports_of_packages_nested_and_in_parentheses_count(project):
    """``import a.b`` runs both packages; relative imports from a package's __init__ and
    two levels up resolve; a parenthesised ``from ... import (...)`` names each module."""
    lib = project / "lib"
    files = {
        "top/__init__.py": "",
        "top/sub/__init__.py": "from .inner import x\n",
        "top/sub/inner.py": "from ..other import y\nx = y\n",
        "top/other.py": "y = 1\n",
        "top/spare.py": "z = 1\n",
        "top/unused.py": "w = 1\n",
    }
    for name, text in files.items():
        (lib / name).parent.mkdir(parents=True, exist_ok=True)
        (lib / name).write_text(text)
    part = project / "chapters" / "_part.qmd"
    part.write_text(
        "## A\n\n```{python}\nimport top.sub\nfrom top import (spare,\n    other)\n```\n"
    )
    reached = {
        p.relative_to(lib).as_posix()
        for p in freeze.library_inputs(project / "chapters" / "one.qmd", project)
    }
    assert reached == {
        "top/__init__.py",
        "top/sub/__init__.py",
        "top/sub/inner.py",
        "top/other.py",
        "top/spare.py",
    }


def test_every_kind_of_import_in_the_library_and_in_later_cells_is_followed(project):
    """Each module below is reached one way only: a plain ``import a.b`` in a module,
    ``from ..x import`` two levels up, ``from a import m,n`` naming modules (no space
    after the comma), and an import in a cell that is not the first."""
    lib = project / "lib"
    files = {
        "top/__init__.py": "",
        "top/sub/__init__.py": "from .inner import x\n",
        "top/sub/inner.py": (
            "from ..other import y\nimport top.deep.root\nfrom top import spare,extra\nx = y\n"
        ),
        "top/other.py": "y = 1\n",
        "top/deep/__init__.py": "",
        "top/deep/root.py": "",
        "top/deep/leaf.py": "",
        "top/deep/twig.py": "",
        "top/spare.py": "",
        "top/extra.py": "",
        "top/unused.py": "",
    }
    for name, text in files.items():
        (lib / name).parent.mkdir(parents=True, exist_ok=True)
        (lib / name).write_text(text)
    part = project / "chapters" / "_part.qmd"
    part.write_text(
        "## A\n\n```{python}\nx = 1\n```\n\n```{python}\nimport top.sub\n```\n\n"
        "```{python}\nfrom top.deep import leaf,twig\n```\n"
    )
    reached = {
        p.relative_to(lib).as_posix()
        for p in freeze.library_inputs(project / "chapters" / "one.qmd", project)
    }
    assert reached == {name for name in files if name != "top/unused.py"}
