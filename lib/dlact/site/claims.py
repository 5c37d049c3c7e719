"""What the lecture *says* about its results, checked whenever a chapter runs.

Runs inside the Jupyter kernel, called by :func:`dlact.site.results.record`; the
build and the tests read its report afterwards (``python -m dlact.site.checks``).

Every part of the lecture has one claims file beside its partial,
``chapters/_binary.claims.yml`` for ``chapters/_binary.qmd``, readable by a
lecturer::

    bounds:                    # each recorded result must fall in [min, max]
      stroke_test_roc_auc:
        what: test ROC AUC of the class-weighted model
        course: 0.806          # what the course's original run printed
        min: 0.75
        max: 0.92
    claims:                    # sentences about results, and the test that backs each
      - section: Add early stopping          # the ## heading the sentence is under
        says: its best epoch was the first   # quoted word for word from the section
        check: stroke_es_best_epoch == 1     # Python, over recorded values

A hidden cell records a value with ``record("stroke_es_best_epoch", ...)``.
As soon as every value a claim (or bound) names has been recorded in the
kernel, the claim is checked: a false one stops the chapter with a message
quoting the sentence, its file and section, and the values that broke it.
With ``DLACT_CLAIMS=report`` (what ``make retrain`` and the tests set) the
chapter goes on instead, and the outcome is written beside the results, so
that one report lists every claim a new result contradicts.
"""

from __future__ import annotations

import ast
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
MODE_ENV_VAR = "DLACT_CLAIMS"
MODES = ("raise", "report")
#: Functions a check may call, besides the recorded values.
CHECK_FUNCTIONS = {"abs": abs, "min": min, "max": max, "round": round, "isclose": math.isclose}
OUTCOMES = "claims"  # sub-folder of the results folder


class ClaimError(AssertionError):
    """A sentence of the lecture is contradicted by the result it talks about."""


class ClaimsFileError(ValueError):
    """A claims file that cannot be read (bad YAML, missing keys, bad check)."""


@dataclass(frozen=True)
class Claim:
    """One checked statement: a sentence (or a bound) and the test that backs it."""

    ident: str  # "chapters/_binary.claims.yml#3" or "...#stroke_test_roc_auc"
    source: str  # the partial the sentence is in, relative to the project
    section: str  # its ## heading ("" for a bound)
    says: str
    check: str
    names: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        where = f'{self.source}, section "{self.section}"' if self.section else self.source
        return f'{where}: "{self.says}"'


def _names_in(check: str, where: str) -> tuple[str, ...]:
    try:
        tree = ast.parse(check, mode="eval")
    except SyntaxError as exc:
        raise ClaimsFileError(
            f"{where}: check {check!r} is not a Python expression: {exc.msg}"
        ) from exc
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - set(CHECK_FUNCTIONS)
    if not names:
        raise ClaimsFileError(f"{where}: check {check!r} names no recorded value")
    return tuple(sorted(names))


def _bound_claims(path: Path, source: str, bounds: dict) -> list[Claim]:
    claims = []
    for name, entry in (bounds or {}).items():
        where = f"{path.name}: bound {name!r}"
        try:
            low, high = float(entry["min"]), float(entry["max"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ClaimsFileError(f"{where} needs numbers 'min' and 'max' ({exc})") from exc
        what = entry.get("what") or name
        course = entry.get("course")
        says = f"{what} lies in [{low:g}, {high:g}]" + (
            f" (the course's run: {course})" if course is not None else ""
        )
        claims.append(
            Claim(
                f"{path.name}#{name}", source, "", says, f"{low!r} <= {name} <= {high!r}", (name,)
            )
        )
    return claims


def read_claims_file(path: Path, root: Path = ROOT) -> list[Claim]:
    """The bounds and claims of one claims file, as :class:`Claim` objects."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ClaimsFileError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or set(data) - {"bounds", "claims"}:
        raise ClaimsFileError(f"{path}: expected the keys 'bounds' and 'claims' only")
    partial = path.with_name(path.name.replace(".claims.yml", ".qmd"))
    source = str(partial.relative_to(root)) if partial.is_relative_to(root) else partial.name
    claims = _bound_claims(path, source, data.get("bounds"))
    for number, entry in enumerate(data.get("claims") or [], start=1):
        where = f"{path.name}: claim {number}"
        if not isinstance(entry, dict) or not {"section", "says", "check"} <= set(entry):
            raise ClaimsFileError(f"{where} needs 'section', 'says' and 'check'")
        check = str(entry["check"])
        claims.append(
            Claim(
                f"{path.name}#{number}",
                source,
                str(entry["section"]),
                " ".join(str(entry["says"]).split()),
                check,
                _names_in(check, where),
            )
        )
    return claims


def claims_files(root: Path = ROOT) -> list[Path]:
    """Every claims file of the lecture (``chapters/_*.claims.yml``)."""
    return sorted((Path(root) / "chapters").glob("_*.claims.yml"))


def all_claims(root: Path = ROOT) -> list[Claim]:
    """Every bound and claim of every part, in file order."""
    return [c for path in claims_files(root) for c in read_claims_file(path, root)]


def evaluate(claim: Claim, values: dict[str, float]) -> bool:
    """Whether ``claim`` holds for ``values`` (which must hold every name it uses)."""
    namespace = {**CHECK_FUNCTIONS, **{n: values[n] for n in claim.names}}
    return bool(eval(claim.check, {"__builtins__": {}}, namespace))  # noqa: S307 (our own files)


def failure_message(claim: Claim, values: dict[str, float]) -> str:
    shown = ", ".join(f"{n} = {values[n]:.6g}" for n in claim.names)
    return (
        f"{claim.describe()} is contradicted by the results: {claim.check} is false with {shown}."
    )


def mode() -> str:
    chosen = os.environ.get(MODE_ENV_VAR, "raise").strip().lower() or "raise"
    if chosen not in MODES:
        raise ValueError(f"{MODE_ENV_VAR}={chosen!r}: use one of {', '.join(MODES)}.")
    return chosen


class Ledger:
    """The values recorded in this kernel, and the claims checked against them."""

    def __init__(self, claims: list[Claim] | None = None):
        self._claims = claims
        self.values: dict[str, float] = {}

    @property
    def claims(self) -> list[Claim]:
        if self._claims is None:
            self._claims = all_claims()
        return self._claims

    def add(self, name: str, value: float, outcomes: Path | None) -> list[str]:
        """Record ``name``; check every claim it completes; the failures' messages."""
        self.values[name] = value
        failures = []
        for claim in self.claims:
            if name not in claim.names or not all(n in self.values for n in claim.names):
                continue
            held = evaluate(claim, self.values)
            message = "" if held else failure_message(claim, self.values)
            if outcomes is not None:
                _write_outcome(outcomes, claim, held, message)
            if not held:
                failures.append(message)
        if failures and mode() == "raise":
            raise ClaimError("\n".join(failures))
        return failures


def _write_outcome(folder: Path, claim: Claim, held: bool, message: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", claim.ident)
    (folder / f"{safe}.json").write_text(
        json.dumps({"ident": claim.ident, "held": held, "message": message, "says": claim.says})
    )


def read_outcomes(folder: Path) -> dict[str, dict]:
    """The outcome of every claim checked by the runs that wrote to ``folder``, by ident."""
    folder = Path(folder) / OUTCOMES
    if not folder.is_dir():
        return {}
    outcomes = (json.loads(p.read_text()) for p in sorted(folder.glob("*.json")))
    return {o["ident"]: o for o in outcomes}


def report(outcomes: dict[str, dict], claims: list[Claim]) -> list[str]:
    """One line per claim that is false or was never checked, grouped by part and section."""
    problems = []
    for claim in claims:
        outcome = outcomes.get(claim.ident)
        if outcome is None:
            problems.append(
                f"{claim.describe()} was never checked: "
                f"{', '.join(claim.names)} not recorded (was every chapter executed?)"
            )
        elif not outcome["held"]:
            problems.append(outcome["message"])
    return problems


#: The kernel's ledger (one per process: each chapter runs in a fresh kernel).
LEDGER = Ledger()
