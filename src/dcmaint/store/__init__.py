"""Persistence: SQLAlchemy models and Alembic migrations (writes), a plain-SQL read path (lists).

Importing this package is cheap; SQLAlchemy is imported by the modules that need it.
"""
