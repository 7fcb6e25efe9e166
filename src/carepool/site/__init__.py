"""The Django project: settings, URLs and the Jinja2 environment."""
