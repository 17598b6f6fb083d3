"""Alerts: rules as first seen, and one delivery row per rule, target and story.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from crawler.store.schema import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("target_key", sa.String(32), nullable=False),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("digest", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("last_error", sa.Text),
        sa.Column("matched_at", UTCDateTime(), nullable=False),
        sa.Column("last_attempt_at", UTCDateTime()),
        sa.Column("sent_at", UTCDateTime()),
    )
    op.create_index(
        "ux_alert_deliveries", "alert_deliveries", ["rule", "target_key", "story_id"], unique=True
    )
    op.create_index("ix_alert_deliveries_status", "alert_deliveries", ["status", "rule"])


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alert_rules")
