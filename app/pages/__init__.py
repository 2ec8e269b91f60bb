"""HTML pages (signed in with the session cookie)."""
