#!/usr/bin/env python3
"""Write a large, valid pipeline folder for the validate/fmt benchmark.

    python3 bench/gen_pipeline.py OUT [--nodes 10000] [--shuffle] [--seed 1]

By default: 10,000 nodes, of which 2,000 sources (kafka, file, postgres,
http, each with a small sample file), 6,000 transforms (two thirds SQL, one
third Lua, each with its own sql/ID.sql or lua/ID.lua) in a DAG with fan-in
(a SQL transform reads one to three earlier nodes), and 2,000 sinks (kafka,
file, postgres, stdout).  pipeline.yaml and layout.yaml are written in
canonical order (block style, sections and nodes sorted by id, node keys in
the order type, description, inputs, then settings as core/nodetypes.c
declares them).  --shuffle writes the nodes in a random order instead, a
valid but non-canonical file that `weir fmt` has to rewrite.

Deterministic: the same arguments always give the same bytes.  Python 3
standard library only.
"""

import argparse
import os
import random

SOURCE_TYPES = ["kafka", "file", "postgres", "http"]
SINK_TYPES = ["kafka", "file", "postgres", "stdout"]
TOPICS = ["orders", "payments", "clicks", "shipments", "refunds", "sessions", "inventory"]


def q(text):
    """A double-quoted YAML scalar (for values with ${...} or ': ')."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def source_settings(rng, i, kind, sid):
    topic = "%s.%s.v%d" % (rng.choice(TOPICS), "region%02d" % (i % 40), 1 + i % 3)
    if kind == "kafka":
        s = [("brokers", "kafka-1.internal:9092,kafka-2.internal:9092"), ("topic", topic),
             ("format", "json"), ("group", "bench_%s" % sid), ("start", "earliest")]
    elif kind == "file":
        s = [("path", "/data/landing/%s/*.jsonl" % sid), ("format", "jsonl")]
    elif kind == "postgres":
        s = [("connection", q("${secret:PG_DSN_%d}" % (i % 50))),
             ("table", "public.%s_%d" % (rng.choice(TOPICS), i))]
    else:
        s = [("url", "https://api.internal/v1/%s/%d" % (rng.choice(TOPICS), i)),
             ("method", "GET"), ("format", "json"), ("interval", str(60 * (1 + i % 10))),
             ("token", q("${secret:API_TOKEN}"))]
    s.append(("sample", "samples/%s.jsonl" % sid))
    return s


def sink_settings(rng, i, kind, sid):
    if kind == "kafka":
        return [("brokers", "kafka-1.internal:9092"), ("topic", "out.%s" % sid),
                ("format", "json"), ("key", "id")]
    if kind == "file":
        return [("path", "/data/out/%s.jsonl" % sid), ("format", "jsonl")]
    if kind == "postgres":
        return [("connection", q("${secret:WAREHOUSE_DSN}")),
                ("table", "analytics.%s" % sid), ("mode", "upsert"), ("key", ["id"])]
    return [("format", "jsonl")]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--nodes", type=int, default=10000)
    ap.add_argument("--shuffle", action="store_true", help="nodes in random order")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    n_sources = args.nodes // 5
    n_sinks = args.nodes // 5
    n_transforms = args.nodes - n_sources - n_sinks
    width = len(str(args.nodes))

    sources, transforms, sinks = [], [], []
    for i in range(n_sources):
        sid = "src_%0*d" % (width, i)
        kind = SOURCE_TYPES[i % len(SOURCE_TYPES)]
        sources.append((sid, kind, [], source_settings(rng, i, kind, sid)))
        write(os.path.join(args.out, "samples", sid + ".jsonl"),
              "".join('{"id": %d, "amount": %.2f, "region": "r%02d"}\n'
                      % (k, rng.uniform(1, 500), i % 40) for k in range(3)))

    # Transforms read earlier nodes, mostly recent ones, so the DAG is deep
    # as well as wide; SQL transforms join one to three inputs (fan-in).
    upstream = [s[0] for s in sources]
    for i in range(n_transforms):
        tid = "xf_%0*d" % (width, i)
        is_sql = i % 3 != 2
        k = rng.choice([1, 1, 2, 2, 3]) if is_sql else 1
        window = upstream[-400:]
        inputs = sorted(set(rng.choice(window) for _ in range(k)))
        if is_sql:
            a = inputs[0]
            lines = ["SELECT %s.id, %s.amount" % (a, a)]
            lines.append("FROM %s" % a)
            for other in inputs[1:]:
                lines.append("JOIN %s ON %s.id = %s.id" % (other, other, a))
            lines.append("WHERE %s.amount > %d" % (a, i % 100))
            write(os.path.join(args.out, "sql", tid + ".sql"), "\n".join(lines) + "\n")
            transforms.append((tid, "sql", inputs, [("sql", "sql/%s.sql" % tid)]))
        else:
            write(os.path.join(args.out, "lua", tid + ".lua"),
                  "function transform(r)\n"
                  "    if r.amount == nil then\n        return nil\n    end\n"
                  "    r.amount_x = r.amount * %d\n    return r\nend\n" % (1 + i % 7))
            transforms.append((tid, "lua", inputs, [("lua", "lua/%s.lua" % tid)]))
        upstream.append(tid)

    for i in range(n_sinks):
        sid = "out_%0*d" % (width, i)
        kind = SINK_TYPES[i % len(SINK_TYPES)]
        feed = transforms[(i * 7919) % n_transforms][0]
        sinks.append((sid, kind, [feed], sink_settings(rng, i, kind, sid)))

    # A blank line before each top-level section, as `weir fmt` writes it.
    out = ["weir: 1", "", "pipeline:", "  name: bench_%d" % args.nodes, "  version: 1",
           "  owner: team-bench",
           "  description: Generated by bench/gen_pipeline.py for the validate and fmt benchmark",
           "  tags:", "    - bench", "    - generated"]
    for section, nodes in (("sources", sources), ("transforms", transforms), ("sinks", sinks)):
        nodes = list(nodes)
        if args.shuffle:
            rng.shuffle(nodes)
        out += ["", "%s:" % section]
        for nid, kind, inputs, settings in nodes:
            out.append("  %s:" % nid)
            out.append("    type: %s" % kind)
            if int(nid.rsplit("_", 1)[1]) % 10 == 0:
                out.append("    description: generated %s %s" % (kind, section[:-1]))
            if inputs:
                out.append("    inputs:")
                out.extend("      - %s" % x for x in inputs)
            for key, val in settings:
                if isinstance(val, list):
                    out.append("    %s:" % key)
                    out.extend("      - %s" % x for x in val)
                else:
                    out.append("    %s: %s" % (key, val))
    write(os.path.join(args.out, "pipeline.yaml"), "\n".join(out) + "\n")

    ids = sorted([n[0] for n in sources + transforms + sinks])
    col = {"s": 0, "x": 1, "o": 2}
    lay = ["weir: 1", "", "positions:"]
    for nid in ids:
        idx = int(nid.rsplit("_", 1)[1])
        lay += ["  %s:" % nid, "    x: %d" % (2 + 26 * col[nid[0]] + (idx % 8) * 80),
                "    y: %d" % (1 + 4 * idx)]
    write(os.path.join(args.out, "layout.yaml"), "\n".join(lay) + "\n")


if __name__ == "__main__":
    main()
