"""RFC 3339 timestamps as Vault writes them: 0-9 fractional digits, ``Z`` or an offset.

>>> parse_rfc3339("2024-11-13T21:51:50.898782695Z").isoformat()
'2024-11-13T21:51:50.898782+00:00'
>>> parse_rfc3339("2024-11-13T23:51:50.8987826+02:00").isoformat()
'2024-11-13T21:51:50.898782+00:00'
>>> parse_rfc3339("") is None
True
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?"
    r"\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?"
)


def parse_rfc3339(value: Any) -> datetime | None:
    """Parse to an aware UTC datetime truncated to microseconds; None when absent or invalid.

    A missing offset is read as UTC. Go's zero time (year 1), which Vault prints for unset
    times, is None.
    """
    if not isinstance(value, str):
        return None
    m = _RFC3339.fullmatch(value.strip())
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    if year <= 1:
        return None
    micros = int((m.group(7) or "0").ljust(6, "0")[:6])
    tz = UTC
    if m.group(9):
        offset = timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
        if offset >= timedelta(hours=24):
            return None
        tz = timezone(-offset if m.group(9) == "-" else offset)
    try:
        parsed = datetime(
            year, month, day, hour, minute, 59 if second == 60 else second, micros, tzinfo=tz
        )
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
