"""Shared plumbing: settings, the database session, the clock, errors, paging and request limits. Imports no feature."""
