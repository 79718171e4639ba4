"""Services of the assessments plugin: they change the session and never commit."""
