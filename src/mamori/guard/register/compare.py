"""The register against the scans: files with personal data no entry covers, entries whose files no scan
found, and special-care data in files whose entry says there is none."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from mamori.guard.accounts.models import Department
from mamori.guard.register.models import FileEntry, Form, ScannedFile


@dataclass(frozen=True)
class SpecialCareMismatch:
    file: ScannedFile
    entry: FileEntry


@dataclass(frozen=True)
class Comparison:
    """What the register page lists under the entries."""

    uncovered: tuple[ScannedFile, ...]
    without_files: tuple[FileEntry, ...]
    special_care: tuple[SpecialCareMismatch, ...]
    pii_files: int
    not_inspected: int

    @property
    def mismatches(self) -> int:
        return len(self.uncovered) + len(self.without_files) + len(self.special_care)


def covers(entry: FileEntry, path: str) -> bool:
    """True when one of the entry's location patterns matches the file's path (``*`` crosses folders)."""
    return any(fnmatchcase(path, pattern) for pattern in entry.locations)


def compare(department: Department) -> Comparison:
    """The mismatches of `department` between its live entries and the files its scanners last found."""
    entries = list(FileEntry.objects.filter(department=department, retired=False))
    files = list(ScannedFile.objects.filter(department=department))
    pii = [f for f in files if f.pii]
    uncovered: list[ScannedFile] = []
    special: list[SpecialCareMismatch] = []
    found: set[int] = set()
    for file in pii:
        covering = [e for e in entries if covers(e, file.path)]
        found.update(e.pk for e in covering)
        if not covering:
            uncovered.append(file)
        elif file.special_care and not any(e.special_care for e in covering):
            special.append(SpecialCareMismatch(file, covering[0]))
    # Paper files (マニュアル処理) are not on a share: no scan can find them.
    without = [e for e in entries if e.form == Form.ELECTRONIC and e.pk not in found]
    return Comparison(tuple(uncovered), tuple(without), tuple(special), len(pii),
                      sum(1 for f in files if f.pii is None))
