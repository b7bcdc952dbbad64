#!/usr/bin/env python3
"""The fault matrix (issue 16): every file droptop reads from a --proc/--sys tree, broken in
every way we know, through the real binary.

For each source and each fault, a copy of Tests/Fixtures/server64 (plus the /proc/net/stat
tables and conntrack files of Tests/Fixtures/netstat_tables) gets the fault, and droptop runs
on it under a 10 s timeout and /usr/bin/time (peak RSS). Per cell it asserts:
  - no hang (timeout) and no crash; exit status 0 (1 only if nothing at all is readable);
  - where the fault makes the source unusable, an `errors` entry (JSON) or a stderr line
    (batch) naming the source as the user knows it (/proc/net/dev);
  - the rest of the report identical to the baseline run: the JSON minus the faulted source's
    sections, minus `findings` and timing fields, and minus the faulted source's errors;
    where droptop reads the file by its header's names, a reordered or an extra column leaves
    even the faulted section identical;
  - no negative rate; a /sys value that fails validation is null, never echoed;
  - stdout under 2 MB, peak RSS at most 64 MB.
Modes: `--once -i 0.2` for every cell; `-b 0.2 2` and `--json -i 0.2 --count 2` too for the
sources in FULL_MODE_SOURCES (or for all with --all-modes). Prints a table and exits 1 when
any cell fails, listing them.

    python3 Tests/fault_matrix.py [--binary .build/debug/droptop] [--all-modes] [--only SUBSTR] [-j N]
"""
import argparse, concurrent.futures as cf, json, os, random, re, shutil, stat, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIMEOUT, MAX_STDOUT, MAX_RSS_KB = 10, 2 << 20, 64 << 10
HUGE = 100 << 20
U64MAX, U64OVER = str(2**64 - 1), str(2**64)

# source (path in the tree) -> (format, JSON sections it feeds, missing is an error)
SOURCES = {
    "proc/net/dev": ("netdev", ["interfaces", "irqs", "cpus", "host"], True),
    "proc/net/snmp": ("pairs", ["protocols", "derived"], True),
    "proc/net/netstat": ("pairs", ["protocols", "derived"], True),
    "proc/net/snmp6": ("namevalue", ["protocols"], False),
    "proc/net/sockstat": ("sockstat", ["sockstat"], True),
    "proc/net/sockstat6": ("sockstat", ["sockstat"], True),
    "proc/net/tcp": ("socktable", ["tcp"], True),
    "proc/net/tcp6": ("socktable", ["tcp"], True),
    "proc/net/udp": ("socktable", ["udp"], True),
    "proc/net/udp6": ("socktable", ["udp"], True),
    "proc/net/softnet_stat": ("softnet", ["cpus", "host"], True),
    "proc/softirqs": ("cputable", ["cpus", "host"], True),
    "proc/interrupts": ("cputable", ["irqs", "cpus", "host"], True),
    "proc/net/stat/arp_cache": ("stattable", ["neighbour"], False),
    "proc/net/stat/nf_conntrack": ("stattable", ["conntrack"], False),
    "proc/sys/net/netfilter/nf_conntrack_count": ("number", ["conntrack"], False),
    "proc/sys/net/core/netdev_max_backlog": ("number", ["sysctl"], False),
    "proc/sys/net/ipv4/tcp_rmem": ("numbers", ["sysctl"], False),
    "sys/class/net/eth0/operstate": ("word", ["interfaces"], False),
    "sys/class/net/eth0/carrier": ("number", ["interfaces"], False),
    "sys/class/net/eth0/mtu": ("number", ["interfaces"], False),
    "sys/class/net/eth0/speed": ("number", ["interfaces"], False),
    "sys/class/net/eth0/duplex": ("word", ["interfaces"], False),
    "sys/class/net/eth0/tx_queue_len": ("number", ["interfaces"], False),
    "sys/class/net/eth0/statistics/rx_missed_errors": ("number", ["interfaces"], False),
}
# Every mode runs for these; the others run --once only (keeps the matrix within ~3 minutes).
FULL_MODE_SOURCES = ["proc/net/dev", "proc/interrupts", "proc/net/snmp6", "sys/class/net/eth0/operstate"]
FAULTS = ["missing", "empty", "truncated", "garbage", "directory", "fifo", "huge",
          "u64max", "u64over", "negative", "extracol", "removedcol", "reordered"]
# Faults after which the source cannot be used whole: an error naming it is required.
UNUSABLE = {"empty", "truncated", "garbage", "directory", "fifo", "huge", "u64over"}
MODES = {
    "once": ["--once", "-i", "0.2"],
    "batch": ["-b", "0.2", "2"],
    "json": ["--json", "-i", "0.2", "--count", "2"],
}
SYSFS_TEXT_NULLABLE = {"operstate", "carrier", "mtu", "speed", "duplex", "tx_queue_len"}


def display(path):
    return "/" + path


def make_base(tmp):
    base = os.path.join(tmp, "base")
    shutil.copytree(os.path.join(HERE, "Fixtures", "server64"), base, symlinks=True)
    extra = os.path.join(HERE, "Fixtures", "netstat_tables", "proc")
    for rel in ["net/stat/arp_cache", "net/stat/nf_conntrack", "sys/net/netfilter/nf_conntrack_count",
                "sys/net/netfilter/nf_conntrack_max"]:
        os.makedirs(os.path.dirname(os.path.join(base, "proc", rel)), exist_ok=True)
        shutil.copy(os.path.join(extra, rel), os.path.join(base, "proc", rel))
    return base


# ---- content faults, per format: each returns the new text or None (not applicable) ----

def rows_of(text):
    return text.split("\n")


def swap_tokens(line, i, j):
    parts = re.split(r"(\s+)", line)
    idx = [k for k, p in enumerate(parts) if p and not p.isspace()]
    if max(i, j) >= len(idx):
        return line
    parts[idx[i]], parts[idx[j]] = parts[idx[j]], parts[idx[i]]
    return "".join(parts)


def drop_token(line, i):
    toks = line.split()
    return " ".join(toks[:i] + toks[i + 1:]) if i < len(toks) else line


def netdev_fault(text, fault):
    lines = rows_of(text)
    head, names, rows = lines[0], lines[1], lines[2:]
    data = [k for k, r in enumerate(rows) if ":" in r]
    if fault in ("u64max", "u64over", "negative"):
        k = data[1]  # eth0
        name, rest = rows[k].rsplit(":", 1)
        vals = rest.split()
        vals[3] = {"u64max": U64MAX, "u64over": U64OVER, "negative": "-5"}[fault]
        rows[k] = name + ": " + " ".join(vals)
    elif fault == "extracol":  # a new Receive column before the '|'
        parts = names.split("|")
        parts[1] += " extra"
        names = "|".join(parts)
        for k in data:
            name, rest = rows[k].rsplit(":", 1)
            vals = rest.split()
            rows[k] = name + ": " + " ".join(vals[:8] + ["77"] + vals[8:])
    elif fault == "removedcol":  # Receive loses 'compressed' (column 7)
        parts = names.split("|")
        parts[1] = parts[1].replace(" compressed", "")
        names = "|".join(parts)
        for k in data:
            name, rest = rows[k].rsplit(":", 1)
            vals = rest.split()
            rows[k] = name + ": " + " ".join(vals[:6] + vals[7:])
    elif fault == "reordered":  # Receive 'drop' and 'errs' swapped, header and rows
        parts = names.split("|")
        parts[1] = parts[1].replace("errs drop", "drop errs")
        names = "|".join(parts)
        for k in data:
            name, rest = rows[k].rsplit(":", 1)
            vals = rest.split()
            vals[2], vals[3] = vals[3], vals[2]
            rows[k] = name + ": " + " ".join(vals)
    return "\n".join([head, names] + rows)


def pairs_fault(text, fault):
    lines = rows_of(text)
    k = next(i for i, l in enumerate(lines) if l.startswith(("Tcp:", "TcpExt:")))
    names, vals = lines[k].split(), lines[k + 1].split()
    col = 5 if len(names) > 6 else 1
    if fault in ("u64max", "u64over", "negative"):
        vals[col] = {"u64max": U64MAX, "u64over": U64OVER, "negative": "-5"}[fault]
    elif fault == "extracol":
        names.append("ExtraColumn")
        vals.append("77")
    elif fault == "removedcol":
        del names[col], vals[col]
    elif fault == "reordered":
        names[col], names[col + 1] = names[col + 1], names[col]
        vals[col], vals[col + 1] = vals[col + 1], vals[col]
    lines[k], lines[k + 1] = " ".join(names), " ".join(vals)
    return "\n".join(lines)


def namevalue_fault(text, fault):
    lines = rows_of(text)
    if fault in ("u64max", "u64over", "negative"):
        lines[0] = lines[0].split()[0] + " " + {"u64max": U64MAX, "u64over": U64OVER, "negative": "-5"}[fault]
    elif fault == "extracol":
        lines[0] += " 77"
    elif fault == "removedcol":
        lines[0] = lines[0].split()[0]
    elif fault == "reordered":
        lines[0], lines[1] = lines[1], lines[0]
    return "\n".join(lines)


def sockstat_fault(text, fault):
    lines = rows_of(text)
    k = next(i for i, l in enumerate(lines) if l.startswith(("TCP:", "TCP6:")))
    toks = lines[k].split()
    if fault in ("u64max", "u64over", "negative"):
        toks[2] = {"u64max": U64MAX, "u64over": U64OVER, "negative": "-5"}[fault]
    elif fault == "extracol":
        toks += ["extra", "77"]
    elif fault == "removedcol":
        del toks[3:5]
    elif fault == "reordered":
        toks[1:3], toks[3:5] = toks[3:5], toks[1:3]
    lines[k] = " ".join(toks)
    return "\n".join(lines)


def socktable_fault(text, fault):
    lines = rows_of(text)
    if len(lines) < 2 or not lines[1].strip():
        return None
    if fault in ("u64max", "u64over", "negative"):  # the inode column (decimal)
        toks = lines[1].split()
        toks[9] = {"u64max": U64MAX, "u64over": U64OVER, "negative": "-5"}[fault]
        lines[1] = " ".join(toks)
    elif fault == "extracol":  # a column after st
        lines = [" ".join(l.split()[:4] + ["extra"] + l.split()[4:]) if l.strip() else l for l in lines]
    elif fault == "removedcol":  # tx_queue:rx_queue gone
        lines = [drop_token(l, 4) if l.strip() else l for l in lines]
    elif fault == "reordered":  # local and remote address swapped
        lines = [swap_tokens(l, 1, 2) if l.strip() else l for l in lines]
    return "\n".join(lines)


def softnet_fault(text, fault):
    lines = rows_of(text)
    toks = lines[0].split()
    if fault in ("u64max", "u64over", "negative"):
        toks[1] = {"u64max": "ffffffffffffffff", "u64over": "10000000000000000", "negative": "-5"}[fault]
    elif fault == "extracol":
        toks.append("00000001")
    elif fault == "removedcol":
        del toks[1]
    elif fault == "reordered":
        toks[0], toks[1] = toks[1], toks[0]
    lines[0] = " ".join(toks)
    return "\n".join(lines)


def cputable_fault(text, fault):
    lines = rows_of(text)
    k = next(i for i, l in enumerate(lines[1:], 1) if l.split() and l.split()[0] in ("NET_RX:", "212:", "100:")
             and len(l.split()) > 3)
    toks = lines[k].split()
    if fault in ("u64max", "u64over", "negative"):
        toks[1] = {"u64max": U64MAX, "u64over": U64OVER, "negative": "-5"}[fault]
        lines[k] = " ".join(toks)
    elif fault == "extracol":  # a CPU column more in the header only
        lines[0] += " CPU999"
    elif fault == "removedcol":
        lines[0] = " ".join(lines[0].split()[:-1])
    elif fault == "reordered":
        lines[0] = swap_tokens(lines[0], 0, 1)
        lines = [lines[0]] + [swap_tokens(l, 1, 2) if len(l.split()) > 3 else l for l in lines[1:]]
    return "\n".join(lines)


def stattable_fault(text, fault):
    lines = rows_of(text)
    toks = lines[1].split()
    if fault in ("u64max", "u64over", "negative"):
        toks[1] = {"u64max": "ffffffffffffffff", "u64over": "10000000000000000", "negative": "-5"}[fault]
        lines[1] = " ".join(toks)
    elif fault == "extracol":
        lines = [lines[0] + " extra"] + [l + " 00000001" if l.strip() else l for l in lines[1:]]
    elif fault == "removedcol":
        lines = [drop_token(l, 1) if l.strip() else l for l in lines]
    elif fault == "reordered":
        lines = [swap_tokens(l, 1, 2) if l.strip() else l for l in lines]
    return "\n".join(lines)


def value_fault(text, fault, fmt):
    if fault in ("u64max", "u64over", "negative"):
        return {"u64max": U64MAX, "u64over": U64OVER, "negative": "-5"}[fault] + "\n"
    if fault == "extracol":
        return text.strip() + " 77\n"
    if fault == "removedcol":
        return text.split()[0] + "\n" if fmt == "numbers" else None
    if fault == "reordered":
        return " ".join(reversed(text.split())) + "\n" if fmt == "numbers" else None
    return None


FORMATS = {"netdev": netdev_fault, "pairs": pairs_fault, "namevalue": namevalue_fault, "sockstat": sockstat_fault,
           "socktable": socktable_fault, "softnet": softnet_fault, "cputable": cputable_fault,
           "stattable": stattable_fault}


def apply_fault(tree, source, fault):
    """Breaks `source` in `tree`; False when the fault does not apply to its format."""
    path = os.path.join(tree, source)
    fmt = SOURCES[source][0]
    text = open(path, "rb").read().decode("latin-1")
    if fault == "missing":
        os.remove(path)
    elif fault == "empty":
        open(path, "w").close()
    elif fault == "truncated":  # cut in the middle of a line, no newline at the end
        stripped = text.rstrip("\n")
        cut = max(1, len(stripped) * 2 // 3) if "\n" in stripped else max(1, len(stripped) // 2)
        while cut > 1 and stripped[cut - 1] in " \t\n":
            cut -= 1
        open(path, "wb").write(stripped[:cut].encode("latin-1"))
    elif fault == "garbage":
        open(path, "wb").write(random.Random(source).randbytes(3000))
    elif fault == "directory":
        os.remove(path)
        os.mkdir(path)
    elif fault == "fifo":
        os.remove(path)
        os.mkfifo(path)
    elif fault == "huge":  # valid content, then a sparse hole to 100 MB
        with open(path, "wb") as f:
            f.write(text.encode("latin-1"))
            f.truncate(HUGE)
    else:
        new = FORMATS[fmt](text, fault) if fmt in FORMATS else value_fault(text, fault, fmt)
        if new is None:
            return False
        open(path, "wb").write(new.encode("latin-1"))
    return True


# ---- running and judging ----

def run(binary, tree, mode):
    args = MODES[mode] + ["--no-drop-reasons", "--proc", tree + "/proc", "--sys", tree + "/sys"]
    fd, rss_file = tempfile.mkstemp()
    os.close(fd)
    try:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file, binary] + args, capture_output=True,
                           timeout=TIMEOUT, stdin=subprocess.DEVNULL, env=dict(os.environ, NO_COLOR="1"))
        rss = open(rss_file).read().strip().splitlines()
        rss_kb = int(rss[-1]) if rss and rss[-1].isdigit() else None
        return {"status": p.returncode, "stdout": p.stdout, "stderr": p.stderr.decode("utf-8", "replace"),
                "rss": rss_kb, "timeout": False}
    except subprocess.TimeoutExpired:
        return {"status": None, "stdout": b"", "stderr": "", "rss": None, "timeout": True}
    finally:
        os.remove(rss_file)


def documents(mode, stdout):
    if mode == "batch":
        return None
    text = stdout.decode("utf-8", "replace")
    try:
        return [json.loads(text)] if mode == "once" else [json.loads(l) for l in text.splitlines() if l.strip()]
    except ValueError:
        return []


def negative_rates(node, path=""):
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            p = path + "." + k
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0 and (
                    k.endswith("per_s") or ".rates." in p + "." or k.endswith("_percent")):
                found.append(p)
            found += negative_rates(v, p)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += negative_rates(v, f"{path}[{i}]")
    return found


def masked(doc, sections, source_name):
    d = {k: v for k, v in doc.items() if k not in set(sections) | {"time", "interval_seconds", "findings", "errors"}}
    d["errors"] = sorted((e["source"], e["message"]) for e in doc.get("errors", []) if e["source"] != source_name)
    if "tcp" in d and isinstance(d["tcp"], dict):
        # How old the socket tables are depends on how long the sample took, not on the fault.
        timing = {"state_changes", "states_age_seconds", "listeners_age_seconds", "state_ages_seconds", "walk_age_seconds"}
        d["tcp"] = {k: v for k, v in d["tcp"].items() if k not in timing}
    return d


def judge(source, fault, mode, result, baseline):
    """The reasons a cell fails (empty: it passes)."""
    fmt, sections, missing_is_error = SOURCES[source]
    name = display(source)
    problems = []
    if result["timeout"]:
        return [f"no result within {TIMEOUT} s (hang)"]
    if result["status"] != 0:
        problems.append(f"exit status {result['status']}: {result['stderr'].strip()[:200]}")
    if len(result["stdout"]) > MAX_STDOUT:
        problems.append(f"stdout {len(result['stdout'])} bytes")
    if result["rss"] is not None and result["rss"] > MAX_RSS_KB:
        problems.append(f"peak RSS {result['rss'] // 1024} MB")
    if re.search(r"Fatal error|Segmentation|Trace/breakpoint|Illegal instruction", result["stderr"]):
        problems.append("crash: " + result["stderr"].strip()[:200])
    needs_error = fault in UNUSABLE or (fault == "missing" and missing_is_error) or (
        fault == "negative" and fmt != "pairs") or (fault in ("extracol", "removedcol") and fmt in ("number", "word"))
    if fmt == "number" and fault == "truncated" and not source.startswith("sys/"):
        needs_error = False  # "1500" cut to "15" is still a number (a /sys value must end in a newline)
    if fmt == "numbers" and fault in ("extracol", "removedcol", "reordered", "truncated"):
        needs_error = False  # a sysctl's text is shown as it is
    if source.startswith(("proc/sys/net/core", "proc/sys/net/ipv4")):
        needs_error = fault in ("directory", "fifo", "huge")  # a sysctl is shown as its text
    if (fmt == "netdev" and fault == "removedcol") or (fmt == "socktable" and fault in ("extracol", "removedcol", "reordered")):
        needs_error = True  # read by position: a header that differs from the kernel's is refused
    docs = documents(mode, result["stdout"])
    if mode == "batch":
        if needs_error and name not in result["stderr"]:
            problems.append(f"stderr does not name {name}")
        return problems
    if not docs:
        return problems + ["no JSON document on stdout"]
    base_docs = documents(mode, baseline["stdout"])
    for i, doc in enumerate(docs):
        errors = [e for e in doc.get("errors", []) if e["source"] == name]
        if needs_error and not errors:
            problems.append(f"document {i}: no error entry for {name}")
        if negative_rates(doc):
            problems.append(f"document {i}: negative rates at {negative_rates(doc)[:3]}")
        if i < len(base_docs) and masked(doc, sections, name) != masked(base_docs[i], sections, name):
            a, b = masked(doc, sections, name), masked(base_docs[i], sections, name)
            keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            problems.append(f"document {i}: unaffected sections differ from the baseline: {keys}")
        if fmt == "netdev" and fault in ("reordered", "extracol") and i < len(base_docs):
            if doc.get("interfaces") != base_docs[i].get("interfaces"):
                problems.append(f"document {i}: interfaces differ from the baseline (columns are named in the header)")
        leaf = source.rsplit("/", 1)[1]
        if source.startswith("sys/class/net/") and leaf in SYSFS_TEXT_NULLABLE and fault not in ("missing", "u64max"):
            eth0 = next((x for x in doc.get("interfaces", []) if x.get("name") == "eth0"), {})
            base0 = next((x for x in base_docs[0].get("interfaces", []) if x.get("name") == "eth0"), {})
            key = {"speed": "speed_mbps"}.get(leaf, leaf)
            if eth0.get(key) not in (None, base0.get(key)):
                problems.append(f"document {i}: eth0 {key} = {str(eth0.get(key))[:40]!r}, an invalid value echoed")
    return problems


def cell(binary, base, source, fault, modes, baselines):
    tmp = tempfile.mkdtemp(prefix="droptop-fault-")
    try:
        tree = os.path.join(tmp, "t")
        shutil.copytree(base, tree, symlinks=True)
        if not apply_fault(tree, source, fault):
            return source, fault, {m: None for m in modes}
        out = {}
        for mode in modes:
            out[mode] = judge(source, fault, mode, run(binary, tree, mode), baselines[mode])
        return source, fault, out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "droptop"))
    ap.add_argument("--all-modes", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("-j", type=int, default=max(2, min(4, os.cpu_count() or 2)))
    opts = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="droptop-matrix-")
    try:
        base = make_base(tmp)
        baselines = {m: run(opts.binary, base, m) for m in MODES}
        for m, r in baselines.items():
            if r["timeout"] or r["status"] != 0:
                print(f"baseline {m} failed: {r['status']} {r['stderr'][:300]}")
                return 2
            if m != "batch" and documents(m, r["stdout"])[0].get("errors"):
                print(f"baseline {m} has errors: {documents(m, r['stdout'])[0]['errors']}")
                return 2
        jobs = []
        with cf.ThreadPoolExecutor(opts.j) as pool:
            for source in SOURCES:
                if opts.only not in source:
                    continue
                modes = list(MODES) if opts.all_modes or source in FULL_MODE_SOURCES else ["once"]
                for fault in FAULTS:
                    jobs.append(pool.submit(cell, opts.binary, base, source, fault, modes, baselines))
            results = [j.result() for j in jobs]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report(results, opts.all_modes)


def report(results, all_modes=False):
    table, failures, counts = {}, [], {"pass": 0, "fail": 0, "n/a": 0}
    for source, fault, per_mode in results:
        marks = []
        for mode, problems in per_mode.items():
            if problems is None:
                counts["n/a"] += 1
                marks.append("-")
            elif problems:
                counts["fail"] += 1
                marks.append("F")
                failures += [f"{display(source)} {fault} {mode}: {p}" for p in problems]
            else:
                counts["pass"] += 1
                marks.append("ok")
        table[(source, fault)] = "/".join(marks)
    width = max(len(display(s)) for s, _, _ in results) if results else 10
    print("source".ljust(width) + " " + " ".join(f[:9].rjust(9) for f in FAULTS))
    for source in dict.fromkeys(s for s, _, _ in results):
        print(display(source).ljust(width) + " " + " ".join(table.get((source, f), "").rjust(9) for f in FAULTS))
    print(f"\ncells (source x fault x mode): {counts['pass']} pass, {counts['fail']} fail, {counts['n/a']} not applicable")
    print("modes: once/batch/json for " + ("every source" if all_modes else
          ", ".join(display(s) for s in FULL_MODE_SOURCES) + "; once for the rest"))
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
