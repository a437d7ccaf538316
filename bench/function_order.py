#!/usr/bin/env python3
"""Profile-guided function layout: a linker symbol-ordering file from recorded runs of a bot.

On Linux every first touch of a code page maps the whole 64 KiB window around it (the kernel's fault-around), so a
bot's resident code is not the code it runs but the number of windows that code is spread over. A bot runs a few
hundred functions to start, connect and answer messages, scattered over megabytes of text by the order the
compiler emitted them; listing them first makes them adjacent.

Record runs under callgrind (instruction addresses on), first the start-up and idle run, then one that handles
messages, and turn them into an ordering file for lld (Rust's default linker on x86_64 Linux):

    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=idle.cg ./target/production/mybot
    valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file=busy.cg ./target/production/mybot
    python3 bench/function_order.py --binary target/production/mybot idle.cg busy.cg > order.txt
    cargo rustc --profile production --bin mybot -- \\
        -C link-arg=-Wl,--symbol-ordering-file=order.txt -C link-arg=-Wl,--no-warn-symbol-ordering

Functions of the first recording come first, then those only the next ones ran; within a recording they keep the
compiler's order. The file names symbols of this exact build: record again after changing code or dependencies
(symbols that no longer exist are ignored, so a stale file only loses the benefit).
"""

import argparse
import bisect
import re
import subprocess
import sys
from pathlib import Path

POSITION = re.compile(r"^(0x[0-9a-f]+|[+-]\d+|\*)\s")
NAMED = re.compile(r"^(ob|fn|cob|cfn|fl|fi|fe|cfi|cfl)=\((\d+)\)(?: (.*))?$")


def executed_addresses(callgrind_file: Path, binary: Path) -> set:
    """Instruction addresses callgrind saw executed inside `binary` (the file must use `--dump-instr=yes`)."""
    objects = {}
    current_object = None
    last = 0
    found = set()
    with open(callgrind_file, encoding="utf-8", errors="replace") as f:
        for line in f:
            named = NAMED.match(line.rstrip("\n"))
            if named:
                kind, index, name = named.groups()
                if kind in ("ob", "cob"):
                    if name:
                        objects[index] = name
                    if kind == "ob":
                        current_object = objects.get(index)
                continue
            if line.startswith("calls="):
                # The call's target is a position in another function; the cost line after it is the call site.
                continue
            position = POSITION.match(line)
            if not position:
                continue
            token = position.group(1)
            if token.startswith("0x"):
                last = int(token, 16)
            elif token != "*":
                last += int(token)
            if current_object and Path(current_object).name == binary.name:
                found.add(last)
    return found


def text_symbols(binary: Path) -> list:
    """(address, size, mangled name) of the binary's functions, by address."""
    out = subprocess.run(["nm", "-n", "-S", str(binary)], capture_output=True, text=True, check=True).stdout
    symbols = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            symbols.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
    return symbols


def order(binary: Path, recordings: list) -> list:
    """Mangled names of the functions the recordings executed: the first recording's, then those only a later
    one ran; each group in the binary's current order."""
    symbols = text_symbols(binary)
    starts = [address for address, _, _ in symbols]
    main = next((address for address, _, name in symbols if name == "main"), None)
    emitted, names = set(), []
    for recording in recordings:
        addresses = executed_addresses(recording, binary)
        if not addresses:
            sys.exit(f"{recording}: no instruction of {binary.name} (recorded with --dump-instr=yes?)")
        hit = set()
        for address in addresses:
            i = bisect.bisect_right(starts, address) - 1
            if i >= 0 and address < symbols[i][0] + max(symbols[i][1], 1):
                hit.add(i)
        if main is not None and not any(symbols[i][2] == "main" for i in hit):
            sys.exit(f"{recording}: recorded from a different build of {binary.name} (main never ran)")
        for i in sorted(hit):
            if symbols[i][2] not in emitted:
                emitted.add(symbols[i][2])
                names.append(symbols[i][2])
    return names


def windows(binary: Path, names: list) -> int:
    """How many 64 KiB windows of the binary the named functions occupy: what their first run maps."""
    wanted = set(names)
    return len({address >> 16 for address, size, name in text_symbols(binary) if name in wanted
                for address in range(address, address + max(size, 1), 4096)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True, type=Path, help="the build the recordings were made from")
    ap.add_argument("recordings", nargs="+", type=Path, help="callgrind.out files, start-up run first")
    args = ap.parse_args()
    names = order(args.binary, args.recordings)
    for name in names:
        print(name)
    print(f"{len(names)} functions in {windows(args.binary, names)} windows of 64 KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
