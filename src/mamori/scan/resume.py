"""``--resume STATE``: the results of a cluster scan's finished files, kept so that a killed driver goes on.

The state is an append-only file (owner-only, ``0600``) of pickled frames: first the run (its token,
a check value of its key, the paths scanned), then one frame per finished top-level file (its walk
index, its shown path and its results: keyed hashes and masked samples, as the workers returned them).
Frames are flushed as they are written; a frame cut short by a killed driver is ignored on reading.
Only the finished files' indices (and a digest of their paths) are held in memory; their results are read
back from the file, one frame at a time, when the run goes on (``replay``).
The run's key itself is never in the state: a resumed driver gets it back from the cluster's workers,
which hold it in memory until the run completes (``cluster_tasks.RunKeyPlugin``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from mamori.errors import ConfigError
from mamori.models import ItemResult

FORMAT = "mamori-find-resume/1"


@dataclass(frozen=True)
class RunHeader:
    """What a state is the state of."""

    token: str
    check: str  # ``cluster_tasks.key_check`` of the run's key
    paths: tuple[str, ...]
    format: str = FORMAT


@dataclass
class ResumeState:
    """The finished files of a run, by walk index (and shown path, to notice a changed tree)."""

    path: Path
    header: RunHeader | None = None
    done: dict[int, int] = field(default_factory=dict)  # walk index → digest of the file's shown path
    _out: IO[bytes] | None = None

    @classmethod
    def open(cls, path: Path) -> ResumeState:
        """The state at *path* (empty if there is none yet); ConfigError if it is not one mamori wrote."""
        state = cls(path)
        if not path.exists():
            return state
        _check_private(path)
        for index, shown, _ in state._frames():
            state.done[index] = _digest(shown)
        if state.header is None and path.stat().st_size:
            raise ConfigError(f"--resume {path}: not a state mamori wrote; give a new file name")
        return state

    def replay(self) -> Iterator[tuple[int, list[ItemResult]]]:
        """(walk index, results) of each file the state holds, read back from the file one at a time."""
        for index, _, results in self._frames():
            yield index, results

    def _frames(self) -> Iterator[tuple[int, str, list[ItemResult]]]:
        seen: set[int] = set()
        with self.path.open("rb") as stream:
            while True:
                try:  # unpickled: only the user's own owner-only file is read (_check_private)
                    frame = pickle.load(stream)
                except EOFError:
                    return
                except (pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError, IndexError):
                    return  # cut short when the driver was killed: what came before stands
                if isinstance(frame, RunHeader):
                    if frame.format != FORMAT:
                        raise ConfigError(f"--resume {self.path}: written by another mamori ({frame.format}); "
                                          "start again with a new file")
                    self.header = frame
                elif isinstance(frame, tuple) and len(frame) == 3 and self.header is not None:
                    index, shown, results = frame
                    if index not in seen:
                        seen.add(index)
                        yield int(index), str(shown), list(results)

    def start(self, header: RunHeader) -> None:
        """Begin writing (a new state gets *header*; an existing one is appended to)."""
        fresh = self.header is None
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._out = os.fdopen(fd, "ab")
        if fresh:
            self.header = header
            self._write(header)

    def finished(self, index: int, shown: str, results: list[ItemResult]) -> None:
        """Record one file's results (flushed: a driver killed after this does not lose them)."""
        self.done[index] = _digest(shown)
        self._write((index, shown, results))

    def holds(self, index: int, shown: str) -> bool:
        """True if file *index* is finished; ConfigError if the state's file *index* is another file."""
        digest = self.done.get(index)
        if digest is None:
            return False
        if digest != _digest(shown):
            raise ConfigError(f"--resume {self.path}: the folders changed since the stopped run ({shown} is not the "
                              "file it had at that place); delete the state file and start the scan again")
        return True

    def _write(self, frame: object) -> None:
        assert self._out is not None
        self._out.write(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
        self._out.flush()

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


def _digest(shown: str) -> int:
    return int.from_bytes(hashlib.blake2b(shown.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def _check_private(path: Path) -> None:
    """Read only a state this user owns and nobody else can write (it is unpickled)."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()) or st.st_mode & 0o022:
        raise ConfigError(f"--resume {path}: must be a file of yours that others cannot write; "
                          "check its owner and permissions")
