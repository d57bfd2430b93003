"""Benchmarks of the builder: a synthetic corpus, the floor, and the measured runs."""
