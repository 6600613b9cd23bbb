"""Blason benchmarks: ``python -m bench`` (or ``make bench``). Targets live here, not in tests."""
