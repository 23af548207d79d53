"""Safety limits for reading evidence, and the budget one archive tree spends while expanding."""

from __future__ import annotations

from dataclasses import dataclass, field

from mamori.errors import ArchiveLimit
from mamori.i18n import said

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


@dataclass(frozen=True)
class Limits:
    """How much the evidence stage may read, keep in memory and expand; one value per scan."""

    max_file_bytes: int = 4 * GIB
    """Files larger than this are not inspected: status ``too_large`` (their sha256 is still computed)."""

    in_memory_bytes: int = 64 * MIB
    """Files up to this size are kept in ``Item.data`` (read in the pass that hashes them);
    bigger ones are reopened from ``Item.fs_path`` when needed."""

    max_member_bytes: int = 256 * MIB
    """One archive member may expand to at most this many bytes; beyond it the member is ``too_large``.
    A member is held in memory whole while it is read, so this bounds a worker's memory (a member
    at 1 GiB, under the ratio limit, took a worker past 3 GiB)."""

    max_total_bytes: int = 8 * GIB
    """All members of one top-level archive tree (nested archives included) may expand to at most this."""

    max_ratio: float = 200.0
    """Largest allowed expanded/compressed ratio of one member (zip bombs have ratios near 1000)."""

    ratio_grace_bytes: int = 8 * MIB
    """The ratio is enforced only once a member has expanded past this, so small, very
    compressible files (a CSV of blanks) are still read."""

    max_depth: int = 6
    """How deeply archives may nest (``a.zip!b.zip!c.zip`` has depth 2 at ``c.zip``'s members)."""

    max_members: int = 200_000
    """Most members one top-level archive tree may yield, nested archives included."""

    max_image_files: int = 10_000_000
    """Most files listed from one disk image (deleted ones included); a damaged image can claim more."""

    worker_memory_bytes: int = 8 * GIB
    """The data-segment limit (``RLIMIT_DATA``) of a process that inspects items: a reader that would need
    more fails there, and the item ends as ``error``, instead of taking the machine's memory. 0: no limit.
    It counts memory reserved as well as used: under Polars' allocator about 1.7 times the resident size, so
    a worker reading a 2,000,000-row sheet (1.9 GiB resident) needs about 3.2 GiB of it."""

    def new_budget(self) -> ExpansionBudget:
        """A fresh budget for one top-level item under these limits."""
        return ExpansionBudget(self)


@dataclass
class ExpansionBudget:
    """What one top-level item's archive tree has expanded so far; shared by its nested archives.

    Mutable on purpose: every ``expand`` call in the tree charges the same budget, so a bomb
    made of many small nested archives is stopped as surely as one big member.
    """

    limits: Limits = field(default_factory=Limits)
    bytes_used: int = 0
    members: int = 0

    def add_member(self, path: str) -> None:
        """Count one more member; ArchiveLimit when the tree holds too many."""
        self.members += 1
        if self.members > self.limits.max_members:
            raise ArchiveLimit(
                said("reason.evidence.more_than_archive_members",
                     path=str(path), max_members=str(self.limits.max_members))
            )

    def add_bytes(self, n: int, path: str) -> None:
        """Count *n* more expanded bytes; ArchiveLimit when the tree expands past its total limit."""
        self.bytes_used += n
        if self.bytes_used > self.limits.max_total_bytes:
            raise ArchiveLimit(
                said("reason.evidence.archive_tree_expands_past",
                     path=str(path), max_total_bytes=str(self.limits.max_total_bytes))
            )

    @property
    def bytes_left(self) -> int:
        return max(0, self.limits.max_total_bytes - self.bytes_used)
