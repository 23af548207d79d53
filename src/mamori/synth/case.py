"""A whole synthetic leak case modelled on 2015, with its ground truth and a CASE.toml.

Evidence folders of a work PC, a portable HDD and a home PC; a vsftpd log (names masked as vsftpd
masks CP932/UTF-8 bytes, a rename, overwrites, a masked-name collision, the mass deletion); rotated
access logs (.gz) with a backlink crawler (MJ12bot), search engines from their real ranges, a
spoofed Googlebot from a subscriber line, the owner and two subscriber lines fetching some files,
partial, HEAD, 304 and empty answers, and 404s after the deletion. The truth is computed by the
generator from what it wrote (who fetched what, when it was live), not by mamori's rules.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import cast

from mamori.errors import ConfigError
from mamori.logs.events import AccessEvent, FileEvent
from mamori.logs.urls import encode_url_path
from mamori.synth.corpus import write_voter_list
from mamori.synth.documents import make_document
from mamori.synth.logs import JST, combined_line, vsftpd_line
from mamori.synth.model import Resident
from mamori.synth.render.base import renderers
from mamori.synth.residents import generate_residents

FULL_SCALE = 682_524
WEB_ROOT = "/home/sakai/public_html"
OWNER_IP = "153.150.20.11"
SUB_MOBILE = "126.205.3.77"  # a mobile carrier's subscriber line
SUB_CABLE = "125.206.9.41"  # a cable-TV ISP's subscriber line
SUB_SPOOF = "106.160.45.10"  # a subscriber line sending a Googlebot user agent
MJ12_IP = "136.243.16.105"
GOOGLE_IP = "66.249.66.1"
BING_IP = "157.55.39.12"
UA = {
    "owner": "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "mobile": "Mozilla/5.0 (iPhone; CPU iPhone OS 8_3 like Mac OS X) AppleWebKit/600.1.4 Mobile/12F70 Safari/600.1.4",
    "cable": "Mozilla/5.0 (Windows NT 6.3; rv:37.0) Gecko/20100101 Firefox/37.0",
    "google": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "bing": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "mj12": "Mozilla/5.0 (compatible; MJ12bot/v1.4.5; http://www.majestic12.co.uk/bot.php?+)",
}
#: who → (address, user agent, attribution the truth gives it)
CLIENTS = {
    "owner": (OWNER_IP, UA["owner"], "owner"), "mobile": (SUB_MOBILE, UA["mobile"], "external"),
    "cable": (SUB_CABLE, UA["cable"], "external"), "spoof": (SUB_SPOOF, UA["google"], "external"),
    "mj12": (MJ12_IP, UA["mj12"], "crawler"), "google": (GOOGLE_IP, UA["google"], "crawler"),
    "bing": (BING_IP, UA["bing"], "crawler"),
}
START = datetime(2015, 4, 1, 9, 0, tzinfo=JST)
VISITED = "facilities"  # the public list of facilities: no personal data, read by many
DELETION = datetime(2015, 6, 25, 10, 0, tzinfo=JST)
END = datetime(2015, 6, 30, 23, 0, tzinfo=JST)


@dataclass(frozen=True)
class PlannedFile:
    """One server file version the generator uploads, where its evidence lies, and who fetches it."""

    key: str
    server_rel: str  # under the web root
    kind: str  # document kind, or "voters", "text", "ambiguous", "none"
    copies: tuple[str, ...]  # evidence paths ("work_pc/…")
    fetches: tuple[tuple[str, int], ...] = ()  # (client, counted fetches)
    uploaded: int = 0  # days after START
    rows: int = 12
    encoding: str = "cp932"  # the FTP client's encoding (vsftpd masks its bytes)
    rename_from: str | None = None
    pool: tuple[int, int] = (0, 0)


@dataclass
class CaseTruth:
    """What a correct investigation reports for the generated case."""

    leaked: dict[str, dict[str, object]] = field(default_factory=dict)  # key "server_path@uploaded_at"
    crawled_only: list[str] = field(default_factory=list)
    server_files: dict[str, dict[str, object]] = field(default_factory=dict)
    owner_ips: list[str] = field(default_factory=list)
    # accesses to the files with personal data (DESIGN.md); all_requests: to every server file, and every line
    access_totals: dict[str, int] = field(default_factory=lambda: {"external": 0, "crawler": 0, "owner": 0})
    all_requests: dict[str, int] = field(default_factory=lambda: {"external": 0, "crawler": 0, "owner": 0,
                                                                  "requests": 0})
    unique_persons_leaked: int = 0
    evidence_files: int = 0
    access_lines: int = 0

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True)


def _plan() -> list[PlannedFile]:
    w, h = "work_pc/業務/選挙", "portable_hdd/持出/選挙"
    return [
        PlannedFile("voters", "data/H23府知事選_選挙人名簿.csv", "voters",
                    (f"{w}/H23府知事選_選挙人名簿.csv", f"{h}/H23府知事選_選挙人名簿.csv"),
                    (("mobile", 1), ("mj12", 2)), uploaded=10),
        PlannedFile("lessors", "data/貸主一覧.csv", "resident_list", (f"{w}/貸主一覧.csv",),
                    (("cable", 2), ("mj12", 1)), uploaded=12, pool=(0, 300), rows=23),
        PlannedFile("facility", "data/施設管理.csv", "mailing_labels", (f"{h}/施設管理.csv",),
                    (("mj12", 3), ("google", 1), ("owner", 1)), uploaded=14, pool=(300, 600), rows=8),
        PlannedFile("postal_vote", "data/郵便等投票.xlsx", "disability_list", (f"{w}/郵便等投票.xlsx",),
                    (("mobile", 2), ("bing", 1)), uploaded=15, pool=(600, 900), rows=19, encoding="utf-8"),
        PlannedFile("applicants", "center/研修室申込.xlsx", "event_applications",
                    ("portable_hdd/センター/研修室申込.xlsx",), (("cable", 1),), uploaded=16, pool=(900, 1200), rows=5),
        PlannedFile("roster1", "kids/体験参加者.csv", "school_roster", ("work_pc/事業団/2014/体験参加者.csv",),
                    (("mobile", 1),), uploaded=20, pool=(1200, 1600), rows=12),
        PlannedFile("roster2", "kids/体験参加者.csv", "school_roster", ("portable_hdd/事業団/v2/体験参加者.csv",),
                    (), uploaded=30, pool=(1200, 1600), rows=12),
        PlannedFile("roster3", "kids/体験参加者.csv", "school_roster", ("home_pc/docs/体験参加者.csv",),
                    (("spoof", 1), ("mj12", 1)), uploaded=40, pool=(1200, 1600), rows=15),
        PlannedFile("members", "data/会員名簿.csv", "resident_list", ("work_pc/自治会/会員名簿.csv",),
                    (("owner", 3),), uploaded=18, pool=(1600, 1900), rows=15, rename_from="data/tmp_upload.csv"),
        PlannedFile("care", "data/要介護者.csv", "care_need_list", ("work_pc/介護/要介護者.csv",),
                    (), uploaded=22, pool=(1900, 2200), rows=10),
        PlannedFile("donors", "data/寄附者.csv", "donor_list", ("portable_hdd/寄附者.csv",), (), uploaded=24,
                    pool=(2200, 2500), rows=10),
        PlannedFile("facilities", "data/施設一覧.csv", "facility_list", ("work_pc/施設一覧.csv",),
                    (("cable", 1), ("google", 1)), uploaded=11),
        PlannedFile("memo", "memo/メモ.txt", "ambiguous", ("work_pc/メモ.txt", "home_pc/メモ.txt"),
                    (("cable", 1),), uploaded=25),
        PlannedFile("index", "index.html", "none", (), (("google", 2),), uploaded=1, encoding="utf-8"),
    ]


def write_case(out: Path, *, scale: int | str = 20_000, seed: int = 2015, noise_files: int | None = None,
               access_lines: int | None = None) -> CaseTruth:
    """Write the case into *out* (CASE.toml, evidence/, server/, truth.json) and return its truth."""
    voters = FULL_SCALE if scale == "full" else int(scale)
    if voters < 1:
        raise ConfigError("scale must be a positive number of voters or 'full'")
    noise_files = noise_files if noise_files is not None else (100_000 if scale == "full" else 60)
    access_lines = access_lines if access_lines is not None else (1_000_000 if scale == "full" else 3000)
    rng = random.Random(seed)
    evidence = out / "evidence"
    server = out / "server"
    server.mkdir(parents=True, exist_ok=True)
    truth = CaseTruth(owner_ips=[OWNER_IP])
    pool = generate_residents(2500, seed + 1)
    versions: list[tuple[PlannedFile, int, datetime, frozenset[int], bool, str]] = []
    for planned in _plan():
        upload = START + timedelta(days=planned.uploaded, hours=rng.randrange(10), minutes=rng.randrange(60))
        size, people, special, category = _write_evidence(evidence, planned, pool, voters, seed, rng, upload)
        versions.append((planned, size, upload, people, special, category))
    truth.evidence_files = len(versions) + _write_noise(evidence, noise_files, rng)
    ftp = _ftp_lines(versions)
    (server / "vsftpd.log").write_text("\n".join(ftp) + "\n", encoding="utf-8")
    lines = _access(versions, truth, access_lines, rng)
    _write_rotated(server, lines)
    truth.access_lines = len(lines)
    _write_case_toml(out)
    (out / "truth.json").write_text(truth.to_json(), encoding="utf-8")
    return truth


def _write_evidence(root: Path, p: PlannedFile, pool: Sequence[Resident], voters: int, seed: int,
                    rng: random.Random, upload: datetime) -> tuple[int, frozenset[int], bool, str]:
    people: frozenset[int] = frozenset()
    special = False
    if not p.copies:
        return 1234, people, special, ""
    first = root / p.copies[0]
    first.parent.mkdir(parents=True, exist_ok=True)
    if p.kind == "voters":
        ft = write_voter_list(first, voters, seed)
        people = frozenset(ft.person_ids)
        data = first.read_bytes()
    elif p.kind == "ambiguous":
        data = "打ち合わせメモ　第1回\n".encode("cp932")
        first.write_bytes(data)
    else:
        doc = make_document(p.kind, pool[p.pool[0]:p.pool[1]] or pool, rows=p.rows, seed=rng.randrange(2**32),
                            ref=upload.date())
        fmt = "xlsx" if p.server_rel.endswith(".xlsx") else "csv"
        data = renderers().get(fmt).render(doc, "cp932" if fmt == "csv" else None)
        first.write_bytes(data)
        people = frozenset(1_000_000_000 + i for i in doc.truth.person_ids)
        special = doc.truth.special_care
    for extra in p.copies[1:]:
        target = root / extra
        target.parent.mkdir(parents=True, exist_ok=True)
        # the ambiguous memo: same name and size, different words
        target.write_bytes(data if p.kind != "ambiguous" else "打ち合わせメモ　第2回\n".encode("cp932"))
    stamp = (upload - timedelta(days=2, hours=rng.randrange(48))).timestamp()
    for path in p.copies:
        os.utime(root / path, (stamp, stamp))
    return len(data), people, special, p.kind


def _write_noise(root: Path, count: int, rng: random.Random) -> int:
    """Home-PC photos and work files that were never on the server."""
    for i in range(count):
        folder = ("home_pc/写真/2014", "home_pc/趣味", "work_pc/業務/雑", "portable_hdd/その他")[i % 4]
        path = root / folder / f"{i // 400:03d}" / f"file_{i:06d}.{('jpg', 'txt', 'dat', 'csv')[i % 4]}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(64 + i % 700))
    return count


def _ftp_lines(versions: Sequence[tuple[PlannedFile, int, datetime, frozenset[int], bool, str]]) -> list[str]:
    events: list[tuple[FileEvent, str]] = []
    for planned, size, upload, _people, _special, _kind in versions:
        login = FileEvent(upload - timedelta(minutes=1), "login", ip=OWNER_IP, user="sakai")
        events.append((login, "utf-8"))
        path = f"{WEB_ROOT}/{planned.server_rel}"
        if planned.rename_from:
            tmp = f"{WEB_ROOT}/{planned.rename_from}"
            events.append((FileEvent(upload, "upload", tmp, size=size, ip=OWNER_IP, user="sakai"), planned.encoding))
            events.append((FileEvent(upload + timedelta(seconds=30), "rename", tmp, path, ip=OWNER_IP, user="sakai"),
                           planned.encoding))
        else:
            events.append((FileEvent(upload, "upload", path, size=size, ip=OWNER_IP, user="sakai"), planned.encoding))
    events.append((FileEvent(DELETION - timedelta(minutes=2), "login", ip=OWNER_IP, user="sakai"), "utf-8"))
    live = {f"{WEB_ROOT}/{p.server_rel}": p.encoding for p, *_ in versions}
    for n, (path, encoding) in enumerate(sorted(live.items())):
        events.append((FileEvent(DELETION + timedelta(seconds=n), "delete", path, ip=OWNER_IP, user="sakai"), encoding))
    events.sort(key=lambda e: e[0].time)
    return [vsftpd_line(e, client_encoding=enc, tz=JST) for e, enc in events]


def _access(versions: Sequence[tuple[PlannedFile, int, datetime, frozenset[int], bool, str]], truth: CaseTruth,
            total: int, rng: random.Random) -> list[tuple[datetime, str]]:
    out: list[tuple[datetime, str]] = []
    ends = {planned.key: DELETION for planned, *_ in versions}
    by_path: dict[str, list[tuple[PlannedFile, datetime]]] = {}
    for planned, _size, upload, *_ in versions:
        by_path.setdefault(planned.server_rel, []).append((planned, upload))
    for entries in by_path.values():
        entries.sort(key=lambda e: e[1])
        for (earlier, _up), (_next, later) in pairwise(entries):
            ends[earlier.key] = later
    people_leaked: set[int] = set()
    for planned, size, upload, people, special, _kind in versions:
        end = ends[planned.key]
        url = "/" + planned.server_rel
        counts = {"external": 0, "crawler": 0, "owner": 0}
        ext_ips: set[str] = set()
        start = upload + timedelta(minutes=5)
        for who, n in planned.fetches:
            ip, agent, klass = CLIENTS[who]
            for _ in range(n):
                when = start + (end - start) * rng.uniform(0.05, 0.95)
                status, body = (206, size // 2) if who == "mobile" and rng.random() < 0.5 else (200, size)
                out.append(_line(when, ip, "GET", url, status, body, agent, "cp932" if who == "cable" else "utf-8"))
                counts[klass] += 1
                if klass == "external":
                    ext_ips.add(ip)
            # requests that do not count: HEAD, 304, an empty answer, and 404s after the deletion
            out.append(_line(start + (end - start) * 0.5, ip, "HEAD", url, 200, 0, agent))
            out.append(_line(start + (end - start) * 0.6, ip, "GET", url, 304, None, agent))
            if who in ("mobile", "cable"):
                after = DELETION + timedelta(days=1, hours=rng.randrange(48))
                out.append(_line(after, ip, "GET", url, 404, 209, agent))
        server_path = f"{WEB_ROOT}/{planned.server_rel}"
        stamp = upload.isoformat()
        pii = bool(people)
        for klass, n in counts.items():
            truth.all_requests[klass] += n
            if pii:
                truth.access_totals[klass] += n
        truth.server_files[f"{server_path}@{stamp}"] = {
            "match": {"ambiguous": "ambiguous", "none": "none"}.get(planned.kind, "exact"),
            "pii": pii if planned.kind not in ("ambiguous", "none") else None, "persons": len(people),
            "evidence": sorted(planned.copies),
            "external_accesses": counts["external"], "crawler_accesses": counts["crawler"],
            "owner_accesses": counts["owner"], "special_care": special, "key": planned.key}
        if pii and counts["external"]:
            truth.leaked[f"{server_path}@{stamp}"] = {
                "persons": len(people), "external_accesses": counts["external"],
                "crawler_accesses": counts["crawler"], "external_ips": sorted(ext_ips), "special_care": special}
            people_leaked |= people
        elif pii and counts["crawler"]:
            truth.crawled_only.append(server_path)
    truth.crawled_only.sort()
    truth.unique_persons_leaked = len(people_leaked)
    visited = next(((p, size, upload) for p, size, upload, *_ in versions if p.key == VISITED), None)
    _noise(out, total - len(out), rng, truth, visited)
    truth.all_requests["requests"] = len(out)
    out.sort(key=lambda t: t[0])
    return out


def _noise(out: list[tuple[datetime, str]], count: int, rng: random.Random, truth: CaseTruth,
           visited: tuple[PlannedFile, int, datetime] | None) -> None:
    """Visitors: 404s for paths that are not server files (never counted) and, one line in four, many
    addresses reading the public list of facilities (no personal data: counted in ``all_requests`` only)."""
    targets = ("/robots.txt", "/favicon.ico", "/old/index.php", "/wp-login.php", "/img/logo.png")
    span = (END - START).total_seconds()
    for i in range(max(0, count)):
        fraction = rng.random()
        when = START + timedelta(seconds=int(fraction * span))
        ip = f"{rng.choice((1, 27, 49, 60, 110, 114, 180, 182, 210, 219))}.{rng.randrange(256)}.{rng.randrange(256)}." \
             f"{1 + rng.randrange(254)}"
        agent = UA["google"] if i % 50 == 0 else UA["cable"]
        target = rng.choice(targets)
        if visited is not None and i % 4 == 1:
            planned, size, upload = visited
            start = upload + timedelta(minutes=5)
            when = start + timedelta(seconds=int(fraction * (DELETION - start).total_seconds()))
            out.append(_line(when, ip, "GET", "/" + planned.server_rel, 200, size, agent))
            entry = truth.server_files[f"{WEB_ROOT}/{planned.server_rel}@{upload.isoformat()}"]
            entry["external_accesses"] = cast(int, entry["external_accesses"]) + 1
            truth.all_requests["external"] += 1
            continue
        out.append(_line(when, ip if i % 50 else GOOGLE_IP, "GET", target, 404, 209, agent))


def _line(when: datetime, ip: str, method: str, url: str, status: int, body: int | None, agent: str,
          encoding: str = "utf-8") -> tuple[datetime, str]:
    target = encode_url_path(url, encoding)
    event = AccessEvent(when.replace(microsecond=0), ip, method, target, "", "", status, body, "", agent,
                        protocol="HTTP/1.1")
    return when, combined_line(event, tz=JST)


def _write_rotated(server: Path, lines: Sequence[tuple[datetime, str]]) -> None:
    """access_log.3.gz (oldest) … access_log.1, access_log (newest)."""
    names = ("access_log.3.gz", "access_log.2.gz", "access_log.1", "access_log")
    size = -(-len(lines) // len(names)) if lines else 0
    for i, name in enumerate(names):
        chunk = "".join(line + "\n" for _, line in lines[i * size:(i + 1) * size]).encode("utf-8", "surrogateescape")
        if name.endswith(".gz"):
            with gzip.open(server / name, "wb", compresslevel=1) as stream:
                stream.write(chunk)
        else:
            (server / name).write_bytes(chunk)


def _write_case_toml(out: Path) -> None:
    (out / "CASE.toml").write_text(f"""[case]
name = "堺市 2015 (synthetic)"
log_timezone = "Asia/Tokyo"

[[evidence]]
name = "work_pc"
path = "evidence/work_pc"

[[evidence]]
name = "portable_hdd"
path = "evidence/portable_hdd"

[[evidence]]
name = "home_pc"
path = "evidence/home_pc"

[[server_log]]
format = "vsftpd"
path = "server/vsftpd.log"

[[access_log]]
format = "combined"
path = "server/access_log*"

[server]
web_root = "{WEB_ROOT}"
""", encoding="utf-8")
