"""Server file versions ↔ recovered evidence files, and the real names of masked server files.

A version matches the evidence files whose name fits the logged name (exactly, or the ``?``/``_``
mask in UTF-8 or CP932) and whose size is the uploaded size; copies of one content (same sha256)
are all listed. Several different contents are told apart by time (the file must have existed at
the upload); if that leaves one, the match is exact, else ambiguous. The reason is always given.
"""

from __future__ import annotations

import posixpath
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from mamori.investigate.evidence_index import EvidenceFile
from mamori.investigate.history import Version, fits_mask
from mamori.logs.names import masked_lengths
from mamori.logs.text import to_bytes

#: Evidence modified later than this after the upload cannot be what was uploaded (clock skew allowed).
MTIME_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Match:
    """How one version matched: the evidence copies, their content, exact|ambiguous|none and why."""

    version_id: int
    match: str
    reason: str
    evidence: tuple[str, ...] = ()
    sha256: str | None = None
    candidates: tuple[str, ...] = ()  # for an ambiguous match: the different files that fit
    real_name: str | None = None


class EvidenceIndex:
    """Evidence files by size, by exact name and by the byte lengths a masked name could have."""

    def __init__(self, files: Iterable[EvidenceFile]) -> None:
        self.by_size: dict[int, list[EvidenceFile]] = defaultdict(list)
        self.by_name: dict[str, list[EvidenceFile]] = defaultdict(list)
        self.by_length: dict[int, list[EvidenceFile]] = defaultdict(list)
        for f in files:
            self.by_size[f.size].append(f)
            self.by_name[f.name].append(f)
            for length in masked_lengths(f.name):
                self.by_length[length].append(f)

    def named(self, logged_name: str, mask: str) -> list[EvidenceFile]:
        """Files whose name fits *logged_name* (exact, or through the mask)."""
        if not mask:
            return list(self.by_name.get(logged_name, ()))
        seen: dict[tuple[str, str], EvidenceFile] = {}
        for f in self.by_length.get(len(to_bytes(logged_name)), ()):
            if fits_mask(logged_name, f.name, mask):
                seen[(f.evidence, f.rel_path)] = f
        return list(seen.values())


def match_version(version: Version, index: EvidenceIndex, hash_of: Callable[[EvidenceFile], EvidenceFile]) -> Match:
    """Match one version against the evidence (hashing candidates through *hash_of*)."""
    logged_name = posixpath.basename(version.path)
    mask = version.mask if _still_masked(version) else ""
    named = index.named(logged_name, mask)
    if not named:
        how = f"no recovered file is named like {logged_name!r}" + (" (masked name)" if mask else "")
        return Match(version.id, "none", how)
    if version.size is not None:
        fitting = [f for f in named if f.size == version.size]
        if not fitting:
            return Match(version.id, "none", f"{len(named)} recovered file(s) have the name but none has the "
                                             f"uploaded size of {version.size} bytes")
        basis = "name and size"
    else:
        fitting, basis = named, "name only (the log gives no size)"
    hashed = [hash_of(f) for f in fitting]
    groups = _by_content(hashed)
    if len(groups) > 1 and version.uploaded_at is not None:
        limit = version.uploaded_at.timestamp() + MTIME_SLACK.total_seconds()
        timely = [f for f in hashed if f.mtime is None or f.mtime <= limit]
        if timely and len(_by_content(timely)) < len(groups):
            groups, basis = _by_content(timely), basis + " and time"
    if len(groups) == 1:
        (sha, copies), = groups.items()
        real = _common_name(copies) if mask else None
        recovered = " (recovered from deleted files on a disk image)" if all(f.deleted for f in copies) else ""
        return Match(version.id, "exact", f"matched by {basis}{recovered}", tuple(sorted(f.label for f in copies)),
                     sha, (), real)
    labels = tuple(sorted(f.label for f in hashed))
    return Match(version.id, "ambiguous", f"{len(groups)} different recovered files fit by {basis}",
                 candidates=labels)


def _still_masked(version: Version) -> bool:
    return bool(version.mask) and ("?" in version.path or "_" in version.path)


def _by_content(files: Sequence[EvidenceFile]) -> dict[str, list[EvidenceFile]]:
    groups: dict[str, list[EvidenceFile]] = defaultdict(list)
    for f in files:
        # an unreadable file has no hash: it stands alone
        groups[f.sha256 or f"unhashed:{f.label}"].append(f)
    return dict(groups)


def _common_name(files: Sequence[EvidenceFile]) -> str:
    counts = Counter(f.name for f in files)
    return min(counts, key=lambda n: (-counts[n], n))


def recover_real_paths(versions: Sequence[Version], matches: dict[int, Match],
                       served_paths: Iterable[str]) -> dict[int, str]:
    """Real server paths of masked versions: from access-log URLs (full paths), else from the evidence name."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for path in set(served_paths):
        for length in masked_lengths(path):
            by_length[length].append(path)
    out: dict[int, str] = {}
    for v in versions:
        if not _still_masked(v):
            continue
        m = matches.get(v.id)
        real_name = m.real_name if m else None
        fits = sorted({p for p in by_length.get(len(to_bytes(v.path)), ()) if fits_mask(v.path, p, v.mask)})
        if len(fits) > 1 and real_name:
            fits = [p for p in fits if posixpath.basename(p) == real_name]
        if len(fits) == 1:
            out[v.id] = fits[0]
        elif real_name:
            out[v.id] = posixpath.join(posixpath.dirname(v.path), real_name)
    return out
