"""The benchmark behind `make bench`; the entry point is bench/run.py (see bench/README.md)."""
