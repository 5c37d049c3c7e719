"""Compare the results a build recorded with the reviewed bounds.

The bounds live in ``tests/result_bounds.yml``, each beside the value the
course's original run printed.  ``python -m dlact.checks`` exits non-zero,
listing every result out of bounds or missing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from dlact.results import read_results, results_dir

BOUNDS_FILE = Path(__file__).resolve().parents[2] / "tests" / "result_bounds.yml"


@dataclass(frozen=True)
class Bound:
    name: str
    low: float
    high: float
    seed: float | None = None
    what: str = ""

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


def load_bounds(path: Path = BOUNDS_FILE) -> list[Bound]:
    """The bounds in ``path`` (a YAML mapping: name -> {min, max, seed, what})."""
    entries = yaml.safe_load(Path(path).read_text())
    bounds = []
    for name, entry in entries.items():
        try:
            bounds.append(Bound(name, float(entry["min"]), float(entry["max"]),
                                entry.get("seed"), entry.get("what", "")))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}: bound {name!r} needs 'min' and 'max' ({exc}).") from exc
    return bounds


def check(results: dict[str, dict], bounds: list[Bound]) -> list[str]:
    """One message per bound that fails (missing, or out of bounds)."""
    failures = []
    for bound in bounds:
        if bound.name not in results:
            failures.append(f"{bound.name}: not recorded (was every chapter executed?)")
            continue
        value = results[bound.name]["value"]
        if not bound.holds(value):
            failures.append(
                f"{bound.name} = {value:.4g} is outside [{bound.low:g}, {bound.high:g}] "
                f"(course's run: {bound.seed}; {bound.what}; backend "
                f"{results[bound.name].get('backend') or '?'})"
            )
    return failures


def main(argv: list[str] | None = None) -> int:
    folder = Path(argv[0]) if argv else results_dir()
    bounds = load_bounds()
    results = read_results(folder)
    failures = check(results, bounds)
    for bound in bounds:
        if bound.name in results:
            print(f"{bound.name:32} {results[bound.name]['value']:>10.4g}   "
                  f"[{bound.low:g}, {bound.high:g}]   course: {bound.seed}")
    if failures:
        print("\nResults out of bounds:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print(f"All {len(bounds)} results within bounds.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
