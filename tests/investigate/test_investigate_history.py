"""Server file history: uploads, overwrites, renames, deletions, files older than the log, masked names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mamori.investigate.history import ServerEvent, build_history

T0 = datetime(2015, 4, 1, tzinfo=UTC)


def ev(minute: int, action: str, path: str = "", new: str | None = None, size: int | None = None,
       mask: str = "", ip: str = "198.51.100.7") -> ServerEvent:
    return ServerEvent(T0 + timedelta(minutes=minute), action, path, new, size, ip, True, mask, (1, minute))


def test_upload_overwrite_rename_delete() -> None:
    h = build_history([
        ev(0, "login"), ev(1, "upload", "/w/a.csv", size=10), ev(2, "upload", "/w/a.csv", size=20),
        ev(3, "rename", "/w/a.csv", "/w/b.csv"), ev(4, "delete", "/w/b.csv"), ev(5, "delete", "/w/old.csv"),
    ])
    assert h.login_ips == ("198.51.100.7",)
    first, second, old = h.versions
    assert (first.size, first.ended_by, first.ended_at) == (10, "overwrite", T0 + timedelta(minutes=2))
    assert second.path == "/w/b.csv" and second.ended_by == "delete"
    assert [s.path for s in second.segments] == ["/w/a.csv", "/w/b.csv"]
    assert second.renames[0][:2] == ("/w/a.csv", "/w/b.csv")
    assert old.uploaded_at is None and old.ended_by == "delete"  # put there before the log begins


def test_directory_rename_moves_files() -> None:
    h = build_history([ev(1, "upload", "/w/d/x.csv", size=1), ev(2, "rename", "/w/d", "/w/e")])
    assert h.versions[0].path == "/w/e/x.csv"


def test_failed_operations_are_ignored() -> None:
    bad = ServerEvent(T0, "upload", "/w/a.csv", None, 5, "1.2.3.4", False, "", (1, 1))
    assert build_history([bad]).versions == ()


def test_masked_collision_needs_real_names() -> None:
    """Two Japanese names of one length look the same to vsftpd: real names keep them apart."""
    events = [ev(1, "upload", "/w/????.csv", size=10, mask="high_bytes"),
              ev(2, "upload", "/w/????.csv", size=20, mask="high_bytes"),
              ev(9, "delete", "/w/????.csv", mask="high_bytes"), ev(10, "delete", "/w/????.csv", mask="high_bytes")]
    naive = build_history(events)
    assert [v.ended_by for v in naive.versions] == ["overwrite", "delete", "delete"]
    real = build_history(events, {(1, 1): "/w/名簿.csv", (1, 2): "/w/台帳.csv"})
    assert [(v.path, v.ended_by, v.ended_at) for v in real.versions] == [
        ("/w/名簿.csv", "delete", T0 + timedelta(minutes=9)), ("/w/台帳.csv", "delete", T0 + timedelta(minutes=10))]
