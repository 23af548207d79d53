"""Archives → member Items: the format registry and the two calls the scanner makes.

``expand`` yields one archive's members one at a time and never recurses: the scanner calls it
again on a member that is itself an archive, passing the same ExpansionBudget, so the limits
hold for the whole tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from mamori.errors import ArchiveLimit, CorruptFile, MamoriError, UnsupportedFormat
from mamori.evidence.archive_base import ArchiveFormat
from mamori.evidence.limits import ExpansionBudget, Limits
from mamori.i18n import said
from mamori.models import Item
from mamori.registry import Registry, from_specs

#: "module:Class" of every built-in archive format, in sniffing order (tar before the
#: single-file gzip/bzip2/xz format, so a .tar.gz is read as a tar).
BUILTIN_ARCHIVES: tuple[str, ...] = (
    "mamori.evidence.archive_zip:ZipFormat",
    "mamori.evidence.archive_7z:SevenZipFormat",
    "mamori.evidence.archive_lzh:LzhFormat",
    "mamori.evidence.archive_tar:TarFormat",
    "mamori.evidence.archive_single:CompressedFileFormat",
    "mamori.evidence.archive_disk:DiskImageFormat",
)


@lru_cache(maxsize=1)
def archive_formats() -> Registry[ArchiveFormat]:
    """All archive formats, built-in and plugged in (entry point group ``mamori.archives``)."""
    return from_specs("archive format", BUILTIN_ARCHIVES, "mamori.archives")


def find_format(item: Item, head: bytes) -> ArchiveFormat | None:
    """The first format whose sniff claims *item*, or None."""
    for fmt in archive_formats():
        try:
            if fmt.sniff(head, item):
                return fmt
        except Exception:  # noqa: BLE001 - a sniff that trips on odd bytes just does not claim them
            continue
    return None


def is_archive(item: Item, head: bytes) -> bool:
    """True when some archive format claims *item* by its first bytes."""
    return find_format(item, head) is not None


def expand(item: Item, limits: Limits, budget: ExpansionBudget) -> Iterator[Item]:
    """The members of archive *item*, one at a time, paths ``item.path!member``.

    Raises at once (ArchiveLimit) when *item* is nested too deeply or UnsupportedFormat when it
    is no archive; while iterating, whole-archive failures raise Encrypted, CorruptFile or
    ArchiveLimit, and a member that cannot be read comes back with its ``status`` set.
    """
    if item.depth >= limits.max_depth:
        raise ArchiveLimit(
            said("reason.evidence.archives_nested_deep_expanded",
                 path=str(item.path), depth=str(item.depth), max_depth=str(limits.max_depth))
        )
    try:
        head = item.read_head()
    except (OSError, ValueError) as exc:
        raise CorruptFile(said("reason.evidence.cannot_read_archive", path=str(item.path), exc=str(exc))) from exc
    fmt = find_format(item, head)
    if fmt is None:
        raise UnsupportedFormat(said("reason.evidence.archive_format_mamori_reads", path=str(item.path)))
    return _guarded(fmt, item, limits, budget)


def _guarded(fmt: ArchiveFormat, item: Item, limits: Limits, budget: ExpansionBudget) -> Iterator[Item]:
    # Archive libraries fail in many ways on hostile bytes; whatever slips past a format's
    # own handling still reaches the scanner as a MamoriError.
    try:
        yield from fmt.members(item, limits, budget)
    except MamoriError:
        raise
    except (Exception, RecursionError) as exc:
        raise CorruptFile(said("reason.evidence.damaged_archive",
                               path=str(item.path), name=str(fmt.name), error_type=str(type(exc).__name__),
                               exc=str(exc))) from exc
