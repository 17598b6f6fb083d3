"""Scale-out on PostgreSQL: host leases and back-off, workers, each pending URL's host.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

from crawler.store.schema import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hosts",
        sa.Column("host", sa.String(255), primary_key=True),
        sa.Column("lease_owner", sa.String(200)),
        sa.Column("lease_expires_at", UTCDateTime()),
        sa.Column("lease_renewed_at", UTCDateTime()),
        sa.Column("lease_taken_at", UTCDateTime()),
        sa.Column("backoff_until", UTCDateTime()),
        sa.Column("backoff_detail", sa.Text),
    )
    op.create_table(
        "workers",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("machine", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("stopped_at", UTCDateTime()),
        sa.Column("cycle_id", sa.Integer),
        sa.Column("articles_done", sa.Integer, nullable=False, server_default=sa.text("0")),
    )
    with op.batch_alter_table("urls") as batch:
        batch.add_column(sa.Column("host", sa.String(255)))
    op.create_index("ix_urls_status_host", "urls", ["status", "host"])
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("hosts_taken", sa.Integer, nullable=False, server_default=sa.text("0")))
        batch.add_column(sa.Column("worker", sa.String(200)))
    _fill_pending_hosts()


def _fill_pending_hosts() -> None:
    """Pending URLs are fetched by host from now on; settled ones never are, so they keep NULL."""
    connection = op.get_bind()
    urls = sa.table(
        "urls", sa.column("canonical_url"), sa.column("url"), sa.column("host"), sa.column("status")
    )
    pending = connection.execute(
        sa.select(urls.c.canonical_url, urls.c.url).where(urls.c.status == "pending")
    )
    for canonical, url in pending.all():
        connection.execute(sa.update(urls).where(urls.c.canonical_url == canonical).values(host=_host(url)))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "")[:255]
    except ValueError:
        return ""


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("worker")
        batch.drop_column("hosts_taken")
    op.drop_index("ix_urls_status_host", "urls")
    with op.batch_alter_table("urls") as batch:
        batch.drop_column("host")
    op.drop_table("workers")
    op.drop_table("hosts")
