"""The standard xferlog of wu-ftpd, vsftpd (``xferlog_std_format=YES``), ProFTPD and Pure-FTPd.

::

    Sat Apr 11 10:15:01 2015 1 203.0.113.5 68123 /home/user/public_html/a_b.csv b _ i r user ftp 0 * c

Fields: current-time, transfer-time, remote-host, file-size, filename, transfer-type, special-action,
direction (o = download, i = upload, d = delete: ProFTPD), access-mode, username, service-name,
authentication-method, authenticated-user-id, completion-status (c / i = incomplete). Writers replace
spaces in names with ``_`` (vsftpd also writes bytes ≥ 0x80 as ``?``), so names with ``?`` anywhere or
``_`` in the last component are marked masked.
The name is taken as everything between the fourth field and the last nine, so names that kept their
spaces are read whole too.
"""

from __future__ import annotations

from mamori.logs.base import BaseFormat, ParseContext, bad
from mamori.logs.events import MASK_BOTH, MASK_HIGH_BYTES, MASK_NONE, MASK_SPACES, FileEvent
from mamori.logs.text import decode_name

_DIRECTIONS = {"o": "download", "i": "upload", "d": "delete"}


class XferlogFormat(BaseFormat):
    """Standard xferlog lines (one per transfer or deletion)."""

    name = "xferlog"
    kind = "server"

    def parse_line(self, line: str, ctx: ParseContext) -> FileEvent | None:
        head = line.split(None, 8)
        if len(head) != 9:
            raise bad("not an xferlog line: too few fields")
        when = ctx.times.ctime(" ".join(head[:5]))
        if when is None:
            raise bad("not an xferlog line: no 'Sat Apr 11 10:15:01 2015' timestamp")
        if not head[5].isdecimal() or not head[7].isdecimal():
            raise bad("not an xferlog line: transfer time and size must be numbers")
        tail = head[8].rsplit(None, 9)
        if len(tail) == 10 and tail[-1] in ("c", "i"):
            name, kind, _special, direction, _mode, user, _service, _auth, _uid, status = tail
        elif len(tail) >= 9 and tail[-1] not in ("c", "i"):  # old wu-ftpd without completion-status
            tail = head[8].rsplit(None, 8)
            name, kind, _special, direction, _mode, user, _service, _auth, _uid = tail
            status = "c"
        else:
            raise bad("not an xferlog line: too few fields after the file name")
        action = _DIRECTIONS.get(direction)
        if action is None or kind not in ("a", "b"):
            raise bad(f"not an xferlog line: direction {direction!r} / transfer type {kind!r}")
        path, raw = decode_name(name)
        # only an "_" in the last component flags the name: "public_html" in every path would flag them all
        spaces, high = "_" in name.rpartition("/")[2], "?" in name
        mask = MASK_BOTH if spaces and high else MASK_SPACES if spaces else MASK_HIGH_BYTES if high else MASK_NONE
        return FileEvent(when, action, path, None, int(head[7]), head[6], user, status == "c", mask, raw,
                         ctx.source, ctx.line)
