"""Archive provenance of articles (via, captured_at) and backfill progress per archive.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from crawler.store.schema import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "articles", sa.Column("via", sa.String(16), nullable=False, server_default=sa.text("'live'"))
    )
    op.add_column("articles", sa.Column("captured_at", UTCDateTime()))
    op.create_table(
        "backfill_progress",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("archive", sa.Text, nullable=False, unique=True),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("resume_offset", sa.BigInteger, nullable=False, server_default=sa.text("0")),
        sa.Column("records_read", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("records_matched", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("bytes_read", sa.BigInteger, nullable=False, server_default=sa.text("0")),
        sa.Column("layout", sa.String(12)),
        sa.Column("done", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("error", sa.Text),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="SET NULL")),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("backfill_progress")
    # ALTER TABLE … DROP COLUMN on both engines (SQLite 3.35+): a batch copy of `articles`
    # would drop the table, and its foreign keys would null or delete what refers to it.
    op.execute("ALTER TABLE articles DROP COLUMN captured_at")
    op.execute("ALTER TABLE articles DROP COLUMN via")
