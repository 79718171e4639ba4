"""The community plugin's pages; importing this package attaches the routes to the blueprint."""

from community.views import associations, events, exchange, library, meetings, mentoring, mine, visits  # noqa: F401
