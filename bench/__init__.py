"""The scale benchmark: `make bench` (python -m bench); and `python -m bench.probe`,
a bounded load-and-fault probe of the production setup (bench/probe.py)."""
