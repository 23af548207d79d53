"""Benchmark of the agent's device policy: render, the agent's own rule check, and USBGuard's parser as floor.

    .venv/bin/python benchmarks/agent_policy.py [--media 20000] [--repeat 3]

A register of N media (random serials, 1 in 20 lost) is rendered to a rules.conf; the agent's checker
(`mamori.agent.rulesyntax`) and USBGuard's own parser (``usbguard-rule-parser -f``, the C++ PEGTL
parser) check the same file in the same run. Also USBGuard's test corpus (770 good rules), which holds
far denser rules than the agent renders. Best of --repeat runs each; ratios are what count.
"""

from __future__ import annotations

import argparse
import random
import shutil
import string
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mamori.agent.rulesyntax import parse_rules
from mamori.agent.usbguard import render_rules
from mamori.guard.media.policy_document import MediaPolicy, PolicyMedium

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "agent" / "data" / "usbguard-rules" / "test-rules.good"


def _best(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _policy(count: int) -> MediaPolicy:
    rng = random.Random(7)
    media = tuple(PolicyMedium(i, f"{rng.randrange(65536):04x}", f"{rng.randrange(65536):04x}",
                               "".join(rng.choices(string.ascii_uppercase + string.digits, k=20)) + f"{i}",
                               ("08:*:*",), "lost" if i % 20 == 0 else "lent", i % 20 != 0, f"USB-{i}")
                  for i in range(count))
    return MediaPolicy(1, "2026-12-07T09:00:00Z", media)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--media", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    usbguard = shutil.which("usbguard-rule-parser")
    policy = _policy(args.media)
    render_s = _best(lambda: render_rules(policy), args.repeat)
    text = render_rules(policy)
    with tempfile.TemporaryDirectory() as folder:
        for name, body in (("rendered", text), ("corpus", CORPUS.read_text(encoding="utf-8"))):
            path = Path(folder) / f"{name}.conf"
            path.write_text(body, encoding="utf-8")
            rules = len(parse_rules(body))
            ours = _best(lambda body=body: parse_rules(body), args.repeat)  # type: ignore[misc]
            line = f"{name}: {rules} rules, {len(body.encode()) / 1e6:.2f} MB; agent checker {ours:.3f} s"
            if usbguard:
                theirs = _best(lambda path=path: subprocess.run(  # type: ignore[misc]
                    [usbguard, "-f", str(path)], capture_output=True, check=True), args.repeat)
                line += f"; usbguard-rule-parser {theirs:.3f} s; ratio agent/usbguard {ours / theirs:.2f}"
            print(line)
    print(f"render {args.media} media: {render_s:.3f} s ({args.media / render_s:,.0f} media/s)")


if __name__ == "__main__":
    main()
