"""Visits and appointments: what reps record on the road, corrections, booking and cancelling."""
