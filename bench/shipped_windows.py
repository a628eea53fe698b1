#!/usr/bin/env python3
"""Preview cost of the shipped hopping_window and dedupe types (plugins/).

    python3 bench/shipped_windows.py WEIR [RUNS] [RECORDS]

A hopping window joins each record to each of its size/hop windows before
grouping, so its preview costs about RECORDS * size/hop rows; this measures
that cost to justify window.lua's limit (size / hop <= 300).  For each
setting: the median wall time of `weir preview` (whole process: load,
validate, read the sample, run the generated SQL), beside the floor, the
same generated SELECT run by Python's sqlite3 module over the same rows
already in an in-memory table.  Figures go in bench/README.md,
## shipped types.
"""
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HOPS = [(86400, 3600), (86400, 864), (86400, 288), (86400, 173)]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    weir = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    rows = [{'id': i, 'c': 'NO' if i % 2 else 'SE', 'amount': i * 1.5,
             'ts': 1714557600 + i * 37} for i in range(n)]
    with tempfile.TemporaryDirectory(prefix='weir-shipped-bench-') as d:
        os.makedirs(os.path.join(d, 'samples'))
        with open(os.path.join(d, 'samples', 'o.jsonl'), 'w') as f:
            f.writelines(json.dumps(r) + '\n' for r in rows)
        nodes = []
        for size, hop in HOPS:
            nodes.append((f'h{hop}', f'''  h{hop}:
    type: hopping_window
    inputs: [o]
    time: ts
    size: {size}
    hop: {hop}
    group_by: [c]
    aggregates: ["count(*) as n", "sum(amount) as revenue"]
'''))
        nodes.append(('d', '''  d:
    type: dedupe
    inputs: [o]
    key: [c]
    time: ts
    window: 60
'''))
        with open(os.path.join(d, 'pipeline.yaml'), 'w') as f:
            f.write(f'''weir: 1

pipeline:
  name: bench

sources:
  o:
    type: kafka
    brokers: k
    topic: t
    sample: samples/o.jsonl
    limit: {n}

transforms:
''' + ''.join(text for _, text in nodes))
        subprocess.run([weir, 'fmt', d], check=True, capture_output=True)
        db = sqlite3.connect(':memory:')
        db.execute('CREATE TABLE o(id INTEGER, c TEXT, amount REAL, ts INTEGER)')
        db.executemany('INSERT INTO o VALUES(?,?,?,?)',
                       [(r['id'], r['c'], r['amount'], r['ts']) for r in rows])
        print(f'{n} records, median of {runs} runs')
        print('| node | windows per record | weir preview | floor (the SELECT in sqlite3) |')
        print('|---|---|---|---|')
        for (nid, _), spec in zip(nodes, HOPS + [None]):
            with open(os.path.join(d, 'sql', nid + '.sql')) as f:
                sql = f.read()
            times, floors = [], []
            for _ in range(runs):
                t0 = time.perf_counter()
                p = subprocess.run([weir, 'preview', d, nid, '--format', 'csv', '--budget', '60'],
                                   capture_output=True)
                times.append(time.perf_counter() - t0)
                if p.returncode != 0:
                    print(p.stderr.decode(), file=sys.stderr)
                    return 1
                t0 = time.perf_counter()
                db.execute(sql).fetchall()
                floors.append(time.perf_counter() - t0)
            per = '-' if spec is None else str(-(-spec[0] // spec[1]))
            print(f'| {nid} | {per} | {statistics.median(times) * 1000:.0f} ms '
                  f'| {statistics.median(floors) * 1000:.0f} ms |')
    return 0


if __name__ == '__main__':
    sys.exit(main())
