"""Web fixes to the pages Quarto writes, and the prune, run as a ``post-render`` script.

Runs after every render (Quarto's ``post-render``, after ``postrender.py``).

What the web's checkers (Lighthouse, the Nu Html Checker) ask of a public
site, where Quarto's output falls short and the fix is the project's to make:

* **A description** (``<meta name="description">``) on every page, from
  ``chapters/_descriptions.yml``; a page missing there gets its first
  paragraph, and a warning.
* **An icon** (``<link rel="icon">``): without one, browsers ask for
  ``/favicon.ico`` and log a 404 on every page.
* **Zoom in the deck**: reveal.js's viewport forbids pinch-zoom
  (``maximum-scale=1.0, user-scalable=no``), so students on phones cannot
  enlarge code or maths.
* **No ``<style>`` in the body**: Quarto copies MathJax's assistive CSS into
  every speaker note (dead here: the maths is MathML, there is no MathJax),
  and pandas writes a ``<style scoped>`` before every table; the first is
  removed, the second kept once in the ``<head>``.
* **Folded callouts as buttons** in the markup (Quarto writes a ``div`` with
  ``aria-expanded`` and ``aria-label``); ``chapters/book-a11y.html`` adds the
  keyboard handling.
* **Figures load lazily** (``loading="lazy"``) from a page's first section
  on, so the first screen of a chapter is not waiting for every plot.
* **The explorables' runtime when needed**: Quarto loads the Observable
  runtime from the head; the pages fetch it once they have loaded and an
  explorable is within a screen of view (in the deck: within reveal.js's view
  distance of the slide). The explorables' data and code, which Quarto writes
  into the page, are fetched with it from a file beside the page.
* **The chalkboard when asked for**: the deck sets up reveal.js's chalkboard
  plugin when the lecturer first presses B or C or picks it from the menu.
* **Fewer render-blocking scripts**: the head scripts that only act once the
  page has loaded (search, copy buttons, tabs, tooltips, Bootstrap) are deferred.
* **The dark stylesheets only for dark pages**: Quarto links the dark theme
  (Bootstrap's, 69 KB compressed, and the dark code colours) as a plain
  stylesheet, so every reader waits for it before the first paint and a light
  page then switches it off. It now carries ``media="(prefers-color-scheme:
  dark)"``; a small script drops that condition before Quarto's toggle runs,
  and at load when the reader chose the dark scheme on a light system.

The files no page loads are then removed from ``_site/`` (:mod:`dlact.site.prune`),
and the fonts cut down to the characters and icons the pages use
(:mod:`dlact.site.fonts`).
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DESCRIPTIONS = ROOT / "chapters" / "_descriptions.yml"
FAVICON = ROOT / "chapters" / "favicon.svg"
#: Where the icon is deployed (the book's ``favicon`` option copies it there too).
FAVICON_SITE_PATH = "chapters/favicon.svg"

HEAD_END = re.compile(r"</head>", re.I)
VIEWPORT = re.compile(r'<meta name="viewport" content="([^"]*)"\s*/?>')


def _insert_in_head(page: str, tag: str) -> str:
    """``tag`` just after the viewport meta tag (or at the end of the head)."""
    m = VIEWPORT.search(page)
    if m:
        return page[: m.end()] + "\n" + tag + page[m.end() :]
    return HEAD_END.sub(lambda _: tag + "\n</head>", page, count=1)


def add_description(page: str, text: str) -> str:
    """``page`` with ``<meta name="description">`` set to ``text`` (unless it has one)."""
    if re.search(r'<meta\s+name="description"', page):
        return page
    content = html_lib.escape(" ".join(text.split()), quote=True)
    return _insert_in_head(page, f'<meta name="description" content="{content}">')


def add_favicon(page: str, href: str) -> str:
    """``page`` linking ``href`` as its icon (unless it links one)."""
    if re.search(r'<link[^>]+rel="(?:shortcut )?icon"', page):
        return page
    return _insert_in_head(page, f'<link rel="icon" href="{href}" type="image/svg+xml">')


def allow_zoom(page: str) -> str:
    """``page`` with a viewport that lets readers pinch-zoom (WCAG 1.4.4)."""

    def fix(m: re.Match) -> str:
        parts = [p.strip() for p in m.group(1).split(",")]
        keep = [
            p
            for p in parts
            if p
            and not p.replace(" ", "").startswith(("maximum-scale", "user-scalable", "minimal-ui"))
        ]
        return f'<meta name="viewport" content="{", ".join(keep)}">'

    return VIEWPORT.sub(fix, page)


MATHJAX_STYLE = re.compile(
    r'<style type="text/css">\s*span\.MJX_Assistive_MathML \{[^}]*\}\s*</style>', re.S
)
PANDAS_STYLE = re.compile(r'<style scoped(?:="")?>(\s*\.dataframe .*?)</style>\n?', re.S)


def lift_body_styles(page: str) -> str:
    """``page`` without ``<style>`` in its body: MathJax's dropped, pandas' moved to the head."""
    head_end = page.find("</head>")
    if head_end < 0:
        return page
    head, body = page[:head_end], page[head_end:]
    body = MATHJAX_STYLE.sub("", body)
    css = []
    for m in PANDAS_STYLE.finditer(body):
        rules = "\n".join(line.rstrip() for line in m.group(1).strip().splitlines())
        if rules not in css:
            css.append(rules)
    body = PANDAS_STYLE.sub("", body)
    if css:
        head += '<style id="dataframe-style">\n' + "\n".join(css) + "\n</style>\n"
    return head + body


CALLOUT_HEADER = re.compile(
    r'<div class="callout-header([^"]*)" data-bs-toggle="collapse"([^>]*?) aria-label="[^"]*"'
)


def callout_buttons(page: str) -> str:
    """Folded callouts' headers marked up as buttons, named by their visible title."""
    return CALLOUT_HEADER.sub(
        r'<div class="callout-header\1" data-bs-toggle="collapse"\2 role="button" tabindex="0"',
        page,
    )


IMG = re.compile(r"<img (?![^>]*\bloading=)([^>]*\bsrc=\"[^\"]+\"[^>]*)>")


def lazy_images(page: str) -> str:
    """``loading="lazy"`` on every image of ``page``'s main content from its first section on.

    An image above the first section (in a page's opening) may be the largest
    paint of the first screen, which must not wait (Lighthouse: lcp-lazy-loaded);
    a section starts below it. A page without sections keeps its first image
    eager. Images need ``width`` and ``height`` too (Quarto writes them for
    figures), so that the page does not shift as they load.
    """
    main = page.find("<main")
    if main < 0:
        return page
    section = page.find("<section", main)
    if section < 0:
        first = IMG.search(page, main)
        section = first.end() if first else len(page)

    def fix(m: re.Match) -> str:
        return f'<img loading="lazy" decoding="async" {m.group(1)}>'

    return page[:section] + IMG.sub(fix, page[section:])


OJS_RUNTIME = re.compile(
    r'[ \t]*<script type="module" src="([^"]*(?:site_libs|_files/libs)/quarto-ojs/quarto-ojs-runtime\.js)"></script>\n?'
)
#: The line of :func:`ojs_when_near`'s script that imports the runtime, as it
#: opens; :func:`ojs_data_apart` puts its fetch just before it.
OJS_IMPORT = "\nawait import("
OJS_START = re.compile(
    r'<script type="module">\n(\s*)(?=if \(window\.location\.protocol === "file:"\))'
)


def ojs_when_near(page: str) -> str:
    """The Observable runtime (871 KB, 213 KB compressed) fetched when an explorable nears the screen.

    Quarto loads it from the head, so it competes with the page's first paint
    for the network and then keeps the main thread busy, though every explorable
    sits further down. The script at the end of the body that starts the
    runtime now waits until the page has loaded (in the deck, until reveal.js
    has laid out the slides) and one of the page's Observable cells is within
    a screen of view (or the page is printed), then imports it (a module may
    ``await`` at its top level). In the deck, a slide's cells come into view
    when the reader is within reveal.js's view distance of the slide, or
    scrolls near it in the scroll view.
    """
    m = OJS_RUNTIME.search(page)
    start = OJS_START.search(page)
    if not m or not start:
        return page
    url = m.group(1)
    if not url.startswith(("./", "../", "/")):  # import() reads a bare name as a package
        url = "./" + url
    wait = (
        '<script type="module">\n'
        "// the explorables' runtime, once the page has loaded and an explorable nears\n"
        "// the screen (dlact.site.webfix)\n"
        'if (document.readyState !== "complete") {\n'
        '  await new Promise((loaded) => window.addEventListener("load", loaded, { once: true }));\n'
        "}\n"
        "if (window.Reveal && !Reveal.isReady()) {\n"
        '  await new Promise((ready) => Reveal.on("ready", ready));\n'
        "}\n"
        "await new Promise((near) => {\n"
        "  const cells = document.querySelectorAll('[id^=\"ojs-cell-\"]');\n"
        '  if (!cells.length || !("IntersectionObserver" in window)) return near();\n'
        "  const watch = new IntersectionObserver((seen) => {\n"
        "    if (seen.some((e) => e.isIntersecting)) { watch.disconnect(); near(); }\n"
        '  }, { rootMargin: "100% 0px" });\n'
        "  cells.forEach((cell) => watch.observe(cell));\n"
        '  window.addEventListener("beforeprint", near, { once: true });\n'
        "});"
        f'{OJS_IMPORT}"{url}");\n'
    )
    page = page[: start.start()] + wait + start.group(1) + page[start.end() :]
    return page[: m.start()] + page[m.end() :]


#: Quarto's blocks for the explorables: the values Python hands them
#: (``ojs-define``) and their code (``ojs-module-contents``, base64 JSON).
OJS_BLOCK = re.compile(
    r'[ \t]*<script type="(ojs-define|ojs-module-contents)">(.*?)</script>\n?', re.S
)
#: The file, in a page's ``_files`` folder, that holds those blocks once moved out.
OJS_DATA_FILE = "explorables.json"


def ojs_data_path(page: Path) -> Path:
    """The file beside ``page`` that holds its explorables' blocks (:func:`ojs_data_apart`)."""
    return page.with_name(f"{page.stem}_files") / OJS_DATA_FILE


def ojs_blocks(page: Path) -> list[tuple[str, str]]:
    """The explorables' blocks of a built page, ``(type, text)`` each, in the page's
    order: those still in the page, then those of its file (:func:`ojs_data_path`)."""
    blocks = OJS_BLOCK.findall(page.read_text(encoding="utf-8"))
    data = ojs_data_path(page)
    if data.is_file():
        blocks += [tuple(block) for block in json.loads(data.read_text(encoding="utf-8"))]
    return blocks


def ojs_data_apart(page: str, url: str) -> tuple[str, str | None]:
    """The explorables' data and code fetched with their runtime, not sent with the page.

    Quarto writes them into the page, where every reader downloads them before
    the first paint: in the deck, 49 KB compressed of its 117 (the threshold
    explorable's scores for every validation patient, the batch explorable's
    points). The runtime reads them from the document when it starts
    (``interpretFromScriptTags``), so the script :func:`ojs_when_near` wrote now
    fetches them from ``url`` (relative to the page) and puts them back in the
    body just before it imports the runtime.

    Returns the page and the file's text, a JSON list of ``[type, text]``; the
    page unchanged and ``None`` when it has no blocks or no such script.
    """
    blocks = OJS_BLOCK.findall(page)
    if not blocks or OJS_IMPORT not in page:
        return page, None
    page = OJS_BLOCK.sub("", page)
    at = page.index(OJS_IMPORT) + 1
    fetch = (
        "// its data and code, from the file beside the page (dlact.site.webfix)\n"
        f'const answer = await fetch("{url}");\n'
        "if (!answer.ok) {\n"
        f"  throw new Error(`the explorables' data, {url}: HTTP ${{answer.status}}`);\n"
        "}\n"
        "for (const [type, text] of await answer.json()) {\n"
        '  const block = document.createElement("script");\n'
        "  block.type = type;\n"
        "  block.text = text;\n"
        "  document.body.append(block);\n"
        "}\n"
    )
    return page[:at] + fetch + page[at:], json.dumps(blocks, ensure_ascii=False)


#: The chalkboard plugin's script, and its place in the deck's list of plugins.
CHALKBOARD_SCRIPT = re.compile(
    r'[ \t]*<script src="([^"]*/reveal-chalkboard/plugin\.js)"></script>\n?'
)
CHALKBOARD_IN_PLUGINS = re.compile(r"(plugins: \[[^\]]*?)RevealChalkboard,\s*")

#: Stands in for the chalkboard until the lecturer first asks for it; ``__SRC__``
#: is the plugin's script.
CHALKBOARD_ON_DEMAND = """<script>
// The chalkboard is loaded when first asked for, with B, C or the menu's tools
// (dlact.site.webfix): set up with the deck, it would draw two window-sized
// canvases and fetch its board's image and pens before the first paint.
(() => {
  const src = "__SRC__";
  const keys = [[66, "B", "Toggle chalkboard", "toggleChalkboard"],
                [67, "C", "Toggle notes canvas", "toggleNotesCanvas"]];
  let loading;
  const load = () => loading ??= new Promise((loaded, failed) => {
    keys.forEach(([code]) => Reveal.removeKeyBinding(code));
    delete window.RevealChalkboard; // the plugin keeps a RevealChalkboard it finds
    const script = document.createElement("script");
    script.src = src;
    script.onerror = () => failed(new Error(`the chalkboard did not load: ${src}`));
    script.onload = () => {
      // reveal.js sets up a plugin registered once it is ready at once, but its
      // "ready" event is past: the plugin's handler for it is run here
      const on = Reveal.addEventListener, ready = [];
      Reveal.addEventListener = (type, handler, ...more) =>
        type === "ready" ? ready.push(handler) : on(type, handler, ...more);
      try {
        Reveal.registerPlugin(window.RevealChalkboard);
      } finally {
        Reveal.addEventListener = on;
      }
      ready.forEach((handler) => handler({ type: "ready" }));
      loaded(window.RevealChalkboard);
    };
    document.head.append(script);
  });
  const call = (name) => load().then((board) => board[name]());
  window.RevealChalkboard = {
    toggleChalkboard: () => call("toggleChalkboard"),
    toggleNotesCanvas: () => call("toggleNotesCanvas"),
    download: () => call("download"),
  };
  keys.forEach(([keyCode, key, description, name]) =>
    Reveal.addKeyBinding({ keyCode, key, description }, () => call(name)));
})();
</script>
"""


def chalkboard_on_demand(page: str) -> str:
    """The deck's chalkboard loaded when the lecturer first asks for it.

    reveal.js's chalkboard plugin sets itself up with the deck: two canvases
    the size of the window, drawn at once, and 44 KB of board and pen images.
    On a phone that is 180 ms of the emulated main thread before the first
    paint, for a tool a reader of the deck never opens. The plugin's script
    now leaves the page and the deck's list of plugins; a small script takes
    its keys (B, C) and the calls of the slide menu's tools, and on the first
    one loads the plugin, registers it with reveal.js (which sets it up at
    once), runs its handler for reveal.js's ``ready`` event (which is past),
    then does what was asked.
    """
    script = CHALKBOARD_SCRIPT.search(page)
    plugins = CHALKBOARD_IN_PLUGINS.search(page)
    if not script or not plugins:
        return page
    end = page.find("</script>", plugins.end())  # of the script that starts reveal.js
    if end < 0:
        return page
    end += len("</script>")
    stand_in = CHALKBOARD_ON_DEMAND.replace("__SRC__", script.group(1))
    page = page[:end] + "\n" + stand_in.rstrip("\n") + page[end:]
    page = CHALKBOARD_IN_PLUGINS.sub(r"\1", page, count=1)
    return CHALKBOARD_SCRIPT.sub("", page, count=1)


#: Scripts of the book's head that only act from ``DOMContentLoaded`` on (search,
#: copy buttons, anchors, tooltips, Bootstrap): deferred, they still run before
#: it, in the same order, without holding up the first paint. quarto-nav.js and
#: headroom stay as they are: Quarto's script after the body expects
#: quarto-nav's ``DOMContentLoaded`` handler to have run before its own.
DEFERRABLE = (
    "clipboard/clipboard.min.js",
    "quarto-html/tabby.min.js",
    "quarto-search/autocomplete.umd.js",
    "quarto-search/fuse.min.js",
    "quarto-search/quarto-search.js",
    "quarto-html/popper.min.js",
    "quarto-html/tippy.umd.min.js",
    "quarto-html/anchor.min.js",
    "bootstrap/bootstrap.min.js",
)
#: A script of the book's (``site_libs/``) or of the deck's (``lecture_files/libs/``).
HEAD_SCRIPT = re.compile(r'<script src="([^"]*(?:site_libs|_files/libs)/([^"]+))"></script>')


def defer_scripts(page: str) -> str:
    """The head scripts in :data:`DEFERRABLE` loaded with ``defer``.

    In the deck, reveal.js and its plugins stay where Quarto puts them (at the
    end of the body, in order, before ``Reveal.initialize``); none of them
    calls the deferred ones, which Quarto's own script uses from
    ``DOMContentLoaded`` on.
    """
    head_end = page.find("</head>")
    if head_end < 0:
        return page
    head = HEAD_SCRIPT.sub(
        lambda m: (
            m.group(0).replace("<script ", "<script defer ")
            if m.group(2) in DEFERRABLE
            else m.group(0)
        ),
        page[:head_end],
    )
    return head + page[head_end:]


ALTERNATE_SHEET = re.compile(
    r'<link (?=[^>]*class="quarto-color-scheme quarto-color-alternate")'
    r'(?![^>]*\bmedia=)([^>]*\brel="stylesheet"[^>]*)>'
)
DARK_MEDIA = "(prefers-color-scheme: dark)"
#: Runs in the head, after the dark sheets: Quarto's own script (at the top of
#: the body) switches sheets by their ``rel``, which a ``media`` condition would
#: override. When the reader's stored choice is the dark scheme, or when they
#: press the toggle, the condition goes and ``rel`` alone decides again.
DARK_ON_DEMAND = """<script id="dark-on-demand">
(() => {
  const unconditional = () => document
    .querySelectorAll('link.quarto-color-alternate[media]')
    .forEach((sheet) => sheet.removeAttribute('media'));
  try {
    if (window.localStorage.getItem('quarto-color-scheme') === 'alternate') unconditional();
  } catch (e) { /* no storage (file: URL, privacy settings): the media query decides */ }
  document.addEventListener('click', (event) => {
    if (event.target.closest && event.target.closest('.quarto-color-scheme-toggle')) unconditional();
  }, true);
})();
</script>"""


def dark_sheets_on_demand(page: str) -> str:
    """``page`` loading its dark stylesheets only for dark pages (see :data:`DARK_ON_DEMAND`)."""
    head_end = page.find("</head>")
    if head_end < 0 or 'id="dark-on-demand"' in page:
        return page
    head = page[:head_end]
    sheets = list(ALTERNATE_SHEET.finditer(head))
    if not sheets:
        return page
    last = sheets[-1]
    head = head[: last.end()] + "\n" + DARK_ON_DEMAND + head[last.end() :]
    head = ALTERNATE_SHEET.sub(lambda m: f'<link media="{DARK_MEDIA}" {m.group(1)}>', head)
    return head + page[head_end:]


def first_paragraph(page: str, limit: int = 160) -> str:
    """The text of the first paragraph of ``page``'s main content, cut at ``limit``."""
    main = page.find("<main")
    m = re.search(r"<p>(.*?)</p>", page[main if main >= 0 else 0 :], re.S)
    text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", m.group(1) if m else "")).split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text


def load_descriptions(path: Path = DESCRIPTIONS) -> dict[str, str]:
    import yaml

    if not path.is_file():
        return {}
    return {
        k: " ".join(v.split()) for k, v in (yaml.safe_load(path.read_text("utf-8")) or {}).items()
    }


def relative_href(page: Path, site: Path, target: str) -> str:
    """``target`` (a path in ``site``) as a link from ``page``."""
    return os.path.relpath(site / target, page.parent).replace(os.sep, "/")


def fix_page(page: str, *, description: str, favicon: str, is_deck: bool) -> str:
    """All the web fixes, applied to one page."""
    page = add_description(page, description)
    page = add_favicon(page, favicon)
    page = allow_zoom(page)
    page = lift_body_styles(page)
    page = callout_buttons(page)
    page = defer_scripts(page)
    page = ojs_when_near(page)
    if is_deck:
        page = chalkboard_on_demand(page)
    else:
        # reveal.js loads the deck's images itself (data-src); the deck has no dark scheme
        page = lazy_images(page)
        page = dark_sheets_on_demand(page)
    return page


def site_dir() -> Path:
    return Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", ROOT / "_site")).resolve()


def site_wide(site: Path) -> tuple[int, list[str]]:
    """The steps on the whole site, after each page's own fixes: the files no page loads
    removed, then the fonts cut to what every page uses. The bytes removed, and what
    the font cut did, one line each. Also run by the build once the deck and notebooks
    rendered beside the book are brought into the site (:mod:`dlact.site.lanes`)."""
    from dlact.site.fonts import subset_site_fonts
    from dlact.site.prune import prune

    removed = prune(site)
    return removed, subset_site_fonts(site)


def main() -> int:
    from dlact.site.postrender import output_pages

    site = site_dir()
    descriptions = load_descriptions()
    icon = site / FAVICON_SITE_PATH
    if FAVICON.is_file() and not icon.is_file():
        icon.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FAVICON, icon)
    changed = 0
    for path in output_pages():
        path = path.resolve()
        if not path.is_file() or not path.is_relative_to(site):
            continue
        rel = path.relative_to(site).as_posix()
        if rel.startswith(("site_libs/", "notebooks/")) or "_files/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        description = descriptions.get(rel)
        if description is None:
            description = first_paragraph(text)
            print(
                f"post-render: no description for {rel} in {DESCRIPTIONS.name}; using its first paragraph"
            )
        fixed = fix_page(
            text,
            description=description,
            favicon=relative_href(path, site, FAVICON_SITE_PATH),
            is_deck='<div class="reveal">' in text,
        )
        data = ojs_data_path(path)
        fixed, blocks = ojs_data_apart(fixed, data.relative_to(path.parent).as_posix())
        if blocks is not None:
            data.parent.mkdir(parents=True, exist_ok=True)
            data.write_text(blocks, encoding="utf-8")
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
            changed += 1
    removed, fonts = site_wide(site)
    if changed or removed:
        print(f"post-render: web fixes on {changed} page(s); pruned {removed / 2**20:.1f} MiB")
    for line in fonts:
        print(f"post-render: {line}")
    return 0


if __name__ == "__main__":
    # Run by Quarto as a script: find the package beside this file, installed or not.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
