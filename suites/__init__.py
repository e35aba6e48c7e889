"""Reliability suites: each drives a real `herobot serve` (or the parsers) and checks one set of promises.

Run one with `python -m suites NAME [--quick]`, all with `python -m suites all`. Each prints its
figures and exits non-zero when a promise is broken. tests/test_suites.py runs the quick size.
"""
