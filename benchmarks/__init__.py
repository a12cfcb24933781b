"""Benchmarks, kept out of the test run. See README.md."""
