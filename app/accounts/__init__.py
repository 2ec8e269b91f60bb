"""Accounts: the customers reps visit. Endpoints (`router`), schemas, the service, field bounds and opening hours."""
