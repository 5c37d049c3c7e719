"""``make preview``: Quarto's live preview, following the partials too.

Quarto's preview renders a page again when the page's own file changes, but
not when a file it includes does (quarto-dev/quarto-cli#2795). Every chapter
of the lecture is a short file that includes its partials
(``chapters/binary.qmd`` includes ``_binary.qmd``, ``_binary-exercises.qmd``,
...), so an edited paragraph would not show until the preview was restarted.

This module runs ``quarto preview`` and watches the partials and their claims
files. When one changes, it brings each document of the previewed profile
that includes it up to date, then touches the project's filter extension, a
change the preview server answers by reloading its open pages and rendering
each page again, from the frozen results, before serving it:

* an edit of the prose alone is carried into the document's frozen results
  at once (:mod:`dlact.site.prosepatch`), and nothing is executed;
* any other edit marks the document as changed (its file's modification
  time): Quarto reads it afresh and executes it again.

(The server's own render request, which editors send on save, would execute
the document every time, whatever changed, and leave its other formats'
frozen results behind.)

The watch compares modification times every half second: a few dozen files,
no dependency needed.

Run: ``python -m dlact.site.preview [quarto preview options]``, as
``make preview`` does (``--profile slides`` previews the deck).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]

#: A file of the project's filter extension: when it changes, the preview server
#: reloads its pages, and renders each page it then serves again.
RELOAD = Path("_extensions") / "lecture" / "_extension.yml"

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


def follow_partials(
    documents: list[Path],
    stop: threading.Event,
    root: Path = ROOT,
    log=print,
) -> None:
    """Until ``stop`` is set: when a partial changes, bring the documents including it up
    to date and have the preview server reload its pages.

    A prose-only edit is carried into each document's frozen results at once
    (:func:`dlact.site.freeze.carry_prose`), and the page is rendered from them;
    otherwise the document is marked as changed, and executed again.
    """
    watcher = Watcher(root)
    while not stop.wait(POLL):
        changed = watcher.changed()
        if not changed:
            continue
        time.sleep(POLL)  # an editor may write in several steps: take them all
        changed = list(dict.fromkeys(changed + watcher.changed()))
        names = ", ".join(c.name for c in changed)
        try:
            targets = _bring_up_to_date(changed, documents, root)
        except Exception as exc:  # a half-written include, say: keep watching
            log(f"preview: {names} changed, but the pages were not updated ({exc}); save again")
            continue
        if not targets:
            continue
        try:
            os.utime(root / RELOAD)
        except OSError as exc:
            log(f"preview: cannot touch {RELOAD} to reload the pages ({exc}); reload by hand")
        pages = ", ".join(d.relative_to(root).as_posix() for d in targets)
        log(f"preview: {names} changed; {pages} rendered again when shown")


def _bring_up_to_date(changed: list[Path], documents: list[Path], root: Path) -> list[Path]:
    """The documents including ``changed``, each with a prose edit carried into its frozen
    results, or else marked as changed."""
    from dlact.site import freeze

    targets = list(dict.fromkeys(d for c in changed for d in documents_including(c, documents)))
    recorded = freeze.read_manifest(root)
    for doc in targets:
        key = str(doc.relative_to(root))
        if freeze.carry_prose(doc, recorded.get(key), root):
            # fresh again: the render's own freeze check finds nothing to do
            recorded[key] = freeze.document_hash(doc, root)
            freeze.write_manifest(recorded, root)
        else:
            # code changed: the document is executed again, so Quarto must read it
            # afresh (it keeps each document's expanded text until its file's date
            # changes, and then renders it at once, executing it)
            os.utime(doc)
    return targets


def main(argv: list[str], root: Path = ROOT) -> int:
    """Run ``quarto preview argv`` in ``root`` and follow the partials until it ends."""
    from dlact.site.build import _env, find_quarto, kernel_settings, warn_if_many_files

    if warning := warn_if_many_files(root):
        print(f"preview: {warning}", file=sys.stderr, flush=True)
    args = list(argv)
    profile = profile_of(args)
    documents = profile_documents(profile, root)
    # the build's settings: the fit cache, faster fits and JAX's compilation cache, so an
    # edited chapter is executed again without training or compiling again
    env = _env(**kernel_settings(fit_cache=root / "_cache" / "fits"))
    quarto = subprocess.Popen([find_quarto(), "preview", *args], cwd=root, env=env)
    stop = threading.Event()
    follower = threading.Thread(target=follow_partials, args=(documents, stop, root), daemon=True)
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
