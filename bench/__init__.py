"""Benchmarks of Fieldroute against peers (PyVRP, VROOM); see bench/README.md."""
