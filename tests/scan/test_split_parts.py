"""A big delimited file read in parts gives what reading it whole gives: the same people, keys and categories."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from mamori.evidence.files import FileRef, load_file
from mamori.evidence.limits import Limits
from mamori.models import Item, ItemResult
from mamori.people.keys import KeyMaker
from mamori.scan import parts as parts_module
from mamori.scan import runner, split
from mamori.scan.inspect import Inspector
from mamori.scan.parts import PartResult, key_part, merge
from mamori.scan.runner import Scan, ScanOptions
from mamori.synth.corpus import write_voter_list

SECRET = b"k" * 32
Rows = list[list[str]]


@pytest.fixture(scope="module")
def voters(tmp_path_factory: pytest.TempPathFactory) -> Rows:
    path = tmp_path_factory.mktemp("voters") / "v.csv"
    write_voter_list(path, 2400, seed=11)
    return [list(r) for r in csv.reader(io.StringIO(path.read_bytes().decode("cp932"), newline=""))]


@pytest.fixture(autouse=True)
def small_files_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "SPLIT_BYTES", 1)
    monkeypatch.setattr(split, "HEAD_BYTES", 48 * 1024)


def _write(path: Path, rows: Rows, encoding: str = "cp932", delimiter: str = ",",
           quoting: int = csv.QUOTE_MINIMAL) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding, "replace"))  # EUC-JP lacks a few CP932 signs (Ⅱ)
    return path


def _whole(path: Path) -> ItemResult:
    return Inspector(Limits(), KeyMaker(SECRET)).inspect(load_file(FileRef(path, path.name), Limits()))[0]


def _parts(path: Path, parts: int = 3) -> tuple[list[PartResult], ItemResult | None]:
    plan = split.plan_split(FileRef(path, path.name), Limits(), parts)
    assert plan is not None and len(plan.ranges) == parts
    results = [key_part(plan, i, SECRET) for i in range(parts)]
    if any(r.fallback for r in results):
        return results, None
    return results, merge(load_file(FileRef(path, path.name), Limits()), plan, results)


def _same(split_result: ItemResult, whole: ItemResult) -> None:
    for field in ("status", "pii", "categories", "persons", "special_care", "format", "encoding", "problems", "size",
                  "sha256"):
        assert getattr(split_result, field) == getattr(whole, field), field
    assert tuple(split_result.person_keys) == tuple(whole.person_keys)
    assert [s.masked for s in split_result.samples] == [s.masked for s in whole.samples]


def _quoted(rows: Rows) -> Rows:
    return rows


def _twice(rows: Rows) -> Rows:
    """The same voters again at the end: each is one person, in two parts."""
    return rows + rows[1:400]


def _twice_in_a_row(rows: Rows) -> Rows:
    """Every fiftieth voter entered twice, one line after the other: a repeat inside one part."""
    return [r for i, row in enumerate(rows) for r in ([row, row] if i and i % 50 == 0 else [row])]


def _namesakes(rows: Rows) -> Rows:
    """Rows that share a name and birth date with an earlier voter but live elsewhere."""
    extra = [[*r[:7], f"北海道札幌市中央区北1条西{i + 1}丁目"] for i, r in enumerate(rows[1:300])]
    return rows + extra


def _moved(rows: Rows) -> Rows:
    """Earlier voters again with a new address only (one person by name and birth date)."""
    return rows + [[*r[:7], "東京都新宿区西新宿2丁目8番1号"] for r in rows[1:200]]


def _headerless(rows: Rows) -> Rows:
    return rows[1:]


def _split_name(rows: Rows) -> Rows:
    """Family and given names in two columns under one header row."""
    out = [["名簿番号", "姓", "名", "フリガナ", "性別", "生年月日", "郵便番号", "住所"]]
    for r in rows[1:]:
        family, _, given = r[2].partition("\u3000")
        out.append([r[0], family, given, *r[3:]])
    return out


CASES: dict[str, tuple[Callable[[Rows], Rows], dict[str, object]]] = {
    "cp932": (lambda r: r, {}),
    "utf-8 with BOM": (lambda r: r, {"encoding": "utf-8-sig"}),
    "EUC-JP": (lambda r: r, {"encoding": "euc_jp"}),
    "tab separated": (lambda r: r, {"delimiter": "\t"}),
    "every field quoted": (_quoted, {"quoting": csv.QUOTE_ALL}),
    "the same voters twice": (_twice, {}),
    "voters entered twice in a row": (_twice_in_a_row, {}),
    "namesakes born the same day": (_namesakes, {}),
    "a voter who moved": (_moved, {}),
    "no header row": (_headerless, {}),
    "family and given names apart": (_split_name, {}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_parts_give_what_the_whole_file_gives(tmp_path: Path, voters: Rows, case: str) -> None:
    make, options = CASES[case]
    suffix = ".tsv" if options.get("delimiter") == "\t" else ".csv"
    path = _write(tmp_path / f"list{suffix}", make(voters), **options)  # type: ignore[arg-type]
    _, result = _parts(path)
    assert result is not None
    whole = _whole(path)
    assert whole.persons > 1000
    _same(result, whole)


@pytest.mark.parametrize("case", ["cp932", "voters entered twice in a row"])
def test_parts_keyed_in_many_slices_give_what_the_whole_file_gives(tmp_path: Path, voters: Rows, case: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from mamori.detect import column_people

    monkeypatch.setattr(column_people, "PART_CHUNK_ROWS", 97)
    make, _ = CASES[case]
    path = _write(tmp_path / "list.csv", make(voters))
    _, result = _parts(path)
    assert result is not None
    _same(result, _whole(path))


def _notes_in_quotes(rows: Rows) -> Rows:
    """Every seventh address with a second line, in quotes: parts still read alone wherever they start."""
    return [[*r[:7], r[7] + "\n（方書）"] if i % 7 == 3 else r for i, r in enumerate(rows)]


def _huge_note_mid_file(rows: Rows) -> Rows:
    """One quoted cell of many lines across the middle of the file: no part may start inside it."""
    middle = len(rows) // 2
    return [*rows[:middle], [*rows[middle][:7], "備考\n" * 60000], *rows[middle + 1:]]


def _quote_in_the_body_only(rows: Rows) -> Rows:
    """No quotes in the head, then one quoted cell of many lines across the middle: the plan does not count
    quotes (its head has none), so the worker whose part starts inside the cell finds it out."""
    middle = len(rows) // 2
    return [*rows[:middle], [*rows[middle][:7], "備考\n" * 60000], *rows[middle + 1:]]


def _wider_late(rows: Rows) -> Rows:
    return [*rows, [*rows[5], "a", "b", "c", "d", "e"]]


@pytest.mark.parametrize("make", [_notes_in_quotes, _huge_note_mid_file])
@pytest.mark.parametrize("parts", [2, 3, 4, 7])
def test_parts_start_outside_quoted_line_breaks(tmp_path: Path, voters: Rows, make: Callable[[Rows], Rows],
                                                 parts: int) -> None:
    # A cut that falls inside a quoted cell is moved to the next line outside it: the parts still read alone.
    path = _write(tmp_path / "list.csv", make(voters), quoting=csv.QUOTE_ALL)
    plan = split.plan_split(FileRef(path, path.name), Limits(), parts)
    # Cuts that would fall inside one long cell all move past it: there may be fewer parts than asked.
    assert plan is not None and 2 <= len(plan.ranges) <= parts
    data = path.read_bytes()
    assert all(data[:start].count(b'"') % 2 == 0 for start, _ in plan.ranges)
    results = [key_part(plan, i, SECRET) for i in range(len(plan.ranges))]
    assert not any(r.fallback for r in results), {r.fallback for r in results}
    _same(merge(load_file(FileRef(path, path.name), Limits()), plan, results), _whole(path))


def test_a_file_without_quotes_in_its_head_is_cut_without_counting_them(tmp_path: Path, voters: Rows,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    counted: list[int] = []
    original = split._QuoteCount.before

    def spy(self: split._QuoteCount, offset: int) -> int:
        counted.append(offset)
        return original(self, offset)

    monkeypatch.setattr(split._QuoteCount, "before", spy)
    _parts(_write(tmp_path / "plain.csv", voters), parts=3)
    assert not counted
    _parts(_write(tmp_path / "quoted.csv", voters, quoting=csv.QUOTE_ALL), parts=3)
    assert counted


@pytest.mark.parametrize(("make", "why"), [
    (_quote_in_the_body_only, "a quoted field spans a part boundary"),
    (_wider_late, "a part does not read column-wise"),
])
def test_a_part_that_cannot_be_read_alone_sends_the_file_down_the_ordinary_path(
        tmp_path: Path, voters: Rows, make: Callable[[Rows], Rows], why: str) -> None:
    path = _write(tmp_path / "list.csv", make(voters))
    results, merged = _parts(path, parts=2)
    assert merged is None
    assert why in {r.fallback for r in results}


def test_bytes_that_do_not_decode_send_the_file_down_the_ordinary_path(tmp_path: Path, voters: Rows) -> None:
    path = _write(tmp_path / "list.csv", voters)
    path.write_bytes(path.read_bytes() + "山田　太郎,\r\n".encode() * 40)  # UTF-8 at the end of CP932
    results, merged = _parts(path)
    assert merged is None
    assert results[-1].fallback is not None and "did not read cleanly" in results[-1].fallback


@pytest.mark.parametrize(("name", "content"), [
    ("prose.txt", ("市民の皆様へ。本日は晴天なり。\r\n" * 4000).encode("cp932")),
    ("numbers.csv", ("1,2,3\r\n" * 20000).encode()),
    ("blank.csv", b",,,\r\n" * 20000),
    ("utf16.csv", ("氏名,住所\r\n" + "山田　太郎,大阪府堺市堺区南瓦町3番1号\r\n" * 3000).encode("utf-16")),
    ("oldmac.csv", ("氏名,住所\r" + "山田　太郎,大阪府堺市堺区南瓦町3番1号\r" * 3000).encode("cp932")),
    ("few.csv", ("氏名,住所\r\n" + "山田　太郎,大阪府堺市堺区南瓦町3番1号\r\n" * 100).encode("cp932")),
])
def test_files_that_are_not_split(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert split.plan_split(FileRef(path, name), Limits(), 4) is None


def test_one_worker_or_a_skipped_file_is_not_split(tmp_path: Path, voters: Rows) -> None:
    path = _write(tmp_path / "list.csv", voters)
    assert split.plan_split(FileRef(path, "list.csv"), Limits(), 1) is None
    assert split.plan_split(FileRef(path, "list.csv", "permission denied"), Limits(), 4) is None
    assert split.plan_split(FileRef(tmp_path / "gone.csv", "gone.csv"), Limits(), 4) is None


def test_a_scan_with_workers_splits_and_counts_exactly(tmp_path: Path, voters: Rows,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # The plan is made in this process (where SPLIT_BYTES is patched); the parts run in the workers.
    plans: list[tuple[int, bool]] = []
    plan_split = split.plan_split

    def spy(ref: FileRef, limits: Limits, workers: int) -> split.SplitPlan | None:
        plan = plan_split(ref, limits, workers)
        plans.append((workers, plan is not None))
        return plan

    monkeypatch.setattr(runner, "plan_split", spy)
    _write(tmp_path / "a.csv", _twice(voters))
    _write(tmp_path / "b.csv", voters[:60])
    scans = [Scan([tmp_path], ScanOptions(workers=w, secret=SECRET)) for w in (2, 1)]
    (two, one) = [{r.path: r for r in s.results()} for s in scans]
    # b.csv is too short to split; one process reads a.csv whole (it is smaller than a part).
    assert plans == [(2, True), (2, False), (1, False), (1, False)]
    assert two.keys() == one.keys()
    for path in one:
        _same(two[path], one[path])
    assert scans[0].summary is not None and scans[1].summary is not None
    assert scans[0].summary.unique_persons == scans[1].summary.unique_persons == len(voters) - 1
    assert scans[0]._handoff is None  # the parts' hand-off directory is gone with the scan


def test_one_process_reads_a_file_bigger_than_a_part_in_parts(tmp_path: Path, voters: Rows,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "a.csv", _twice(voters))
    monkeypatch.setattr(split, "MAX_PART_BYTES", path.stat().st_size // 4)
    merged: list[int] = []

    def counted(item: Item, plan: split.SplitPlan, parts: list[PartResult]) -> ItemResult:
        merged.append(len(parts))
        return merge(item, plan, parts)

    # The parts are keyed one after another by the scan's one helper process, and merged here (the runner
    # imports merge when a file is split).
    monkeypatch.setattr(parts_module, "merge", counted)
    scan = Scan([path], ScanOptions(workers=1, secret=SECRET))
    (result,) = scan.results()
    parts = split.part_count(path.stat().st_size, 1)
    assert parts >= 4 and merged == [parts]
    _same(result, _whole(path))
    assert scan.summary is not None and scan.summary.unique_persons == len(voters) - 1


@pytest.mark.parametrize(("size", "workers", "parts"), [
    (75_600_000, 2, 2), (75_600_000, 1, 1), (150 << 20, 1, 2), (200 << 20, 2, 4), (1100 << 20, 2, 12),
    (1100 << 20, 8, 16), (16 << 20, 8, 8),
])
def test_part_counts_keep_parts_small_and_workers_even(size: int, workers: int, parts: int) -> None:
    assert split.part_count(size, workers) == parts
    assert parts % workers == 0 and (parts == workers or size / parts <= split.MAX_PART_BYTES)


def test_parts_handed_off_through_files_give_what_inline_parts_give(tmp_path: Path, voters: Rows) -> None:
    path = _write(tmp_path / "list.csv", _twice(voters))
    plan = split.plan_split(FileRef(path, path.name), Limits(), 3)
    assert plan is not None
    handoff = tmp_path / "handoff"
    handoff.mkdir()
    inline = [key_part(plan, i, SECRET) for i in range(3)]
    handed = [key_part(plan, i, SECRET, str(handoff)) for i in range(3)]
    assert all(p.handed_off and p.block is None and p.links is None for p in handed)
    assert len(list(handoff.iterdir())) == 9  # keys, record ends and links of each part
    item = load_file(FileRef(path, path.name), Limits())
    # Some parts loaded ahead (as the scanner does while other workers still run), some not.
    _same(merge(item, plan, [handed[0].loaded(), handed[1], handed[2].loaded()]),
          merge(item, plan, inline))
    assert not list(handoff.iterdir())  # read once, then removed


def test_discarded_parts_leave_no_files(tmp_path: Path, voters: Rows) -> None:
    path = _write(tmp_path / "list.csv", voters)
    plan = split.plan_split(FileRef(path, path.name), Limits(), 2)
    assert plan is not None
    part = key_part(plan, 1, SECRET, str(tmp_path))
    assert len(list(tmp_path.glob("part-*"))) == 3
    part.discard()
    assert not list(tmp_path.glob("part-*"))
