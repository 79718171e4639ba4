"""The WSGI entry point for gunicorn and `flask`: app = create_app()."""

from lms import create_app

app = create_app()
