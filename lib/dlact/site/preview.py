"""``make preview``: Quarto's live preview, following the partials too.

Quarto's preview renders a page again when the page's own file changes, but
not when a file it includes does (quarto-dev/quarto-cli#2795). Every chapter
of the lecture is a short file that includes its partials
(``chapters/binary.qmd`` includes ``_binary.qmd``, ``_binary-exercises.qmd``,
...), so an edited paragraph would not show until the preview was restarted.

This module runs ``quarto preview`` and watches the partials and their claims
files. When one changes, it asks the preview server to render each document
of the previewed profile that includes it, with the request editors (RStudio,
VS Code) send to the server when a file is saved; the server renders the
document (its pre-render notices the changed partial and has it executed
again, see :mod:`dlact.site.freeze`) and reloads the browser.

The watch compares modification times every half second: a few dozen files,
no dependency needed.

Run: ``python -m dlact.site.preview [quarto preview options]``, as
``make preview`` does (``--profile slides`` previews the deck).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]

#: The path under which Quarto's preview server takes a request to render a
#: file (``kQuartoRenderCommand`` in quarto-cli; the protocol RStudio uses).
RENDER_REQUEST = "90B3C9E8-0DBC-4BC0-B164-AA2D5C031B28"

#: Seconds between two looks at the partials' modification times.
POLL = 0.5


def profile_of(args: list[str], env: dict[str, str] | None = None) -> str:
    """The profile ``quarto preview args`` uses: ``--profile`` or ``QUARTO_PROFILE``, else the book.

    >>> profile_of(["--profile", "slides"]), profile_of(["--profile=slides"]), profile_of([], {})
    ('slides', 'slides', 'book')
    """
    for i, arg in enumerate(args):
        if arg == "--profile" and i + 1 < len(args):
            return args[i + 1].split(",")[0]
        if arg.startswith("--profile="):
            return arg.split("=", 1)[1].split(",")[0]
    env = os.environ if env is None else env
    return (env.get("QUARTO_PROFILE") or "book").split(",")[0]


def _entries(items: list) -> list[str]:
    """The files of a book's ``chapters`` or ``appendices`` list (``part`` entries opened)."""
    files = []
    for item in items or []:
        if isinstance(item, str):
            files.append(item)
        elif isinstance(item, dict):
            if isinstance(item.get("part"), str) and item["part"].endswith((".qmd", ".md")):
                files.append(item["part"])
            files += _entries(item.get("chapters", []))
    return files


def profile_documents(profile: str, root: Path = ROOT) -> list[Path]:
    """The documents the profile renders: the book's chapters and appendices, or the
    files its ``project.render`` list names (globs allowed)."""
    config_file = root / f"_quarto-{profile}.yml"
    if not config_file.is_file():
        raise ValueError(
            f"no profile {profile!r}: {config_file.name} does not exist; the profiles are "
            + ", ".join(sorted(p.stem.removeprefix("_quarto-") for p in root.glob("_quarto-*.yml")))
        )
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    book = config.get("book") or {}
    names = _entries(book.get("chapters", [])) + _entries(book.get("appendices", []))
    documents = [root / name for name in names]
    for pattern in (config.get("project") or {}).get("render", []):
        documents += sorted(root.glob(pattern))
    return [d for d in dict.fromkeys(documents) if d.is_file()]


def documents_including(changed: Path, documents: list[Path]) -> list[Path]:
    """The documents that include ``changed``, directly or through another partial."""
    from dlact.site.qmd import included_files

    changed = changed.resolve()
    found = []
    for doc in documents:
        files = included_files(doc)
        claims = [f.with_name(f.stem + ".claims.yml") for f in files]
        if changed != doc.resolve() and (changed in files or changed in claims):
            found.append(doc)
    return found


def watched_files(root: Path = ROOT) -> list[Path]:
    """The partials (``_*.qmd``) and claims files of the chapters and the slides."""
    files = []
    for folder in ("chapters", "slides"):
        files += (root / folder).glob("_*.qmd")
        files += (root / folder).glob("_*.claims.yml")
    return sorted(files)


class Watcher:
    """Which of the watched files changed since the last look."""

    def __init__(self, root: Path = ROOT):
        self.root = root
        self.seen = self._stamps()

    def _stamps(self) -> dict[Path, tuple[int, int]]:
        stamps = {}
        for path in watched_files(self.root):
            try:
                stat = path.stat()
            except OSError:  # removed between the listing and the look
                continue
            stamps[path] = (stat.st_mtime_ns, stat.st_size)
        return stamps

    def changed(self) -> list[Path]:
        now = self._stamps()
        changed = [p for p, stamp in now.items() if self.seen.get(p) != stamp]
        self.seen = now
        return changed


def request_render(port: int, document: Path, root: Path = ROOT, timeout: float = 10) -> str:
    """Ask the preview server on ``port`` to render ``document``; the server's answer."""
    relative = document.resolve().relative_to(root.resolve()).as_posix()
    url = f"http://127.0.0.1:{port}/{RENDER_REQUEST}/{urllib.parse.quote(relative)}"
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8", "replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_of(args: list[str]) -> int | None:
    """The ``--port`` given to ``quarto preview``, if any.

    >>> port_of(["--port", "4200"]), port_of(["--port=4201"]), port_of(["--no-browser"])
    (4200, 4201, None)
    """
    for i, arg in enumerate(args):
        if arg == "--port" and i + 1 < len(args):
            return int(args[i + 1])
        if arg.startswith("--port="):
            return int(arg.split("=", 1)[1])
    return None


def follow_partials(
    port: int,
    documents: list[Path],
    stop: threading.Event,
    root: Path = ROOT,
    log=print,
) -> None:
    """Until ``stop`` is set: when a partial changes, have the documents including it rendered."""
    watcher = Watcher(root)
    while not stop.wait(POLL):
        changed = watcher.changed()
        if not changed:
            continue
        time.sleep(POLL)  # an editor may write in several steps: take them all
        changed = list(dict.fromkeys(changed + watcher.changed()))
        targets = list(dict.fromkeys(d for c in changed for d in documents_including(c, documents)))
        for doc in targets:
            os.utime(doc)  # Quarto keeps each document's expanded text until its file changes
            names = ", ".join(c.name for c in changed)
            log(f"preview: {names} changed; rendering {doc.relative_to(root).as_posix()}")
            try:
                request_render(port, doc, root)
            except (urllib.error.URLError, OSError) as exc:
                log(f"preview: the preview server did not take the request ({exc}); save again")


def main(argv: list[str], root: Path = ROOT) -> int:
    """Run ``quarto preview argv`` in ``root`` and follow the partials until it ends."""
    from dlact.site.build import _env, find_quarto, kernel_settings

    args = list(argv)
    port = port_of(args)
    if port is None:
        port = free_port()
        args += ["--port", str(port)]
    profile = profile_of(args)
    documents = profile_documents(profile, root)
    # the build's settings: the fit cache, faster fits and JAX's compilation cache, so an
    # edited chapter is executed again without training or compiling again
    env = _env(**kernel_settings(fit_cache=root / "_cache" / "fits"))
    quarto = subprocess.Popen([find_quarto(), "preview", *args], cwd=root, env=env)
    stop = threading.Event()
    follower = threading.Thread(
        target=follow_partials, args=(port, documents, stop, root), daemon=True
    )
    follower.start()
    try:
        return quarto.wait()
    except KeyboardInterrupt:
        quarto.terminate()
        return quarto.wait()
    finally:
        stop.set()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
