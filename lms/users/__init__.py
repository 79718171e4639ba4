"""Users, roles, permissions and teachers' profiles."""
