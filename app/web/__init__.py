"""The HTML adapter over the features: the pages (signed in with the session cookie), their
Jinja2 templates, the static assets' mounts, the API docs page and the sign-in forms."""
