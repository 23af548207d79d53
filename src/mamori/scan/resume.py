"""``--resume STATE``: the results of a cluster scan's finished files, kept so that a killed driver goes on.

The state is an append-only file (owner-only, ``0600``) of pickled frames: first the run (its token,
a check value of its key, the paths scanned), then one frame per finished top-level file (its walk
index, its shown path and its results: keyed hashes and masked samples, as the workers returned them).
Frames are flushed as they are written; a frame cut short by a killed driver is ignored on reading.
The run's key itself is never in the state: a resumed driver gets it back from the cluster's workers,
which hold it in memory until the run completes (``cluster_tasks.RunKeyPlugin``).
"""

from __future__ import annotations

import os
import pickle
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

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
    done: dict[int, tuple[str, list[ItemResult]]] = field(default_factory=dict)
    _out: IO[bytes] | None = None

    @classmethod
    def open(cls, path: Path) -> ResumeState:
        """The state at *path* (empty if there is none yet); ConfigError if it is not one mamori wrote."""
        state = cls(path)
        if not path.exists():
            return state
        _check_private(path)
        with path.open("rb") as stream:
            while True:
                try:
                    frame = pickle.load(stream)
                except EOFError:
                    break
                except (pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
                    break  # cut short when the driver was killed: what came before stands
                state._take(frame)
        if state.header is None and path.stat().st_size:
            raise ConfigError(f"--resume {path}: not a state mamori wrote; give a new file name")
        return state

    def _take(self, frame: Any) -> None:
        if isinstance(frame, RunHeader):
            if frame.format != FORMAT:
                raise ConfigError(f"--resume {self.path}: written by another mamori ({frame.format}); "
                                  "start again with a new file")
            self.header = frame
        elif isinstance(frame, tuple) and len(frame) == 3 and self.header is not None:
            index, shown, results = frame
            self.done[int(index)] = (str(shown), list(results))

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
        self.done[index] = (shown, results)
        self._write((index, shown, results))

    def get(self, index: int, shown: str) -> list[ItemResult] | None:
        """The recorded results of file *index* if it is the same file (by its shown path)."""
        entry = self.done.get(index)
        return entry[1] if entry is not None and entry[0] == shown else None

    def _write(self, frame: object) -> None:
        assert self._out is not None
        self._out.write(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
        self._out.flush()

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


def _check_private(path: Path) -> None:
    """Read only a state this user owns and nobody else can write (it is unpickled)."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()) or st.st_mode & 0o022:
        raise ConfigError(f"--resume {path}: must be a file of yours that others cannot write; "
                          "check its owner and permissions")
