"""spwf-tui benchmarks: figures and ratios against baselines measured in the same run.

Run ``python -m benchmarks [--quick] [--json]`` from the repository root. Every benchmark runs in
its own child process (clean RSS figures, no state shared between them); ``benchmarks.run``
collects their results and prints one table (or one JSON object). Nothing here is a test: the
figures are printed, never asserted (``tests/system/test_benchmarks_smoke.py`` only checks that a
quick run completes and loses no bytes).
"""
