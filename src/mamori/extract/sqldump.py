"""SQL dumps (mysqldump, pg_dump, SQLite's .dump) → one Table per SQL table, header from the dump.

A rental server's database backup is a text file of statements: ``CREATE TABLE t (col …)``,
``INSERT INTO t (cols) VALUES (…),(…);`` (mysqldump puts thousands of rows in one line) and
pg_dump's ``COPY t (cols) FROM stdin;`` followed by tab-separated rows up to ``\\.``. The column
names come from the INSERT's column list, the COPY header or the CREATE TABLE before it; the rows
are read line by line, a statement at a time, so memory follows the rows kept, never a whole
statement twice. A statement longer than ``MAX_STATEMENT_CHARS`` is reported and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO, ClassVar

from mamori.extract.encoding import TextStream, text_sample
from mamori.models import Document, Gap, Item, Location, Problem, Table

#: A statement is read whole before its rows are split; past this it is skipped with a problem.
MAX_STATEMENT_CHARS = 64 * 1024 * 1024
MAX_PROBLEMS = 100
_IDENT = r"(?:`[^`]+`|\"[^\"]+\"|\[[^\]]+\]|[\w$.]+)"
_SNIFF = re.compile(
    r"^\s*(?:INSERT\s+(?:IGNORE\s+)?INTO\s|CREATE\s+TABLE\s|COPY\s+\S+.*FROM\s+stdin;|-- MySQL dump"
    r"|-- PostgreSQL database dump|-- Dump of table)", re.IGNORECASE | re.MULTILINE)
_INSERT = re.compile(rf"\s*(?:INSERT|REPLACE)\s+(?:IGNORE\s+)?INTO\s+({_IDENT})\s*(\(([^)]*)\))?\s*VALUES\s*",
                     re.IGNORECASE)
_CREATE = re.compile(rf"\s*CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?({_IDENT})\s*\(",
                     re.IGNORECASE)
_COPY = re.compile(rf"\s*COPY\s+({_IDENT})\s*(?:\(([^)]*)\))?\s+FROM\s+stdin", re.IGNORECASE)
_COLUMN_LINE = re.compile(rf"\s*({_IDENT})\s+\w")
_NOT_COLUMNS = frozenset({"PRIMARY", "KEY", "UNIQUE", "CONSTRAINT", "INDEX", "FOREIGN", "CHECK", "FULLTEXT",
                          "SPATIAL", "EXCLUDE", "PERIOD"})
#: One value token of a VALUES list: a quoted string (backslash escapes or doubled quotes), or a bare word.
_TOKEN = re.compile(r"\s*(?:(?:_\w+\s*)?'((?:[^'\\]|\\.|'')*)'|(\()|(\))|(,)|(;)|([^\s,()';]+))", re.DOTALL)
_ESCAPES = {"0": "", "n": "\n", "r": "\r", "t": "\t", "Z": "", "b": "", "\\": "\\", "'": "'", '"': '"'}
_BACKSLASH = re.compile(r"\\(.)", re.DOTALL)
_COPY_ESCAPE = re.compile(r"\\(.)")


def _name(ident: str) -> str:
    """An identifier without its quotes and schema (`db`.`users` → users)."""
    last = re.findall(_IDENT, ident)[-1] if ident else ident
    return last.strip("`\"[]").rsplit(".", 1)[-1]


def _columns(listed: str) -> tuple[str, ...]:
    return tuple(_name(c.strip()) for c in listed.split(",") if c.strip())


def _unquote(body: str) -> str:
    text = body.replace("''", "'")
    return _BACKSLASH.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text) if "\\" in text else text


def value_rows(values: str) -> Iterator[tuple[str, ...]]:
    """The rows of a VALUES list (``(1,'a'),(2,NULL)``): strings unescaped, NULL as ""."""
    row: list[str] = []
    depth = 0
    pos = 0
    while pos < len(values):
        m = _TOKEN.match(values, pos)
        if m is None:
            return  # a stray quote or garbage: the rows so far stand
        pos = m.end()
        quoted, opened, closed, _comma, end, bare = m.groups()
        if opened:
            depth += 1
            if depth == 1:
                row = []
        elif closed:
            depth -= 1
            if depth == 0:
                yield tuple(row)
        elif quoted is not None:
            row.append(_unquote(quoted))
        elif bare is not None and depth >= 1:
            row.append("" if bare.upper() == "NULL" else bare)
        elif end:
            return


def _complete(statement: str) -> bool:
    """Whether *statement* ends with a ``;`` outside quotes (a quick check first, then a scan)."""
    if not statement.rstrip().endswith(";"):
        return False
    # Outside quotes when the quotes before the last ';' pair up (backslash-escaped ones do not count).
    return (statement.count("'") - statement.count("\\'")) % 2 == 0


def _copy_cell(cell: str) -> str:
    if cell == "\\N":
        return ""
    return _COPY_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), cell) if "\\" in cell else cell


class _Tables:
    """Rows per SQL table, in the order tables first appear, each with its header once known."""

    def __init__(self) -> None:
        self.header: dict[str, tuple[str, ...]] = {}  # from an INSERT's column list or a COPY header
        self.declared: dict[str, tuple[str, ...]] = {}  # from CREATE TABLE: used when no statement lists them
        self.rows: dict[str, list[tuple[str, ...]]] = {}

    def add(self, table: str, columns: tuple[str, ...], rows: Iterator[tuple[str, ...]]) -> None:
        if columns and table not in self.header:
            self.header[table] = columns
        self.rows.setdefault(table, []).extend(rows)

    def tables(self) -> tuple[Table, ...]:
        out = []
        for name, rows in self.rows.items():
            if not rows:
                continue
            header = self.header.get(name) or self.declared.get(name)
            body = [header, *rows] if header else rows
            out.append(Table(rows=tuple(body), location=Location(sheet=name), name=name))
        return tuple(out)


class SqlDumpExtractor:
    """mysqldump / pg_dump / sqlite .dump text: INSERT and COPY rows as tables with their column names."""

    name: ClassVar[str] = "sqldump"
    priority: ClassVar[int] = 20

    def sniff(self, head: bytes, item: Item) -> bool:
        """Text whose start holds a dump's statements or banner (any extension: .sql, .dump, .txt, none)."""
        text = text_sample(head)
        return text is not None and _SNIFF.search(text) is not None

    def extract(self, stream: BinaryIO, item: Item) -> Document:
        """Every INSERT and COPY row, table by table."""
        decoded = TextStream(stream)
        tables = _Tables()
        problems: list[Problem] = []
        creating: tuple[str, list[str]] | None = None
        copying: tuple[str, tuple[str, ...], list[tuple[str, ...]]] | None = None
        statement: list[str] = []
        size = 0
        start_line = 0
        for number, line in enumerate(decoded.lines(), start=1):
            if copying is not None:
                if line.rstrip("\r\n") == "\\.":
                    tables.add(copying[0], copying[1], iter(copying[2]))
                    copying = None
                else:
                    copying[2].append(tuple(_copy_cell(c) for c in line.rstrip("\r\n").split("\t")))
                continue
            if creating is not None:
                stripped = line.strip()
                if stripped.startswith(")"):
                    tables.declared.setdefault(creating[0], tuple(creating[1]))
                    creating = None
                elif (m := _COLUMN_LINE.match(line)) and _name(m.group(1)).upper() not in _NOT_COLUMNS:
                    creating[1].append(_name(m.group(1)))
                continue
            if statement:
                statement.append(line)
                size += len(line)
            elif m := _CREATE.match(line):
                creating = (_name(m.group(1)), [])
                rest = line[m.end():]
                if rest.strip():  # CREATE TABLE t (a int, b text); on one line
                    cols = [_name(c.split()[0]) for c in rest.rsplit(")", 1)[0].split(",") if c.split()]
                    creating[1].extend(c for c in cols if c.upper() not in _NOT_COLUMNS)
                    if ")" in rest:
                        tables.declared.setdefault(creating[0], tuple(creating[1]))
                        creating = None
                continue
            elif m := _COPY.match(line):
                copying = (_name(m.group(1)), _columns(m.group(2) or ""), [])
                continue
            elif _INSERT.match(line):
                statement, size, start_line = [line], len(line), number
            else:
                continue
            if size > MAX_STATEMENT_CHARS:
                problems.append(Problem("sqldump.too_long", f"a statement from line {start_line} is over "
                                        f"{MAX_STATEMENT_CHARS} characters; its rows were not read",
                                        Location(line=start_line), Gap.LIMIT))
                statement, size = [], 0
            elif _complete(line if len(statement) == 1 else "".join(statement)):
                text = "".join(statement)
                statement, size = [], 0
                m = _INSERT.match(text)
                if m is not None:
                    table = _name(m.group(1))
                    tables.add(table, _columns(m.group(3) or ""), value_rows(text[m.end():]))
            if len(problems) >= MAX_PROBLEMS:
                break
        if copying is not None:  # a dump cut short inside COPY: its rows so far still count
            tables.add(copying[0], copying[1], iter(copying[2]))
        if statement:  # a dump cut short inside a statement: the rows before the cut still count
            text = "".join(statement)
            m = _INSERT.match(text)
            if m is not None:
                table = _name(m.group(1))
                tables.add(table, _columns(m.group(3) or ""), value_rows(text[m.end():]))
            problems.append(Problem("sqldump.truncated", f"the statement from line {start_line} never ends; "
                                    "the rows before the cut were read", Location(line=start_line)))
        return Document(format="sql", tables=tables.tables(), encoding=decoded.encoding,
                        problems=tuple(decoded.problems) + tuple(problems))
