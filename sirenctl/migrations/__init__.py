"""Alembic migrations, run automatically on first use of a database.

``SCHEMA_HEAD`` names the newest revision so that the common path (database already current) is
checked with one query and without importing Alembic. A test keeps it equal to Alembic's head;
whoever adds a revision updates it.
"""

# chain: 0004 -> 0006 -> 0007 -> 0009 -> 0008 -> 0005 (branches merged in that order)
SCHEMA_HEAD = "0005"
