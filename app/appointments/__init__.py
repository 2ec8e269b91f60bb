"""Appointment slots: when a field rep can see an account or prospect, and booking one."""
