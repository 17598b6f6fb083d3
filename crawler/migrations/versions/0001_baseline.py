"""Baseline: feeds, runs, articles, urls, failures.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from crawler.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("fetch_url", sa.Text, nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("keep", sa.String(20), nullable=False),
        sa.Column("interval_seconds", sa.Float, nullable=False),
        sa.Column("current_interval_seconds", sa.Float),
        sa.Column("content_fingerprint", sa.String(64)),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_polled_at", UTCDateTime()),
        sa.Column("last_success_at", UTCDateTime()),
        sa.Column("last_error_at", UTCDateTime()),
        sa.Column("last_error_reason", sa.String(40)),
        sa.Column("last_error_detail", sa.Text),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("next_check_at", UTCDateTime()),
        sa.Column("retired_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("finish_reason", sa.String(60)),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        *(
            sa.Column(name, sa.Integer, nullable=False, server_default=sa.text("0"))
            for name in (
                "feeds_due",
                "feeds_polled",
                "feeds_not_modified",
                "feeds_failed",
                "articles_requested",
                "articles_new",
                "articles_duplicate",
                "articles_irrelevant",
                "articles_failed",
                "articles_rechecked",
                "articles_updated",
            )
        ),
        sa.Column("failures", sa.JSON, nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("canonical_url", sa.Text, nullable=False, unique=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("site", sa.String(255), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("published", UTCDateTime()),
        sa.Column("language", sa.String(16)),
        sa.Column("sitename", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("page_canonical_url", sa.Text),
        sa.Column("relevance", sa.Float, nullable=False),
        sa.Column("relevant", sa.Boolean, nullable=False),
        sa.Column("matched_terms", sa.JSON, nullable=False),
        sa.Column("signals", sa.JSON),
        sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("text_length", sa.Integer, nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="SET NULL")),
        sa.Column("version_count", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.Column("updated_at", UTCDateTime()),
        sa.Column("next_recheck_at", UTCDateTime()),
    )
    op.create_index("ix_articles_next_recheck_at", "articles", ["next_recheck_at"])
    op.create_index("ix_articles_duplicate_of", "articles", ["duplicate_of"])
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_index(
        "ux_articles_original_hash",
        "articles",
        ["content_hash"],
        unique=True,
        sqlite_where=sa.text("duplicate_of IS NULL"),
        postgresql_where=sa.text("duplicate_of IS NULL"),
    )
    op.create_index("ix_articles_first_seen", "articles", ["first_seen"])
    op.create_index("ix_articles_source", "articles", ["source"])
    op.create_table(
        "urls",
        sa.Column("canonical_url", sa.Text, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(40)),
        sa.Column("detail", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("entry_title", sa.Text),
        sa.Column("entry_published", UTCDateTime()),
        sa.Column("relevance", sa.Float),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_urls_status_feed", "urls", ["status", "feed_id"])
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE")),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE")),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_failures_feed_at", "failures", ["feed_id", "at"])
    op.create_index("ix_failures_run", "failures", ["run_id"])
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("replaced_at", UTCDateTime(), nullable=False),
        sa.Column("diff", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_index("ux_article_versions", "article_versions", ["article_id", "version"], unique=True)


def downgrade() -> None:
    for table in ("article_versions", "failures", "urls", "articles", "runs", "feeds"):
        op.drop_table(table)
