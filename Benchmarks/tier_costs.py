#!/usr/bin/env python3
"""What each socket tier cost and how old its figures got, from a recording (--record FILE):
the walk of every socket (socketTablesCostSeconds, on the samples that walked) and the dump of
the transient states (tcpStatesCostSeconds, on the samples that read them), as shares of one
core over the recording's time, and the oldest age of each. Measured by droptop itself (thread
CPU time around each read, user + kernel), so other load on the machine does not blur it.
Usage: tier_costs.py RECORDING [SKIP]   (SKIP: samples to leave out at the start, default 3)"""
import json, sys

samples = []
for line in open(sys.argv[1]):
    try:
        s = json.loads(line)
    except ValueError:
        continue
    if "monotonicSeconds" in s:
        samples.append(s)
samples = samples[int(sys.argv[2]) if len(sys.argv) > 2 else 3:]
if len(samples) < 2:
    sys.exit("too few samples")
span = samples[-1]["monotonicSeconds"] - samples[0]["monotonicSeconds"]
walks, dumps, walk_age, state_age = [], [], 0.0, 0.0
for s in samples:
    now = s["monotonicSeconds"]
    walked = s.get("socketTablesSeconds")
    if walked == now and s.get("socketTablesCostSeconds") is not None:
        walks.append(s["socketTablesCostSeconds"])
    if walked is not None:
        walk_age = max(walk_age, now - walked)
    ages = s.get("tcpStateSeconds") or {}
    # tcpStateSeconds is a flat [name, time, name, time, ...] list in recordings (an ordered dictionary).
    if isinstance(ages, list):
        ages = dict(zip(ages[0::2], ages[1::2]))
    if ages.get("CLOSE_WAIT") == now and s.get("tcpStatesCostSeconds") is not None:
        dumps.append(s["tcpStatesCostSeconds"])
    for at in ages.values():
        state_age = max(state_age, now - at)


def line(name, costs, age):
    share = sum(costs) / span * 100
    mean = sum(costs) / len(costs) * 1000 if costs else 0
    print("%-34s %3d reads, %6.1f ms CPU each, %5.2f %% of one core, figures at most %.1f s old"
          % (name, len(costs), mean, share, age))


print("# %d samples over %.0f s" % (len(samples), span))
line("walk of every socket (peers)", walks, walk_age)
line("transient states (filtered dump)", dumps, state_age)
