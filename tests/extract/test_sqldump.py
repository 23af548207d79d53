"""SqlDumpExtractor: mysqldump and pg_dump text of synthetic residents read as tables with their headers."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.evidence.limits import Limits
from mamori.extract.registry import choose
from mamori.extract.sqldump import SqlDumpExtractor, value_rows
from mamori.models import Item
from mamori.people.keys import KeyMaker
from mamori.scan.inspect import Inspector
from mamori.synth.residents import generate_residents

COLUMNS = ("id", "name", "kana", "email", "tel", "address", "birthday")


def _rows(n: int, seed: int) -> list[tuple[str, ...]]:
    people = generate_residents(n, seed=seed)
    return [(str(i), f"{p.family_name} {p.given_name}", f"{p.family_kana} {p.given_kana}",
             f"user{i}@example.jp", p.phone, p.address, p.birth_date.isoformat()) for i, p in enumerate(people, 1)]


def _mysql_literal(value: str) -> str:
    if value.isdigit():
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


def mysqldump(rows: list[tuple[str, ...]], per_insert: int = 50, column_list: bool = False) -> str:
    create = ",\n".join(f"  `{c}` varchar(255) DEFAULT NULL" for c in COLUMNS)
    out = ["-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)", "DROP TABLE IF EXISTS `members`;",
           f"CREATE TABLE `members` (\n{create},\n  PRIMARY KEY (`id`),\n  KEY `k_tel` (`tel`)\n) ENGINE=InnoDB;",
           "LOCK TABLES `members` WRITE;"]
    cols = " (" + ", ".join(f"`{c}`" for c in COLUMNS) + ")" if column_list else ""
    for start in range(0, len(rows), per_insert):
        values = ",".join("(" + ",".join(_mysql_literal(v) for v in row) + ")" for row in rows[start:start + per_insert])
        out.append(f"INSERT INTO `members`{cols} VALUES {values};")
    out.append("UNLOCK TABLES;")
    return "\n".join(out) + "\n"


def pg_dump(rows: list[tuple[str, ...]]) -> str:
    body = "\n".join("\t".join(v.replace("\\", "\\\\").replace("\t", "\\t") for v in row) for row in rows)
    return ("--\n-- PostgreSQL database dump\n--\n\nCREATE TABLE public.members (\n    id integer NOT NULL,\n"
            "    name text\n);\n\nCOPY public.members (" + ", ".join(COLUMNS) + ") FROM stdin;\n" + body + "\n\\.\n")


def _item(name: str, text: str, encoding: str = "utf-8") -> Item:
    data = text.encode(encoding)
    return Item(path=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)


@pytest.mark.parametrize("dump", ["mysql", "mysql_columns", "pg"])
def test_rows_and_header(dump: str) -> None:
    rows = _rows(120, seed=3)
    text = pg_dump(rows) if dump == "pg" else mysqldump(rows, column_list=dump == "mysql_columns")
    item = _item("backup.sql", text)
    extractor = choose(item, item.read_head(), generic=False)
    assert isinstance(extractor, SqlDumpExtractor)
    document = extractor.extract(item.open(), item)
    assert [t.name for t in document.tables] == ["members"]
    assert document.tables[0].rows == (COLUMNS, *rows)
    assert not document.problems


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_scan_counts_every_person(encoding: str) -> None:
    # Before, only the e-mail column of a dump was found; the same rows as CSV were read fully.
    rows = _rows(60, seed=5)
    result = Inspector(Limits(), KeyMaker(b"s" * 32)).inspect(_item("db.dump", mysqldump(rows, 7), encoding))[0]
    assert result.persons == 60
    assert {"name", "name_kana", "phone", "address", "birth_date", "email"} <= set(result.categories)


def test_cut_short_keeps_rows_before_the_cut() -> None:
    rows = _rows(10, seed=7)
    text = mysqldump(rows, per_insert=10)
    cut = text[: text.index("),(", text.index("VALUES")) + 1]
    item = _item("cut.sql", cut)
    document = SqlDumpExtractor().extract(item.open(), item)
    assert document.tables[0].rows[1] == rows[0]
    assert any(p.code == "sqldump.truncated" for p in document.problems)


def test_plain_text_is_not_a_dump() -> None:
    item = _item("notes.txt", "会議の議事録です。\nINSERT の手順を説明した。\n")
    assert not SqlDumpExtractor().sniff(item.read_head(), item)


@given(st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=4), min_size=1, max_size=5))
def test_values_round_trip(cells: list[list[str]]) -> None:
    values = ",".join("(" + ",".join(_mysql_literal(c) if not c.isdigit() else f"'{c}'" for c in row) + ")"
                      for row in cells)
    expected = [tuple(row) for row in cells]
    assert list(value_rows(values + ";")) == expected


@given(st.text(max_size=200))
def test_value_rows_never_raises(text: str) -> None:
    list(value_rows(text))


def test_random_lines_never_crash() -> None:
    rng = random.Random(1)
    pieces = ["INSERT INTO t VALUES (", "'a\\'b'", ",", ")", ";", "\n", "COPY t (a) FROM stdin;", "\\.", "x\ty"]
    for _ in range(50):
        text = "-- MySQL dump\n" + "".join(rng.choice(pieces) for _ in range(40))
        item = _item("r.sql", text)
        SqlDumpExtractor().extract(item.open(), item)


def test_a_statement_over_the_limit_leaves_the_dump_not_fully_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mamori.extract.sqldump.MAX_STATEMENT_CHARS", 2000)
    rows = _rows(40, seed=9)
    text = mysqldump(rows[:5], per_insert=5) + mysqldump(rows[5:], per_insert=35).split("\n", 4)[4]
    result = Inspector(Limits(), KeyMaker(b"s" * 32)).inspect(_item("backup.sql", text))[0]
    assert result.status == "too_large"
    assert result.pii is True and result.partial, "people before the long statement are kept, flagged partial"
