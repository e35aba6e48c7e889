"""Persistence: one SQLite file, its schema, migrations and queries."""
