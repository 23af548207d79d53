"""The log-format registry: built-ins listed once here, third parties via the ``mamori.log_formats`` group."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from mamori.errors import ConfigError, LogFormatError
from mamori.logs.base import LogFormat
from mamori.logs.reader import read_line_chunks
from mamori.registry import Registry, from_specs

#: "module:Class" of every built-in format, most specific first (``detect_format`` tries them in order).
BUILTIN_LOG_FORMATS: tuple[str, ...] = (
    "mamori.logs.vsftpd:VsftpdFormat",
    "mamori.logs.xferlog:XferlogFormat",
    "mamori.logs.pureftpd:PureftpdFormat",
    "mamori.logs.proftpd:ProftpdFormat",
    "mamori.logs.combined:CombinedFormat",
    "mamori.logs.combined:CommonFormat",
    "mamori.logs.template:ApacheTemplateFormat",
    "mamori.logs.template:NginxTemplateFormat",
    "mamori.logs.csvmap:CsvMapFormat",
)
SAMPLE_LINES = 200


@lru_cache(maxsize=1)
def log_formats() -> Registry[type[LogFormat]]:
    """All log-format classes, built-in and plugged in (entry point group ``mamori.log_formats``)."""
    return from_specs("log format", BUILTIN_LOG_FORMATS, "mamori.log_formats", make=lambda cls: cls)


def make_format(name: str, **options: Any) -> LogFormat:
    """An instance of the format called *name* (options go to its constructor, e.g. a CSV mapping)."""
    cls = log_formats().get(name)
    try:
        return cls(**options)
    except TypeError as exc:
        raise ConfigError(f"log format '{name}' does not take these options: {exc}") from exc


def guess_format(sample_lines: Sequence[str], *, exclude: str = "") -> str | None:
    """The name of the first sniffable format whose ``matches`` accepts *sample_lines*, or None."""
    for cls in log_formats():
        if cls.name == exclude or not getattr(cls, "sniffable", True):
            continue
        try:
            fmt = cls()
        except TypeError:
            continue
        if fmt.matches(sample_lines):
            return cls.name
    return None


def detect_format(path: str | Path) -> str:
    """Sniff the first lines of *path* (compressed or not) and name its format; LogFormatError if none fits."""
    path = Path(path)
    sample: list[str] = []
    for lines, _ in read_line_chunks(path):
        sample.extend(lines[: SAMPLE_LINES - len(sample)])
        if len(sample) >= SAMPLE_LINES:
            break
    if not any(line.strip() for line in sample):
        raise LogFormatError(f"{path.name} is empty; no log format to detect")
    name = guess_format(sample)
    if name is None:
        known = ", ".join(log_formats().names())
        raise LogFormatError(f"cannot tell the log format of {path.name}; give it with --format ({known})")
    return name
