"""Write a municipal-file-server-like corpus of synthetic documents and its ground truth.

The truth is written *beside* the scanned tree, never inside it: by default
``OUT.truth.json`` next to the folder ``OUT`` (see ``manifest_path_for``).
"""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from mamori.errors import ConfigError, MamoriError
from mamori.synth.doc_common import DocContext, fiscal_label
from mamori.synth.documents import DOC_KINDS, DocKind, doc_kind, make_document
from mamori.synth.manifest import FileTruth, Manifest
from mamori.synth.model import Resident, SynthDoc
from mamori.synth.render.base import Renderer, renderers
from mamori.synth.residents import generate_residents, iter_residents
from mamori.synth.variants import format_date, format_kana, format_name, legacy_safe
from mamori.synth.workbook import FORMATS as WORKBOOK_FORMATS
from mamori.synth.workbook import PEOPLE_SHEET_KINDS, multi_sheet_workbook, render_workbook

#: Formats that hold only a grid: prose documents go to other formats. A renderer may say
#: otherwise with a class attribute ``prose = True``.
TABLE_ONLY_FORMATS = frozenset({"csv", "tsv", "xls", "xlsx", "xlsm", "ods", "psv", "fixed_width", "dbf", "json", "sql"})
#: Relative frequency of formats on a municipal file server; unknown formats get 1.
FORMAT_WEIGHTS = {"csv": 4.0, "xlsx": 4.0, "xls": 2.5, "pdf": 2.5, "docx": 2.0, "doc": 1.0, "txt": 1.5,
                  "pdf_image": 0.4, "psv": 0.3, "xlsm": 0.5}
#: Formats a scan cannot read without OCR: their expected status.
NEEDS_OCR_FORMATS = frozenset({"pdf_image"})
_LEGACY = ("cp932", "shift_jis", "euc_jp", "euc-jp", "iso2022_jp", "iso-2022-jp")
_ENCODING_WEIGHTS = {"cp932": 70.0, "shift_jis": 5.0, "utf-8": 10.0, "utf-8-sig": 10.0, "euc-jp": 5.0,
                     "euc_jp": 5.0}


def manifest_path_for(out_dir: Path) -> Path:
    """Where the truth of a corpus in *out_dir* goes by default: ``<out_dir>.truth.json`` beside it."""
    return out_dir.with_name(out_dir.name + ".truth.json")


def _takes_prose(renderer: Renderer) -> bool:
    declared = getattr(renderer, "prose", None)
    return bool(declared) if declared is not None else renderer.name not in TABLE_ONLY_FORMATS


def _pick_encoding(renderer: Renderer, rng: random.Random) -> str | None:
    encodings = tuple(renderer.encodings)
    if not encodings:
        return None
    weights = [_ENCODING_WEIGHTS.get(e.lower(), 3.0) for e in encodings]
    return rng.choices(encodings, weights=weights)[0]


def legacy_doc(doc: SynthDoc, encoding: str | None) -> SynthDoc:
    """*doc* with characters a legacy code page lacks replaced as a legacy system would (𠮷→吉, else 〓)."""
    if encoding is None or encoding.lower() not in _LEGACY:
        return doc

    def fix(text: str) -> str:
        return legacy_safe(text, encoding)

    return replace(doc, title=fix(doc.title), header=tuple(map(fix, doc.header)) if doc.header else doc.header,
                   rows=tuple(tuple(map(fix, r)) for r in doc.rows), title_rows=tuple(map(fix, doc.title_rows)),
                   paragraphs=tuple(map(fix, doc.paragraphs)), sheet_name=fix(doc.sheet_name))


def _file_name(kind: DocKind, suffix: str, rng: random.Random, ref: date, used: set[str]) -> str:
    folder = kind.folder + (f"/{fiscal_label(ref)}" if rng.random() < 0.4 else "")
    stem = rng.choice(kind.stems) + rng.choice(("", "", f"_{format_date(ref, 'compact')}", "（最新）", "_確定版"))
    path, n = f"{folder}/{stem}{suffix}", 1
    while path in used:
        n += 1
        path = f"{folder}/{stem}（{n}）{suffix}"
    used.add(path)
    return path


def write_corpus(out_dir: Path, *, n_files: int = 200, seed: int = 0, formats: list[str] | None = None,
                 people: int = 2000, rows: tuple[int, int] = (3, 60),
                 manifest_path: Path | None = None) -> Manifest:
    """Write about *n_files* documents over every registered renderer into *out_dir*, and their truth.

    Residents come from one pool of *people*, so the same person turns up in several files and
    formats. Returns the manifest, also written to *manifest_path* (default ``manifest_path_for``).
    Writes no documents (only an empty manifest) when no renderer is registered.
    """
    if n_files < 0 or people < 1 or not 1 <= rows[0] <= rows[1]:
        raise ConfigError("write_corpus needs n_files ≥ 0, people ≥ 1 and 1 ≤ rows[0] ≤ rows[1]")
    registry = renderers()
    chosen = [registry.get(name) for name in (formats if formats is not None else registry.names())]
    rng = random.Random(seed)
    pool = generate_residents(people, seed)
    kinds = [k for k in DOC_KINDS if any(k.shape == "table" or _takes_prose(r) for r in chosen)]
    files: list[FileTruth] = []
    used: set[str] = set()
    book_formats = [r.name for r in chosen if r.name in WORKBOOK_FORMATS]
    while chosen and kinds and len(files) < n_files:
        kind = rng.choices(kinds, weights=[k.weight for k in kinds])[0]
        ref = date(2011, 4, 1) + timedelta(days=rng.randrange(4700))
        n_rows = int(rows[0] * (rows[1] / rows[0]) ** rng.random())
        if book_formats and rng.random() < WORKBOOK_SHARE:
            files.append(_write_workbook(out_dir, pool, rng, ref, n_rows, rng.choice(book_formats), used))
            continue
        doc = make_document(kind.name, pool, rows=n_rows, seed=rng.randrange(2**32), ref=ref)
        fits = [r for r in chosen if kind.shape == "table" or _takes_prose(r)]
        copies = 2 if rng.random() < 0.1 and len(fits) > 1 else 1  # an exported copy in another format
        for renderer in rng.sample(fits, k=copies) if copies > 1 else [_weighted(fits, rng)]:
            written = _write_one(out_dir, kind, doc, renderer, rng, ref, used)
            if written is not None:
                files.append(written)
    manifest = Manifest(tuple(files))
    manifest.write(manifest_path or manifest_path_for(out_dir))
    return manifest


#: Share of corpus files that are multi-sheet workbooks (cover, 集計, 凡例 and at most one sheet of people).
WORKBOOK_SHARE = 0.05
_WORKBOOK_PEOPLE = 0.75


def _write_workbook(out_dir: Path, pool: list[Resident], rng: random.Random, ref: date, n_rows: int, fmt: str,
                    used: set[str]) -> FileTruth:
    seed = rng.randrange(2**32)
    with_people = rng.random() < _WORKBOOK_PEOPLE
    inner = doc_kind(rng.choice(PEOPLE_SHEET_KINDS)) if with_people else doc_kind("population")
    ctx = DocContext(random.Random(seed), pool, n_rows, ref)
    sheet = make_document(inner.name, pool, rows=n_rows, seed=seed, ref=ref) if with_people else None
    book = multi_sheet_workbook(ctx, sheet)
    rel = _file_name(inner, WORKBOOK_FORMATS[fmt], rng, ref, used)
    target = out_dir / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render_workbook(book, fmt))
    t = book.truth
    return FileTruth(rel, f"multi_sheet_{inner.name}" if with_people else "multi_sheet_stats", fmt, None,
                     tuple(sorted(t.person_ids)), tuple(sorted(t.categories)), t.special_care)


def _weighted(fits: list[Renderer], rng: random.Random) -> Renderer:
    return rng.choices(fits, weights=[FORMAT_WEIGHTS.get(r.name, 1.0) for r in fits])[0]


def _write_one(out_dir: Path, kind: DocKind, doc: SynthDoc, renderer: Renderer, rng: random.Random,
               ref: date, used: set[str]) -> FileTruth | None:
    encoding = _pick_encoding(renderer, rng)
    try:
        data = renderer.render(legacy_doc(doc, encoding), encoding)
    except MamoriError:
        return None  # a renderer that cannot take this document; the corpus goes on without it
    rel = _file_name(kind, renderer.suffix, rng, ref, used)
    target = out_dir / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    t = doc.truth
    return FileTruth(rel, kind.name, renderer.name, encoding, tuple(sorted(t.person_ids)),
                     tuple(sorted(t.categories)), t.special_care,
                     "needs_ocr" if renderer.name in NEEDS_OCR_FORMATS else "ok")


VOTER_HEADER = ("名簿番号", "投票区", "氏名", "フリガナ", "性別", "生年月日", "郵便番号", "住所")


def write_voter_list(path: Path, n: int, seed: int, encoding: str = "cp932") -> FileTruth:
    """Stream an *n*-row voter list CSV in bounded memory and return its truth.

    The voters are the residents of *seed* (``iter_residents``) who were 20 or over on the
    2011-11-27 election day, in id order, so the ids are not simply 1..n.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    legacy = encoding.lower() in _LEGACY
    try:
        stream: Any = path.open("w", encoding=encoding, newline="")
    except (OSError, LookupError) as exc:
        raise ConfigError(f"cannot write voter list {path} as {encoding}: {exc}") from exc
    ids: list[int] = []
    residents = iter_residents(n * 2 + 1000, seed)  # about 80 % are adults; the factor 2 is a safe bound
    with stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(VOTER_HEADER)
        for r in residents:
            if len(ids) >= n:
                break
            if r.birth_date > ELECTION_DAY_ADULT:
                continue
            ids.append(r.id)
            row = [str(len(ids)), f"第{1 + r.id % 97}投票区", format_name(r.family_name, r.given_name, "fw_space"),
                   format_kana(r.family_kana, r.given_kana, "katakana"), r.gender,
                   format_date(r.birth_date, "wareki"), r.postal_code, r.address]
            if legacy and not _encodable(row, encoding):
                row = [legacy_safe(c, encoding) for c in row]
            writer.writerow(row)
    cats = ("address", "birth_date", "gender", "name", "name_kana", "postal_code")
    return FileTruth(path.name, "voter_list", "csv", encoding, tuple(ids), cats, False)


#: Born on or before this day: 20 or over at the 2011-11-27 Osaka governor election.
ELECTION_DAY_ADULT = date(1991, 11, 27)


def _encodable(row: list[str], encoding: str) -> bool:
    try:
        "".join(row).encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
