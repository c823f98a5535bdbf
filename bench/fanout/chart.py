#!/usr/bin/env python3
"""Draws the fan-out chart (docs/fanout.svg) from scenario-a results, with no dependencies.

Usage: chart.py RESULTS.jsonl [MORE.jsonl ...] OUT.svg (the last file solid, earlier ones dashed)

Two panels against client count: p99 latency, and server CPU per client-tick (one tick's quotes
delivered to one client: one message for the hub and the floor, 15 stream items for the
per-client-stream baseline, so the three compare like for like). The last run of each target and
client count wins.
"""
import json
import math
import sys

COLOURS = {"hub": "#1a73e8", "floor": "#137333", "stream": "#c5221f"}
NAMES = {"hub": "hub (serialize once)", "floor": "raw WebSocket floor", "stream": "per-client stream"}


def load(path):
    runs = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                runs[(r["label"], r["clients"])] = r
    return runs


def per_client_tick(r):
    q = r.get("server_cpu_us_per_quote")
    per_msg_quotes = r["delivered_quotes"] / r["delivered_messages"] if r["delivered_messages"] else 0
    if q is None:
        return None
    # The hub and the floor send one message per tick; the stream one item per quote.
    return q * (15 if r["mode"] == "stream" else per_msg_quotes)


def panel(x0, title, unit, series, clients, width=420, height=300, dashed=(), log=False):
    left, bottom, top, right = 60, 40, 30, 10
    w, h = width - left - right, height - top - bottom
    ymax = max((v for pts in list(series.values()) + [p for d in dashed for p in d.values()] for _, v in pts if v is not None), default=1) * 1.1
    if log:
        decades = max(1, math.ceil(math.log10(ymax)))
        ymax = 10 ** decades

    def scale(v):
        if log:
            return h * max(0.0, math.log10(max(v, 1))) / decades
        return h * v / ymax
    xmax = max(clients)
    out = [f'<g transform="translate({x0},0)">',
           f'<text x="{left + w / 2}" y="18" text-anchor="middle" font-weight="bold">{title}</text>']
    for v in ([10 ** d for d in range(decades + 1)] if log else [ymax * i / 4 for i in range(5)]):
        y = top + h - scale(v)
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{y}" y2="{y}" stroke="#e3e6ea"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="11">{v:.0f}</text>')
    for c in clients:
        x = left + w * c / xmax
        out.append(f'<text x="{x}" y="{top + h + 16}" text-anchor="middle" font-size="11">{c}</text>')
    out.append(f'<text x="{left + w / 2}" y="{height - 4}" text-anchor="middle" font-size="11">clients (10 msg/client/s)</text>')
    out.append(f'<text x="14" y="{top + h / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 14 {top + h / 2})">{unit}</text>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + h}" stroke="#5b6470"/>')
    out.append(f'<line x1="{left}" x2="{left + w}" y1="{top + h}" y2="{top + h}" stroke="#5b6470"/>')
    lines = [(name, pts, ' stroke-dasharray="5,4" opacity="0.6"') for d in dashed for name, pts in d.items()]
    lines += [(name, pts, "") for name, pts in series.items()]
    for name, pts, style in lines:
        xy = [(left + w * c / xmax, top + h - scale(v)) for c, v in pts if v is not None]
        if not xy:
            continue
        out.append('<polyline fill="none" stroke-width="2" stroke="%s"%s points="%s"/>'
                   % (COLOURS[name], style, " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)))
        for x, y in xy:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS[name]}"/>')
    out.append("</g>")
    return out


def series(runs):
    targets = [t for t in ("hub", "floor", "stream") if any(k[0] == t for k in runs)]
    clients = sorted({k[1] for k in runs})
    p99 = {t: [(c, runs[(t, c)]["p99_ms"]) for c in clients if (t, c) in runs] for t in targets}
    cpu = {t: [(c, per_client_tick(runs[(t, c)])) for c in clients if (t, c) in runs] for t in targets}
    return targets, clients, p99, cpu


def main(srcs, dst):
    earlier = [series(load(s)) for s in srcs[:-1]]
    runs = load(srcs[-1])
    targets, clients, p99, cpu = series(runs)
    dates = sorted(r["date"][:10] for r in runs.values())
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="860" height="360" font-family="system-ui, sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="#ffffff"/>']
    svg += panel(0, "p99 latency, quote timestamp to arrival", "ms (log scale)", p99, clients, dashed=[e[2] for e in earlier], log=True)
    svg += panel(430, "server CPU per client-tick", "µs of CPU", cpu, clients, dashed=[e[3] for e in earlier])
    for i, t in enumerate(targets):
        x = 70 + i * 250
        svg.append(f'<rect x="{x}" y="334" width="14" height="4" fill="{COLOURS[t]}"/>')
        svg.append(f'<text x="{x + 20}" y="340">{NAMES[t]}</text>')
    # Say how busy the machine was, from the runs themselves (their machine_busy_pct).
    busy = [r.get("machine_busy_pct") for r in runs.values() if r.get("machine_busy_pct") is not None]
    load_note = f"machine {min(busy):.0f} to {max(busy):.0f} % busy" if busy else "machine load unknown"
    svg.append(f'<text x="850" y="356" text-anchor="end" font-size="10" fill="#5b6470">{dates[0] if dates else ""}, 2 cores, {load_note}; solid: last run, dashed: earlier; bench/fanout/fanout.sh a</text>')
    svg.append("</svg>")
    with open(dst, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:-1], sys.argv[-1])
