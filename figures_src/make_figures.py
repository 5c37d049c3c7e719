"""Draw the lecture's static figures (diagrams) into figures_src/generated/.

Quarto runs this before every render (``pre-render`` in _quarto.yml); it
redraws a figure only when the figure is missing or older than the code that
draws it, so a render with nothing changed costs a fraction of a second.
Run it by hand with ``python figures_src/make_figures.py [--force]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "generated"
ROOT = HERE.parent
if str(ROOT / "lib") not in sys.path:
    # the course library from this checkout, installed or not: a plain `quarto render`
    # needs only a Python with Jupyter and matplotlib
    sys.path.insert(0, str(ROOT / "lib"))


def _classifier_network(path: Path) -> None:
    from dlact.figures import plot_classifier_network

    diagram = plot_classifier_network(n_hidden=6)
    diagram.figure_.savefig(path, bbox_inches="tight")


#: output file -> (function drawing it, sources it depends on)
FIGURES = {
    "classifier-network.svg": (
        _classifier_network,
        [ROOT / "lib" / "dlact" / "figures" / "diagrams.py", ROOT / "lib" / "dlact" / "style.py"],
    ),
}


def stale(target: Path, sources: list[Path]) -> bool:
    if not target.exists():
        return True
    newest = max([Path(__file__).stat().st_mtime] + [s.stat().st_mtime for s in sources])
    return target.stat().st_mtime < newest


def main(force: bool = False) -> int:
    todo = {
        name: draw
        for name, (draw, sources) in FIGURES.items()
        if force or stale(OUT / name, sources)
    }
    if not todo:
        return 0
    import matplotlib

    matplotlib.use("Agg")
    from dlact.style import use_style

    OUT.mkdir(exist_ok=True)
    use_style("book")
    for name, draw in todo.items():
        target = OUT / name
        tmp = target.with_suffix(".tmp" + target.suffix)
        draw(tmp)
        tmp.replace(target)  # never leave a half-written figure in place
        print(f"figures_src: drew {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(force="--force" in sys.argv))
