"""Stateless optimisation (`POST /api/v1/optimize`): the request, the matrix indices, the solve, the answer."""
