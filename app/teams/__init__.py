"""Teams: who belongs where, and the rules for putting accounts and reps into a team."""
