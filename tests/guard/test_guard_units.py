"""Pure pieces: DATABASE_URL parsing, the policy table, CSV cells safe for spreadsheets."""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.audit import AuditEvent
from mamori.errors import ConfigError
from mamori.guard.auditlog.search import Query, to_csv
from mamori.guard.dburl import parse_database_url
from mamori.guard.exports.policy import Policy, evaluate, load_policy
from mamori.guard.exports.scanning import ScanOutcome


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://u:p%40ss@db.example:5433/mamori?sslmode=require",
     {"ENGINE": "django.db.backends.postgresql", "NAME": "mamori", "USER": "u", "PASSWORD": "p@ss",
      "HOST": "db.example", "PORT": "5433", "OPTIONS": {"sslmode": "require"}}),
    ("postgresql://localhost/x", {"NAME": "x", "HOST": "localhost", "PORT": "", "USER": ""}),
    ("sqlite:////var/lib/mamori/g.sqlite3", {"ENGINE": "django.db.backends.sqlite3", "NAME": "/var/lib/mamori/g.sqlite3"}),
])
def test_database_url(url: str, expected: dict[str, object]) -> None:
    parsed = parse_database_url(url)
    for key, value in expected.items():
        assert parsed[key] == value


@pytest.mark.parametrize("url", ["mysql://a/b", "postgres://host", "postgres://h:notaport/x", "sqlite://rel", ""])
def test_bad_database_url(url: str) -> None:
    with pytest.raises(ConfigError):
        parse_database_url(url)


def outcome(categories: tuple[str, ...] = ("name",), persons: int = 1, special: bool = False,
            unread: int = 0) -> ScanOutcome:
    return ScanOutcome((), categories, persons, special, unread)


@pytest.mark.parametrize(("scan", "reasons"), [
    (outcome(), ()),
    (outcome(persons=100), ()),
    (outcome(persons=101), ("persons_over_limit",)),
    (outcome(("name", "health"), special=True), ("special_care",)),
    (outcome(("name", "my_number")), ("my_number",)),
    (outcome(unread=1), ("not_inspected",)),
    (outcome(("my_number", "disability"), persons=500, special=True, unread=2),
     ("special_care", "persons_over_limit", "my_number", "not_inspected")),
])
def test_policy_defaults(scan: ScanOutcome, reasons: tuple[str, ...]) -> None:
    decision = evaluate(Policy(), scan)
    assert decision.reasons == reasons and decision.needs_admin == bool(reasons) and decision.forbidden == ()


def test_policy_forbidden() -> None:
    assert evaluate(Policy(forbidden_categories=("criminal_record",)),
                    outcome(("name", "criminal_record"))).forbidden == ("criminal_record",)


@pytest.mark.parametrize("text", ['{"nope": 1}', "[]", "{", '{"forbidden_categories": ["bogus"]}',
                                  '{"admin_if_persons_over": 5, "extra": 1}'])
def test_bad_policy_file(tmp_path: Path, text: str) -> None:
    (tmp_path / "guard").mkdir()
    (tmp_path / "guard" / "policy.json").write_text(text)
    with pytest.raises(ConfigError):
        load_policy(tmp_path)


def test_csv_cells_cannot_run_formulas() -> None:
    event = AuditEvent(actor="=HYPERLINK(\"http://x\")", action="login.failed", object_id="+1")
    body = "".join(to_csv([(0, event)]))
    assert "'=HYPERLINK" in body and ",'+1," in body


def test_query_filters() -> None:
    event = AuditEvent(actor="alice", action="export.requested", object_type="export_request", object_id="7",
                       details={"purpose": "研修"}, time="2025-04-01T01:00:00Z")
    assert Query(action="export.", date_from="2025-04-01", date_to="2025-04-01", text="研修").matches(event)
    assert not Query(actor="bob").matches(event)
    assert not Query(date_from="2025-04-02").matches(event)
