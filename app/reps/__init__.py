"""Reps: the field salespeople, their working day and home, and their clock (time zone, today)."""
