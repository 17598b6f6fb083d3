"""Human durations in configuration: ``90s``, ``15m``, ``1h30m``, ``2d`` or plain seconds."""

from __future__ import annotations

import re

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")


def parse_duration(value: object, allow_zero: bool = False) -> float:
    """Return seconds for a duration value; raise ValueError with a readable reason."""
    if isinstance(value, bool):  # bool is an int subclass; `interval: yes` is a mistake, not 1 s
        raise ValueError(f"expected a duration like 15m, got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if not text:
            raise ValueError("empty duration")
        parts = _PART.findall(text)
        if "".join(number + unit for number, unit in parts) != text:
            raise ValueError(f"expected a duration like 90s, 15m, 1h30m or 2d, got {value!r}")
        seconds = sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)
    else:
        raise ValueError(f"expected a duration like 15m, got {value!r}")
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise ValueError(f"duration must be positive, got {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """Compact form for tables: 45s, 15m, 2h5m, 3d."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        count, seconds = divmod(seconds, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out[:2])
