"""Storage: SQLAlchemy 2 (async) tables, the engine, migrations and the store."""
