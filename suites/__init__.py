"""Reliability suites: each drives a real `herobot serve` (or the parsers) and checks one set of promises.

Run one with `python -m suites NAME [--quick]`, all with `python -m suites all`. Each prints its
figures and exits non-zero when a promise is broken. `python -m suites --quick` runs them all at the quick
size (`.ci/run` does, after the tests); tests/test_suites.py only checks that the runner reaches every suite.
"""
