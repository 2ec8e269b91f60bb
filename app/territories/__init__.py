"""Territories: each rep's accounts in figures, rebalance proposals (preview, apply) and the change record."""
