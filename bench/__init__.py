"""Performance benchmarks for pylon-tui (see bench/README.md; run `python bench/run.py`)."""
