"""The scale benchmark: `make bench` (python -m bench)."""
