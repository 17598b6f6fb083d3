"""When a daily digest is due: at its time of day (UTC), for the stories matched before it."""

from __future__ import annotations

from datetime import datetime, time, timedelta


def latest_digest_moment(time_of_day: str, now: datetime) -> datetime:
    """The most recent moment at `time_of_day` ("08:00", UTC) on or before `now`."""
    hours, minutes = (int(part) for part in time_of_day.split(":"))
    today = datetime.combine(now.date(), time(hours, minutes), tzinfo=now.tzinfo)
    return today if today <= now else today - timedelta(days=1)
