"""What ``--cluster`` accepts, checked before a scan starts (without importing Dask)."""

from __future__ import annotations

from mamori.errors import ConfigError

LOCAL_PREFIX = "local:"
SCHEMES = ("tcp://", "tls://", "ucx://", "ws://", "wss://", "inproc://")


def check_address(address: str) -> str:
    """*address* if it names a scheduler (``tcp://host:8786``, ``tls://…``) or a local cluster (``local:N``)."""
    if address.startswith(LOCAL_PREFIX):
        count = address[len(LOCAL_PREFIX):]
        if not count.isdigit() or not 1 <= int(count) <= 256:
            raise ConfigError(f"--cluster {address}: give local:N with N the number of worker processes (1-256)")
        return address
    if address.startswith(SCHEMES):
        return address
    raise ConfigError(f"--cluster {address}: give the scheduler's address (tcp://host:8786, tls://host:8786) "
                      "or local:N for N worker processes on this machine")
