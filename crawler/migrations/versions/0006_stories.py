"""Stories and cut copies: an article's story, why a copy's original is its original, lead signatures.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both engines: existing rows keep every value, the new ones start NULL.
    op.add_column("articles", sa.Column("original_basis", sa.String(20)))
    op.add_column("articles", sa.Column("story_id", sa.Integer))
    # Until now a story was an original and its copies.
    op.execute("UPDATE articles SET story_id = COALESCE(duplicate_of, id)")
    op.create_index("ix_articles_story_id", "articles", ["story_id"])
    op.add_column("article_signatures", sa.Column("lead_signature", sa.LargeBinary))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): a batch copy of `articles` would drop the old table, and
    # its self-referencing foreign key would set every duplicate_of to NULL on the way.
    op.drop_index("ix_articles_story_id", "articles")
    for table, column in (
        ("article_signatures", "lead_signature"),
        ("articles", "story_id"),
        ("articles", "original_basis"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
