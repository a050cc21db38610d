#!/usr/bin/env python3
"""check_includes.py SRC — every #include "…" in daemon/ and rrd/ names a
header of the including file's own folder, a public header of a folder
below it, or the collector ABI; never one of a folder above it, nor a
header another folder keeps to itself.

"Below" is what the folder's CMakeLists.txt says it uses (pejl_subsystem's
BELOW list, followed through), so this and the build agree; the build
already fails on such an include, this says which line and why. The few
upward includes still to be broken are listed in UPWARD_TODO: one that is
gone must leave the list, so the list stays true.
"""
import os
import re
import sys

# (file, header) pairs that still include a folder above their own: none now;
# a pair goes here only with a note in the commit on how it will be broken.
UPWARD_TODO = set()

ABI = "abi"  # collectors/collector.h: the plugin ABI, below everything but core
WIRING = "daemon"  # main.c, daemon.c, probe.c, pejld.h: may use every folder


def folders(src):
    """{folder: directory} for daemon's subsystem folders and rrd/."""
    out = {WIRING: os.path.join(src, "daemon"), "rrd": os.path.join(src, "rrd")}
    for name in os.listdir(os.path.join(src, "daemon")):
        path = os.path.join(src, "daemon", name)
        if os.path.isfile(os.path.join(path, "CMakeLists.txt")):
            out[name] = path
    return out


KEYWORDS = ("SOURCES", "PUBLIC_HEADERS", "BELOW", "UPWARD_TODO")


def subsystems(dirs):
    """{folder: {keyword: [words]}} from each pejl_subsystem(…) call."""
    out = {}
    for name, path in dirs.items():
        if name == WIRING:
            continue
        text = open(os.path.join(path, "CMakeLists.txt"), encoding="utf-8").read()
        m = re.search(r"pejl_subsystem\(\s*(\w+)(.*?)\)", text, re.S)
        if not m or m.group(1) != name:
            sys.exit(f"{path}/CMakeLists.txt: no pejl_subsystem({name} …)")
        args, key = {k: [] for k in KEYWORDS}, None
        for word in m.group(2).split():
            if word in KEYWORDS:
                key = word
            elif key:
                args[key].append(word)
        out[name] = args
    return out


def below(subs):
    """{folder: set of folders it may use}, from the BELOW lists."""
    direct = {name: set(args["BELOW"]) for name, args in subs.items()}
    closed = {}

    def close(name, seen=()):
        if name in seen:
            sys.exit(f"folders use each other: {' -> '.join(seen + (name,))}")
        if name not in closed:
            allowed = set()
            for d in direct[name]:
                allowed |= {d} | close(d, seen + (name,))
            closed[name] = allowed
        return closed[name]

    for name in direct:
        close(name)
    closed[WIRING] = set(direct) | {ABI}
    for name in closed:
        if name != "core":
            closed[name].add(ABI)
    return closed


def owner(dirs):
    """{header basename: folder}."""
    out = {"collector.h": ABI}
    for name, path in dirs.items():
        for f in os.listdir(path):
            if f.endswith(".h"):
                if f in out:
                    sys.exit(f"{f} is in both {out[f]} and {name}: header names are unique")
                out[f] = name
    return out


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "."
    dirs = folders(src)
    subs = subsystems(dirs)
    allowed = below(subs)
    public = {name: set(args["PUBLIC_HEADERS"]) for name, args in subs.items()}
    headers = owner(dirs)
    problems, seen_todo = [], set()
    for name, path in sorted(dirs.items()):
        for f in sorted(os.listdir(path)):
            if not f.endswith((".c", ".h")):
                continue
            rel = os.path.relpath(os.path.join(path, f), src)
            for n, line in enumerate(open(os.path.join(path, f), encoding="utf-8"), 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                inc = m.group(1)
                if "/" in inc:
                    problems.append(f"{rel}:{n}: #include \"{inc}\": name the header bare; "
                                    "the folder's CMakeLists.txt says where it is found")
                    continue
                to = headers.get(inc)
                if to is None or to == name:
                    continue
                if to in public and inc not in public[to]:
                    problems.append(f"{rel}:{n}: #include \"{inc}\": {to}/ keeps {inc} to itself "
                                    f"(its public headers: {', '.join(sorted(public[to]))})")
                    continue
                if to in allowed[name]:
                    continue
                if (rel, inc) in UPWARD_TODO:
                    seen_todo.add((rel, inc))
                    continue
                problems.append(f"{rel}:{n}: #include \"{inc}\": {name}/ may not include {to}/ "
                                f"(it may use {', '.join(sorted(allowed[name])) or 'nothing'}); "
                                f"move what it needs down, or pass it in")
    for rel, inc in sorted(UPWARD_TODO - seen_todo):
        problems.append(f"{rel}: no longer includes {inc}: take it off UPWARD_TODO in {__file__}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
