"""Signals as rows: one per agency, action, state, city, count of people and event date.

Filled for the articles already stored from their `signals` JSON, in batches.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from crawler.store.signal_rows import signal_rows

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "article_signals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("value_key", sa.Text, nullable=False),
        sa.Column("amount", sa.Integer),
        sa.Column("evidence", sa.Text),
        sa.Column("span_start", sa.Integer),
        sa.Column("span_end", sa.Integer),
    )
    op.create_index("ix_article_signals_kind_key", "article_signals", ["kind", "value_key", "article_id"])
    op.create_index("ix_article_signals_article", "article_signals", ["article_id", "kind"])
    _fill_from_json()


def _fill_from_json() -> None:
    connection = op.get_bind()
    articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("signals", sa.JSON))
    target = sa.table(
        "article_signals",
        *(sa.column(name) for name in ("article_id", "kind", "value", "value_key", "amount", "evidence")),
        sa.column("span_start"),
        sa.column("span_end"),
    )
    last_id = 0
    while True:
        batch = connection.execute(
            sa.select(articles.c.id, articles.c.signals)
            .where(sa.and_(articles.c.id > last_id, articles.c.signals.is_not(None)))
            .order_by(articles.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        rows = [row for article_id, signals in batch for row in signal_rows(article_id, signals)]
        if rows:
            connection.execute(target.insert(), rows)
        last_id = batch[-1][0]


def downgrade() -> None:
    op.drop_table("article_signals")
