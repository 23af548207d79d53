"""Cached timestamp parsing for log lines: many lines share one second, so each text is parsed once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Final

MONTHS: Final = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
MONTH_NAMES: Final = tuple(MONTHS)
WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_CACHE_LIMIT = 65536
_OFFSETS: dict[str, tzinfo] = {}


class TimeCache:
    """Parses timestamps of one shape and remembers the last few tens of thousands of results."""

    __slots__ = ("_cache", "_minutes", "tz")

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._cache: dict[str, datetime] = {}
        self._minutes: dict[str, datetime] = {}

    def _remember(self, text: str, value: datetime) -> datetime:
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[text] = value
        return value

    def clf(self, text: str) -> datetime | None:
        """``11/Apr/2015:10:15:01 +0900`` (Apache %t without brackets); None if it is not one."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        # a new second of a known minute (the usual miss in a busy log) costs one replace()
        minute_key = text[:17] + text[20:]
        base = self._minutes.get(minute_key)
        if base is not None and text[17] == ":" and text[18:20].isdecimal():
            second = int(text[18:20])
            if second < 60:
                return self._remember(text, base.replace(second=second))
        try:
            month = MONTHS[text[3:6]]
            value = datetime(int(text[7:11]), month, int(text[0:2]), int(text[12:14]), int(text[15:17]),
                             int(text[18:20]), tzinfo=offset(text[21:]) if len(text) > 20 else self.tz)
        except (KeyError, ValueError):
            return None
        if text[2] != "/" or text[6] != "/" or text[11] != ":":
            return None
        if len(self._minutes) >= _CACHE_LIMIT:
            self._minutes.clear()
        self._minutes[minute_key] = value
        return self._remember(text, value)

    def ctime(self, text: str) -> datetime | None:
        """``Sat Apr 11 10:15:01 2015`` (also with a space-padded day), in the log's zone."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        parts = text.split()
        if len(parts) != 5 or parts[0] not in WEEKDAYS:
            return None
        hms = parts[3].split(":")
        try:
            value = datetime(int(parts[4]), MONTHS[parts[1]], int(parts[2]), int(hms[0]), int(hms[1]),
                             int(hms[2]), tzinfo=self.tz)
        except (KeyError, ValueError, IndexError):
            return None
        if len(hms) != 3:
            return None
        return self._remember(text, value)

    def syslog(self, text: str, year: int) -> datetime | None:
        """``Apr 11 10:15:01`` (classic syslog, no year) in the log's zone, in *year*."""
        key = f"{year} {text}"
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        parts = text.split()
        try:
            hms = parts[2].split(":")
            value = datetime(year, MONTHS[parts[0]], int(parts[1]), int(hms[0]), int(hms[1]), int(hms[2]),
                             tzinfo=self.tz)
        except (KeyError, ValueError, IndexError):
            return None
        return self._remember(key, value)

    def iso(self, text: str) -> datetime | None:
        """ISO 8601 with or without zone (``2015-04-11T10:15:01+09:00``, ``2015-04-11 10:15:01``)."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        return self._remember(text, value)

    def utc_iso(self, text: str) -> datetime | None:
        """ISO 8601 without zone that is known to be UTC (Pure-FTPd's w3c log)."""
        value = self.iso(text + "+00:00") if "+" not in text and not text.endswith("Z") else self.iso(text)
        return value


def offset(text: str) -> tzinfo:
    """``+0900`` / ``-0530`` / ``Z`` as a fixed tzinfo (cached)."""
    hit = _OFFSETS.get(text)
    if hit is not None:
        return hit
    if text in ("Z", "UTC", "GMT", "+0000", "-0000"):
        zone: tzinfo = UTC
    else:
        digits = text[1:].replace(":", "")
        if text[:1] not in "+-" or len(digits) != 4 or not digits.isdigit():
            raise ValueError(f"not a UTC offset: {text!r}")
        minutes = int(digits[:2]) * 60 + int(digits[2:])
        if minutes >= 24 * 60:
            raise ValueError(f"not a UTC offset: {text!r}")
        zone = timezone(timedelta(minutes=-minutes if text[0] == "-" else minutes))
    _OFFSETS[text] = zone
    return zone


def epoch(text: str) -> datetime | None:
    """Unix seconds as an aware UTC datetime; None if not a plausible number."""
    try:
        seconds = float(text)
        if not 0 <= seconds < 1e11:
            return None
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def format_clf(value: datetime) -> str:
    """Inverse of :meth:`TimeCache.clf` (for the synthetic line generators)."""
    off = value.utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return (f"{value.day:02d}/{MONTH_NAMES[value.month - 1]}/{value.year:04d}:"
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} {sign}{minutes // 60:02d}{minutes % 60:02d}")


def format_ctime(value: datetime, *, pad: str = " ") -> str:
    """``Sat Apr 11 10:15:01 2015``; *pad* " " is vsftpd's ``%e``, "0" is Pure-FTPd's ``%02d``."""
    day = f"{value.day:2d}" if pad == " " else f"{value.day:02d}"
    return (f"{WEEKDAYS[value.weekday()]} {MONTH_NAMES[value.month - 1]} {day} "
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} {value.year:04d}")
