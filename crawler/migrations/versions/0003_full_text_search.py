"""Full-text search: an FTS5 index on SQLite, a tsvector column with a GIN index on PostgreSQL.

Both index an article's title and text, stemmed (Porter on SQLite, the English Snowball
stemmer on PostgreSQL), and are built for the articles already stored.

SQLite: `articles_fts` is an external-content FTS5 table (the text is stored once, in
`articles`); three triggers keep it in step with every insert, edit and delete, so no code
path can forget to. A future migration that rebuilds `articles` (Alembic's batch mode) must
recreate the triggers and rebuild the index.

PostgreSQL: `search_vector` is a stored generated column, computed by the server on every
write. The text is cut at 100,000 characters for it: a tsvector is limited to 1 MB, and a
longer one would make storing the article fail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# An external-content index forgets a row only when given the values it indexed.
_FORGET_OLD = (
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text);"
)
_INDEX_NEW = "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);"
SQLITE_UPGRADE = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN {_INDEX_NEW} END",
    f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {_FORGET_OLD} END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
    f"{_FORGET_OLD} {_INDEX_NEW} END",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER articles_fts_update",
    "DROP TRIGGER articles_fts_delete",
    "DROP TRIGGER articles_fts_insert",
    "DROP TABLE articles_fts",
)
POSTGRESQL_UPGRADE = (
    "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', left(coalesce(text, ''), 100000)), 'B')) STORED",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
)
POSTGRESQL_DOWNGRADE = (
    "DROP INDEX ix_articles_search_vector",
    "ALTER TABLE articles DROP COLUMN search_vector",
)


def upgrade() -> None:
    for statement in SQLITE_UPGRADE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in SQLITE_DOWNGRADE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_DOWNGRADE:
        op.execute(statement)
