"""The coverage model's API (app/coverage). Not named `coverage`: pytest registers a test
package by its own name, and numba imports coverage.py when a module of that name exists."""
