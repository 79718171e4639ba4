"""The dashboard, language switch and health check."""
