"""What kind of page an article is: a single story, or a live blog of timed updates.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN, never batch mode: rebuilding the table on SQLite would drop the
# full-text triggers that revision 0003 put on it.


def upgrade() -> None:
    # every article stored before is a single story as far as newswatch knew
    op.add_column("articles", sa.Column("kind", sa.String(16), nullable=False, server_default="article"))


def downgrade() -> None:
    op.drop_column("articles", "kind")
