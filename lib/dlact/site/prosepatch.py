"""Carry an edit of the prose into the frozen results, without executing again.

Runs from :mod:`dlact.site.freeze` (Quarto's ``pre-render``), so it needs the
standard library only.

:mod:`dlact.site.freeze` finds a document stale when any file it includes
changes. When what changed since the document was executed is only prose
(lines outside code cells and Observable blocks, with no inline code, no
include and no front matter), executing it again would give the same
results: Quarto's frozen results hold the document's prose line for line
between the cells' outputs (``_freeze/<document>/execute-results/*.json``, one
per output format). So the edited lines are replaced there, in every format,
and the document is not executed again. Anything else (a cell's code or
options, inline code, an include, a claims file, the library, the packages,
the backend) has the document executed again, as before.

An edited passage is found in the frozen text by its changed lines and up to
two unchanged prose lines on either side; it must be there exactly once in
every format, else the document is executed again.

The texts a document's frozen results come from are kept in
``_freeze/sources/<document>.json`` (every file the document includes, by its
path in the project): the edit is what differs from those. Not in the
document's own folder of ``_freeze/``: Quarto copies that folder's files
beside the document while it renders.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from pathlib import Path

SOURCES = "sources"

#: A block that is code, not prose: an executable cell (```` ```{python} ````) or an
#: Observable one (```` ```{ojs} ````).
CODE_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})\s*\{")
INCLUDE = re.compile(r"^\s*\{\{<\s*include\s")
INLINE_CODE = re.compile(r"`\{\w+\}")

#: Unchanged prose lines taken on either side of an edit to find it in the frozen text.
CONTEXT = 2


def prose_lines(lines: list[str]) -> list[bool]:
    """For each line: is it prose (what the frozen results hold as it is written)?

    >>> prose_lines(["---", "title: T", "---", "Text.", "```{python}", "x = 1", "```",
    ...              "Says `{python} x`.", "{{< include _a.qmd >}}", "", "More."])
    [False, False, False, True, False, False, False, False, False, True, True]
    """
    prose = []
    fence = None
    front_matter = bool(lines) and lines[0].strip() == "---"
    for i, line in enumerate(lines):
        if front_matter:
            prose.append(False)
            if i > 0 and line.strip() in ("---", "..."):
                front_matter = False
            continue
        if fence is not None:
            prose.append(False)
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == set(fence):
                fence = None
            continue
        opening = CODE_FENCE.match(line)
        if opening:
            fence = opening["fence"]
            prose.append(False)
            continue
        prose.append(not (INCLUDE.match(line) or INLINE_CODE.search(line)))
    return prose


def prose_edits(old: str, new: str) -> list[tuple[str, str]] | None:
    """The passages to replace to turn ``old`` into ``new``, as (old, new) pairs with their
    context, or None if a changed line is not prose."""
    a, b = old.splitlines(), new.splitlines()
    prose_a, prose_b = prose_lines(a), prose_lines(b)
    edits = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for k, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            continue
        if not (all(prose_a[i1:i2]) and all(prose_b[j1:j2])):
            return None
        # the unchanged prose around the edit, to find it in one place only: difflib puts
        # a run of equal lines between two edits, so each side has the run beside it
        # (the first edit of a file, if it has no run before it, starts at line 0; the
        # last, if it has none after it, ends at the file's end)
        run_before = i1 - opcodes[k - 1][1] if k else i1
        run_after = opcodes[k + 1][2] - opcodes[k + 1][1] if k + 1 < len(opcodes) else len(a) - i2
        before = _prose_run(prose_a[i1 - run_before : i1][::-1])
        after = _prose_run(prose_a[i2 : i2 + run_after])
        found = a[i1 - before : i2 + after]
        if not any(line.strip() for line in found):
            return None  # nothing to find it by (an insertion between two non-prose lines)
        edits.append(("\n".join(found), "\n".join(b[j1 - before : j2 + after])))
    return edits


def _prose_run(prose: list[bool]) -> int:
    """How many of the first ``CONTEXT`` lines are prose, up to the first that is not.

    >>> _prose_run([True, True, True]), _prose_run([True, False, True]), _prose_run([])
    (2, 1, 0)
    """
    count = 0
    for is_prose in prose[:CONTEXT]:
        if not is_prose:
            break
        count += 1
    return count


def replace_once(text: str, old: str, new: str) -> str | None:
    """``text`` with the whole lines ``old`` replaced by ``new``; None unless ``old`` is
    there exactly once."""
    wrapped, needle = f"\n{text}\n", f"\n{old}\n"
    first = wrapped.find(needle)
    if first < 0 or wrapped.find(needle, first + 1) >= 0:  # overlapping finds count too
        return None
    return (wrapped[:first] + f"\n{new}\n" + wrapped[first + len(needle) :])[1:-1]


def sources_file(doc: Path, root: Path) -> Path:
    """Where the texts ``doc``'s frozen results come from are kept."""
    return root / "_freeze" / SOURCES / doc.relative_to(root).with_suffix(".json")


def read_sources(path: Path) -> dict[str, str] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_sources(path: Path, texts: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(texts, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def current_sources(files: list[Path], root: Path) -> dict[str, str]:
    """The texts of ``files``, by their paths in the project."""
    return {f.relative_to(root).as_posix(): f.read_text(encoding="utf-8") for f in files}


def quarto_hash(text: str) -> str:
    """The hash Quarto keeps of a document's own file (MD5 of its text with LF endings)."""
    return hashlib.md5(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()


def carry(doc: Path, files: list[Path], freeze_dir: Path, root: Path) -> bool:
    """Carry a prose-only edit of ``doc``'s ``files`` into its frozen results (in
    ``freeze_dir``).

    True if done (every format's frozen text edited, the sources recorded);
    False, changing nothing, if the document must be executed again.
    """
    record = sources_file(doc, root)
    old = read_sources(record)
    new = current_sources(files, root)
    if old is None or list(old) != list(new):
        return False  # no record of the sources, or another set of includes
    edits = []
    for name, text in new.items():
        if old[name] != text:
            found = prose_edits(old[name], text)
            if found is None:
                return False
            edits += found
    results = sorted((freeze_dir / "execute-results").glob("*.json"))
    if not results:
        return False
    patched = {}
    own = doc.relative_to(root).as_posix()
    for path in results:
        frozen = json.loads(path.read_text(encoding="utf-8"))
        markdown = frozen["result"]["markdown"]
        for before, after in edits:
            markdown = replace_once(markdown, before, after)
            if markdown is None:
                return False
        frozen["result"]["markdown"] = markdown
        if old[own] != new[own]:
            frozen["hash"] = quarto_hash(new[own])
        patched[path] = frozen
    for path, frozen in patched.items():
        # as Quarto writes it: two spaces, no final newline
        path.write_text(json.dumps(frozen, indent=2, ensure_ascii=False), encoding="utf-8")
    write_sources(record, new)
    return True
