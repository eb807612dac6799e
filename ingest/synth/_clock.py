"""Time for the synthetic logs: fast RFC 3339 formatting and the diurnal request schedule.

All instants are integer nanoseconds since the Unix epoch (UTC); nothing here reads the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import accumulate

NS = 1_000_000_000
HOUR_NS = 3600 * NS
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HMS = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


def parse_utc(text: str) -> int:
    """``2026-11-01T00:00:00Z`` (any ISO 8601 with an offset, or naive = UTC) -> epoch ns."""
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    delta = dt - _EPOCH
    return (delta.days * 86400 + delta.seconds) * NS + delta.microseconds * 1000


def make_rfc3339nano() -> Callable[[int], str]:
    """Return ``fmt(ns)`` writing Go's ``time.RFC3339Nano`` in UTC: trailing zeros of the
    fraction trimmed, and no dot at all when the fraction is zero (what Vault writes)."""
    days: dict[int, str] = {}
    hms = _HMS

    def fmt(ns: int) -> str:
        s, frac = divmod(ns, NS)
        d, sod = divmod(s, 86400)
        day = days.get(d)
        if day is None:
            day = days[d] = (_EPOCH + timedelta(days=d)).strftime("%Y-%m-%dT")
        if frac:
            return f"{day}{hms[sod]}.{f'{frac:09d}'.rstrip('0')}Z"
        return f"{day}{hms[sod]}Z"

    return fmt


def rfc3339_seconds(ns: int, offset_minutes: int = 0) -> str:
    """Go's ``time.RFC3339`` (second precision) in a fixed zone: ``Z`` or ``-05:00``."""
    dt = datetime.fromtimestamp(ns // NS, UTC) + timedelta(minutes=offset_minutes)
    if offset_minutes == 0:
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    sign = "-" if offset_minutes < 0 else "+"
    hh, mm = divmod(abs(offset_minutes), 60)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{hh:02d}:{mm:02d}"


def hclog_time(ns: int) -> str:
    """The timestamp Vault's own (hclog) server log lines start with: millisecond precision."""
    dt = datetime.fromtimestamp(ns // NS, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{(ns % NS) // 1_000_000:03d}Z"


# --- the diurnal schedule --------------------------------------------------------------------

# Request categories: 0 = always-on services, 1 = nightly batch jobs, 2.. = humans per time zone.
CAT_SERVICE = 0
CAT_BATCH = 1
CAT_HUMAN0 = 2
BATCH_HOUR_UTC = 2  # the nightly batch window (02:00-03:00 UTC)
_SERVICE_WEIGHT = 1.0
_BATCH_PEAK, _BATCH_OFF = 4.0, 0.02
_HUMAN_SCALE = 0.45


def human_activity(local_hour: int, weekday: int) -> float:
    """Relative activity of people at a local hour (weekday 0 = Monday)."""
    if weekday >= 5:
        return 0.04 if 9 <= local_hour < 18 else 0.01
    if 8 <= local_hour < 19:
        return 0.6 if local_hour == 12 else 1.0
    if local_hour in (7, 19, 20):
        return 0.2
    return 0.02


def hour_weights(
    start_ns: int, hour: int, tz_offsets: list[int], tz_shares: list[float]
) -> list[float]:
    """Category weights (see ``CAT_*``) for the ``hour``-th hour after ``start_ns``."""
    t = start_ns + hour * HOUR_NS
    dt = datetime.fromtimestamp(t // NS, UTC)
    batch = _BATCH_PEAK if dt.hour == BATCH_HOUR_UTC else _BATCH_OFF
    weights = [_SERVICE_WEIGHT, batch]
    for off, share in zip(tz_offsets, tz_shares, strict=True):
        local = dt + timedelta(minutes=off)
        weights.append(_HUMAN_SCALE * share * human_activity(local.hour, local.weekday()))
    return weights


class Pacer:
    """How many request slots each hour gets, so that ``lines`` lines fill ``days``.

    Hour weights follow the diurnal pattern; the rate adapts to the lines per slot observed so
    far (a slot is one request pair, sometimes preceded by a login pair), so the log ends close
    to ``start + days`` whatever the mix. Past the window the last rate simply continues.
    """

    def __init__(
        self, start_ns: int, days: float, lines: int, tz_offsets: list[int], tz_shares: list[float]
    ) -> None:
        self.start_ns = start_ns
        self.lines = lines
        self.tz = (tz_offsets, tz_shares)
        window = [
            sum(hour_weights(start_ns, h, tz_offsets, tz_shares))
            for h in range(max(1, round(days * 24)))
        ]
        self.remaining = list(accumulate(reversed(window)))[::-1]
        self.rate = 0.0
        self.carry = 0.0

    def weights(self, hour: int) -> list[float]:
        """Cumulative category weights of ``hour`` (for ``bisect``)."""
        return list(accumulate(hour_weights(self.start_ns, hour, *self.tz)))

    def count(self, hour: int, cum: list[float], lines_done: int, slots_done: int) -> int:
        if hour < len(self.remaining):
            per_slot = lines_done / slots_done if slots_done >= 500 else 2.3
            self.rate = max(0, self.lines - lines_done) / per_slot / self.remaining[hour]
        expected = self.rate * cum[-1] + self.carry
        n = int(expected)
        self.carry = expected - n
        return n
