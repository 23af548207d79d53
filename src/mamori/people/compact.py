"""Identity records of big lists as two flat arrays instead of millions of Python tuples.

A ``KeyBlock`` holds every key of its records end to end (each key's 16 bytes as two big-endian
64-bit words, so comparing words compares bytes) and where each record ends. Five million voters'
records take ≈ 340 MB this way against ≈ 3 GB as tuples of ``bytes``, and they move between
processes as two buffers. A block reads as a sequence of key tuples, so code that walks records
keeps working; ``count_block`` counts its distinct people without making those tuples (see
``people.merge``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from mamori.people.keys import KEY_BYTES

Record = tuple[bytes, ...]
_WORDS = np.dtype(">u8")
_ITER_CHUNK = 65_536


class KeyBlock(Sequence[Record]):
    """Records of 16-byte keys: ``words`` (keys × 2 big-endian u64) and ``ends`` (per record, its end in keys)."""

    __slots__ = ("ends", "words")

    def __init__(self, words: npt.NDArray[Any], ends: npt.NDArray[np.int64]) -> None:
        # Native words (the big-endian values): arithmetic on them needs no byte swap.
        self.words = words.reshape(-1, 2).astype(np.uint64, copy=False)
        self.ends = ends
        if len(ends) and int(ends[-1]) != len(self.words):
            raise ValueError("a key block's record ends do not match its keys")

    @classmethod
    def empty(cls) -> KeyBlock:
        return cls(np.zeros((0, 2), dtype=np.uint64), np.zeros(0, dtype=np.int64))

    @classmethod
    def from_records(cls, records: Sequence[Sequence[bytes]]) -> KeyBlock | None:
        """*records* as a block; None when some key is not ``KEY_BYTES`` long (such records stay tuples)."""
        data = b"".join(chain.from_iterable(records))
        lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
        total = int(lengths.sum())
        if len(data) != KEY_BYTES * total or max(map(len, chain.from_iterable(records)), default=KEY_BYTES) > KEY_BYTES:
            return None
        return cls(np.frombuffer(data, dtype=_WORDS), np.cumsum(lengths))

    @classmethod
    def from_buffers(cls, data: bytes | bytearray | memoryview, ends: bytes | bytearray | memoryview) -> KeyBlock:
        """A block from ``to_buffers``' two byte strings (no copy)."""
        return cls(np.frombuffer(data, dtype=_WORDS), np.frombuffer(ends, dtype=np.int64))

    def to_buffers(self) -> tuple[bytes, bytes]:
        """The keys and the record ends as two byte strings (``from_buffers`` reads them back)."""
        return self.words.astype(_WORDS).tobytes(), self.ends.astype(np.int64, copy=False).tobytes()

    def save(self, stem: str) -> None:
        """Write the block to *stem*``.keys`` and *stem*``.ends`` (native byte order: ``load`` maps them back)."""
        self.words.tofile(stem + ".keys")
        self.ends.astype(np.int64, copy=False).tofile(stem + ".ends")

    @classmethod
    def load(cls, stem: str) -> KeyBlock:
        """The block ``save`` wrote to *stem* (read straight into arrays: no Python object per key)."""
        return cls(np.fromfile(stem + ".keys", dtype=np.uint64), np.fromfile(stem + ".ends", dtype=np.int64))

    @staticmethod
    def gather(sources: Sequence[KeyBlock | str]) -> KeyBlock:
        """The records of *sources* (blocks, or stems ``save`` wrote), one after another, read straight
        into one array: a saved block is never in memory twice."""
        sizes = [len(s.words) if isinstance(s, KeyBlock) else os.path.getsize(s + ".keys") // KEY_BYTES
                 for s in sources]
        words = np.empty((sum(sizes), 2), dtype=np.uint64)
        ends: list[npt.NDArray[np.int64]] = []
        at = 0
        for source, size in zip(sources, sizes, strict=True):
            if isinstance(source, KeyBlock):
                words[at:at + size] = source.words
                part_ends = source.ends
            else:
                with open(source + ".keys", "rb") as stream:
                    if stream.readinto(words[at:at + size].data.cast("B")) != size * KEY_BYTES:
                        raise OSError(f"{source}.keys is shorter than it was")
                part_ends = np.fromfile(source + ".ends", dtype=np.int64)
            ends.append(part_ends + at)
            at += size
        return KeyBlock(words, np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64))

    @staticmethod
    def concat(blocks: Iterable[KeyBlock]) -> KeyBlock:
        """The records of *blocks*, one after another."""
        blocks = [b for b in blocks if len(b)]
        if not blocks:
            return KeyBlock.empty()
        if len(blocks) == 1:
            return blocks[0]
        offsets = np.cumsum([0, *(len(b.words) for b in blocks[:-1])])
        return KeyBlock(np.concatenate([b.words for b in blocks]),
                        np.concatenate([b.ends + int(o) for b, o in zip(blocks, offsets, strict=True)]))

    @property
    def nbytes(self) -> int:
        return int(self.words.nbytes + self.ends.nbytes)

    def lengths(self) -> npt.NDArray[np.int64]:
        """Keys per record."""
        return np.diff(self.ends, prepend=np.int64(0))

    def starts(self) -> npt.NDArray[np.int64]:
        return self.ends - self.lengths()

    def record_ids(self) -> npt.NDArray[np.int64]:
        """For each key, the number of its record."""
        return np.repeat(np.arange(len(self.ends), dtype=np.int64), self.lengths())

    def kinds(self) -> npt.NDArray[np.uint8]:
        """For each key, its kind (its first byte)."""
        return (self.words[:, 0] >> np.uint64(56)).astype(np.uint8)

    def take(self, rids: npt.NDArray[np.integer[Any]] | Sequence[int]) -> KeyBlock:
        """The records numbered *rids*, in that order."""
        rids = np.asarray(rids, dtype=np.int64)
        if not len(rids):
            return KeyBlock.empty()
        lengths = self.lengths()[rids]
        starts = self.starts()[rids]
        ends = np.cumsum(lengths)
        # Each kept key's place in the old keys: its record's start plus its place within the record.
        within = np.arange(int(ends[-1]), dtype=np.int64) - np.repeat(ends - lengths, lengths)
        return KeyBlock(self.words[np.repeat(starts, lengths) + within], ends)

    def drop(self, rids: npt.NDArray[np.integer[Any]] | Sequence[int]) -> KeyBlock:
        """This block without the records numbered *rids*."""
        if not len(rids):
            return self
        keep = np.ones(len(self), dtype=bool)
        keep[np.asarray(rids, dtype=np.int64)] = False
        return self.take(np.flatnonzero(keep))

    def __len__(self) -> int:
        return len(self.ends)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> KeyBlock: ...

    def __getitem__(self, index: int | slice) -> Record | KeyBlock:
        if isinstance(index, slice):
            return self.take(np.arange(len(self))[index])
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("key block index out of range")
        start = int(self.ends[index - 1]) if index else 0
        raw = self.words[start:int(self.ends[index])].astype(_WORDS).tobytes()
        return tuple(raw[i:i + KEY_BYTES] for i in range(0, len(raw), KEY_BYTES))

    def __iter__(self) -> Iterator[Record]:
        for first in range(0, len(self), _ITER_CHUNK):
            ends = self.ends[first:first + _ITER_CHUNK]
            base = int(self.ends[first - 1]) if first else 0
            raw = self.words[base:int(ends[-1])].astype(_WORDS).tobytes()
            keys = [raw[i:i + KEY_BYTES] for i in range(0, len(raw), KEY_BYTES)]
            start = 0
            for end in (ends - base).tolist():
                yield tuple(keys[start:end])
                start = end

    def __reduce__(self) -> tuple[Any, ...]:
        return (KeyBlock.from_buffers, self.to_buffers())

    def __repr__(self) -> str:
        return f"KeyBlock({len(self)} records, {len(self.words)} keys)"
