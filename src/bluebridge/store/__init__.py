"""Storage: the engine, sessions, the declarative base and the Alembic migrations that run
unchanged on SQLite (the embedded default) and PostgreSQL (the production store)."""
