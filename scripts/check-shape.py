#!/usr/bin/env python3
"""The shape rules of Sources/ (issue 10): no line over 140 characters, no file over 400 lines,
no function over 60 lines, and no column label or kernel counter name written as a string
literal in more than one Swift file (the catalog declares each once).
Prints one line per violation; exit 1 when there is any."""
import os, re, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources")
MAX_LINE, MAX_FILE, MAX_FUNC = 140, 400, 60
# A representative set of column labels: each may be written in one Swift file only.
LABELS = [
    "rxdrop/s", "txdrop/s", "rxfifo/s", "asmf/s", "fragf/s", "rcvbuferr/s", "lstovf/s", "dropd/s", "squeezd/s",
    "retrans/s", "%retrans", "noport/s", "idisc/s", "rxpck/s", "netirq/s", "drops/s",
]
# Kernel counter names: written only in the catalog (Sources/DropTopCore/Catalog/), where each
# CounterID("Section", "Name") is declared once.
COUNTERS = [
    "RcvbufErrors", "ListenOverflows", "ListenDrops", "InDiscards", "ReasmFails", "FragFails", "RetransSegs", "OutSegs",
    "NoPorts", "InCsumErrors", "TCPBacklogDrop", "TCPTimeWaitOverflow", "time_squeeze", "flow_limit_count",
]
CATALOG = os.path.join("Sources", "DropTopCore", "Catalog")
DECLARATION = re.compile(r'CounterID\("(\w+)", "(\w+)"\)')
FUNC = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|static|mutating|override|final|"
                  r"nonisolated|@discardableResult)\s+)*(?:func|init|deinit)\b")


def functions(lines):
    """(name line, length) of each function body, by brace depth from its opening line."""
    out = []
    for i, line in enumerate(lines):
        if not FUNC.match(line) or "{" not in line and not any("{" in l for l in lines[i + 1:i + 4]):
            continue
        depth, started = 0, False
        for j in range(i, len(lines)):
            text = re.sub(r'"(?:\\.|[^"\\])*"', '""', lines[j])
            depth += text.count("{") - text.count("}")
            started = started or "{" in text
            if started and depth <= 0:
                out.append((i + 1, j - i + 1))
                break
    return out


def main():
    problems, seen, declared = [], {}, {}
    for folder, _, files in os.walk(ROOT):
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, os.path.join(ROOT, ".."))
            lines = open(path, encoding="utf-8").read().split("\n")
            if len(lines) - 1 > MAX_FILE:
                problems.append(f"{rel}: {len(lines) - 1} lines (max {MAX_FILE})")
            for n, line in enumerate(lines, 1):
                if len(line) > MAX_LINE:
                    problems.append(f"{rel}:{n}: {len(line)} characters (max {MAX_LINE})")
            for start, length in functions(lines):
                if length > MAX_FUNC:
                    problems.append(f"{rel}:{start}: function of {length} lines (max {MAX_FUNC})")
            text = "\n".join(l for l in lines if not l.lstrip().startswith("//"))
            for literal in LABELS:
                if f'"{literal}"' in text:
                    seen.setdefault(literal, []).append(rel)
            in_catalog = rel.startswith(CATALOG)
            for literal in COUNTERS:
                if f'"{literal}"' in text and not in_catalog:
                    problems.append(f'{rel}: kernel counter name "{literal}" outside the catalog')
            for section, name in DECLARATION.findall(text):
                declared.setdefault(f"{section}.{name}", []).append(rel)
    for literal, files in sorted(seen.items()):
        if len(files) > 1:
            problems.append(f'"{literal}" written in {len(files)} files: {", ".join(files)}')
    for counter, files in sorted(declared.items()):
        if len(files) > 1:
            problems.append(f"{counter} declared {len(files)} times: {', '.join(files)}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
