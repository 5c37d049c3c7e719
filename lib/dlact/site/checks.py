"""Report, after a build, every bound and claim its results contradict.

Runs after a build, from ``make retrain`` and the tests.

Run from the build (``make retrain``) and the tests, after the chapters have
been executed with ``DLACT_CLAIMS=report``::

    python -m dlact.site.checks [RESULTS_FOLDER]

It lists each recorded result beside its bound, then every claim that a
result contradicts or that was never checked, grouped by part and section,
and exits non-zero if there is any.  The bounds and claims themselves live in
the claims file of each part (``chapters/_*.claims.yml``, see
:mod:`dlact.site.claims`).
"""

from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path

from dlact.site.claims import Claim, all_claims, read_outcomes, report
from dlact.site.results import read_results, results_dir


def problems(folder: Path, claims: list[Claim] | None = None) -> list[str]:
    """Every claim or bound that failed or was never checked in the run that wrote ``folder``."""
    return report(read_outcomes(folder), all_claims() if claims is None else claims)


def grouped(claims: list[Claim], outcomes: dict[str, dict]) -> str:
    """The failures as a text report, by part (partial) then section."""
    lines = []
    failing = [c for c in claims if not outcomes.get(c.ident, {}).get("held")]
    for source, in_source in groupby(failing, key=lambda c: c.source):
        lines.append(f"{source}:")
        for section, in_section in groupby(in_source, key=lambda c: c.section or "(bounds)"):
            lines.append(f"  {section}")
            for claim in in_section:
                outcome = outcomes.get(claim.ident)
                detail = (
                    outcome["message"].split(": ", 1)[-1]
                    if outcome
                    else (f"never checked ({', '.join(claim.names)} not recorded)")
                )
                lines.append(f'    "{claim.says}"\n      {detail}')
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    folder = Path(argv[0]) if argv else results_dir()
    claims = all_claims()
    results = read_results(folder)
    outcomes = read_outcomes(folder)
    for claim in claims:
        if claim.section == "" and claim.names[0] in results:
            print(f"{claim.names[0]:34} {results[claim.names[0]]['value']:>10.4g}   {claim.check}")
    failed = report(outcomes, claims)
    if failed:
        print(
            f"\n{len(failed)} of {len(claims)} claims and bounds do not hold:\n"
            + grouped(claims, outcomes),
            file=sys.stderr,
        )
        return 1
    print(f"All {len(claims)} claims and bounds hold.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
