"""``make preview`` (dlact.site.preview): an edited partial gets its page rendered again."""

from __future__ import annotations

import http.server
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


class _Recorder(http.server.BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        type(self).paths.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"rendered")

    def log_message(self, *args):
        pass


def _wait_for(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_an_edited_partial_sends_a_render_request_for_its_document(tmp_path):
    root = _project(tmp_path)
    docs = preview.profile_documents("book", root)
    _Recorder.paths = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop, logged = threading.Event(), []
    follower = threading.Thread(
        target=preview.follow_partials,
        args=(server.server_port, docs, stop, root, logged.append),
        daemon=True,
    )
    doc = root / "chapters" / "doc.qmd"
    before = doc.stat().st_mtime_ns
    follower.start()
    try:
        time.sleep(2 * preview.POLL)
        inner = root / "chapters" / "_inner.qmd"
        inner.write_text("Inner text, second version.\n")
        os.utime(inner, ns=(inner.stat().st_atime_ns, inner.stat().st_mtime_ns + 10**9))
        assert _wait_for(lambda: _Recorder.paths, 10), logged
    finally:
        stop.set()
        follower.join(5)
        server.shutdown()
    assert _Recorder.paths == [f"/{preview.RENDER_REQUEST}/chapters/doc.qmd"]
    assert logged == ["preview: _inner.qmd changed; rendering chapters/doc.qmd"]
    assert doc.stat().st_mtime_ns > before  # Quarto reads the document afresh


def test_a_preview_server_that_is_not_there_is_said_plainly(tmp_path):
    root = _project(tmp_path)
    docs = preview.profile_documents("book", root)
    stop, logged = threading.Event(), []
    follower = threading.Thread(
        target=preview.follow_partials,
        args=(preview.free_port(), docs, stop, root, logged.append),
        daemon=True,
    )
    follower.start()
    try:
        time.sleep(2 * preview.POLL)
        (root / "chapters" / "_outer.qmd").write_text("Outer text, edited.\n")
        assert _wait_for(lambda: len(logged) == 2, 10), logged
    finally:
        stop.set()
        follower.join(5)
    assert "did not take the request" in logged[1] and "save again" in logged[1]


def test_the_profile_and_port_come_from_the_options(monkeypatch):
    monkeypatch.setenv("QUARTO_PROFILE", "slides")
    assert preview.profile_of([]) == "slides"
    assert preview.profile_of(["--profile", "book,extra"]) == "book"


def test_quarto_preview_shows_an_edited_partial(tmp_path):
    """With a real Quarto: the page is rendered again with the partial's new text."""
    if shutil.which("quarto") is None:
        pytest.skip("quarto is not installed (not on PATH): this test drives `quarto preview`")
    root = _project(tmp_path)
    port = preview.free_port()
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
    page = root / "_site" / "chapters" / "doc.html"
    shown = edited = False
    try:
        shown = _wait_for(lambda: page.is_file() and "first version" in page.read_text(), 180)
        if shown:
            # twice: after its first render Quarto's watcher skips a document whose text
            # is unchanged, however recent the file
            for version in ("second", "third"):
                time.sleep(2 * preview.POLL)
                (root / "chapters" / "_inner.qmd").write_text(f"Inner text, {version} version.\n")
                edited = _wait_for(lambda v=version: f"{v} version" in page.read_text(), 120)
                if not edited:
                    break
    finally:
        os.killpg(process.pid, 15)
        output = process.communicate(timeout=30)[0]
    assert shown, output[-3000:]
    assert edited, output[-3000:]
    assert "preview: _inner.qmd changed; rendering chapters/doc.qmd" in output
