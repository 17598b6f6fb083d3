"""A DNS upstream for tests whose answers are scripted per name and change between calls.

The script is a JSON file (setting ``NEWSWATCH_DNS_SCRIPT``): ``{"name": [answer, answer, …]}``,
each answer a list of addresses; the n-th lookup of a name gets the n-th answer (the last one
once they run out). Every lookup is appended to the log file (``NEWSWATCH_DNS_LOG``) as one JSON
line, so a test can count them. Names the script does not know resolve to nothing.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver
from zope.interface import implementer


@implementer(IHostnameResolver)
class ScriptedResolver:
    def __init__(self, script: dict[str, list[list[str]]], log: Path) -> None:
        self.script = script
        self.log = log
        self.calls: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> ScriptedResolver:
        script = json.loads(Path(crawler.settings["NEWSWATCH_DNS_SCRIPT"]).read_text())
        return cls(script, Path(crawler.settings["NEWSWATCH_DNS_LOG"]))

    def resolveHostName(self, receiver: Any, hostName: str, portNumber: int = 0, *args: Any) -> Any:
        answers = self.script.get(hostName, [[]])
        call = self.calls.get(hostName, 0)
        self.calls[hostName] = call + 1
        answer = answers[min(call, len(answers) - 1)]
        with self.log.open("a") as log:
            log.write(json.dumps({"name": hostName, "call": call, "answer": answer}) + "\n")
        receiver.resolutionBegan(object())
        for address in answer:
            kind = IPv6Address if ipaddress.ip_address(address).version == 6 else IPv4Address
            receiver.addressResolved(kind("TCP", address, portNumber))
        receiver.resolutionComplete()
        return receiver


def lookups(log: Path) -> list[dict[str, Any]]:
    """Every lookup the cycle made, in order."""
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]
