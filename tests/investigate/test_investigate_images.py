"""The generated case with its evidence as seized disks: a FAT image with deleted files and an E01 (ext4).

The images are written from the same files as the folders, so the leaked set must be the folder form's.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from mamori.errors import ConfigError
from mamori.evidence.disk_read import DiskAddress
from mamori.evidence.files import FileRef, load_file
from mamori.evidence.limits import Limits
from mamori.investigate import evidence_index, investigate
from mamori.investigate.case import parse_case
from mamori.investigate.store import CaseStore
from mamori.models import Status
from mamori.synth.case import CaseTruth, write_case
from mamori.synth.disk_images import e01_image, ext4_image, fat_image, missing_tools

pytestmark = pytest.mark.skipif(bool(missing_tools()), reason=f"Debian tools missing: {missing_tools()}")

#: Deleted on the work PC before it was imaged: one leaked file has no other copy, one has a live copy.
DELETED = ("業務/選挙/郵便等投票.xlsx", "業務/選挙/H23府知事選_選挙人名簿.csv", "業務/雑/000/file_000002.dat")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[CaseTruth, dict[str, Any], dict[str, Any], Path]:
    root = tmp_path_factory.mktemp("imgcase")
    case = root / "case"
    truth = write_case(case, scale=1500, seed=7, noise_files=40, access_lines=1500)
    fat_image(case / "evidence/work_pc", case / "work_pc.img", delete=DELETED)
    e01_image(ext4_image(case / "evidence/portable_hdd", root / "hdd.raw"), case / "portable_hdd")
    toml = (case / "CASE.toml").read_text(encoding="utf-8")
    imaged = toml.replace('path = "evidence/work_pc"', 'path = "work_pc.img"').replace(
        'path = "evidence/portable_hdd"', 'path = "portable_hdd.E01"')
    assert imaged.count(".img") == 1 and imaged.count(".E01") == 1
    (case / "IMAGES.toml").write_text(imaged, encoding="utf-8")
    folders = investigate(case / "CASE.toml", root / "out_folders").contract()
    images = investigate(case / "IMAGES.toml", root / "out_images").contract()
    return truth, folders, images, root / "out_images"


def _leaked(out: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {f"{f['server_path']}@{f['uploaded_at']}": (f["persons"], f["external_accesses"], f["crawler_accesses"],
                                                        f["external_ips"], f["special_care"], f["categories"])
            for f in out["leaked"]}


def test_images_give_the_folder_forms_leaked_set(
        both: tuple[CaseTruth, dict[str, Any], dict[str, Any], Path]) -> None:
    truth, folders, images, _ = both
    assert _leaked(images) == _leaked(folders)
    assert set(_leaked(images)) == set(truth.leaked)
    assert images["unique_persons_leaked"] == folders["unique_persons_leaked"] == truth.unique_persons_leaked
    assert images["crawled_only"] == folders["crawled_only"]
    matches = {(f["server_path"], f["uploaded_at"]): f["match"] for f in folders["server_files"]}
    assert {(f["server_path"], f["uploaded_at"]): f["match"] for f in images["server_files"]} == matches


def test_evidence_paths_point_into_the_images_and_deleted_files_are_marked(
        both: tuple[CaseTruth, dict[str, Any], dict[str, Any], Path]) -> None:
    _, _, images, out = both
    by_path = {f["server_path"].rsplit("/", 1)[-1]: f for f in images["server_files"]}
    postal = by_path["郵便等投票.xlsx"]
    # Its only copy was deleted from the work PC: found in the FAT image's deleted entries, and said so.
    assert postal["evidence"] == ["work_pc/FAT/業務/選挙/郵便等投票.xlsx"]
    assert postal["pii"] is True and "deleted" in postal.get("match_reason", postal.get("reason", ""))
    voters = by_path["H23府知事選_選挙人名簿.csv"]
    assert voters["evidence"] == ["portable_hdd/ext4/持出/選挙/H23府知事選_選挙人名簿.csv",
                                  "work_pc/FAT/業務/選挙/H23府知事選_選挙人名簿.csv"]
    with CaseStore(out) as store:
        rows = store.con.execute("SELECT evidence, rel_path, inode, deleted, mtime FROM evidence_files "
                                 "WHERE evidence IN ('work_pc', 'portable_hdd')").fetchall()
    deleted = {r[1] for r in rows if r[3]}
    assert deleted == {f"FAT/{p}" for p in DELETED}
    assert all(r[2] is not None and r[2] > 0 and r[4] is not None for r in rows)
    # The times the matching compares with the upload: the files' own, read from the filesystems
    # (FAT keeps 2 seconds; ext4 the second).
    with CaseStore(out.with_name("out_folders")) as store:
        folder = {(r[0], r[1]): r[2] for r in store.con.execute(
            "SELECT evidence, rel_path, mtime FROM evidence_files WHERE evidence IN ('work_pc', 'portable_hdd')"
        ).fetchall()}
    imaged = {(r[0], r[1].split("/", 1)[1]): r[4] for r in rows}
    assert set(imaged) == set(folder)
    assert all(abs(imaged[k] - folder[k]) <= 2 for k in folder)


def test_ocr_switch_in_the_case_file(tmp_path: Path) -> None:
    base = tmp_path / "CASE.toml"
    (tmp_path / "ev").mkdir()
    body = '[[evidence]]\nname = "pc"\npath = "ev"\n[server]\nweb_root = "/w"\n'
    assert parse_case(tomllib.loads(body), base).ocr is True
    assert parse_case(tomllib.loads('[case]\nocr = false\n' + body), base).ocr is False
    with pytest.raises(ConfigError, match="ocr must be true or false"):
        parse_case(tomllib.loads('[case]\nocr = "no"\n' + body), base)


@pytest.mark.parametrize("keep", [3000, 20_000, 60_000])
def test_a_damaged_e01_is_one_listed_problem(tmp_path: Path, keep: int) -> None:
    files = tmp_path / "f"
    files.mkdir()
    (files / "名簿.csv").write_bytes("氏名\n山田　太郎\n".encode("cp932") * 50)
    whole = e01_image(fat_image(files, tmp_path / "f.img"), tmp_path / "whole")
    cut = tmp_path / "cut.E01"
    cut.write_bytes(whole.read_bytes()[:keep])
    rows = list(evidence_index._listing(cut))
    assert rows
    for rel, _, _, note, inode, _ in rows:
        if note is None:  # listed from what is left: reading it gives its bytes or says why not, never raises
            assert inode is not None
            item = load_file(FileRef(cut, rel, address=DiskAddress(cut, rel.split("/")[0], inode)), Limits())
            assert item.status in (None, Status.UNREADABLE)
    if keep < 4096:
        assert all(r[3] for r in rows)
