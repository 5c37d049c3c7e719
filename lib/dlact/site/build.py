"""Build the site: the steps behind ``make site``, ``make retrain`` and ``make pdf``.

Runs from the Makefile, CI and the publish workflow (``python -m dlact.site.build``).

One place for the build's steps, so the Makefile, CI and the GitHub
workflow run the same thing::

    python -m dlact.site.build site      # book + deck + notebooks from frozen results
    python -m dlact.site.build retrain   # re-execute everything, check results, then as site
    python -m dlact.site.build pdf       # the deck as a PDF (the book PDF comes with `site`)
    python -m dlact.site.build api       # the appendix "The course library" from the docstrings

``retrain`` works on copies: the previous ``_freeze/`` and ``_site/`` are
put back if anything fails, so a failed retrain loses nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SITE = ROOT / "_site"
FREEZE = ROOT / "_freeze"
DECK = "slides/lecture.qmd"
PROFILES = ("book", "slides", "notebooks")


class ToolMissing(RuntimeError):
    """A program the build needs is not installed."""


def find_quarto() -> str:
    """Path of the ``quarto`` command, or a clear error saying how to get it."""
    found = shutil.which("quarto") or shutil.which("quarto", path=str(Path(sys.executable).parent))
    if not found:
        raise ToolMissing(
            "quarto is not installed (not on PATH). Install it from "
            "https://quarto.org/docs/get-started/ or with `pip install quarto-cli` "
            "in this project's environment (`make site` does that), then run the command again."
        )
    return found


def find_chromium() -> str:
    """Path of a Chromium for the deck's PDF, or a clear error saying how to get it."""
    for name in (os.environ.get("DLACT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (path := shutil.which(name)):
            return path
    raise ToolMissing(
        "chromium is not installed: the deck's PDF is printed by headless Chromium. "
        "Install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set DLACT_CHROMIUM "
        "to a Chrome or Chromium executable."
    )


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env.setdefault("QUARTO_PYTHON", sys.executable)
    return env


def _run(args: list[str], cwd: Path | None = None, log: Path | None = None, **extra: str) -> None:
    """Run ``args`` in ``cwd`` (the project); with ``log``, its output goes there."""
    if log is None:
        print("+", " ".join(args), flush=True)
        subprocess.run(args, cwd=cwd or ROOT, env=_env(**extra), check=True)
        return
    with open(log, "a", encoding="utf-8") as out:
        out.write("+ " + " ".join(args) + "\n")
        out.flush()
        subprocess.run(args, cwd=cwd or ROOT, env=_env(**extra), check=True, stdout=out, stderr=out)


def jax_cache_settings(folder: Path | None = None) -> dict[str, str]:
    """JAX's own persistent compilation cache, in ``_cache/jax/`` unless set already.

    Each execution of a chapter compiles its models' steps again (every output
    format starts a fresh kernel); with the cache, JAX reads the compiled code
    back from disk instead. The compiled program is the same, and so is every
    number it computes.
    """
    folder = os.environ.get("JAX_COMPILATION_CACHE_DIR") or folder or ROOT / "_cache" / "jax"
    return {
        "JAX_COMPILATION_CACHE_DIR": str(folder),
        # every compiled step, however quick to compile (JAX's default keeps those over 1 s)
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
    }


def kernel_settings(
    *,
    fit_cache: Path | None = None,
    results: Path | None = None,
    claims: str | None = None,
) -> dict[str, str]:
    """The build's settings for the chapters' kernels, as environment variables."""
    # several training steps per call on JAX, the same numbers (dlact.site.fastfit);
    # DLACT_FAST_FIT=0 trains one step per call
    extra = {"DLACT_FAST_FIT": os.environ.get("DLACT_FAST_FIT", "1"), **jax_cache_settings()}
    if fit_cache is not None:
        extra["DLACT_FIT_CACHE"] = str(fit_cache)
    if results is not None:
        extra["DLACT_RESULTS_DIR"] = str(results)
    if claims is not None:
        extra["DLACT_CLAIMS"] = claims
    return extra


#: Above this many files and folders under the project, each start of Quarto slows down.
MANY_FILES = 10_000


def files_quarto_lists(root: Path = ROOT) -> dict[str, int]:
    """How many files and folders Quarto lists under the project each time it starts,
    by top-level entry, largest first.

    Quarto walks the whole project folder, all but the output folder, looking for
    files to leave out of the site (quarto-dev/quarto-cli#6771); a virtual
    environment's 47,000 files made each render 11 s slower here. It does not
    follow links, so the venv and the checkers' npm packages live outside the
    project, behind the links ``.venv`` and ``tests/checkers/node_modules``
    (the Makefile's ``ENV_HOME``). ``.git`` is not counted: git keeps it packed.
    """
    counts: dict[str, int] = {}
    for top in root.iterdir():
        if top.name in ("_site", ".git"):
            continue
        n = 1
        if top.is_dir() and not top.is_symlink():
            n += sum(len(dirs) + len(files) for _, dirs, files in os.walk(top))
        counts[top.name] = n
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def warn_if_many_files(root: Path = ROOT) -> str | None:
    """A warning when Quarto would list more than :data:`MANY_FILES` under the project."""
    counts = files_quarto_lists(root)
    total = sum(counts.values())
    if total <= MANY_FILES:
        return None
    largest = ", ".join(f"{name} ({n:,})" for name, n in list(counts.items())[:3])
    return (
        f"Quarto lists {total:,} files and folders under the project each time it starts, "
        f"which slows every render; most are in {largest}. Move big folders out of the "
        "project (a folder .venv: `rm -rf .venv && make setup` puts the venv outside it)."
    )


def render(
    profile: str,
    *,
    fit_cache: Path | None = None,
    results: Path | None = None,
    claims: str | None = None,
    project: Path | None = None,
    log: Path | None = None,
    args: tuple[str, ...] = (),
) -> None:
    """``quarto render --profile PROFILE ARGS`` in ``project`` (this one unless given),
    its output in ``log`` if given (the book first: it cleans ``_site/``).

    ``claims="report"`` lets the chapters run on past a contradicted claim, so
    that :mod:`dlact.site.checks` can list them all afterwards.
    """
    if profile not in PROFILES:
        raise ValueError(f"Unknown profile {profile!r}; the profiles are {', '.join(PROFILES)}.")
    extra = kernel_settings(fit_cache=fit_cache, results=results, claims=claims)
    if profile == "notebooks" and (url := site_url()):
        # the notebooks' set-up cell installs the course library from the published site
        extra["DLACT_NOTEBOOKS_URL"] = f"{url}/notebooks"
    _run(
        [find_quarto(), "render", "--profile", profile, *args],
        cwd=project,
        log=log,
        QUARTO_PROFILE=profile,
        **extra,
    )


def site_url() -> str | None:
    """Where the site is published: ``$DLACT_SITE_URL``, else ``book.site-url`` in
    ``_quarto-book.yml``; None when neither is set (a local build)."""
    import yaml

    url = os.environ.get("DLACT_SITE_URL")
    if not url:
        book = yaml.safe_load((ROOT / "_quarto-book.yml").read_text()).get("book", {})
        url = book.get("site-url")
    return url.rstrip("/") if url else None


def wheel_name() -> str:
    """The file name of the course library's wheel, which the notebooks install."""
    from dlact import __version__

    return f"dlact-{__version__}-py3-none-any.whl"


def build_wheel(folder: Path | None = None) -> Path:
    """Build the ``dlact`` wheel into ``folder`` (default ``_site/notebooks``), where the
    downloaded notebooks install it from."""
    folder = Path(folder or SITE / "notebooks")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                "--wheel-dir",
                tmp,
                str(ROOT),
            ]
        )
        built = Path(tmp) / wheel_name()
        if not built.is_file():
            raise RuntimeError(f"pip built no {wheel_name()} (found {os.listdir(tmp)})")
        target = folder / built.name
        shutil.copyfile(built, target)
    print(f"wheel: {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return target


def write_constraints(folder: Path | None = None) -> Path:
    """Write ``constraints.txt`` beside the wheel: the versions in ``requirements.lock``,
    which the notebooks' set-up cell installs with, so that a student's run uses the
    packages the lecture's results were computed with."""
    folder = Path(folder or SITE / "notebooks")
    folder.mkdir(parents=True, exist_ok=True)
    pins = [
        line.strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if not all("==" in pin for pin in pins):
        raise ValueError("requirements.lock must pin every package with '=='")
    target = folder / "constraints.txt"
    target.write_text(
        "# The package versions the lecture's results were computed with\n"
        "# (requirements.lock), for `pip install --constraint`.\n" + "\n".join(pins) + "\n"
    )
    return target


def site(
    *, fit_cache: Path | None = None, results: Path | None = None, claims: str | None = None
) -> None:
    """Book, deck and notebooks into ``_site/``, the course library's wheel and its pinned
    versions beside the notebooks, and the deck's PDF and handout where Chromium is."""
    fit_cache = fit_cache or ROOT / "_cache" / "fits"
    if warning := warn_if_many_files():
        print(f"warning: {warning}", file=sys.stderr)
    settings = {"fit_cache": fit_cache, "results": results, "claims": claims}
    if (os.cpu_count() or 1) >= 2 and os.environ.get("DLACT_LANES", "1") != "0":
        # the wheel and the deck's PDFs as soon as the deck is rendered, while the
        # book's PDF is still rendering beside it
        render_in_two_lanes(settings, then=site_files)
    else:
        for profile in PROFILES:
            render(profile, **settings)
        site_files()


def site_files() -> None:
    """The course library's wheel and its pinned versions beside the notebooks, and the
    deck's PDF and handout where Chromium is (after the deck's render)."""
    build_wheel()
    write_constraints()
    try:
        deck_pdfs()
    except ToolMissing as exc:
        print(f"warning: no deck PDF: {exc}", file=sys.stderr)


def render_in_two_lanes(settings: dict, then: Callable[[], None] | None = None) -> None:
    """The book's pages and the deck in the project, then ``then()`` there, while the
    notebooks and the book's PDF render in a copy of it (:mod:`dlact.site.lanes`); then
    the copy's results brought back and the site-wide post-render steps run on the whole
    site."""
    import threading

    from dlact.site import lanes, webfix

    lane = lanes.copy_project(ROOT, lanes.lane_dir(ROOT))
    log = lane / "render.log"
    failed: list[BaseException] = []
    seconds: dict[str, float] = {}

    def renders(steps, **where) -> float:
        start = time.perf_counter()
        for profile, args in steps:
            render(profile, **settings, args=args, **where)
        return time.perf_counter() - start

    def second_lane() -> None:
        try:
            seconds["beside"] = renders(lanes.BESIDE, project=lane, log=log)
        except BaseException as exc:  # reported once the project's side is done
            failed.append(exc)

    print(f"+ rendering {_steps(lanes.BESIDE)} beside, in {lane.relative_to(ROOT)}/")
    thread = threading.Thread(target=second_lane)
    thread.start()
    try:
        seconds["here"] = renders(lanes.HERE)
        if then is not None:
            start = time.perf_counter()
            then()
            seconds["then"] = time.perf_counter() - start
    finally:
        thread.join()
        print(f"--- {_steps(lanes.BESIDE)} ({log.relative_to(ROOT)}):")
        print(
            log.read_text(encoding="utf-8", errors="replace") if log.is_file() else "", flush=True
        )
    if failed:
        raise failed[0]
    after = f" (then {seconds['then']:.0f} s more)" if "then" in seconds else ""
    print(
        f"rendered {_steps(lanes.HERE)} in {seconds['here']:.0f} s{after}, "
        f"beside them {_steps(lanes.BESIDE)} in {seconds['beside']:.0f} s",
        flush=True,
    )
    lanes.bring_back(lane, ROOT)
    removed, fonts = webfix.site_wide(SITE)
    print(f"site: pruned {removed / 2**20:.1f} MiB")
    for line in fonts:
        print(f"site: {line}")


def _steps(steps) -> str:
    """``(("book", ("--to", "html")), ("slides", ()))`` as "book (--to html), slides"."""
    return ", ".join(f"{p} ({' '.join(a)})" if a else p for p, a in steps)


#: reveal.js marks every slide but the current one ``hidden`` and ``aria-hidden``;
#: in print they are all shown, and Chromium leaves hidden content out of the
#: PDF's tags and bookmarks, so the marks are lifted before printing.
UNHIDE_SLIDES = """() => document.querySelectorAll('.reveal section[hidden], .reveal section[aria-hidden]')
    .forEach(s => { s.removeAttribute('hidden'); s.removeAttribute('aria-hidden'); })"""


#: The PDF's bookmarks come from the headings: a part's outline slide gains an
#: ``<h1>`` naming the part (in the PDF's text and tags, but not seen), so that
#: the slides' titles (``<h2>``) are grouped under their part.
PART_BOOKMARKS = """() => document.querySelectorAll('.reveal section.outline').forEach((slide, i) => {
    const part = slide.querySelector('li strong');
    if (!part) return;
    const heading = document.createElement('h1');
    heading.textContent = `Part ${i + 1}: ${part.textContent.trim()}`;
    // transparent 1px text: Chromium leaves clipped or transparent-by-opacity
    // headings out of the outline, but not these
    heading.style.cssText = 'position:absolute;left:0;top:0;margin:0;font-size:1px;'
        + 'line-height:1px;color:transparent;white-space:nowrap';
    slide.insertBefore(heading, slide.firstChild);
})"""

#: The deck's links as a PDF can follow them. Printed as they are, a link is
#: made absolute against the page's own address, a file on the machine that
#: built it: the empty links Quarto leaves on each line of code (``href=""``)
#: are dropped; a link to a slide (``#/id``) points at that slide (``#id``),
#: not at a file (Chromium makes no link inside the deck's PDF of it, so its
#: text stays, linking nowhere); a link to another file of the site
#: (``../notebooks/...``) points at the published site when its address is
#: known (:func:`site_url`), and is dropped, its text kept, when it is not.
PDF_LINKS = """(site) => {
    const counts = {dropped: 0, slides: 0, site: 0};
    document.querySelectorAll('.reveal a[href]').forEach(a => {
        const href = a.getAttribute('href');
        if (href.startsWith('#/')) {
            const id = decodeURIComponent(href.slice(2).split('/')[0]);
            if (document.getElementById(id)) {
                a.setAttribute('href', '#' + id);
                counts.slides++;
            }
        } else if (href === '' || !(href.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(href))) {
            if (site && href !== '') {
                a.setAttribute('href', new URL(href, site + '/slides/').href);
                counts.site++;
            } else {
                a.removeAttribute('href');
                counts.dropped++;
            }
        }
    });
    return counts;
}"""

#: The handout: each slide at the top of a page of A4 proportions (the deck's
#: print page, 1356 px wide), its speaker notes below it in a readable size.
HANDOUT_CSS = """
@page { size: 1356px 1917px; margin: 0; }
html.reveal-print .reveal .pdf-page { height: 1917px !important; }
html.reveal-print .reveal .speaker-notes-pdf[data-layout=inline] {
  position: absolute; top: 770px !important; bottom: auto !important;
  left: 98px !important; width: 1160px !important; max-height: none;
  font-family: var(--r-main-font); font-size: 24px; line-height: 1.45;
  color: #1a1a1a; background: #fff;
  border: 0; border-top: 2px solid #14213d; padding: 20px 0 0 0;
}
"""

#: The slides whose notes run past the foot of their handout page.
NOTES_PAST_THE_PAGE = """() => [...document.querySelectorAll('.pdf-page')].flatMap(page => {
    const notes = page.querySelector('.speaker-notes-pdf');
    if (!notes || notes.getBoundingClientRect().bottom <= page.getBoundingClientRect().bottom)
        return [];
    const h = page.querySelector('h1, h2');
    return [h ? h.textContent.trim() : '(untitled)'];
})"""


def deck_pdf(html: Path | None = None, pdf: Path | None = None, *, handout: bool = False) -> Path:
    """Print the reveal.js deck to a PDF with headless Chromium, one page per slide.

    With ``handout=True`` each page holds the slide and, under it, its speaker
    notes (``lecture-handout.pdf``); notes too long for their page are an error.
    """
    from playwright.sync_api import sync_playwright

    html = html or SITE / "slides" / "lecture.html"
    pdf = pdf or html.with_name(f"{html.stem}-handout.pdf" if handout else f"{html.stem}.pdf")
    if not html.is_file():
        raise FileNotFoundError(f"{html} does not exist: render the deck first (`make site`).")
    chromium = find_chromium()
    tmp = pdf.with_suffix(".tmp.pdf")
    query = "?print-pdf&showNotes=true" if handout else "?print-pdf"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(html.resolve().as_uri() + query, wait_until="networkidle")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        page.evaluate(UNHIDE_SLIDES)
        page.evaluate(PART_BOOKMARKS)
        page.evaluate(PDF_LINKS, site_url())
        if handout:
            page.add_style_tag(content=HANDOUT_CSS)
            too_long = page.evaluate(NOTES_PAST_THE_PAGE)
            if too_long:
                browser.close()
                raise ValueError(
                    "these slides' speaker notes do not fit under the slide on a handout "
                    f"page: {too_long}; shorten them, or split the slide"
                )
        # tagged: a structure tree (and the page's language); outline: bookmarks from the headings
        page.pdf(
            path=str(tmp),
            prefer_css_page_size=True,
            print_background=True,
            tagged=True,
            outline=True,
        )
        browser.close()
    tmp.replace(pdf)
    print(
        f"{'handout' if handout else 'deck'} PDF: {pdf.relative_to(ROOT) if pdf.is_relative_to(ROOT) else pdf}"
    )
    return pdf


def deck_pdfs() -> list[Path]:
    """The deck's PDF and its handout (slides with their speaker notes)."""
    return [deck_pdf(), deck_pdf(handout=True)]


def retrain() -> None:
    """Re-execute every document (retraining every model), check the results, render.

    Each model is trained by the first kernel that reaches its fit, and the fit
    cache serves it to every later one (:mod:`dlact.site.fitcache`). On two cores
    the two lanes of the render (:mod:`dlact.site.lanes`) train different chapters
    at the same time. Every bound and claim a new result contradicts is reported,
    by part and section, and the retrain fails. The previous ``_freeze/`` and
    ``_site/`` are restored if any step fails.
    """
    from dlact.site import checks

    find_quarto()  # fail before touching anything
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backups = {
        path: path.with_name(f"{path.name}.before-retrain-{stamp}") for path in (FREEZE, SITE)
    }
    for path, backup in backups.items():
        if path.exists():
            shutil.copytree(path, backup)
    cache = ROOT / "_cache" / "fits"
    results = ROOT / "_results"
    try:
        for folder in (cache, results):
            shutil.rmtree(folder, ignore_errors=True)
        for folder in (FREEZE / "chapters", FREEZE / "slides"):
            shutil.rmtree(folder, ignore_errors=True)  # forces Quarto to execute again
        start = time.perf_counter()
        site(fit_cache=cache, results=results, claims="report")
        print(f"retrained and rendered in {time.perf_counter() - start:.0f} s", flush=True)
        if checks.main([str(results)]) != 0:
            raise RuntimeError("retrained results contradict the lecture's claims (see above)")
    except BaseException:
        for path, backup in backups.items():
            if backup.exists():
                shutil.rmtree(path, ignore_errors=True)
                backup.rename(path)
        print(
            "retrain failed: the previous _freeze/ and _site/ are back in place.", file=sys.stderr
        )
        raise
    for backup in backups.values():
        shutil.rmtree(backup, ignore_errors=True)


def api() -> None:
    """Write the appendix "The course library" from the docstrings (:mod:`dlact.site.apidoc`)."""
    from dlact.site import apidoc

    for path in apidoc.write_pages():
        print(f"wrote {path.relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    commands = {"site": site, "retrain": retrain, "pdf": deck_pdfs, "api": api}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: python -m dlact.site.build {{{'|'.join(commands)}}}", file=sys.stderr)
        return 2
    try:
        commands[argv[0]]()
    except ToolMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(
            f"error: {' '.join(map(str, exc.cmd))} failed (exit {exc.returncode})", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
