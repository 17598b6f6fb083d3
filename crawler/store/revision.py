"""The newest schema revision this code knows, importable without SQLAlchemy or Alembic.

It is the newest revision in crawler/migrations/versions (tests/unit/test_store.py checks it
against Alembic's own head). A database already there needs no Alembic at all; the nothing-due
check (``crawler.store.idle_reader``) answers only for a database at this revision.
"""

HEAD_REVISION = "0011"
