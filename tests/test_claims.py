"""The lecture's claims: files that parse, quotes that match the prose, checks that bite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dlact.site import checks, claims
from dlact.site.claims import (
    Claim,
    ClaimError,
    ClaimsFileError,
    Ledger,
    all_claims,
    read_claims_file,
    read_outcomes,
)
from dlact.site.qmd import expand_includes

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------
# The lecture's own claims files
# --------------------------------------------------------------------------


def sections(partial: Path) -> dict[str, str]:
    """The text under each ## or ### heading of a partial, whitespace collapsed."""
    found: dict[str, list[str]] = {}
    current = None
    for line, _ in expand_includes(partial):
        heading = re.match(r"^###? (.*?)\s*(\{[^}]*\})?\s*$", line)
        if heading:
            current = heading[1].strip()
            found[current] = []
        elif current is not None:
            found[current].append(line)
    return {name: " ".join(" ".join(lines).split()) for name, lines in found.items()}


def test_every_part_has_a_claims_file():
    partials = sorted(
        p.name
        for p in (ROOT / "chapters").glob("_*.qmd")
        # the set-up cell, the appendices (the library's pages: _library*.qmd) and the
        # explorables' browser code are not lecture parts: they compute no results, so
        # they make no claims
        if p.name not in {"_setup.qmd", "_glossary.qmd", "_references.qmd"}
        and not p.name.startswith(("_explore-", "_library"))
    )
    files = sorted(p.name.replace(".claims.yml", ".qmd") for p in claims.claims_files(ROOT))
    assert files == partials


def test_claims_quote_their_sections_word_for_word():
    """A claim names a section that exists and quotes a sentence that is in it, so that
    editing the prose without its claim (or the claim without the prose) fails."""
    problems = []
    for claim in all_claims(ROOT):
        if not claim.section:
            continue
        text = sections(ROOT / claim.source)
        if claim.section not in text:
            problems.append(f"{claim.ident}: no section '## {claim.section}' in {claim.source}")
        elif claim.says not in text[claim.section]:
            problems.append(f"{claim.ident}: '{claim.says}' is not in '## {claim.section}'")
    assert not problems, "\n".join(problems)


def test_every_recorded_name_is_claimed_and_every_claimed_name_recorded():
    """No claim waits for a value no chapter records, and no recorded value goes unchecked."""
    plain, patterns = set(), []
    for partial in (ROOT / "chapters").glob("_*.qmd"):
        text = partial.read_text(encoding="utf-8")
        plain |= set(re.findall(r'record\(\s*"(\w+)"', text))
        # names built in a loop: record(f"toy_{name}_mse", ...) -> toy_\w+_mse
        patterns += [
            re.compile(re.sub(r"\\\{[^}]*\\\}", r"\\w+", re.escape(t)) + "$")
            for t in re.findall(r'record\(\s*f"([^"]+)"', text)
        ]
    named = {n for c in all_claims(ROOT) for n in c.names}
    never_recorded = {n for n in named if n not in plain and not any(p.match(n) for p in patterns)}
    assert not never_recorded, sorted(never_recorded)
    unchecked = plain - named
    assert not unchecked, f"recorded but no claim or bound uses them: {sorted(unchecked)}"
    assert all(any(p.match(n) for n in named) for p in patterns)


def test_the_lecture_has_claims_in_every_part():
    by_source: dict[str, int] = {}
    for claim in all_claims(ROOT):
        if claim.section:
            by_source[claim.source] = by_source.get(claim.source, 0) + 1
    parts = ("binary", "multiclass", "dense", "optimisation", "loss")
    expected = {f"chapters/_{p}{kind}.qmd" for p in parts for kind in ("", "-exercises")}
    assert set(by_source) == expected
    assert all(n >= 4 for n in by_source.values()), by_source


# --------------------------------------------------------------------------
# The machinery, on small files
# --------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "_part.qmd").write_text("## Fit\n\nIt stopped early.\n")
    (tmp_path / "chapters" / "_part.claims.yml").write_text(
        "bounds:\n"
        "  auc: {what: test AUC, course: 0.8, min: 0.7, max: 0.9}\n"
        "claims:\n"
        "  - section: Fit\n"
        "    says: It stopped   early.\n"
        "    check: best_epoch < 10 and epochs == best_epoch + patience\n"
    )
    return tmp_path


def test_a_claims_file_reads_into_bounds_and_claims(project):
    bound, claim = read_claims_file(project / "chapters" / "_part.claims.yml", project)
    assert bound.names == ("auc",) and bound.section == ""
    assert "test AUC lies in [0.7, 0.9]" in bound.says and "0.8" in bound.says
    assert claim.source == "chapters/_part.qmd" and claim.section == "Fit"
    assert claim.says == "It stopped early."  # whitespace collapsed
    assert claim.names == ("best_epoch", "epochs", "patience")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("claims: [{section: Fit, says: x}]", "needs 'section', 'says' and 'check'"),
        ("claims: [{section: Fit, says: x, check: 'a <'}]", "not a Python expression"),
        ("claims: [{section: Fit, says: x, check: '1 < 2'}]", "names no recorded value"),
        ("bounds: {auc: {min: 0.7}}", "needs numbers 'min' and 'max'"),
        ("checks: []", "expected the keys 'bounds' and 'claims' only"),
        ("claims: [", "not valid YAML"),
    ],
)
def test_bad_claims_files_say_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "_x.claims.yml"
    path.write_text(text)
    with pytest.raises(ClaimsFileError, match=re.escape(message)):
        read_claims_file(path, tmp_path)


def test_a_claim_is_checked_once_all_its_values_are_recorded(project, tmp_path, monkeypatch):
    monkeypatch.setenv(claims.MODE_ENV_VAR, "raise")
    ledger = Ledger(all_claims(project))
    outcomes = tmp_path / "outcomes"
    assert ledger.add("best_epoch", 3, outcomes) == []  # not all values yet
    assert not outcomes.exists()
    assert ledger.add("patience", 50, outcomes) == []
    assert ledger.add("epochs", 53, outcomes) == []  # 3 < 10 and 53 == 3 + 50
    assert [o["held"] for o in read_outcomes(tmp_path / "x").values()] == []
    assert (outcomes / "_part.claims.yml_1.json").is_file()


def test_a_false_claim_stops_the_chapter_quoting_the_sentence(project, monkeypatch):
    monkeypatch.setenv(claims.MODE_ENV_VAR, "raise")
    ledger = Ledger(all_claims(project))
    ledger.add("best_epoch", 3, None)
    ledger.add("patience", 50, None)
    with pytest.raises(ClaimError) as caught:
        ledger.add("epochs", 60, None)
    message = str(caught.value)
    assert 'chapters/_part.qmd, section "Fit": "It stopped early."' in message
    assert "epochs = 60" in message and "best_epoch = 3" in message


def test_a_bound_is_a_claim(project, monkeypatch):
    monkeypatch.setenv(claims.MODE_ENV_VAR, "raise")
    ledger = Ledger(all_claims(project))
    ledger.add("auc", 0.8, None)
    with pytest.raises(ClaimError, match=r"test AUC lies in \[0.7, 0.9\].*auc = 0.95"):
        ledger.add("auc", 0.95, None)  # recorded again, checked again


def test_report_mode_goes_on_and_the_report_lists_every_failure(project, tmp_path, monkeypatch):
    monkeypatch.setenv(claims.MODE_ENV_VAR, "report")
    results = tmp_path / "results"
    ledger = Ledger(all_claims(project))
    failures = ledger.add("auc", 0.5, results / claims.OUTCOMES)
    assert len(failures) == 1  # no exception
    problems = claims.report(read_outcomes(results), all_claims(project))
    assert len(problems) == 2
    assert "test AUC" in problems[0] and "auc = 0.5" in problems[0]
    assert "never checked" in problems[1] and "best_epoch, epochs, patience" in problems[1]
    text = checks.grouped(all_claims(project), read_outcomes(results))
    assert text.splitlines()[:2] == ["chapters/_part.qmd:", "  (bounds)"]
    assert '  Fit\n    "It stopped early."\n      never checked' in text


def test_an_unknown_mode_is_refused(monkeypatch):
    monkeypatch.setenv(claims.MODE_ENV_VAR, "ignore")
    with pytest.raises(ValueError, match="DLACT_CLAIMS='ignore': use one of raise, report"):
        claims.mode()


def test_checks_main_reports_by_part_and_section(project, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(checks, "all_claims", lambda: all_claims(project))
    monkeypatch.setenv(claims.MODE_ENV_VAR, "report")
    results = tmp_path / "results"
    ledger = Ledger(all_claims(project))
    for name, value in {"auc": 0.8, "best_epoch": 3, "patience": 50, "epochs": 60}.items():
        ledger.add(name, value, results / claims.OUTCOMES)
    assert checks.main([str(results)]) == 1
    err = capsys.readouterr().err
    assert "1 of 2 claims and bounds do not hold" in err
    assert 'chapters/_part.qmd:\n  Fit\n    "It stopped early."' in err
    for name, value in {"epochs": 53}.items():
        ledger.add(name, value, results / claims.OUTCOMES)
    assert checks.main([str(results)]) == 0
    assert "All 2 claims and bounds hold." in capsys.readouterr().out


def test_claim_describe_names_file_and_section():
    claim = Claim("f#1", "chapters/_a.qmd", "Evaluate", "it works", "x > 0", ("x",))
    assert claim.describe() == 'chapters/_a.qmd, section "Evaluate": "it works"'
