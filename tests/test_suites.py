"""The reliability suites run outside the test command (`python -m suites --quick`, which `.ci/run` runs after
the tests; full sizes with `python -m suites all`). Here only that the runner reaches every suite, cheaply."""

import importlib
import inspect
from pathlib import Path

from suites.__main__ import SUITES, main

SUITES_DIR = Path(__file__).parent.parent / "suites"


def test_the_runner_lists_every_suite_and_each_has_a_quick_size():
    modules = sorted(p.stem for p in SUITES_DIR.glob("*.py") if not p.stem.startswith("_") and p.stem != "common")
    assert sorted(SUITES) == modules
    for name in SUITES:
        run = importlib.import_module(f"suites.{name}").run
        assert inspect.iscoroutinefunction(run) and "quick" in inspect.signature(run).parameters, name


def test_an_unknown_suite_is_refused_before_anything_runs(capsys):
    assert main(["forged", "nope", "--quick"]) == 2
    assert "unknown suite nope" in capsys.readouterr().err
