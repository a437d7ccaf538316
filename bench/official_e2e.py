#!/usr/bin/env python3
"""End-to-end official-platform benchmark: qqbot against the hand-written floors, in the same run.

Builds `bench/official` (the `official-load` platform player, `webhook-floor`, `gateway-floor` and the qqbot
`official-bot`) with one profile for all of them (`--release` by default, `--profile production` for the deployed
build), then runs, interleaved and repeated (--runs, default 3), for the webhook and the gateway:

  throughput   --events `/echo` events as fast as the bot answers (at most --window unanswered)
  latency      --latency-events events at --rate events/s (p99 at a fixed rate)

against the floor and qqbot, and prints medians with their spread [min … max] and the ratios the performance issue
asks for (throughput >= 0.8x the floor's, CPU us/event <= 1.3x). The load generator's own CPU share is printed too,
to show it is not the bottleneck. Only 127.0.0.1 is used; every bot is spawned by the load generator and killed at
the end of its run.

    python3 bench/official_e2e.py [--runs 3] [--events 20000] [--rate 1000] [--modes webhook,gateway]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(profile: str) -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    cmd = ["cargo", "build", "-q", "-p", "qqbot-bench-official"]
    cmd += ["--release"] if profile == "release" else ["--profile", profile]
    subprocess.run(cmd, cwd=ROOT, check=True)
    return target / profile


def run(bins: Path, mode: str, bot: str, events: int, rate: float, window: int) -> dict:
    program = {"floor": f"{mode}-floor", "qqbot": "official-bot"}[bot]
    cmd = [str(bins / "official-load"), "--mode", mode, "--events", str(events), "--window", str(window),
           "--rate", str(rate), "--", str(bins / program)]
    # A scratch working directory: the qqbot bot keeps its session file under ./data.
    with tempfile.TemporaryDirectory() as cwd:
        env = dict(os.environ, RUST_LOG="warn")
        out = subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True, text=True, timeout=600)
    line = out.stdout.strip().splitlines()[-1]
    result = json.loads(line)
    if result["missing"] or result["duplicates"] or result["unauthorized"]:
        print(f"  warning: {bot} {mode}: {result['missing']} missing, {result['duplicates']} duplicates, "
              f"{result['unauthorized']} unauthorized", file=sys.stderr)
    return result


def spread(values) -> str:
    med = statistics.median(values)
    return f"{med:10.1f} [{min(values):.1f} … {max(values):.1f}]"


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--events", type=int, default=20000)
    p.add_argument("--latency-events", type=int, default=5000)
    p.add_argument("--rate", type=float, default=1000.0)
    p.add_argument("--window", type=int, default=64)
    p.add_argument("--modes", default="webhook,gateway")
    p.add_argument("--profile", default="release")
    p.add_argument("--json", help="also write every run's results to this file")
    args = p.parse_args()

    bins = build(args.profile)
    modes = args.modes.split(",")
    results = {}  # (mode, bot, scenario) -> [run results]
    loads = []
    for r in range(args.runs):
        for mode in modes:
            # Interleaved: floor and qqbot alternate, and which goes first alternates, so drift in the machine's
            # load falls on both.
            order = ["floor", "qqbot"] if r % 2 == 0 else ["qqbot", "floor"]
            for bot in order:
                loads.append(float(load_average()) if load_average() != "?" else 0.0)
                t = run(bins, mode, bot, args.events, 0.0, args.window)
                results.setdefault((mode, bot, "throughput"), []).append(t)
                lat = run(bins, mode, bot, args.latency_events, args.rate, 4096)
                results.setdefault((mode, bot, "latency"), []).append(lat)
                print(f"run {r + 1} {mode:7} {bot:5}: {t['events_per_s']:8.0f} ev/s, "
                      f"{t['cpu_us_per_event']:6.1f} µs CPU/ev, load gen {t['load_cpu_share']:.2f} CPU; "
                      f"p99 @{args.rate:.0f}/s {lat['p99_us']:8.0f} µs", flush=True)

    def col(mode, bot, scenario, key):
        return [x[key] for x in results[(mode, bot, scenario)]]

    print()
    print(f"load average while measuring: median {statistics.median(loads):.2f} [{min(loads):.2f} … {max(loads):.2f}], "
          f"{os.cpu_count()} cores, profile {args.profile}")
    rows = [
        ("events/s", "throughput", "events_per_s", "≥ 0.8"),
        ("CPU µs/event", "throughput", "cpu_us_per_event", "≤ 1.3"),
        ("p50 µs (max rate)", "throughput", "p50_us", ""),
        (f"p99 µs @{args.rate:.0f}/s", "latency", "p99_us", ""),
        (f"p50 µs @{args.rate:.0f}/s", "latency", "p50_us", ""),
        ("peak RSS KiB", "throughput", "peak_rss_kib", ""),
        ("load gen CPU share", "throughput", "load_cpu_share", ""),
        ("REST connections", "throughput", "rest_connections", ""),
    ]
    for mode in modes:
        print(f"\n{mode}: {args.runs} runs, {args.events} events (window {args.window}), "
              f"{args.latency_events} at {args.rate:.0f}/s")
        print(f"{'metric':22} {'floor (median [min … max])':34} {'qqbot (median [min … max])':34} ratio  target")
        for label, scenario, key, target in rows:
            f = col(mode, "floor", scenario, key)
            q = col(mode, "qqbot", scenario, key)
            ratio = statistics.median(q) / statistics.median(f) if statistics.median(f) else float("nan")
            print(f"{label:22} {spread(f):34} {spread(q):34} {ratio:5.2f}x {target}")
    if args.json:
        Path(args.json).write_text(json.dumps({f"{m}/{b}/{s}": v for (m, b, s), v in results.items()}, indent=1))


if __name__ == "__main__":
    main()
