"""The one exception tree of mamori.

Every error that reaches a user says what happened and what to do about it::

    MamoriError
     ├─ ConfigError              bad case file / option
     ├─ ExtractionError          one item could not be read
     │   ├─ UnsupportedFormat    no extractor reads this kind of file
     │   ├─ Encrypted            password-protected archive, Office file or PDF
     │   ├─ DecodingError        text whose encoding could not be decided
     │   ├─ CorruptFile          truncated or damaged file
     │   ├─ NeedsOCR             only images of text (scanned PDF)
     │   ├─ TooLarge             a file or a part of it is over a size limit (a 500-gigacell sheet)
     │   │   └─ ArchiveLimit     expansion limits hit (zip bomb, too deep, too many members, too big)
     │   └─ ReaderCrashed        the process reading an item died (a native reader's fault, its memory limit)
     ├─ LogFormatError           a log file is not in the format it was said to be
     ├─ CaseError                an investigation case is inconsistent
     ├─ WorkflowError
     │   ├─ PermissionDenied
     │   └─ InvalidTransition
     └─ AuditError
         └─ AuditIntegrityError

A batch (a scan, a log import) records per-item errors as problems and goes on;
a single-item call raises.
"""

from __future__ import annotations


class MamoriError(Exception):
    """Root of every error mamori raises on purpose."""


class ConfigError(MamoriError):
    """A configuration, case file or command-line option is wrong."""


class ExtractionError(MamoriError):
    """An item could not be turned into a Document."""


class UnsupportedFormat(ExtractionError):
    """No extractor reads this kind of file."""


class Encrypted(ExtractionError):
    """The item is password-protected; it was not inspected."""


class DecodingError(ExtractionError):
    """Text whose character encoding could not be decided."""


class CorruptFile(ExtractionError):
    """The file is truncated or damaged."""


class NeedsOCR(ExtractionError):
    """The item holds only images of text."""


class TooLarge(ExtractionError):
    """The item, or a part of it, is larger than mamori is set to read."""


class ArchiveLimit(TooLarge):
    """Expanding an archive would exceed a safety limit (size, ratio, depth, count)."""


class ReaderCrashed(ExtractionError):
    """The process reading an item died under it (a segfault or abort in a native reader, its memory limit)."""


class LogFormatError(MamoriError):
    """A log file is not in the format it was said to be."""


class CaseError(MamoriError):
    """An investigation case is inconsistent."""


class WorkflowError(MamoriError):
    """An export-control workflow step is not allowed."""


class PermissionDenied(WorkflowError):
    """The user may not perform this action."""


class InvalidTransition(WorkflowError):
    """The object is not in a state that allows this step."""


class AuditError(MamoriError):
    """The audit log could not be written or read."""


class AuditIntegrityError(AuditError):
    """The audit log has been altered: an entry, proof or checkpoint does not verify."""
