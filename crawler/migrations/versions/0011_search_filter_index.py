"""Search filters read one index, not each match's article row (SQLite only).

A filtered search reads, for every full-text match, the columns its filter and its story
need. In `articles` those sit after the text, which spills to overflow pages, so each match
cost a walk of its row's pages (about 4 µs a match at a million articles). This index holds
exactly those columns, led by the id the match is looked up by; search reads it with
`INDEXED BY` (crawler/store/fts5_page.py). PostgreSQL plans its own filtered ranking and gets
nothing here.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# crawler/store/schema.py: SEARCH_FILTER_INDEX, SEARCH_FILTER_COLUMNS (spelled out: a migration
# stays as it ran)
INDEX = "ix_articles_search_filter"
COLUMNS = ["id", "story_id", "duplicate_of", "source", "relevant", "relevance", "first_seen"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(INDEX, "articles", COLUMNS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index(INDEX, "articles")
