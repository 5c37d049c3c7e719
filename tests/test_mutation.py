"""The mutation runner (tests/mutation.py): its mutants, its list of equivalents, and a
run on a small project that must leave the project as it was, also when interrupted."""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import mutation

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "tests" / "mutation.py"

MODULE = '''\
"""A module."""

from __future__ import annotations

from collections.abc import Callable

Alias = Callable[[int], int]  # used only in annotations
LIMIT = 3
__all__ = ["f", "g"]


def f(x: int, scale: float = 2.0) -> Alias:
    """Doc."""
    if not x in (1, 2) and x is not None:
        x += 1
    total = -x * scale
    print(f"total {total}")
    return total


class C:
    """Doc."""

    flag: bool = True

    def g(self, y):
        return y < LIMIT or "name" == y
'''


def mutants_of(text: str, only: tuple[str, ...] = ()) -> list[mutation.Mutant]:
    return mutation._Finder("m.py", text, only).run()


def test_each_kind_of_mutant():
    found = {(m.scope, m.operator, m.before, m.after) for m in mutants_of(MODULE)}
    expected = {
        ("<module>", "constant", "3", "4"),
        ("f", "constant", "2.0", "3.0"),
        ("f", "boolean", "not x in (1, 2)", "x in (1, 2)"),
        ("f", "comparison", "x in (1, 2)", "x not in (1, 2)"),
        ("f", "comparison", "x is not None", "x is None"),
        ("f", "boolean", "not x in (1, 2) and x is not None", "not x in (1, 2) or x is not None"),
        ("f", "arithmetic", "x += 1", "x -= 1"),
        ("f", "arithmetic", "-x", "x"),
        ("f", "arithmetic", "-x * scale", "-x / scale"),
        ("f", "constant", 'f"total {total}"', '""'),
        ("f", "statement removed", 'print(f"total {total}")', "pass"),
        ("f", "return None", "return total", "return None"),
        ("C", "constant", "True", "False"),
        ("C", "statement removed", "flag: bool = True", "pass"),
        ("C.g", "comparison", "y < LIMIT", "y <= LIMIT"),
        ("C.g", "comparison", '"name" == y', "'name' != y"),
        ("C.g", "constant", '"name"', "''"),
        ("C.g", "boolean", 'y < LIMIT or "name" == y', "y < LIMIT and 'name' == y"),
    }
    assert expected <= found
    befores = {m.before for m in mutants_of(MODULE)}
    assert not any("Doc." in b for b in befores)  # docstrings are left alone
    assert not any("Alias" in b or "__all__" in b or "Callable" in b for b in befores)
    assert not any(b in ("int", "float") for b in befores)  # annotations too


def test_mutants_are_valid_python_that_differs_only_where_it_says():
    original = ast.dump(ast.parse(MODULE))
    for m in mutants_of(MODULE):
        mutated = ast.parse(m.source)
        assert ast.dump(mutated) != original, m.key
        assert m.source.splitlines()[: m.line - 1] == MODULE.splitlines()[: m.line - 1]


def test_precedence_is_kept():
    (m,) = [m for m in mutants_of("def f(a, b):\n    return a / b ** 2\n") if m.after == "b * 2"]
    namespace: dict = {}
    exec(m.source, namespace)
    assert namespace["f"](8, 2) == 2  # a / (b * 2), not (a / b) * 2


def test_code_run_at_import_is_marked():
    by_before = {m.before: m for m in mutants_of(MODULE)}
    assert by_before["3"].at_import and by_before["2.0"].at_import  # a default, a constant
    assert by_before["True"].at_import  # a class attribute
    assert not by_before["x += 1"].at_import


def test_only_the_named_functions():
    scopes = {m.scope for m in mutants_of(MODULE, only=("C",))}
    assert scopes == {"C", "C.g"}


def test_keys_are_unique_and_survive_moving_code():
    mutants = mutants_of(MODULE)
    keys = [m.key for m in mutants]
    assert len(set(keys)) == len(keys)
    moved = mutants_of(MODULE.replace('"""A module."""', '"""A module.\n\nLonger."""'))
    assert [m.key for m in moved] == keys
    assert [m.line for m in moved] == [m.line + 2 for m in mutants]


def test_the_list_of_equivalents(tmp_path):
    listed = tmp_path / "equivalent.txt"
    listed.write_text(
        "# comment\n\nm.py::f: a -> b\n    Because\n    of this.\nm.py::g: c -> d\n    Same.\n"
    )
    assert mutation.read_equivalents(listed) == {
        "m.py::f: a -> b": "Because of this.",
        "m.py::g: c -> d": "Same.",
    }
    listed.write_text("m.py::f: a -> b\nm.py::g: c -> d\n    Same.\n")
    with pytest.raises(SystemExit, match="no reason given for m.py::f: a -> b"):
        mutation.read_equivalents(listed)
    listed.write_text("m.py::f: a -> b\n    x\nm.py::f: a -> b\n    y\n")
    with pytest.raises(SystemExit, match="listed twice"):
        mutation.read_equivalents(listed)
    assert mutation.read_equivalents(tmp_path / "absent.txt") == {}


def test_the_projects_equivalents_name_current_mutants():
    """Every entry of the project's list names a mutant that exists (the run also checks
    that each still survives)."""
    config = mutation.load_config(ROOT)
    listed = mutation.read_equivalents(ROOT / config.equivalent)
    # their keys only: compiling each of the 1,600 mutants took 4 of this test's 4.5 s
    keys = {
        m.key
        for g in config.groups
        for t in g.targets
        for m in mutation.make_mutants(ROOT, t, validate=False)
    }
    assert sorted(set(listed) - keys) == []


# --------------------------------------------------------------------------
# A run on a small project
# --------------------------------------------------------------------------


def _project(tmp_path: Path, module: str, test: str, timeout: int = 60) -> Path:
    root = tmp_path / "project"
    (root / "lib" / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "lib" / "pkg" / "__init__.py").write_text("")
    (root / "lib" / "pkg" / "mod.py").write_text(textwrap.dedent(module))
    (root / "tests" / "test_mod.py").write_text(textwrap.dedent(test))
    (root / "tests" / "equivalent.txt").write_text(
        "lib/pkg/mod.py::double: x < 0 -> x <= 0\n    At 0 both branches give 0.\n"
    )
    (root / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [tool.mutation]
            equivalent = "tests/equivalent.txt"
            min_score = 95
            timeout = {timeout}

            [[tool.mutation.group]]
            name = "demo"
            modules = ["lib/pkg/mod.py"]
            tests = ["tests/test_mod.py"]
            """
        )
    )
    return root


def _fingerprint(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


DOUBLE = """\
    def double(x):
        if x < 0:
            return -2 * -x
        return 2 * x
    """


def test_a_run_scores_each_module_and_leaves_the_project_alone(tmp_path):
    test = """\
        from pkg.mod import double

        def test_double():
            assert double(3) == 6
            assert double(-3) == -6
        """
    root = _project(tmp_path, DOUBLE, test)
    before = _fingerprint(root)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary), "PYTHONPATH": ""}
    result = subprocess.run(
        [sys.executable, str(RUNNER), "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    out = result.stdout
    # mutants: x < 0 (<=, 0 -> 1), return -2 * -x (None, /, -2 -> 2, 2 -> 3, -x -> x),
    # return 2 * x (None, /, 2 -> 3): x <= 0 is listed as equivalent, and x < 1
    # survives (double(0.5) is never tested)
    assert "| demo: pkg/mod | 10 | 8 | 1 | 1 | 88.9% | 80.0% |" in out, out + result.stderr
    assert "lib/pkg/mod.py::double: 0 -> 1" in out  # the survivor, named
    assert result.returncode == 1  # below 95 %
    assert _fingerprint(root) == before
    assert list(temporary.iterdir()) == []


@pytest.mark.parametrize(
    "sigint",
    # a command run in the background by a shell without job control starts with Ctrl-C
    # ignored (so do the tests, and this runner, when CI runs them that way); the shell's
    # trap sets what the runner starts with
    ["-", "''"],
    ids=["as-started-in-a-terminal", "as-started-in-the-background"],
)
def test_an_interrupted_run_removes_its_copy_and_stops_its_tests(tmp_path, sigint):
    pids = tmp_path / "pids"
    test = f"""\
        import os
        from pathlib import Path

        from pkg.mod import double

        def test_double_loops_until_right():
            with open({str(pids)!r}, "a") as log:
                log.write(f"{{os.getpid()}}\\n")
            while double(3) != 6:
                pass
        """
    root = _project(tmp_path, DOUBLE, test, timeout=600)
    before = _fingerprint(root)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary), "PYTHONPATH": ""}
    runner = subprocess.Popen(
        ["/bin/sh", "-c", f'trap {sigint} INT; exec "$@"', "sh"]
        + [sys.executable, str(RUNNER), "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = runner.stdout.readline()  # the plan
        line = runner.stdout.read(len("demo:"))  # the group has started: a mutant loops
        assert line == "demo:"
        time.sleep(2)
        assert len(list(temporary.iterdir())) == 1  # the copy
        runner.send_signal(signal.SIGINT)
        try:
            _, err = runner.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            runner.send_signal(signal.SIGUSR1)  # where it is: its stacks, on stderr
            time.sleep(1)
            runner.kill()
            _, err = runner.communicate()
            pytest.fail(f"the run did not stop within 60 s of Ctrl-C; it was at:\n{err}")
    finally:
        runner.kill()
        if runner.returncode != 130:  # leave no mutant's test looping on a core
            for pid in {int(p) for p in pids.read_text().split()} if pids.is_file() else ():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    assert runner.returncode == 130
    assert "interrupted" in err
    assert _fingerprint(root) == before
    assert list(temporary.iterdir()) == []
    # no test process is left running
    for pid in {int(p) for p in pids.read_text().split()}:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_test_that_runs_the_code_in_another_process_is_used(tmp_path):
    """Lines run by a subprocess are not traced: a test that starts one is run for every
    mutant, so a mutant that only the subprocess can see is still killed."""
    test = """\
        import os
        import subprocess
        import sys
        from pathlib import Path

        import pkg

        def test_in_another_process():
            lib = str(Path(pkg.__file__).parents[1])
            out = subprocess.run(
                [sys.executable, "-c", "from pkg.mod import double; print(double(3))"],
                capture_output=True, text=True, env={**os.environ, "PYTHONPATH": lib},
            ).stdout
            assert out == "6\\n"
        """
    root = _project(tmp_path, "def double(x):\n    return 2 * x\n", test)
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": ""}
    result = subprocess.run(
        [sys.executable, str(RUNNER), "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    # return None, * -> /, 2 -> 3: all killed, by the subprocess alone
    assert "| demo: pkg/mod | 3 | 3 | 0 | 0 | 100.0% | 100.0% |" in result.stdout, result.stdout
    assert "listed as equivalent but no such mutant" in result.stdout  # the x < 0 entry
    assert result.returncode == 1
