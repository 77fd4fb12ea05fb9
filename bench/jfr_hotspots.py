#!/usr/bin/env python3
"""Where a DL4J student's time goes, from a Java Flight Recording of SequenceSpeedBenchmark's child JVM
(`--jfr DIR`): the main thread's samples (Java and native), grouped by the innermost frame, by the SameDiff /
ND4J entry point and by the calling method of the student.

Usage: python3 bench/jfr_hotspots.py DIR/qa-t1.jfr [--package io.github.goldkd] [--top 15]
Needs the JDK's `jfr` tool on the PATH. Standard library only."""
import argparse
import collections
import re
import subprocess
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("recording")
    p.add_argument("--package", default="io.github.goldkd")
    p.add_argument("--top", type=int, default=15)
    a = p.parse_args()
    text = subprocess.run(["jfr", "print", "--events", "jdk.NativeMethodSample,jdk.ExecutionSample",
                           "--stack-depth", "96", a.recording], check=True, capture_output=True, text=True).stdout
    inner, entry, caller = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for event in re.split(r"\njdk\.", text):
        if 'sampledThread = "main"' not in event:
            continue
        frames = re.findall(r"^\s+([\w.$<>]+)\(", event, re.M)
        if not frames:
            continue
        total += 1
        short = [f.split(".")[-2] + "." + f.split(".")[-1] for f in frames]
        inner[short[0]] += 1
        nd4j = [s for f, s in zip(frames, short) if f.startswith("org.nd4j")]
        entry[nd4j[-1] if nd4j else "(not in ND4J)"] += 1
        ours = [s for f, s in zip(frames, short) if f.startswith(a.package)]
        caller[ours[0] if ours else "(outside " + a.package + ")"] += 1
    if total == 0:
        sys.exit("no main-thread samples in " + a.recording)
    for title, counter in (("innermost frame", inner), ("outermost ND4J/SameDiff frame", entry),
                           ("innermost " + a.package + " frame", caller)):
        print(f"## {title} ({total} main-thread samples)")
        for name, n in counter.most_common(a.top):
            print(f"{100.0 * n / total:6.1f}%  {n:6d}  {name}")
        print()


if __name__ == "__main__":
    main()
