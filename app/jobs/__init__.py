"""Durable background jobs: one job API, run in the web process or by Celery workers."""
