"""Placing accounts and reps' homes on the map: the geocoding chain, the cache table, honest precision."""
