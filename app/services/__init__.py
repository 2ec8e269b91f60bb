"""Services: load state, convert to `routing` dataclasses, call the optimiser, convert back."""
