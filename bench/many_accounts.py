#!/usr/bin/env python3
"""Many accounts in one process: qqbot's reverse-WebSocket server against the minimal floor, in the same run.

Builds, in the release profile (`cargo build --release`; not the fat-LTO `production` build of onebot_e2e.py, so it
shares the usual build cache):

  many-accounts   bench/scale: N OneBot accounts connecting to one reverse-WS server (each its own X-Self-ID, the
                  shared Bearer token), `/echo <i>` round-robin over them
  reverse-floor   bench/scale: tokio-tungstenite + serde_json, one task per connection, no framework
  onebot          examples/onebot.rs without default features (OneBot only, as a OneBot bot is deployed), started
                  as a reverse-WS server with QQBOT_ONEBOT_LISTEN

Then, for each run (--runs, default 3) and each N (--accounts, default 1 100 1000), the floor and qqbot one after the
other (interleaved, so the machine's drift hits both alike): the server is spawned, its RSS read with no account
(base), all N accounts connect (idle RSS), --events `/echo` go as fast as answered with at most 100 unanswered
(events/s, server CPU µs per event, RSS sampled every 100 ms: load), then 2 000 events at 500 events/s (p99).

RSS per account is (RSS − base RSS) / N, base being the same process before its first account: what each connected
account adds, including one-off costs (the first account's, and under load the state of the 100 events in flight,
whatever N is), which N = 1 000 spreads thin; at N = 1 it is mostly one-off costs, so the targets are read at
N = 1 000. The slope between the two largest N, (RSS(N2) − RSS(N1)) / (N2 − N1), leaves the one-off costs out: it is
what one more account costs. CPU µs per event is given twice: at full speed (where one account's events arrive in
bursts that one read and one write carry, while a thousand accounts each send one event at a time, so per-event
system calls grow with N for any server, the floor included) and at the fixed rate, where events come one at a
time whatever N is. Prints medians with [min … max] and the ratios of the performance issue. Only 127.0.0.1 is
used; every server is spawned by the load generator, which kills it.

    python3 bench/many_accounts.py [--runs 3] [--accounts 1 100 1000] [--events 20000] [--json out.jsonl]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"


def build(target: Path) -> dict:
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    steps = [
        ["cargo", "build", "-q", "--release", "-p", "qqbot-bench"],
        ["cargo", "build", "-q", "--release", "--no-default-features", "-p", "qqbot-examples", "--example", "onebot"],
    ]
    for cmd in steps:
        print("building:", " ".join(cmd[2:]), file=sys.stderr)
        subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    rel = target / "release"
    return {"loadgen": rel / "many-accounts", "floor": rel / "reverse-floor", "qqbot": rel / "examples" / "onebot"}


def raise_fd_limit(accounts: int) -> None:
    """Each side holds one descriptor per account, plus a few; the children inherit the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = accounts * 2 + 256
    if soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        if new < want:
            sys.exit(f"ulimit -n is {new}, {want} are needed for {accounts} accounts")


def run(bins: dict, who: str, port: int, accounts: int, events: int, rate: float, rate_events: int) -> dict:
    env = dict(os.environ, RUST_LOG="error")
    addr = f"127.0.0.1:{port}"
    if who == "floor":
        server = [str(bins["floor"]), addr, "--token", TOKEN]
    else:
        env.update(QQBOT_ONEBOT_LISTEN=addr, QQBOT_ONEBOT_TOKEN=TOKEN)
        server = [str(bins["qqbot"])]
    cmd = [str(bins["loadgen"]), "--url", f"ws://{addr}/onebot/v11/ws", "--token", TOKEN, "--label", who,
           "--accounts", str(accounts), "-n", str(events), "--rate", str(rate), "--rate-events", str(rate_events),
           "--", *server]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    line = next((l for l in out.stdout.splitlines() if l.startswith("{")), None)
    if line is None:
        sys.exit(f"{who} N={accounts}: no result\n{out.stdout}\n{out.stderr}")
    result = json.loads(line)
    if out.returncode != 0:
        sys.exit(f"{who} N={accounts}: failed run: {line}")
    return result


def get(r: dict, key: str) -> float:
    for k in key.split("."):
        r = r[k]
    return float(r)


def spread(values) -> str:
    return f"{statistics.median(values):9.1f} [{min(values):.1f} … {max(values):.1f}]"


def load_avg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--accounts", type=int, nargs="+", default=[1, 100, 1000])
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--rate", type=float, default=500.0)
    ap.add_argument("--rate-events", type=int, default=2000)
    ap.add_argument("--port", type=int, default=7300)
    ap.add_argument("--json", help="append every run's JSON line to this file")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already built")
    args = ap.parse_args()
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if args.no_build:
        rel = target / "release"
        bins = {"loadgen": rel / "many-accounts", "floor": rel / "reverse-floor", "qqbot": rel / "examples" / "onebot"}
    else:
        bins = build(target)
    raise_fd_limit(max(args.accounts))

    print(f"load average before: {load_avg()}", file=sys.stderr)
    results = {(w, n): [] for w in ("floor", "qqbot") for n in args.accounts}
    port = args.port
    for i in range(args.runs):
        for n in args.accounts:
            for who in ("floor", "qqbot"):
                port += 1
                r = run(bins, who, port, n, args.events, args.rate, args.rate_events)
                results[(who, n)].append(r)
                if args.json:
                    with open(args.json, "a") as f:
                        f.write(json.dumps(r) + "\n")
                per = r["rss_kb_per_account"]
                print(f"run {i + 1} N={n:<5} {who:6} {r['events_per_s']:8.0f} ev/s  cpu {r['cpu_us_per_event']:6.1f} µs/ev"
                      f" ({r['rate_cpu_us_per_event']:6.1f} @{args.rate:.0f}/s)"
                      f"  p99@{args.rate:.0f}/s {r['rate_lat_us']['p99']:6} µs  RSS/account idle {per['idle']:7.1f}"
                      f" load {per['load']:7.1f} KiB  (base {r['rss_kb']['base']} KiB, load avg {load_avg()})",
                      file=sys.stderr)

    rows = [
        ("RSS KiB/account, idle", "rss_kb_per_account.idle"),
        ("RSS KiB/account, load", "rss_kb_per_account.load"),
        ("RSS KiB, no account", "rss_kb.base"),
        ("events/s", "events_per_s"),
        ("CPU µs/event, full speed", "cpu_us_per_event"),
        (f"CPU µs/event @{args.rate:.0f}/s", "rate_cpu_us_per_event"),
        (f"p50 µs @{args.rate:.0f}/s", "rate_lat_us.p50"),
        (f"p99 µs @{args.rate:.0f}/s", "rate_lat_us.p99"),
    ]
    col = lambda who, n, key: [get(r, key) for r in results[(who, n)]]
    med = lambda who, n, key: statistics.median(col(who, n, key))
    print(f"\n{args.runs} runs, medians [min … max]; load average after: {load_avg()}")
    print(f"{'N':>5} {'metric':24} {'floor':32} {'qqbot':32} qqbot/floor")
    for n in args.accounts:
        for name, key in rows:
            f, q = col("floor", n, key), col("qqbot", n, key)
            ratio = statistics.median(q) / statistics.median(f) if statistics.median(f) else float("nan")
            print(f"{n:>5} {name:24} {spread(f):32} {spread(q):32} {ratio:5.2f}x")

    big, one = max(args.accounts), min(args.accounts)
    ns = sorted(args.accounts)
    if len(ns) >= 2:
        n1, n2 = ns[-2], ns[-1]
        print(f"\nslope {n1} -> {n2} accounts, KiB per added account (medians of per-run slopes)")
        for label, key in (("idle", "rss_kb.idle"), ("load", "rss_kb.load")):
            row = []
            for who in ("floor", "qqbot"):
                slopes = [(get(b, key) - get(a, key)) / (n2 - n1) for a, b in zip(results[(who, n1)], results[(who, n2)])]
                row.append(slopes)
            f, q = row
            print(f"  {label:5} floor {spread(f):28} qqbot {spread(q):28} {statistics.median(q) / statistics.median(f):5.2f}x")
    checks = [
        (f"RSS/account idle at {big}: qqbot/floor", med("qqbot", big, "rss_kb_per_account.idle")
         / med("floor", big, "rss_kb_per_account.idle"), "<=", 1.5),
        (f"RSS/account load at {big}: qqbot/floor", med("qqbot", big, "rss_kb_per_account.load")
         / med("floor", big, "rss_kb_per_account.load"), "<=", 1.5),
        (f"CPU µs/event full speed, qqbot {big} / qqbot {one}", med("qqbot", big, "cpu_us_per_event")
         / med("qqbot", one, "cpu_us_per_event"), "<=", 1.3),
        (f"  the same for the floor (for comparison)", med("floor", big, "cpu_us_per_event")
         / med("floor", one, "cpu_us_per_event"), "<=", 1.3),
        (f"CPU µs/event @{args.rate:.0f}/s, qqbot {big} / qqbot {one}", med("qqbot", big, "rate_cpu_us_per_event")
         / med("qqbot", one, "rate_cpu_us_per_event"), "<=", 1.3),
        (f"events/s at {big}: qqbot/floor", med("qqbot", big, "events_per_s") / med("floor", big, "events_per_s"),
         ">=", 0.8),
        (f"p99 @{args.rate:.0f}/s at {big}: qqbot/floor", med("qqbot", big, "rate_lat_us.p99")
         / med("floor", big, "rate_lat_us.p99"), "<=", 1.5),
    ]
    print("\ntargets")
    for name, value, op, limit in checks:
        holds = value <= limit if op == "<=" else value >= limit
        print(f"  {name:52} {value:5.2f}  (target {op} {limit})  {'holds' if holds else 'MISSED'}")


if __name__ == "__main__":
    main()
