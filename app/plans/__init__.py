"""A rep's day and week plans: planning, re-planning, reading, the manager week grid, batches and exports."""
