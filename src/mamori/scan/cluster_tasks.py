"""What a Dask worker runs for ``mamori find --cluster``: the run's key, handed over in memory, and the tasks.

The key that makes identity hashes comparable is never an argument of a task: task arguments live in
the scheduler's graph and Dask logs them when a task fails. It reaches the workers once, inside a
worker plugin (``RunKeyPlugin``) that the scheduler keeps in memory and installs on every worker,
including one that joins or is restarted later; a task names the run by a random token only. What a
task returns is ``ItemResult``s and ``PartResult``s: keyed hashes and masked samples, no raw values.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

import mamori
from mamori.errors import ConfigError
from mamori.evidence.files import FileRef
from mamori.evidence.limits import Limits
from mamori.evidence.remote import fetched, url_of
from mamori.extract.ocr import OcrOptions
from mamori.models import ItemResult, Status
from mamori.scan.parts import PartResult, key_part
from mamori.scan.split import SplitPlan

#: The run keys this process was given, by run token (memory only; removed when the run ends).
_KEYS: dict[str, bytes] = {}
_CHECK = b"mamori-run-key-check"


class RunKeyPlugin(WorkerPlugin):
    """Gives each worker the run's key (in memory) and takes it back at the end of the run."""

    def __init__(self, token: str, secret: bytes) -> None:
        self.token = token
        self.name = plugin_name(token)
        self._secret = secret

    def __repr__(self) -> str:  # never the key, whatever logs the plugin
        return f"RunKeyPlugin({self.token})"

    def setup(self, worker: Any) -> None:
        _KEYS[self.token] = self._secret

    def teardown(self, worker: Any) -> None:
        _KEYS.pop(self.token, None)


def plugin_name(token: str) -> str:
    return f"mamori-run-key-{token}"


def key_check(secret: bytes) -> str:
    """A value that tells whether two keys are the same without telling the key (kept in the resume state)."""
    return hmac.new(secret, _CHECK, hashlib.sha256).hexdigest()


def key_for(token: str) -> bytes:
    try:
        return _KEYS[token]
    except KeyError:
        raise ConfigError(f"this worker has not been given the key of run {token}; the run was stopped or "
                          "the worker joined another scheduler: start the scan again") from None


def held_key(token: str) -> bytes | None:
    """The key of run *token* if this worker holds it (how a resumed driver gets its run's key back)."""
    return _KEYS.get(token)


def version() -> str:
    """This process's mamori: its version and a digest of its code (a changed checkout differs)."""
    return f"{mamori.__version__}+{code_digest()}"


_DIGEST: list[str] = []


def code_digest() -> str:
    if not _DIGEST:
        digest = hashlib.sha256()
        root = Path(mamori.__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
        _DIGEST.append(digest.hexdigest()[:12])
    return _DIGEST[0]


def _crashed(ref: FileRef, why: str) -> ItemResult:
    return ItemResult(path=ref.display_path, status=Status.ERROR, size=0, sha256="", pii=None, reason=why)


def inspect_one(ref: FileRef, limits: Limits, secret: bytes, ocr: OcrOptions | None) -> list[ItemResult]:
    """``runner.inspect_file`` of *ref*, fetched first when it is an fsspec URL; an error becomes its result."""
    from mamori.scan.runner import inspect_file  # the runner starts the cluster: imported when first used

    guarded: Callable[[FileRef], list[ItemResult]] = partial(_guarded, inspect_file, limits, secret, ocr)
    if ref.skip_reason is None and url_of(ref) is not None:
        try:
            with fetched(ref, limits) as local:
                return guarded(local)
        except OSError as error:
            return [ItemResult(path=ref.display_path, status=Status.UNREADABLE, size=0, sha256="", pii=None,
                               reason=f"could not be fetched ({type(error).__name__}: {error})")]
    return guarded(ref)


def _guarded(inspect: Callable[..., list[ItemResult]], limits: Limits, secret: bytes, ocr: OcrOptions | None,
             ref: FileRef) -> list[ItemResult]:
    try:
        return inspect(ref, limits, secret, ocr)
    except Exception as error:  # noqa: BLE001 - one file never ends a scan
        return [_crashed(ref, f"reading this file failed ({type(error).__name__}: {error})")]


def inspect_batch(token: str, refs: list[tuple[int, FileRef]], limits: Limits,
                  ocr: OcrOptions | None) -> list[tuple[int, list[ItemResult]]]:
    """A task: each file of *refs* (with its walk index) inspected, in order."""
    secret = key_for(token)
    return [(index, inspect_one(ref, limits, secret, ocr)) for index, ref in refs]


def key_part_task(token: str, plan: SplitPlan, index: int) -> PartResult:
    """A task: part *index* of a big delimited file, keyed (returned inline: no hand-off directory is shared)."""
    return key_part(plan, index, key_for(token))
