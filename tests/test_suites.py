"""Each reliability suite at its quick size, so a broken suite (or a broken promise) is noticed.
The full sizes run from the README (`python -m suites all`) and take minutes."""

import importlib

import pytest

from suites.__main__ import SUITES


@pytest.mark.parametrize("name", SUITES)
async def test_suite_quick(name):
    report = await importlib.import_module(f"suites.{name}").run(quick=True)
    assert report.ok, report.broken
