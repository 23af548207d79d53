"""What an archive format is, and the pieces every format shares: member names, limits, streaming."""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Iterable, Iterator
from typing import IO, ClassVar, Protocol

from mamori.evidence.limits import MIB, ExpansionBudget, Limits
from mamori.models import ARCHIVE_SEPARATOR, Item, Status

CHUNK = 1 * MIB
#: Compressed input is fed in small pieces so the ratio is known early: a bomb is caught
#: after about max_ratio * RAW_CHUNK expanded bytes, not after a whole MiB of input.
RAW_CHUNK = 64 * 1024


class ArchiveFormat(Protocol):
    """One archive family. ``sniff`` decides by magic bytes (it may reopen the item);
    ``members`` yields member Items one at a time and raises only ``MamoriError`` subclasses."""

    name: ClassVar[str]

    def sniff(self, head: bytes, item: Item) -> bool: ...

    def members(self, item: Item, limits: Limits, budget: ExpansionBudget) -> Iterator[Item]: ...


def decode_name(raw: bytes) -> str:
    """A member name from its raw bytes: UTF-8 when it validates, else CP932 (Japanese Windows).

    Backslashes are turned into "/" only after decoding, because CP932 trail bytes can be
    0x5C (``ソ`` is ``83 5C``) and must not be split.
    """
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError:
        name = raw.decode("cp932", errors="replace")
    return name.replace("\\", "/")


def member_path(parent: Item, name: str) -> str:
    return f"{parent.path}{ARCHIVE_SEPARATOR}{name}"


def failed_member(
    parent: Item, name: str, budget: ExpansionBudget, status: Status, reason: str,
    *, size: int = 0, mtime: float | None = None,
) -> Item:
    """A member that could not be read (encrypted, damaged, too large), counted like any member."""
    path = member_path(parent, name)
    budget.add_member(path)
    return Item(path, size, "", mtime=mtime, depth=parent.depth + 1, status=status, reason=reason)


def declared_too_large(size: int, compressed: int | None, limits: Limits) -> str | None:
    """Why a member's declared sizes already put it over the limits, or None."""
    if size > limits.max_member_bytes:
        return f"member declares {size} bytes, over the {limits.max_member_bytes}-byte member limit"
    if compressed is not None and size > limits.ratio_grace_bytes and size > limits.max_ratio * max(compressed, 1):
        return f"member declares {size} bytes from {compressed} compressed (ratio over {limits.max_ratio:g})"
    return None


class MemberCollector:
    """Collects one member's bytes while hashing them and enforcing the member, ratio and tree limits.

    ``feed`` returns False as soon as a member limit is crossed (the caller stops decompressing);
    crossing the tree's total raises ArchiveLimit, since the rest of the tree is refused too.
    """

    def __init__(
        self, parent: Item, name: str, limits: Limits, budget: ExpansionBudget,
        *, compressed: int | None = None, mtime: float | None = None,
    ) -> None:
        self.path = member_path(parent, name)
        self.depth = parent.depth + 1
        self.limits = limits
        self.budget = budget
        self.compressed = compressed
        self.mtime = mtime
        self.size = 0
        self.compressed_seen: int | None = None
        self.over: str | None = None
        self._buffer = io.BytesIO()
        self._digest = hashlib.sha256()
        budget.add_member(self.path)

    def feed(self, chunk: bytes) -> bool:
        """Add expanded bytes; False once this member is over a limit."""
        if self.over is not None:
            return False
        self.budget.add_bytes(len(chunk), self.path)
        self.size += len(chunk)
        limits = self.limits
        # Never trust the declared compressed size alone: the bytes actually read so far count.
        base = self.compressed_seen if self.compressed_seen is not None else self.compressed
        if self.size > limits.max_member_bytes:
            self.over = f"member expands past the {limits.max_member_bytes}-byte member limit"
        elif (
            base is not None
            and self.size > limits.ratio_grace_bytes
            and self.size > limits.max_ratio * max(base, 1)
        ):
            self.over = (
                f"member expands more than {limits.max_ratio:g} times the {base} compressed bytes read "
                "(possible zip bomb)"
            )
        if self.over is not None:
            self._buffer = io.BytesIO()  # drop what was kept: it will not be inspected
            return False
        self._buffer.write(chunk)
        self._digest.update(chunk)
        return True

    def track(self, raw: Iterable[bytes]) -> Iterator[bytes]:
        """Pass compressed chunks through, counting them for the running ratio."""
        self.compressed_seen = 0
        for chunk in raw:
            self.compressed_seen += len(chunk)
            yield chunk

    def item(self) -> Item:
        """The finished member: its bytes, or ``too_large`` when a limit was crossed."""
        if self.over is not None:
            return Item(
                self.path, self.size, "", mtime=self.mtime, depth=self.depth,
                status=Status.TOO_LARGE, reason=f"{self.over}; stopped after {self.size} bytes",
            )
        # getvalue() hands over BytesIO's buffer without a copy when nothing else refers to it.
        return Item(
            self.path, self.size, self._digest.hexdigest(), mtime=self.mtime,
            data=self._buffer.getvalue(), depth=self.depth,
        )

    def failed(self, status: Status, reason: str) -> Item:
        """The member as unreadable/encrypted after collecting started."""
        return Item(self.path, self.size, "", mtime=self.mtime, depth=self.depth, status=status, reason=reason)


class Decompressor(Protocol):
    """The shared shape of ``bz2.BZ2Decompressor``, ``lzma.LZMADecompressor`` and ``ZlibStream``."""

    @property
    def eof(self) -> bool: ...

    @property
    def needs_input(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...


class ZlibStream:
    """zlib's decompressobj behind the bz2/lzma interface, so every stream is drained the same way."""

    def __init__(self, wbits: int) -> None:
        self._d = zlib.decompressobj(wbits)

    @property
    def eof(self) -> bool:
        return self._d.eof

    @property
    def needs_input(self) -> bool:
        return not self._d.unconsumed_tail

    @property
    def unused_data(self) -> bytes:
        return self._d.unused_data

    def decompress(self, data: bytes, max_length: int = -1) -> bytes:
        return self._d.decompress(self._d.unconsumed_tail + data, max(max_length, 0))


def expand_stream(decompressor: Decompressor, raw: Iterable[bytes]) -> Iterator[bytes]:
    """Decompressed chunks of at most CHUNK bytes each, however compressible the input is."""
    for data in raw:
        out = decompressor.decompress(data, CHUNK)
        while out:
            yield out
            if decompressor.eof or decompressor.needs_input:
                break
            out = decompressor.decompress(b"", CHUNK)
        if decompressor.eof:
            return
    # Input is over; output still held back by max_length comes out now.
    while not decompressor.eof:
        out = decompressor.decompress(b"", CHUNK)
        if not out:
            return
        yield out


def read_chunks(stream: IO[bytes], length: int | None = None, size: int = CHUNK) -> Iterator[bytes]:
    """Raw chunks of *size* from *stream* where it is, up to *length* bytes (to the end when None)."""
    left = length
    while left is None or left > 0:
        chunk = stream.read(size if left is None else min(left, size))
        if not chunk:
            return
        if left is not None:
            left -= len(chunk)
        yield chunk
