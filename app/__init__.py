"""Fieldroute's web service: HTTP routers, schemas and services on top of `routing/`."""

__version__ = "0.1.0"
