"""robots.txt per origin, kept across cycles and processes until it expires."""

from __future__ import annotations

from sqlalchemy import Engine, select

from crawler.store.engine import read_transaction, write_transaction
from crawler.store.records import StoredRobotsTxt
from crawler.store.schema import robots_txt
from crawler.store.upsert import insert_for


class RobotsTxtMixin:
    """Store methods for the robots_txt table."""

    engine: Engine

    def robots_txt(self, origin: str) -> StoredRobotsTxt | None:
        """The last robots.txt fetched for `origin`, fresh or not (None: never fetched)."""
        with read_transaction(self.engine) as conn:
            row = conn.execute(select(robots_txt).where(robots_txt.c.origin == origin)).first()
        if row is None:
            return None
        return StoredRobotsTxt(row.origin, row.status, bytes(row.body), row.fetched_at, row.expires_at)

    def save_robots_txt(self, fetched: StoredRobotsTxt) -> None:
        """Keep a newly fetched robots.txt, replacing the origin's earlier one."""
        values = {
            "status": fetched.status,
            "body": fetched.body,
            "fetched_at": fetched.fetched_at,
            "expires_at": fetched.expires_at,
        }
        with write_transaction(self.engine) as conn:
            insert = insert_for(conn, robots_txt).values(origin=fetched.origin, **values)
            conn.execute(insert.on_conflict_do_update(index_elements=["origin"], set_=values))
