"""Near-duplicate index: LSH band keys and MinHash signatures of original articles.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_bands",
        sa.Column("band_key", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
        sqlite_with_rowid=False,  # on SQLite the table is its primary-key index, one B-tree entry per band
    )
    op.create_table(
        "article_signatures",
        sa.Column("article_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
        sa.Column("shingle_count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("article_signatures")
    op.drop_table("article_bands")
