"""The agent home: config, the endpoint's own key, pinned server keys, the ledger and the queue.

The home is 0700 and every file in it 0600: it holds the endpoint's bearer token and private key, so
only the agent's account (root on a deployed PC) may read it. Files are replaced atomically (write a
temporary file, fsync, rename), so a crash leaves either the old or the new config, never half of one.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mamori.agent.refusal import AgentError, ExportRefused
from mamori.audit.checkpoint import Signer, Verifier, generate_signer, load_signer, parse_verifier, save_signer
from mamori.errors import AuditError
from mamori.guard.api.signing import fingerprint

__all__ = ["AgentConfig", "AgentHome", "default_home", "fingerprint", "fsync_dir", "write_private"]

HOME_ENV = "MAMORI_AGENT_HOME"
CONFIG = "config.json"
KEY = "agent.key"


def default_home() -> Path:
    """$MAMORI_AGENT_HOME, else /var/lib/mamori-agent for root, else ~/.local/share/mamori-agent."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV])
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/mamori-agent")
    return Path.home() / ".local" / "share" / "mamori-agent"


@dataclass(frozen=True)
class AgentConfig:
    """What enrolment pinned: where the server is, who we are to it, and the keys we trust."""

    server: str
    endpoint: str
    token: str
    grant_key: str
    audit_key: str
    enrolled_at: str
    # Where the medium probe reads the kernel's view; only tests point these elsewhere.
    sysfs_root: str = "/sys"
    mountinfo: str = "/proc/self/mountinfo"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def grant_fingerprint(self) -> str:
        """Fingerprint of the pinned grant-signing key."""
        return fingerprint(self.grant_key)

    def grant_verifier(self) -> Verifier:
        """The pinned grant-signing key."""
        return parse_verifier(self.grant_key)


def write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` atomically with `data` (mode 0600 unless told), durable when this returns."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)  # the umask may have narrowed the mode os.open was given
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in `path` durable."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AgentHome:
    """One agent home folder."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def create(self) -> None:
        """Make the folder (0700) and its subfolders; tighten it if it exists."""
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path.chmod(0o700)
        for sub in ("ledger", "receipts", "queue"):
            (self.path / sub).mkdir(exist_ok=True, mode=0o700)

    def check_private(self) -> None:
        """Refuse a home other accounts can read or write (a token and a private key live here)."""
        info = self.path.stat()
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            raise AgentError(f"{self.path} is readable by others (mode {mode:o}); run chmod 700 {self.path}")
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            # Run as root for a user (sudo), a home the user owns would let them choose what root writes.
            raise AgentError(f"{self.path} belongs to another account (uid {info.st_uid}); use the agent's own home")

    @property
    def enrolled(self) -> bool:
        """True once a config was written."""
        return (self.path / CONFIG).is_file()

    def signer(self) -> Signer:
        """The endpoint's own Ed25519 key (made on first use), which signs every report."""
        path = self.path / KEY
        if not path.exists():
            self.create()
            save_signer(generate_signer("mamori-endpoint"), path)
        try:
            return load_signer(path)
        except AuditError as exc:
            raise AgentError(f"the agent key {path} is damaged: {exc}; enrol again") from exc

    def save(self, config: AgentConfig) -> None:
        """Write the config atomically (0600)."""
        self.create()
        write_private(self.path / CONFIG, json.dumps(asdict(config), ensure_ascii=False, indent=1).encode())

    def config(self) -> AgentConfig:
        """The enrolled config; ExportRefused('not_enrolled') without one."""
        path = self.path / CONFIG
        if not path.is_file():
            raise ExportRefused("not_enrolled", str(self.path))
        self.check_private()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            config = AgentConfig(**data)
            config.grant_verifier()
        except (OSError, ValueError, TypeError, AuditError) as exc:
            raise AgentError(f"{path} is damaged ({exc}); enrol again") from exc
        return config

    def receipt_path(self, grant_id: str) -> Path:
        """Where the server's receipt for `grant_id` is kept on this PC."""
        return self.path / "receipts" / f"{grant_id}.json"
