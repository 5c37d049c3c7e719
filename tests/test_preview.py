"""``make preview`` (dlact.site.preview): an edited partial gets its page rendered again."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dlact.site import preview

ROOT = Path(__file__).resolve().parents[1]


def test_the_book_profile_renders_the_chapters_and_the_appendices():
    docs = [d.relative_to(ROOT).as_posix() for d in preview.profile_documents("book")]
    assert docs[0] == "index.qmd"
    assert "chapters/binary.qmd" in docs and "chapters/references.qmd" in docs
    assert docs.index("chapters/loss.qmd") < docs.index("chapters/glossary.qmd")
    assert [d.relative_to(ROOT).as_posix() for d in preview.profile_documents("slides")] == [
        "slides/lecture.qmd"
    ]


def test_an_unknown_profile_is_an_error_naming_the_profiles():
    with pytest.raises(ValueError, match=r"no profile 'handout'.*book, notebooks, slides"):
        preview.profile_documents("handout")


def test_a_partial_is_traced_to_each_document_that_includes_it():
    book = preview.profile_documents("book")
    slides = preview.profile_documents("slides")
    binary = ROOT / "chapters" / "_binary.qmd"
    assert preview.documents_including(binary, book) == [ROOT / "chapters" / "binary.qmd"]
    assert preview.documents_including(binary, slides) == [ROOT / "slides" / "lecture.qmd"]
    claims = ROOT / "chapters" / "_binary.claims.yml"
    assert preview.documents_including(claims, book) == [ROOT / "chapters" / "binary.qmd"]
    # a document is not its own includer
    assert preview.documents_including(ROOT / "chapters" / "binary.qmd", book) == []


def _project(tmp_path: Path) -> Path:
    """chapters/doc.qmd includes _outer.qmd, which includes _inner.qmd; _unused.qmd is
    included by none."""
    (tmp_path / "_quarto.yml").write_text(
        "profile:\n  default: book\nproject:\n  type: default\n  output-dir: _site\n"
    )
    (tmp_path / "_quarto-book.yml").write_text("project:\n  render:\n    - chapters/doc.qmd\n")
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    (chapters / "doc.qmd").write_text("---\ntitle: T\n---\n\n{{< include _outer.qmd >}}\n")
    (chapters / "_outer.qmd").write_text("Outer text.\n\n{{< include _inner.qmd >}}\n")
    (chapters / "_inner.qmd").write_text("Inner text, first version.\n")
    (chapters / "_unused.qmd").write_text("Nobody includes this.\n")
    extension = tmp_path / preview.RELOAD
    extension.parent.mkdir(parents=True)
    extension.write_text(
        "title: T\nauthor: A\nversion: 1.0.0\ncontributes:\n  filters:\n    - t.lua\n"
    )
    (extension.parent / "t.lua").write_text("")
    return tmp_path


def test_includes_are_followed_through_other_partials(tmp_path):
    root = _project(tmp_path)
    docs = preview.profile_documents("book", root)
    assert docs == [root / "chapters" / "doc.qmd"]
    assert preview.documents_including(root / "chapters" / "_inner.qmd", docs) == docs
    assert preview.documents_including(root / "chapters" / "_unused.qmd", docs) == []


def test_the_watcher_reports_what_changed_once(tmp_path):
    root = _project(tmp_path)
    watcher = preview.Watcher(root)
    assert watcher.changed() == []
    inner = root / "chapters" / "_inner.qmd"
    inner.write_text("Inner text, second version.\n")
    os.utime(inner, ns=(inner.stat().st_atime_ns, inner.stat().st_mtime_ns + 10**9))
    assert watcher.changed() == [inner]
    assert watcher.changed() == []


def _wait_for(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return False


@contextlib.contextmanager
def _following(root: Path, docs: list[Path]):
    """``follow_partials`` on ``root`` in a thread, after its first look; the lines it logs."""
    stop, logged = threading.Event(), []
    follower = threading.Thread(
        target=preview.follow_partials, args=(docs, stop, root, logged.append), daemon=True
    )
    follower.start()
    try:
        time.sleep(2 * preview.POLL)
        yield logged
    finally:
        stop.set()
        follower.join(5)


def _older(path: Path) -> int:
    """Date ``path`` a minute back; its new modification time."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 60 * 10**9))
    return path.stat().st_mtime_ns


def test_an_edited_partial_marks_its_documents_and_reloads_the_pages(tmp_path):
    root = _project(tmp_path)
    docs = preview.profile_documents("book", root)
    doc, reload = root / "chapters" / "doc.qmd", root / preview.RELOAD
    before = {path: _older(path) for path in (doc, reload)}
    with _following(root, docs) as logged:
        inner = root / "chapters" / "_inner.qmd"
        inner.write_text("Inner text, second version.\n")
        os.utime(inner, ns=(inner.stat().st_atime_ns, inner.stat().st_mtime_ns + 10**9))
        assert _wait_for(lambda: logged, 10)
        # a partial nobody includes changes nothing
        (root / "chapters" / "_unused.qmd").write_text("Still unused.\n")
        time.sleep(4 * preview.POLL)
    assert logged == ["preview: _inner.qmd changed; chapters/doc.qmd rendered again when shown"]
    assert doc.stat().st_mtime_ns > before[doc]  # Quarto reads the document afresh
    assert reload.stat().st_mtime_ns > before[reload]  # the server reloads its pages


def test_a_prose_edit_is_carried_into_the_freeze_and_the_document_left_alone(tmp_path):
    import json

    from dlact.site import freeze, prosepatch

    root = _project(tmp_path)
    inner = root / "chapters" / "_inner.qmd"
    inner.write_text("```{python}\nx = 1\n```\n\nInner text, first version.\n")
    doc = root / "chapters" / "doc.qmd"
    results = freeze.freeze_dir(doc, root) / "execute-results"
    results.mkdir(parents=True)
    frozen = "Outer text.\n\n::: {.cell}\n```python\nx = 1\n```\n:::\n\nInner text, first version."
    (results / "html.json").write_text(
        json.dumps(
            {"hash": prosepatch.quarto_hash(doc.read_text()), "result": {"markdown": frozen}}
        )
    )
    freeze.write_manifest(freeze.find_stale(root)[1], root)  # as after a render
    assert freeze.main([], root) == 0  # records the sources
    before = _older(doc)
    docs = preview.profile_documents("book", root)
    with _following(root, docs) as logged:
        inner.write_text(inner.read_text().replace("first", "second"))
        assert _wait_for(lambda: logged, 10)
    markdown = json.loads((results / "html.json").read_text())["result"]["markdown"]
    assert markdown == frozen.replace("first", "second")
    assert doc.stat().st_mtime_ns == before  # not executed: Quarto need not read it again
    assert freeze.find_stale(root)[0] == []  # and the render's freeze check finds it fresh


def test_a_broken_include_is_said_and_the_watch_goes_on(tmp_path):
    root = _project(tmp_path)
    docs = preview.profile_documents("book", root)
    outer = root / "chapters" / "_outer.qmd"
    with _following(root, docs) as logged:
        outer.write_text("Outer text.\n\n{{< include _missing.qmd >}}\n")
        assert _wait_for(lambda: logged, 10)
        time.sleep(2 * preview.POLL)
        outer.write_text("Outer text, mended.\n\n{{< include _inner.qmd >}}\n")
        assert _wait_for(lambda: len(logged) == 2, 10), logged
    assert logged[0].startswith("preview: _outer.qmd changed, but the pages were not updated")
    assert logged[0].endswith("save again")
    assert logged[1] == "preview: _outer.qmd changed; chapters/doc.qmd rendered again when shown"


def test_without_the_extension_the_log_says_to_reload_by_hand(tmp_path):
    root = _project(tmp_path)
    (root / preview.RELOAD).unlink()
    docs = preview.profile_documents("book", root)
    with _following(root, docs) as logged:
        (root / "chapters" / "_outer.qmd").write_text("Outer text, edited.\n")
        assert _wait_for(lambda: len(logged) == 2, 10), logged
    assert "cannot touch" in logged[0] and "reload by hand" in logged[0]


def test_the_profile_comes_from_the_options(monkeypatch):
    monkeypatch.setenv("QUARTO_PROFILE", "slides")
    assert preview.profile_of([]) == "slides"
    assert preview.profile_of(["--profile", "book,extra"]) == "book"


def test_quarto_preview_shows_an_edited_partial(tmp_path):
    """With a real Quarto and a browser showing the page: each edit of a partial is on
    the page within a few seconds of being saved."""
    if shutil.which("quarto") is None:
        pytest.skip("quarto is not installed (not on PATH): this test drives `quarto preview`")
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium on the PATH: the preview reloads the page a browser shows")
    from playwright.sync_api import sync_playwright

    root = _project(tmp_path)
    port = _free_port()
    code = (
        "import sys; from pathlib import Path; from dlact.site import preview; "
        f"sys.exit(preview.main(['--no-browser', '--port', '{port}'], root=Path(sys.argv[1])))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    shown = []
    try:
        page_file = root / "_site" / "chapters" / "doc.html"
        if _wait_for(page_file.is_file, 180):
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}/chapters/doc.html", timeout=120_000)
                # twice: after its first render Quarto's watcher skips a document whose
                # text is unchanged, however recent the file
                for version in ("second", "third"):
                    time.sleep(2 * preview.POLL)
                    (root / "chapters" / "_inner.qmd").write_text(
                        f"Inner text, {version} version.\n"
                    )
                    seen = _wait_for(lambda v=version: f"{v} version" in _text(page), 120)
                    shown.append((version, seen))
                browser.close()
    finally:
        os.killpg(process.pid, 15)
        output = process.communicate(timeout=30)[0]
    assert shown == [("second", True), ("third", True)], output[-3000:]
    assert "preview: _inner.qmd changed; chapters/doc.qmd rendered again when shown" in output


def _text(page) -> str:
    try:
        return page.inner_text("body", timeout=1000)
    except Exception:  # the page is reloading
        return ""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
