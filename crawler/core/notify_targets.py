"""Notification targets (Apprise URLs): whether one is usable, and how to name it without its secrets.

An Apprise URL carries its credentials anywhere in it — a password (``mailto://user:pass@``), a
token as the host (``tgram://BOTTOKEN/CHAT``) or in the path (``slack://A/B/C``) — so a target
is only ever shown as Apprise's own privacy form of it, which each service masks as it knows.
Apprise is imported only when a configuration has alerts: it registers about a hundred plugins.
"""

from __future__ import annotations

import hashlib
from typing import Any


def _apprise() -> Any:
    import apprise

    return apprise


def target_problem(url: str) -> str | None:
    """Why Apprise cannot use `url` (an unknown scheme, a malformed URL), or None; never the URL."""
    apprise = _apprise()
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if not scheme:
        return "not an Apprise URL (expected scheme://..., e.g. json://host/path or mailto://user@host)"
    if not _known_scheme(scheme):
        return f"unknown notification scheme {scheme!r} (see the Apprise list of services)"
    if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
        return f"a {scheme}:// URL Apprise cannot read (check its parts)"
    return None


def _known_scheme(scheme: str) -> bool:
    from apprise.manager_plugins import NotificationManager

    return scheme in NotificationManager().schemas()


def target_label(url: str) -> str:
    """The target as Apprise's privacy form shows it (secrets masked), for status lines and logs."""
    plugin = _apprise().Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        return url.split("://", 1)[0] + "://…"
    return str(plugin.url(privacy=True)).split("?", 1)[0]  # the query holds Apprise's own defaults


def target_key(url: str) -> str:
    """A stable key for a target in the store, which never holds the URL itself."""
    return hashlib.sha256(url.encode()).hexdigest()[:32]
