"""A corpus with every shape a scan plans differently: documents, archives, encrypted items, a split list.

Used to check that a scan spread over processes or machines gives the answer a single process gives
(tests/scan/test_cluster_*.py, benchmarks/cluster.py): the same residents turn up in loose files,
inside zips (nested too), in a voter list big enough to be read in parts, and behind passwords.
"""

from __future__ import annotations

from pathlib import Path

from mamori.synth.archives import encrypted_zip, nested_zip, zip_bytes
from mamori.synth.corpus import write_corpus, write_voter_list
from mamori.synth.encrypt import encrypt_office
from mamori.synth.model import SynthDoc
from mamori.synth.render.base import render

#: Rows that make a cp932 voter list bigger than ``split.SPLIT_BYTES`` (16 MiB): it is read in parts.
SPLIT_VOTERS = 190_000

_ROSTER = SynthDoc(
    title="選挙人名簿", kind="roster", header=("氏名", "性別", "生年月日", "住所", "電話番号"),
    rows=(("山田　太郎", "男", "昭和45年3月2日", "大阪府堺市堺区南瓦町3番1号", "072-233-1101"),
          ("髙橋　﨑子", "女", "平成元年5月1日", "大阪府堺市北区東三国ヶ丘町三丁目十二番五号", "090-1234-5678")),
)


def write_mixed_corpus(out: Path, *, n_files: int = 60, seed: int = 5, voters: int = SPLIT_VOTERS,
                       copies: int = 1) -> Path:
    """Write the corpus under *out* (``copies`` times the documents, each in its own folder); returns *out*."""
    for copy in range(copies):
        write_corpus(out / f"docs{copy}", n_files=n_files, seed=seed + copy, people=400)
    roster_xlsx = render(_ROSTER, "xlsx")
    roster_csv = render(_ROSTER, "csv")
    archives = out / "archives"
    archives.mkdir(parents=True, exist_ok=True)
    docs = sorted((out / "docs0").rglob("*.*"))[:6]
    (archives / "送付資料.zip").write_bytes(zip_bytes({f"資料/{p.name}": p.read_bytes() for p in docs}))
    (archives / "入れ子.zip").write_bytes(nested_zip({"名簿.csv": roster_csv, "名簿.xlsx": roster_xlsx}, depth=3))
    locked = out / "locked"
    locked.mkdir(parents=True, exist_ok=True)
    (locked / "暗号化.zip").write_bytes(encrypted_zip({"名簿.csv": roster_csv}, "secret-pw"))
    (locked / "暗号化名簿.xlsx").write_bytes(encrypt_office(roster_xlsx, "secret-pw"))
    (archives / "一部暗号化.zip").write_bytes(zip_bytes({
        "読める名簿.xlsx": roster_xlsx, "暗号化名簿.xlsx": encrypt_office(roster_xlsx, "secret-pw")}))
    if voters:
        write_voter_list(out / "lists" / "選挙人名簿.csv", voters, seed=seed)
    return out
