"""Benchmark of `mamori agent export`: 1 GiB in 1,000 files to a local folder, against `cp -r` + `sha256sum`
of the same files in the same run.

    .venv/bin/python benchmarks/agent_export.py [--mib 1024] [--files 1000] [--rounds 3] [--dir /var/tmp]

The agent does strictly more than the floor: it re-hashes every source file against the grant before
touching the medium, copies into a hidden folder, flushes the file system (syncfs), drops the copies from
the page cache and reads them back *from the device* to hash them again, then renames the folder. So two
floors are measured: `cp -r` + `sha256sum` of the copies (the issue's floor; nothing reaches the disk and
the hashes come from memory) and the same with `sync -f` between them (what it costs to know the bytes are
on the device). Runs alternate; the median of each is reported with the ratio. The sources stay in the
page cache for every run (they were just written), as they would for both tools.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "agent"))
from agent_helpers import fake_usb, grant_envelope

from mamori.agent.export import Exporter, Writer
from mamori.agent.grant import Grant, Ledger
from mamori.agent.home import AgentHome
from mamori.agent.medium import MediumProbe
from mamori.audit.checkpoint import generate_signer


def make_sources(folder: Path, total: int, count: int) -> list[dict[str, object]]:
    folder.mkdir(parents=True)
    size = total // count
    block = os.urandom(size + count)
    entries: list[dict[str, object]] = []
    for n in range(count):
        data = block[n:n + size]  # every file different, generated once
        name = f"file{n:04d}.bin"
        (folder / name).write_bytes(data)
        entries.append({"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": size})
    return entries


def floor(source: Path, target: Path, sync: bool) -> float:
    start = time.perf_counter()
    subprocess.run(["cp", "-r", str(source), str(target)], check=True)
    if sync:
        subprocess.run(["sync", "-f", str(target)], check=True)
    names = sorted(p.name for p in target.iterdir())
    subprocess.run(["sha256sum", *names], cwd=target, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def agent(source: Path, root: Path, envelope: str, run: int) -> float:
    usb = fake_usb(root / f"usb{run}")
    home = AgentHome(root / f"home{run}")
    home.create()
    import json

    grant = Grant(json.loads(envelope)["grant"] | {"medium": usb.identity}, envelope)
    exporter = Exporter(MediumProbe(usb.sysfs, usb.mountinfo), Ledger(home), Writer())
    start = time.perf_counter()
    result = exporter.export(grant, source, usb.mount)
    elapsed = time.perf_counter() - start
    assert len(result.files) == len(grant.files)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mamori-bench-agent-", dir=args.dir))
    try:
        source = work / "source"
        entries = make_sources(source, args.mib << 20, args.files)
        key = generate_signer("mamori-grant")
        envelope = grant_envelope(key, entries, {"vendor_id": "0781", "product_id": "5581", "serial": "S0001"})
        times: dict[str, list[float]] = {"cp -r + sha256sum": [], "cp -r + sync -f + sha256sum": [], "agent": []}
        for run in range(args.rounds):
            for name in times:
                target = work / f"out-{run}-{len(times[name])}-{name[:5].strip()}"
                if name == "agent":
                    times[name].append(agent(source, work / f"agent-{run}", envelope, run))
                else:
                    times[name].append(floor(source, target, sync="sync" in name))
                shutil.rmtree(target, ignore_errors=True)
                shutil.rmtree(work / f"agent-{run}", ignore_errors=True)
        total = sum(int(str(e["size"])) for e in entries)
        print(f"{len(entries)} files, {total / (1 << 30):.2f} GiB, {args.rounds} rounds, load {os.getloadavg()}")
        base = statistics.median(times["cp -r + sha256sum"])
        for name, values in times.items():
            median = statistics.median(values)
            print(f"  {name:30s} median {median:6.2f} s  ({total / median / 1e6:7.1f} MB/s)  "
                  f"runs {', '.join(f'{v:.2f}' for v in values)}  ratio {median / base:.2f}x")
        with_sync = statistics.median(times["cp -r + sync -f + sha256sum"])
        print(f"agent / (cp + sync + sha256sum) = {statistics.median(times['agent']) / with_sync:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
