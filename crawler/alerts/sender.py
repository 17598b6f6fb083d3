"""Sending one message to one Apprise target; the reason of a failure, without the target's secrets.

Apprise logs every request with its URL (tokens and passwords included) at INFO level, so its
logger is kept out of the application's logs; failures are captured and masked here instead.
"""

from __future__ import annotations

import logging

from crawler.core.notify_targets import target_label
from crawler.core.secrets import mask_secrets


def send(url: str, title: str, body: str) -> str | None:
    """Send; None when the target accepted the message, else why not (one line, secrets masked)."""
    import apprise

    logging.getLogger("apprise").propagate = False
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return "Apprise cannot read this target's URL"
    with apprise.LogCapture(level=logging.WARNING) as captured:
        accepted = bool(notifier.notify(title=title, body=body))
        log = captured.getvalue()
    if accepted:
        return None
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    reason = lines[-1] if lines else "the target did not accept the message"
    return mask_secrets(reason.replace(url, target_label(url)))
