#!/usr/bin/env python3
"""End-to-end OneBot benchmark: qqbot's `examples/onebot.rs` against the minimal client, in the same run.

Builds the load generator and the minimal client from ../shared/bench, and the onebot example the way a OneBot
bot is deployed: the `production` profile (release + fat LTO), without the cargo features a OneBot bot does not
use (`--no-default-features`: no official platform, no SQLite or Redis code), linked with compact relative
relocations (`-z pack-relative-relocs`, when glibc >= 2.36 can load them), and with the functions it runs laid
out together (profile-guided function layout, bench/function_order.py: two short runs under callgrind record the
functions that start-up and message handling run; lld places them first). `--no-layout` skips the layout,
`--plain` builds `cargo build --release --example onebot` with every default feature instead, for comparison.
Then it runs, interleaved and repeated (--runs, default 3):

  throughput   20 000 `/echo` events as fast as the bot answers (forward WebSocket)
  latency      2 000 events at 500 events/s
  commands     throughput with BENCH_COMMANDS=1000 extra commands (`/cmd0` … `/cmd999`)

and prints medians with their spread, and the ratios the performance issue asks for. Only 127.0.0.1 is used; every
process is spawned by the load generator, which kills it at the end.

    python3 bench/onebot_e2e.py [--runs 5] [--events 20000] [--kit ../shared/bench] [--no-layout | --plain]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import function_order

ROOT = Path(__file__).resolve().parent.parent


def glibc_has_relr() -> bool:
    """DT_RELR needs glibc 2.36 at run time."""
    try:
        name, version = os.confstr("CS_GNU_LIBC_VERSION").split()
        major, minor = (int(x) for x in version.split(".")[:2])
        return name == "glibc" and (major, minor) >= (2, 36)
    except (ValueError, OSError, AttributeError):
        return False


def build(kit: Path, target: Path, plain: bool, layout: bool) -> dict:
    env = dict(os.environ, CARGO_TARGET_DIR=str(target))
    for crate in ("loadgen", "baseline"):
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=kit / crate, env=env, check=True)
    bins = {"loadgen": target / "release" / "loadgen", "baseline": target / "release" / "baseline-bot"}
    if plain:
        cmd, profile, qq_target, qq_env = ["--release"], "release", ROOT / "target", dict(os.environ)
    else:
        # Its own target dir: the extra linker flags would otherwise invalidate the usual build cache.
        qq_target = ROOT / "target" / "bench-qqbot"
        qq_env = dict(os.environ, CARGO_TARGET_DIR=str(qq_target))
        flags = os.environ.get("RUSTFLAGS", "").split()
        if glibc_has_relr():
            flags.append("-C link-arg=-Wl,-z,pack-relative-relocs")
        # Always the same flags (a fixed order file, empty for --no-layout), so switching between the two keeps the
        # dependencies' build cache: only the example is linked again.
        order = qq_target / "onebot.order"
        qq_target.mkdir(parents=True, exist_ok=True)
        order.touch()
        flags.append(f"-C link-arg=-Wl,--symbol-ordering-file={order} -C link-arg=-Wl,--no-warn-symbol-ordering")
        qq_env["RUSTFLAGS"] = " ".join(flags)
        cmd, profile = ["--profile", "production", "--no-default-features"], "production"
    build_cmd = ["cargo", "build", "-q", *cmd, "-p", "qqbot-examples", "--example", "onebot"]
    print(f"building qqbot: {' '.join(build_cmd[2:])} (RUSTFLAGS={qq_env.get('RUSTFLAGS', '')!r})", file=sys.stderr)
    subprocess.run(build_cmd, cwd=ROOT, env=qq_env, check=True)
    bins["qqbot"] = qq_target / profile / "examples" / "onebot"
    if not plain:
        relink = record_layout(bins, order) if layout else clear_layout(order)
        if relink:
            print("linking again with the new function order", file=sys.stderr)
            subprocess.run(["cargo", "clean", "-q", *cmd[:2], "-p", "qqbot-examples"], cwd=ROOT, env=qq_env,
                           check=True)
            subprocess.run(build_cmd, cwd=ROOT, env=qq_env, check=True)
    return bins


def clear_layout(order: Path) -> bool:
    """Empties the order file. True when the current binary was linked with a non-empty one."""
    if not order.read_text().strip():
        return False
    order.write_text("")
    return True


def record_layout(bins: dict, order: Path) -> bool:
    """Records the functions the bot runs (start-up and idle, then 300 `/echo` with 1 000 extra commands) and
    writes them to `order`. True when that changed what the current binary was linked with."""
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is needed to record the function layout (apt-get install valgrind), or pass --no-layout")
    recordings = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (events, commands) in enumerate(((0, 0), (300, 1000))):
            out = Path(tmp) / f"run{i}.cg"
            env = dict(os.environ, BENCH_COMMANDS=str(commands), RUST_LOG="error",
                       QQBOT_ONEBOT_URI=f"ws://127.0.0.1:{6780 + i}/")
            bot = ["valgrind", "--tool=callgrind", "--dump-instr=yes", f"--callgrind-out-file={out}",
                   str(bins["qqbot"])]
            subprocess.run([str(bins["loadgen"]), "--port", str(6780 + i), "-n", str(events), "--settle-ms", "1500",
                            "--", *bot], env=env, capture_output=True, check=True, timeout=600)
            recordings.append(out)
        names = function_order.order(bins["qqbot"], recordings)
    linked = order.read_text().split()
    print(f"function layout: {len(names)} functions recorded, in {function_order.windows(bins['qqbot'], names)}"
          " windows of 64 KiB of this build", file=sys.stderr)
    if set(names) <= set(linked):
        return False
    order.write_text("\n".join(names) + "\n")
    return True


def run(bins: dict, who: str, port: int, extra: list, commands: int, events: int) -> dict:
    env = dict(os.environ, BENCH_COMMANDS=str(commands), RUST_LOG="error")
    url = f"ws://127.0.0.1:{port}/"
    if who == "baseline":
        bot = [str(bins["baseline"]), url]
    else:
        env["QQBOT_ONEBOT_URI"] = url
        bot = [str(bins["qqbot"])]
    cmd = [str(bins["loadgen"]), "--port", str(port), "--label", who, "-n", str(events), *extra, "--", *bot]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    line = next((l for l in out.stdout.splitlines() if l.startswith("{")), None)
    if line is None:
        sys.exit(f"{who}: no result\n{out.stdout}\n{out.stderr}")
    result = json.loads(line)
    replies = result["replies"]
    if result.get("error") or replies["missing"] or replies["wrong"] or replies["duplicate"]:
        sys.exit(f"{who}: failed run: {line}")
    return result


def spread(values):
    med = statistics.median(values)
    return f"{med:10.1f}  [{min(values):.1f} … {max(values):.1f}]"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kit", default=str(ROOT.parent / "shared" / "bench"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--events", type=int, default=20000)
    ap.add_argument("--port", type=int, default=6790)
    ap.add_argument("--plain", action="store_true", help="measure `--release` with every default feature")
    ap.add_argument("--no-layout", action="store_true", help="skip the profile-guided function layout")
    args = ap.parse_args()
    kit = Path(args.kit).resolve()
    bins = build(kit, ROOT / "target" / "bench-kit", args.plain, not args.no_layout)

    # The scaling run right after the throughput run it is compared with, so the machine's drift between the two is
    # as small as the interleaving allows.
    scenarios = {
        "throughput": ([], 0, args.events),
        "commands": ([], 1000, args.events),
        "latency": (["--rate", "500"], 0, 2000),
    }
    results = {(w, s): [] for w in ("baseline", "qqbot") for s in scenarios}
    port = args.port
    for i in range(args.runs):
        for scenario, (extra, commands, events) in scenarios.items():
            for who in ("baseline", "qqbot"):
                port += 1
                r = run(bins, who, port, extra, commands, events)
                results[(who, scenario)].append(r)
                print(f"run {i + 1} {scenario:10} {who:8} {r['events_per_s']:9.0f} ev/s "
                      f"cpu {r['bot_cpu_us_per_event']:6.1f} us/ev  p99 {r['lat_us']['p99']} us  "
                      f"host steal {r.get('host_steal_pct') or 0:.1f} %", file=sys.stderr)

    def col(who, scenario, key):
        out = []
        for r in results[(who, scenario)]:
            v = r
            for k in key.split("."):
                v = v[k]
            out.append(float(v))
        return out

    rows = [
        ("echo events/s", "throughput", "events_per_s", True),
        ("CPU µs per event", "throughput", "bot_cpu_us_per_event", False),
        ("p50 latency µs @500/s", "latency", "lat_us.p50", False),
        ("p99 latency µs @500/s", "latency", "lat_us.p99", False),
        ("events/s +1000 commands", "commands", "events_per_s", True),
        ("idle RSS KiB", "throughput", "rss_kb.idle", False),
        ("peak RSS KiB (burst)", "throughput", "rss_kb.peak", False),
        ("start-up ms", "throughput", "startup_ms", False),
    ]
    print(f"{'metric':26} {'baseline (median [min … max])':34} {'qqbot (median [min … max])':34} ratio")
    for name, scenario, key, _ in rows:
        b, q = col("baseline", scenario, key), col("qqbot", scenario, key)
        ratio = statistics.median(q) / statistics.median(b) if statistics.median(b) else float("nan")
        print(f"{name:26} {spread(b):34} {spread(q):34} {ratio:5.2f}x")
    # Each latency run of qqbot follows the minimal client's; the ratio within each pair shares the machine's state
    # of that moment (the host's steal time moves p99 by milliseconds from one run to the next).
    pairs = [q / b for b, q in zip(col("baseline", "latency", "lat_us.p99"), col("qqbot", "latency", "lat_us.p99")) if b]
    if pairs:
        print(f"{'p99 @500/s, per-run pairs':26} {'':34} {spread(pairs):34} {statistics.median(pairs):5.2f}x")
    steal = [float(r.get("host_steal_pct") or 0) for who in ("baseline", "qqbot") for r in results[(who, "latency")]]
    print(f"{'host steal % (latency)':26} {spread(steal):34}")
    flat = statistics.median(col("qqbot", "commands", "events_per_s")) / statistics.median(
        col("qqbot", "throughput", "events_per_s"))
    print(f"{'qqbot +1000 cmds / echo only':26} {'':34} {'':34} {flat:5.2f}x")
    flat_cpu = statistics.median(col("qqbot", "throughput", "bot_cpu_us_per_event")) / statistics.median(
        col("qqbot", "commands", "bot_cpu_us_per_event"))
    print(f"{'  the same in CPU per event':26} {'':34} {'':34} {flat_cpu:5.2f}x")


if __name__ == "__main__":
    main()
