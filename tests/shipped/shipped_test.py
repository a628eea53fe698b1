#!/usr/bin/env python3
"""End-to-end tests of the shipped node types (plugins/*.lua, issue 7).

Runs the real weir binary on small pipelines written to a temp folder:

  shipped_test.py WEIR SRCROOT CASE

CASE is one of: sources, sinks, code, filter, select, mask, dedupe, tumbling,
hopping, tutorial, plugins, inputs, window_fields, dedupe_fields (inputs with
fields named like the generated SQL's helpers).  For each shipped type,
`weir preview` output is compared with values this script computes on its own (Python's hashlib and
hmac for mask, datetime arithmetic for windows and dedupe, a geohash encoder
of its own for the tutorial), never with weir's earlier output; and
`weir validate` is run on settings the type's checks must refuse.

Writes nothing outside a mkdtemp folder (under $TMPDIR); sets
XDG_CONFIG_HOME inside it, so no user plugin takes part; needs no network.

To see the test fail, set SHIPPED_TEST_PLUGINS to a folder of altered
copies of plugins/*.lua: they are installed as the user's plugins and
shadow the shipped ones (e.g. a window boundary moved by one second).
"""
import csv
import datetime
import hashlib
import hmac
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

failures = []
WEIR = None
SRC = None
TMP = None


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)
    return cond


def run(args, cwd=None):
    env = dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8', NO_COLOR='1',
               XDG_CONFIG_HOME=os.path.join(TMP, 'xdg'), HOME=os.path.join(TMP, 'home'))
    env.pop('TERM', None)
    p = subprocess.run([WEIR] + args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


# ---- pipelines -------------------------------------------------------------

def yaml_scalar(v):
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(v)  # a JSON string is a valid double-quoted YAML scalar


def yaml_node(nid, spec):
    lines = [f'  {nid}:']
    for k, v in spec.items():
        if isinstance(v, list) and not v:
            lines.append(f'    {k}: []')
        elif isinstance(v, list):
            lines.append(f'    {k}:')
            lines += [f'      - {yaml_scalar(x)}' for x in v]
        else:
            lines.append(f'    {k}: {yaml_scalar(v)}')
    return lines


def make_pipeline(name, sources, transforms=None, sinks=None, files=None):
    """A pipeline folder under TMP: sections are {id: {setting: value}}."""
    d = os.path.join(TMP, name)
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    lines = ['weir: 1', '', 'pipeline:', f'  name: {name}', '']
    for section, nodes in (('sources', sources), ('transforms', transforms), ('sinks', sinks)):
        if nodes:
            lines.append(f'{section}:')
            for nid, spec in nodes.items():
                lines += yaml_node(nid, spec)
            lines.append('')
    with open(os.path.join(d, 'pipeline.yaml'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))
    for rel, text in (files or {}).items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w', encoding='utf-8', newline='') as f:
            f.write(text)
    return d


def jsonl(records):
    return ''.join(json.dumps(r, ensure_ascii=False) + '\n' for r in records)


def csv_text(header, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator='\n')
    w.writerow(header)
    for r in rows:
        w.writerow(['' if v is None else v for v in r])
    return out.getvalue()


def preview(d, node, extra=()):
    rc, out, err = run(['preview', d, node, '--format', 'jsonl'] + list(extra))
    if not check(rc == 0, f'weir preview {os.path.basename(d)} {node}: exit {rc}\n{err}'):
        return None
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def expect_preview_error(d, node, needle):
    rc, out, err = run(['preview', d, node, '--format', 'jsonl'])
    check(rc == 1 and needle in err,
          f'weir preview {os.path.basename(d)} {node}: exit {rc}, expected 1 and {needle!r}:\n{err}')


def validate(d):
    return run(['validate', d])


def expect_valid(d, what):
    rc, out, err = validate(d)
    check(rc == 0, f'{what}: weir validate exit {rc}, expected 0\n{out}{err}')


def expect_invalid(d, what, *needles):
    """weir validate must exit 1 and say each needle."""
    rc, out, err = validate(d)
    check(rc == 1, f'{what}: weir validate exit {rc}, expected 1\n{out}{err}')
    for n in needles:
        check(n in err, f'{what}: the error lacks {n!r}:\n{err}')


def strip_nulls(r):
    return {k: v for k, v in r.items() if v is not None}


def same_value(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and not isinstance(a, bool) and not isinstance(b, bool)
                and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9))
    return a == b and type(a) is type(b)


def same_rows(got, want, what, ordered=True):
    """Compare lists of records; a NULL field equals an absent one."""
    if got is None:
        return False
    g = [strip_nulls(r) for r in got]
    w = [strip_nulls(r) for r in want]
    if not ordered:
        key = lambda r: json.dumps(r, sort_keys=True)
        g, w = sorted(g, key=key), sorted(w, key=key)
    if not check(len(g) == len(w), f'{what}: {len(g)} rows, expected {len(w)}'):
        return False
    for i, (a, b) in enumerate(zip(g, w)):
        ok = set(a) == set(b) and all(same_value(a[k], b[k]) for k in b)
        if not check(ok, f'{what}: row {i + 1} is\n  {a}\nexpected\n  {b}'):
            return False
    return True


def columns_of(d, node):
    """The output column names, in order, from the CSV header."""
    rc, out, err = run(['preview', d, node, '--format', 'csv'])
    if rc != 0:
        return None
    return next(csv.reader(io.StringIO(out)), None)


# ---- data ------------------------------------------------------------------

COUNTRIES = ['DK', 'NO', 'SE']
BASE = datetime.datetime(2024, 5, 1, 10, 0, 0, tzinfo=datetime.timezone.utc)


def epoch(dt):
    return int(dt.timestamp())


def orders(n=60, seed=7):
    """Orders with ISO-8601 times in three spellings and epoch numbers."""
    rnd = random.Random(seed)
    out = []
    t = BASE
    for i in range(n):
        t = t + datetime.timedelta(seconds=rnd.choice([0, 7, 29, 59, 60, 61, 130, 299, 300]))
        spell = i % 4
        if spell == 0:
            ts = t.strftime('%Y-%m-%dT%H:%M:%SZ')
        elif spell == 1:
            ts = t.astimezone(datetime.timezone(datetime.timedelta(hours=2))).isoformat()
        elif spell == 2:
            ts = t.strftime('%Y-%m-%dT%H:%M:%S') + '.%03dZ' % rnd.randrange(1000)
        else:
            ts = epoch(t)
        out.append({
            'order_id': 1000 + i,
            'customer': f'c{rnd.randrange(6)}',
            'email': f'user{rnd.randrange(9)}@example.{rnd.choice(["no", "se"])}',
            'country': rnd.choice(COUNTRIES),
            'amount': round(rnd.uniform(1, 200), 2),
            'ts': ts,
            '_t': epoch(t),  # whole seconds: what the test computes with
        })
    return out


def public(rows):
    """The records without '_t', the test's own copy of the time."""
    return [{k: v for k, v in r.items() if k != '_t'} for r in rows]


def as_read(rows, over=None):
    """public(rows) as preview reads them: a JSON column that mixes numbers
    and strings is text, its numbers kept as their JSON text."""
    rows = public(rows)
    over = public(over) if over is not None else rows
    mixed = {k for k in {k for r in over for k in r}
             if len({type(r[k]) for r in over if r.get(k) is not None}) > 1}
    return [{k: (json.dumps(v) if k in mixed and not isinstance(v, str) and v is not None
                 else v) for k, v in r.items()} for r in rows]


def orders_pipeline(name, transforms, sinks=None, rows=None, files=None):
    rows = rows if rows is not None else orders()
    f = {'samples/orders.jsonl': jsonl(public(rows))}
    f.update(files or {})
    src = {'orders': {'type': 'kafka', 'brokers': 'k:9092', 'topic': 'shop.orders',
                      'sample': 'samples/orders.jsonl'}}
    return make_pipeline(name, src, transforms, sinks, f), rows


# ---- cases -----------------------------------------------------------------

def case_sources():
    raw = orders(20)
    rows = public(raw)
    csv_rows = [[r['order_id'], r['customer'], r['country']] for r in rows]
    want_csv = [{'order_id': r[0], 'customer': r[1], 'country': r[2]} for r in csv_rows]
    files = {'samples/orders.jsonl': jsonl(rows),
             'samples/orders.csv': csv_text(['order_id', 'customer', 'country'], csv_rows)}
    srcs = {
        'k': {'type': 'kafka', 'brokers': 'k:9092', 'topic': 't', 'sample': 'samples/orders.jsonl'},
        'f': {'type': 'file', 'path': 'in/*.csv', 'format': 'csv', 'sample': 'samples/orders.csv'},
        'p': {'type': 'postgres', 'connection': '${secret:PG}', 'table': 'shop.orders',
              'sample': 'samples/orders.csv', 'limit': 5},
        'h': {'type': 'http', 'url': 'https://api.example/orders', 'interval': 30,
              'token': '${env:TOKEN}', 'sample': 'samples/orders.jsonl'},
    }
    d = make_pipeline('sources', srcs, files=files)
    expect_valid(d, 'sources')
    same_rows(preview(d, 'k'), as_read(raw), 'kafka source')
    same_rows(preview(d, 'f'), want_csv, 'file source (csv)')
    same_rows(preview(d, 'p'), want_csv[:5], 'postgres source, limit 5')
    same_rows(preview(d, 'h'), as_read(raw), 'http source')

    # Settings the declarations refuse, word for word where tests/bad has them.
    d = make_pipeline('sources_bad', {'k': {'type': 'kafka', 'brokers': 'k:9092'}})
    expect_invalid(d, 'kafka without topic', "needs 'topic': topic to consume")
    d = make_pipeline('sources_bad', {'k': {'type': 'kafka', 'topic': 't', 'format': 'xml'}})
    expect_invalid(d, 'kafka format xml', "'format'", 'xml')
    d = make_pipeline('sources_bad', {'h': {'type': 'http', 'url': 'https://x', 'interval': 0}})
    expect_invalid(d, 'http interval 0', "'interval'")
    d = make_pipeline('sources_bad', {'h': {'type': 'http', 'url': 'https://x', 'interval': 86401}})
    expect_invalid(d, 'http interval 86401', "'interval'")
    d = make_pipeline('sources_bad', {'h': {'type': 'http', 'url': 'https://x', 'method': 'PUT'}})
    expect_invalid(d, 'http method PUT', "'method'", 'PUT')
    d = make_pipeline('sources_bad', {'p': {'type': 'postgres', 'connection': 'hunter2',
                                            'table': 'a.b'}})
    expect_invalid(d, 'postgres plain connection', "'connection' is a secret")
    d = make_pipeline('sources_bad', {'f': {'type': 'file', 'path': 'x', 'format': 'parquet'}})
    expect_invalid(d, 'file format parquet', "'format'", 'parquet')


def case_sinks():
    rows = orders(12)
    pub = as_read(rows)
    sinks = {
        'keyed': {'type': 'kafka', 'inputs': ['orders'], 'topic': 'out', 'brokers': 'k:9092',
                  'key': 'order_id'},
        'unkeyed': {'type': 'kafka', 'inputs': ['orders'], 'topic': 'out', 'brokers': 'k:9092'},
        'appends': {'type': 'postgres', 'inputs': ['orders'], 'connection': '${secret:PG}',
                    'table': 'a.orders'},
        'upserts': {'type': 'postgres', 'inputs': ['orders'], 'connection': '${secret:PG}',
                    'table': 'a.orders', 'mode': 'upsert', 'key': ['order_id']},
        'files': {'type': 'file', 'inputs': ['orders'], 'path': 'out.jsonl', 'format': 'jsonl'},
        'printed': {'type': 'stdout', 'inputs': ['orders'], 'format': 'table'},
    }
    d, _ = orders_pipeline('sinks', None, sinks, rows)
    expect_valid(d, 'sinks')
    # Kafka: the message key is the key field's text.
    same_rows(preview(d, 'keyed'), [dict(r, key=str(r['order_id'])) for r in pub],
              'kafka sink with key')
    same_rows(preview(d, 'unkeyed'), pub, 'kafka sink without key')
    same_rows(preview(d, 'appends'), [dict(r, op='insert') for r in pub], 'postgres append')
    same_rows(preview(d, 'upserts'), [dict(r, op='upsert') for r in pub], 'postgres upsert')
    same_rows(preview(d, 'files'), pub, 'file sink')
    same_rows(preview(d, 'printed'), pub, 'stdout sink')
    cols = columns_of(d, 'keyed')
    check(cols is not None and cols[:len(pub[0])] == list(pub[0]),
          f'kafka sink: the record\'s columns should come first, in order: {cols}')

    bad = {'s': {'type': 'postgres', 'inputs': ['orders'], 'connection': '${secret:PG}',
                 'table': 'a.b', 'mode': 'upsert'}}
    d, _ = orders_pipeline('sinks_bad', None, bad, rows)
    expect_invalid(d, 'postgres upsert without key', 'mode upsert needs the key columns')
    bad = {'s': {'type': 'stdout', 'inputs': ['orders'], 'format': 'xml'}}
    d, _ = orders_pipeline('sinks_bad', None, bad, rows)
    expect_invalid(d, 'stdout format xml', "'format'", 'xml')
    bad = {'s': {'type': 'file', 'inputs': ['orders'], 'path': 'x', 'format': 'parquet'}}
    d, _ = orders_pipeline('sinks_bad', None, bad, rows)
    expect_invalid(d, 'file sink format parquet', "'format'", 'parquet')
    bad = {'s': {'type': 'file', 'inputs': ['orders'], 'format': 'csv'}}
    d, _ = orders_pipeline('sinks_bad', None, bad, rows)
    expect_invalid(d, 'file sink without path', "needs 'path': file to write in production")
    bad = {'s': {'type': 'kafka', 'inputs': ['orders'], 'brokers': 'k:9092'}}
    d, _ = orders_pipeline('sinks_bad', None, bad, rows)
    expect_invalid(d, 'kafka sink without topic', "needs 'topic': topic to produce to")


def case_code():
    rows = orders(15)
    files = {'sql/doubled.sql': 'SELECT order_id, amount * 2 AS doubled FROM orders\n',
             'lua/tagged.lua': 'function transform(r)\n'
                               '  if r.country == "NO" then return nil end\n'
                               '  return {order_id = r.order_id, tag = r.country .. "!"}\n'
                               'end\n'}
    tr = {'doubled': {'type': 'sql', 'inputs': ['orders'], 'sql': 'sql/doubled.sql'},
          'tagged': {'type': 'lua', 'inputs': ['orders'], 'lua': 'lua/tagged.lua'}}
    d, _ = orders_pipeline('code', tr, None, rows, files)
    expect_valid(d, 'sql and lua transforms')
    same_rows(preview(d, 'doubled'),
              [{'order_id': r['order_id'], 'doubled': r['amount'] * 2} for r in rows], 'sql')
    same_rows(preview(d, 'tagged'),
              [{'order_id': r['order_id'], 'tag': r['country'] + '!'}
               for r in rows if r['country'] != 'NO'], 'lua')
    tr = {'doubled': {'type': 'sql', 'inputs': ['orders']}}
    d, _ = orders_pipeline('code_bad', tr, None, rows)
    expect_invalid(d, 'sql without its file', "needs 'sql': the SELECT, in sql/ID.sql")
    tr = {'tagged': {'type': 'lua', 'inputs': ['orders']}}
    d, _ = orders_pipeline('code_bad', tr, None, rows)
    expect_invalid(d, 'lua without its file',
                   "needs 'lua': the transform(record) function, in lua/ID.lua")


def case_filter():
    rows = orders()
    tr = {'big_no': {'type': 'filter', 'inputs': ['orders'],
                     'where': "amount > 50 AND country = 'NO' -- a trailing comment"}}
    d, _ = orders_pipeline('filter', tr, None, rows)
    expect_valid(d, 'filter')
    want = [r for r in as_read(rows) if r['amount'] > 50 and r['country'] == 'NO']
    check(0 < len(want) < len(rows), 'filter: the data should keep some rows and drop some')
    same_rows(preview(d, 'big_no'), want, 'filter')
    # The generated SELECT is written to sql/ID.sql for review.
    rc, out, err = run(['fmt', d])
    p = os.path.join(d, 'sql', 'big_no.sql')
    if check(rc == 0 and os.path.exists(p), f'weir fmt should write sql/big_no.sql: exit {rc} {err}'):
        with open(p, encoding='utf-8') as f:
            text = f.read()
        check("WHERE amount > 50 AND country = 'NO'" in text and '"orders"' in text,
              f'sql/big_no.sql should hold the generated SELECT:\n{text}')

    tr = {'f': {'type': 'filter', 'inputs': ['orders'], 'where': '   '}}
    d, _ = orders_pipeline('filter_bad', tr, None, rows)
    expect_invalid(d, 'filter with a blank condition', 'the condition is empty')
    # Two inputs: case_inputs.


ONE_INPUT = {
    'filter': {'where': 'amount > 1'},
    'select': {'fields': ['order_id']},
    'dedupe': {'key': ['order_id'], 'time': 'ts', 'window': 60},
    'tumbling_window': {'time': 'ts', 'size': 60, 'aggregates': ['count(*) as n']},
    'hopping_window': {'time': 'ts', 'size': 60, 'hop': 30, 'aggregates': ['count(*) as n']},
}


def inputs_position(d, node_id):
    """line, col of the node's inputs list in pipeline.yaml: its first '- '."""
    with open(os.path.join(d, 'pipeline.yaml'), encoding='utf-8') as f:
        lines = f.read().split('\n')
    at = lines.index(f'  {node_id}:')
    at += next(i for i, l in enumerate(lines[at:]) if l == '    inputs:')
    return at + 2, lines[at + 1].index('-') + 1


def case_inputs():
    """The one-input templates declare max_inputs = 1: two inputs are an
    error at the node's inputs (not at one of its settings), which preview
    reports too."""
    files = {'samples/orders.jsonl': jsonl(public(orders(5)))}
    src = {'orders': {'type': 'kafka', 'brokers': 'k', 'topic': 't',
                      'sample': 'samples/orders.jsonl'},
           'more': {'type': 'kafka', 'brokers': 'k', 'topic': 'u',
                    'sample': 'samples/orders.jsonl'}}
    for type_name, settings in ONE_INPUT.items():
        ok = make_pipeline('one_input', src, {'t': dict({'type': type_name, 'inputs': ['orders']},
                                                         **settings)}, files=files)
        expect_valid(ok, f'{type_name} with one input')
        d = make_pipeline('two_inputs', src,
                          {'t': dict({'type': type_name, 'inputs': ['orders', 'more']},
                                     **settings)}, files=files)
        line, col = inputs_position(d, 't')
        want = (f"{d}/pipeline.yaml:{line}:{col}: error: {type_name} 't' reads one input; "
                f"it has 2 (inputs: orders, more)")
        rc, out, err = validate(d)
        errors = [l for l in err.splitlines() if ': error: ' in l]
        check(rc == 1 and errors == [want],
              f'{type_name} with two inputs: exit {rc}, errors\n  ' + '\n  '.join(errors) +
              f'\nexpected\n  {want}')
        expect_preview_error(d, 't', f"{type_name} 't' reads one input; it has 2")


def case_select():
    rows = orders(20)
    tr = {'slim': {'type': 'select', 'inputs': ['orders'],
                   'fields': ['order_id', 'amount  AS  total', 'country as Land  Code', 'ts']}}
    d, _ = orders_pipeline('select', tr, None, rows)
    expect_valid(d, 'select')
    want = [{'order_id': r['order_id'], 'total': r['amount'], 'Land Code': r['country'],
             'ts': r['ts'] if isinstance(r['ts'], str) else str(r['ts'])} for r in rows]
    same_rows(preview(d, 'slim'), want, 'select')
    cols = columns_of(d, 'slim')
    check(cols == ['order_id', 'total', 'Land Code', 'ts'], f'select: columns in order, got {cols}')

    # A field the input lacks is an error, not a column of the text 'nope'
    # (SQLite reads an unknown "name" alone as a string literal).
    tr = {'s': {'type': 'select', 'inputs': ['orders'], 'fields': ['order_id', 'nope']}}
    d, _ = orders_pipeline('select_missing', tr, None, rows)
    expect_preview_error(d, 's', 'no such column: orders.nope')

    for fields, needle in ((['order_id', 'amount as order_id'], "two fields are named 'order_id'"),
                           (['amount as'], "write 'name as new_name'"),
                           (['as total'], "write 'name as new_name'")):
        tr = {'s': {'type': 'select', 'inputs': ['orders'], 'fields': fields}}
        d, _ = orders_pipeline('select_bad', tr, None, rows)
        expect_invalid(d, f'select {fields}', needle)


def mask_text(v):
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)  # Lua prints 2.5, 1.0 the same way for these values
    return v


def case_mask():
    rows = orders(25)
    for i in range(0, len(rows), 5):
        rows[i]['email'] = None  # NULL stays NULL
    pub = as_read(rows)
    salt = '${secret:MASK_SALT}'
    tr = {
        'hashed': {'type': 'mask', 'inputs': ['orders'], 'fields': ['email', 'order_id']},
        'keyed': {'type': 'mask', 'inputs': ['orders'], 'fields': ['email'], 'salt': salt},
        'redacted': {'type': 'mask', 'inputs': ['orders'], 'fields': ['email', 'customer'],
                     'method': 'redact'},
    }
    d, _ = orders_pipeline('mask', tr, None, rows)
    expect_valid(d, 'mask')

    def sha(v):
        return hashlib.sha256(mask_text(v).encode()).hexdigest()

    def keyed(v):
        return hmac.new(salt.encode(), mask_text(v).encode(), hashlib.sha256).hexdigest()

    want = [dict(r, email=sha(r['email']) if r['email'] is not None else None,
                 order_id=sha(r['order_id'])) for r in pub]
    same_rows(preview(d, 'hashed'), want, 'mask hash')
    want = [dict(r, email=keyed(r['email']) if r['email'] is not None else None) for r in pub]
    same_rows(preview(d, 'keyed'), want, 'mask hash with salt (HMAC-SHA-256)')
    want = [dict(r, email='[REDACTED]' if r['email'] is not None else None,
                 customer='[REDACTED]') for r in pub]
    same_rows(preview(d, 'redacted'), want, 'mask redact')

    for spec, needle in (({'fields': []}, 'list at least one field to mask'),
                         ({'fields': ['email', 'email']}, "'email' is listed twice"),
                         ({'fields': ['email'], 'method': 'redact', 'salt': salt},
                          'a salt only applies to method hash'),
                         ({'fields': ['email'], 'method': 'scramble'}, 'scramble'),
                         ({'fields': ['email'], 'salt': 'pepper'}, "'salt' is a secret")):
        tr = {'m': dict({'type': 'mask', 'inputs': ['orders']}, **spec)}
        d, _ = orders_pipeline('mask_bad', tr, None, rows)
        expect_invalid(d, f'mask {spec}', needle)


def dedupe_expected(rows, key, window):
    """Keep a record unless an earlier one (event time, then arrival) with
    the same key is at most `window` seconds older."""
    kept = [True] * len(rows)
    groups = {}
    for i, r in enumerate(rows):
        groups.setdefault(tuple(r.get(k) for k in key), []).append(i)
    for idx in groups.values():
        timed = sorted((rows[i]['_t'], i) for i in idx if rows[i]['_t'] is not None)
        for (pt, _), (t, i) in zip(timed, timed[1:]):
            if t - pt <= window:
                kept[i] = False
    return [r for r, k in zip(rows, kept) if k]


def dup_events(seed=11):
    """Clicks repeated by flaky clients, some late (out of arrival order)."""
    rnd = random.Random(seed)
    out = []
    for i in range(80):
        t = BASE + datetime.timedelta(seconds=rnd.randrange(0, 1800))
        spell = rnd.randrange(3)
        ts = (t.strftime('%Y-%m-%dT%H:%M:%SZ') if spell == 0 else
              t.astimezone(datetime.timezone(datetime.timedelta(hours=-5))).isoformat()
              if spell == 1 else epoch(t))
        out.append({'seq': i, 'user': f'u{rnd.randrange(4)}', 'page': rnd.choice(['/a', '/b']),
                    'ts': ts, '_t': epoch(t)})
    out.append({'seq': 80, 'user': 'u0', 'page': '/a', 'ts': None, '_t': None})
    out.append({'seq': 81, 'user': 'u0', 'page': '/a', 'ts': None, '_t': None})
    return out


def case_dedupe():
    rows = dup_events()
    tr = {'once': {'type': 'dedupe', 'inputs': ['orders'], 'key': ['user', 'page'],
                   'time': 'ts', 'window': 120}}
    d, _ = orders_pipeline('dedupe', tr, None, rows)
    expect_valid(d, 'dedupe')
    want = dedupe_expected(rows, ['user', 'page'], 120)
    check(len(rows) // 4 < len(want) < len(rows) - 5,
          f'dedupe: the data should drop some and keep most ({len(want)} of {len(rows)})')
    # JSON numbers and ISO text in one column make it text.
    same_rows(preview(d, 'once'), as_read(want, over=rows), 'dedupe (arrival order kept)')

    # Milliseconds, and a boundary: exactly `window` apart is a duplicate.
    t0 = epoch(BASE) * 1000
    ms = [{'id': 1, 'ts': t0}, {'id': 1, 'ts': t0 + 60_000}, {'id': 1, 'ts': t0 + 121_000},
          {'id': 2, 'ts': t0 + 5}, {'id': 1, 'ts': t0 + 30_000},
          {'id': 3, 'ts': t0}, {'id': 3, 'ts': t0 + 60_000},
          {'id': 4, 'ts': t0}, {'id': 4, 'ts': t0 + 61_000}]
    tr = {'once': {'type': 'dedupe', 'inputs': ['orders'], 'key': ['id'], 'time': 'ts',
                   'window': 60, 'time_unit': 'ms'}}
    d, _ = orders_pipeline('dedupe_ms', tr, None, ms)
    # id 1: +30 s (late) and +60 s are within a minute of the one before;
    # id 3: exactly 60 s apart is a duplicate; id 4: 61 s apart is not.
    want = [ms[i] for i in (0, 2, 3, 5, 7, 8)]
    check(want == public(dedupe_expected([dict(r, _t=r['ts'] // 1000) for r in ms], ['id'], 60)),
          'dedupe: the hand-made expectation and the model disagree')
    same_rows(preview(d, 'once'), want, 'dedupe in milliseconds, at the boundary')

    for spec in ({'key': ['usr'], 'time': 'ts'}, {'key': ['user'], 'time': 'tss'}):
        tr = {'x': dict({'type': 'dedupe', 'inputs': ['orders'], 'window': 60}, **spec)}
        d, _ = orders_pipeline('dedupe_missing', tr, None, rows)
        expect_preview_error(d, 'x', 'no such column: orders.')

    for spec, needle in (({'key': [], 'time': 'ts', 'window': 60}, 'list at least one key field'),
                         ({'key': ['user'], 'time': 'ts', 'window': 0}, "'window'"),
                         ({'key': ['user'], 'window': 60}, "needs 'time'"),
                         ({'key': ['user'], 'time': 'ts', 'window': 60, 'time_unit': 'h'},
                          "'time_unit'")):
        tr = {'x': dict({'type': 'dedupe', 'inputs': ['orders']}, **spec)}
        d, _ = orders_pipeline('dedupe_bad', tr, None, rows)
        expect_invalid(d, f'dedupe {spec}', needle)


def iso(s):
    return datetime.datetime.fromtimestamp(s, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def windows_expected(rows, size, hop, group_by, aggs):
    """aggs: [(name, function(list of rows) -> value)]."""
    buckets = {}
    for r in rows:
        t = r['_t']
        if t is None:
            continue
        start = t - t % hop
        while start + size > t:
            buckets.setdefault((start,) + tuple(r[g] for g in group_by), []).append(r)
            start -= hop
    out = []
    for k in sorted(buckets):
        rec = {'window_start': iso(k[0]), 'window_end': iso(k[0] + size)}
        rec.update(zip(group_by, k[1:]))
        for name, fn in aggs:
            rec[name] = fn(buckets[k])
        out.append(rec)
    return out


AGGS = [('orders', len), ('revenue', lambda rs: sum(r['amount'] for r in rs)),
        ('biggest', lambda rs: max(r['amount'] for r in rs))]
AGG_SQL = ['count(*) as orders', 'sum(amount) AS revenue', 'max(amount)   as   biggest']


def case_tumbling():
    rows = orders(80)
    rows.append(dict(rows[0], order_id=9999, ts='not a time', _t=None))  # falls in no window
    tr = {'per5': {'type': 'tumbling_window', 'inputs': ['orders'], 'time': 'ts', 'size': 300,
                   'group_by': ['country'], 'aggregates': AGG_SQL},
          'per_hour': {'type': 'tumbling_window', 'inputs': ['orders'], 'time': 'ts',
                       'size': 3600, 'aggregates': ['count(*) as orders']}}
    d, _ = orders_pipeline('tumbling', tr, None, rows)
    expect_valid(d, 'tumbling_window')
    want = windows_expected(rows, 300, 300, ['country'], AGGS)
    check(len(want) > 10, f'tumbling: expected many windows, computed {len(want)}')
    same_rows(preview(d, 'per5'), want, 'tumbling window of 300 s by country')
    same_rows(preview(d, 'per_hour'), windows_expected(rows, 3600, 3600, [], AGGS[:1]),
              'tumbling window of an hour')
    cols = columns_of(d, 'per5')
    check(cols == ['window_start', 'window_end', 'country', 'orders', 'revenue', 'biggest'],
          f'tumbling: columns in order, got {cols}')

    # Epoch milliseconds, and records right on a boundary.
    t0 = epoch(BASE) * 1000
    ms = [{'n': 1, 'ts': t0 - 1}, {'n': 2, 'ts': t0}, {'n': 3, 'ts': t0 + 59_999},
          {'n': 4, 'ts': t0 + 60_000}]
    tr = {'w': {'type': 'tumbling_window', 'inputs': ['orders'], 'time': 'ts', 'size': 60,
                'time_unit': 'ms', 'aggregates': ['count(*) as n', 'sum(n) as total']}}
    d, _ = orders_pipeline('tumbling_ms', tr, None, ms)
    s = epoch(BASE)
    same_rows(preview(d, 'w'), [
        {'window_start': iso(s - 60), 'window_end': iso(s), 'n': 1, 'total': 1},
        {'window_start': iso(s), 'window_end': iso(s + 60), 'n': 2, 'total': 5},
        {'window_start': iso(s + 60), 'window_end': iso(s + 120), 'n': 1, 'total': 4},
    ], 'tumbling window over epoch milliseconds, at the boundaries')

    base = {'type': 'tumbling_window', 'inputs': ['orders'], 'time': 'ts', 'size': 60,
            'aggregates': ['count(*) as n']}
    for spec in ({'time': 'tss'}, {'group_by': ['contry']}):
        d, _ = orders_pipeline('tumbling_missing', {'w': dict(base, **spec)}, None, rows)
        expect_preview_error(d, 'w', 'no such column: ')
    for spec, needle in (({'aggregates': ['count(*)']}, "does not look like 'expression as name'"),
                         ({'aggregates': ['count(*) as my orders']},
                          'must be an identifier'),
                         ({'aggregates': ['sum(amount) as window_end']},
                          "aggregate name 'window_end' is already an output column"),
                         ({'group_by': ['country'], 'aggregates': ['count(*) as country']},
                          "aggregate name 'country' is already an output column"),
                         ({'aggregates': []}, 'list at least one aggregate'),
                         ({'size': 0}, "'size'"),
                         ({'group_by': ['window_start']}, "'window_start' is an output column")):
        tr = {'w': dict(base, **spec)}
        d, _ = orders_pipeline('tumbling_bad', tr, None, rows)
        expect_invalid(d, f'tumbling_window {spec}', needle)


def case_hopping():
    rows = orders(80)
    # Right on window edges: BASE is a multiple of 120 s, so BASE + 60 s is
    # the last second a window can miss (with hop 120) and BASE + 300 s the
    # first second after a window ends.
    for i, sec in enumerate((60, 300, 359, 420)):
        t = BASE + datetime.timedelta(seconds=sec)
        rows.append(dict(rows[i], order_id=5000 + i, ts=t.strftime('%Y-%m-%dT%H:%M:%SZ'),
                         _t=epoch(t)))
    tr = {'h': {'type': 'hopping_window', 'inputs': ['orders'], 'time': 'ts', 'size': 300,
                'hop': 60, 'group_by': ['country'], 'aggregates': AGG_SQL},
          'odd': {'type': 'hopping_window', 'inputs': ['orders'], 'time': 'ts', 'size': 300,
                  'hop': 120, 'aggregates': ['count(*) as orders']}}
    d, _ = orders_pipeline('hopping', tr, None, rows)
    expect_valid(d, 'hopping_window')
    want = windows_expected(rows, 300, 60, ['country'], AGGS)
    same_rows(preview(d, 'h'), want, 'hopping window 300 s every 60 s by country')
    # A hop that does not divide the size: windows start every 120 s.
    same_rows(preview(d, 'odd'), windows_expected(rows, 300, 120, [], AGGS[:1]),
              'hopping window 300 s every 120 s')
    # Each record is counted in size/hop windows.
    got = preview(d, 'h')
    if got is not None:
        check(sum(r['orders'] for r in got) == 5 * len(rows),
              'hopping: every record should be in exactly 5 windows')

    base = {'type': 'hopping_window', 'inputs': ['orders'], 'time': 'ts', 'size': 300,
            'hop': 60, 'aggregates': ['count(*) as n']}
    for spec, needle in (({'hop': 600}, 'hop (600 s) must not be longer than size (300 s)'),
                         ({'size': 86400, 'hop': 60}, 'more than 300 windows'),
                         ({'hop': 0}, "'hop'"),
                         ({'aggregates': ['n']}, "does not look like 'expression as name'")):
        tr = {'w': dict(base, **spec)}
        d, _ = orders_pipeline('hopping_bad', tr, None, rows)
        expect_invalid(d, f'hopping_window {spec}', needle)


# Input fields named like the helper columns weir's generated SQL uses (or
# used): `w_t`, `w_start` (windows), `rowid`, `seq`, `t` (dedupe), the
# reserved `__weir_` names, and the CTE names.  None may change a result.
HELPER_NAMES = ['w_t', 'w_start', 'w_k', 'window_start', 'window_end', 'timed', 'hops',
                'windowed', '__weir_t', '__weir_start', '__weir_time', '__weir_k']


def case_window_fields():
    # The QA report's record: its own w_start and w_t used to be taken for
    # the window's (window_start came out NULL).
    t0 = 1714557600123
    rec = [{'id': 1, 'w_start': 'x', 'w_t': 5, 'ts': t0}]
    tr = {'w': {'type': 'tumbling_window', 'inputs': ['orders'], 'time': 'ts', 'size': 1,
                'time_unit': 'ms', 'aggregates': ['count(*) as n']}}
    d, _ = orders_pipeline('window_fields_one', tr, None, rec)
    s = t0 // 1000
    same_rows(preview(d, 'w'), [{'window_start': iso(s), 'window_end': iso(s + 1), 'n': 1}],
              'tumbling window over a record with its own w_start and w_t')

    rnd = random.Random(5)
    rows = []
    t = BASE
    for i in range(40):
        t = t + datetime.timedelta(seconds=rnd.choice([0, 13, 59, 60, 61, 170, 300]))
        r = {'ts': t.strftime('%Y-%m-%dT%H:%M:%SZ'), 'grp': rnd.choice(['x', 'y']),
             'amount': rnd.randrange(1, 100), '_t': epoch(t)}
        for j, name in enumerate(HELPER_NAMES):
            # Numbers that look like times, so a mix-up shows in the result.
            r[name] = epoch(BASE) + rnd.randrange(-100000, 100000) * (j + 1)
        r['w_start'] = rnd.choice(['x', 'not a time', '2024-01-01T00:00:00Z'])
        rows.append(r)
    aggs = ['count(*) as n', 'sum(amount) as total', 'sum(w_t) as sum_w_t',
            'max(w_start) as last_w_start']
    want_aggs = [('n', len), ('total', lambda rs: sum(r['amount'] for r in rs)),
                 ('sum_w_t', lambda rs: sum(r['w_t'] for r in rs)),
                 ('last_w_start', lambda rs: max(r['w_start'] for r in rs))]
    tr = {'tw': {'type': 'tumbling_window', 'inputs': ['orders'], 'time': 'ts', 'size': 300,
                 'group_by': ['grp'], 'aggregates': aggs},
          'hw': {'type': 'hopping_window', 'inputs': ['orders'], 'time': 'ts', 'size': 300,
                 'hop': 120, 'group_by': ['grp'], 'aggregates': aggs},
          'by_helper': {'type': 'tumbling_window', 'inputs': ['orders'], 'time': 'ts',
                        'size': 600, 'group_by': ['w_start', 'w_t'],
                        'aggregates': ['count(*) as n']},
          'qualified': {'type': 'hopping_window', 'inputs': ['orders'], 'time': 'ts',
                        'size': 300, 'hop': 60,
                        'aggregates': ['min("orders"."__weir_start") as m',
                                       'max("orders".__weir_t) as m2']},
          'ambiguous': {'type': 'tumbling_window', 'inputs': ['orders'], 'time': 'ts',
                        'size': 60, 'aggregates': ['max(__weir_start) as m']}}
    d, _ = orders_pipeline('window_fields', tr, None, rows)
    expect_valid(d, 'windows over inputs with helper-like field names')
    want = windows_expected(rows, 300, 300, ['grp'], want_aggs)
    check(len(want) > 5, f'window fields: expected several windows, computed {len(want)}')
    same_rows(preview(d, 'tw'), want, 'tumbling window, input fields named like helpers')
    same_rows(preview(d, 'hw'), windows_expected(rows, 300, 120, ['grp'], want_aggs),
              'hopping window, input fields named like helpers')
    same_rows(preview(d, 'by_helper'),
              windows_expected(rows, 600, 600, ['w_start', 'w_t'], [('n', len)]),
              'tumbling window grouped by fields named w_start and w_t')
    same_rows(preview(d, 'qualified'),
              windows_expected(rows, 300, 60, [], [
                  ('m', lambda rs: min(r['__weir_start'] for r in rs)),
                  ('m2', lambda rs: max(r['__weir_t'] for r in rs))]),
              'hopping window, aggregates over __weir_ fields named with their table')
    # An aggregate naming an input field with weir's reserved prefix
    # unqualified is refused, never read from weir's helper column.
    expect_preview_error(d, 'ambiguous', 'ambiguous column name: __weir_start')


def case_dedupe_fields():
    # The QA report's records: a field named rowid, the same in each,
    # used to make dedupe keep all four.
    def at(h, m, s):
        return BASE.replace(hour=h, minute=m, second=s)
    rows = [{'rowid': 1, 'k': k, 'ts': t.strftime('%Y-%m-%dT%H:%M:%SZ'), '_t': epoch(t)}
            for k, t in (('a', at(10, 0, 0)), ('a', at(10, 0, 10)), ('b', at(10, 0, 20)),
                         ('a', at(11, 0, 20)))]
    tr = {'once': {'type': 'dedupe', 'inputs': ['orders'], 'key': ['k'], 'time': 'ts',
                   'window': 60}}
    d, _ = orders_pipeline('dedupe_rowid', tr, None, rows)
    want = dedupe_expected(rows, ['k'], 60)
    check(len(want) == 3, f'dedupe rowid: the model should keep 3 of 4, kept {len(want)}')
    same_rows(preview(d, 'once'), public(want), 'dedupe over records with a rowid field')

    # Ties in event time go to the first to arrive, whatever the fields
    # rowid, oid, _rowid_ (SQLite's names for a row's number) or the
    # helper names seq, t, previous, k1 hold.
    rnd = random.Random(3)
    rows = []
    for i in range(60):
        t = BASE + datetime.timedelta(seconds=rnd.choice([0, 0, 30, 30, 90, 200, 200, 400]))
        r = {'id': i, 'user': rnd.choice(['u1', 'u2']), 'ts': epoch(t), '_t': epoch(t)}
        for name in ('rowid', 'oid', '_rowid_', 'seq', 't', 'previous', 'k1'):
            r[name] = 60 - i if name != 't' else epoch(t) - 1000
        rows.append(r)
    tr = {'once': {'type': 'dedupe', 'inputs': ['orders'], 'key': ['user'], 'time': 'ts',
                   'window': 60}}
    d, _ = orders_pipeline('dedupe_fields', tr, None, rows)
    want = dedupe_expected(rows, ['user'], 60)
    check(4 <= len(want) < len(rows) // 2,
          f'dedupe fields: the data should drop most ({len(want)} of {len(rows)})')
    same_rows(preview(d, 'once'), public(want), 'dedupe ties over fields named rowid, oid, ...')
    cols = columns_of(d, 'once')
    check(cols == list(public(rows)[0]), f'dedupe: the output has the input\'s columns: {cols}')
    rc, out, err = run(['fmt', d])
    p = os.path.join(d, 'sql', 'once.sql')
    if check(rc == 0 and os.path.exists(p), f'weir fmt should write sql/once.sql: {rc} {err}'):
        with open(p, encoding='utf-8') as f:
            text = f.read()
        check('rowid' not in text.lower(), f'sql/once.sql should not use rowid:\n{text}')


GEO32 = '0123456789bcdefghjkmnpqrstuvwxyz'


def geohash(lat, lon, precision):
    """Interleave longitude and latitude bisection bits, 5 per character."""
    lat_r, lon_r, bits = [-90.0, 90.0], [-180.0, 180.0], []
    while len(bits) < 5 * precision:
        r, v = (lon_r, lon) if len(bits) % 2 == 0 else (lat_r, lat)
        mid = (r[0] + r[1]) / 2
        bits.append(1 if v >= mid else 0)
        r[0 if v >= mid else 1] = mid
    return ''.join(GEO32[int(''.join(map(str, bits[i:i + 5])), 2)]
                   for i in range(0, len(bits), 5))


def case_tutorial():
    tut = os.path.join(SRC, 'samples', 'plugin_tutorial')
    rc, out, err = validate(tut)
    check(rc == 0 and 'warning' not in err,
          f'weir validate samples/plugin_tutorial: exit {rc}\n{out}{err}')
    with open(os.path.join(tut, 'samples', 'deliveries.csv'), encoding='utf-8') as f:
        src = list(csv.DictReader(f))
    check(len(src) >= 5, 'the tutorial sample should have a few deliveries')
    want = []
    for r in src:
        rec = {'delivery_id': r['delivery_id'], 'courier': r['courier'],
               'delivered_at': r['delivered_at']}
        lat = float(r['lat']) if r['lat'] else None
        lon = float(r['lon']) if r['lon'] else None
        if lat is not None:
            rec['lat'], rec['lon'] = lat, lon
        if lat is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            rec['geohash'] = geohash(lat, lon, 6)
        want.append(rec)
    check(any('geohash' not in r for r in want) and sum('geohash' in r for r in want) >= 4,
          'the tutorial sample should have located and unlocatable deliveries')
    got = preview(tut, 'locate')
    same_rows(got, want, 'tutorial: geohash of each delivery')
    if got:
        oslo = [r for r in got if r['delivery_id'] == 'd-1001']
        check(oslo and oslo[0].get('geohash') == 'u4xsud', f'Oslo is u4xsud: {oslo}')
    same_rows(preview(tut, 'by_area'),
              [dict(r, key=r['geohash']) if 'geohash' in r else r for r in want],
              'tutorial: the kafka sink keyed by geohash')

    # The tutorial's checks, on a copy of the pipeline.
    for setting, value, needle in (('precision', 13, "'precision'"),
                                   ('precision', 0, "'precision'"),
                                   ('into', 'lat', "'lat' would overwrite a coordinate")):
        d = os.path.join(TMP, 'tutorial_bad')
        if os.path.exists(d):
            shutil.rmtree(d)
        shutil.copytree(tut, d)
        p = os.path.join(d, 'pipeline.yaml')
        with open(p, encoding='utf-8') as f:
            text = f.read()
        old = '    precision: 6\n'
        check(old in text, 'the tutorial pipeline sets precision: 6')
        if setting == 'precision':
            text = text.replace(old, f'    precision: {value}\n')
        else:
            text = text.replace(old, old + f'    {setting}: {value}\n')
        with open(p, 'w', encoding='utf-8') as f:
            f.write(text)
        expect_invalid(d, f'tutorial {setting}: {value}', needle)


SHIPPED = [('source', 'file'), ('source', 'http'), ('source', 'kafka'), ('source', 'postgres'),
           ('transform', 'dedupe'), ('transform', 'filter'), ('transform', 'hopping_window'),
           ('transform', 'lua'), ('transform', 'mask'), ('transform', 'select'),
           ('transform', 'sql'), ('transform', 'tumbling_window'),
           ('sink', 'file'), ('sink', 'kafka'), ('sink', 'postgres'), ('sink', 'stdout')]


def case_plugins():
    rc, out, err = run(['plugins'], cwd=TMP)
    check(rc == 0, f'weir plugins: exit {rc}\n{out}{err}')
    lines = out.splitlines()
    for kind, name in SHIPPED:
        hit = [l for l in lines if kind in l and f' {name} ' in f' {l} ' and 'shipped' in l]
        check(hit, f'weir plugins should list the shipped {kind} {name}:\n{out}')
    check('error' not in (out + err).lower(), f'weir plugins reports an error:\n{out}{err}')
    tut = os.path.join(SRC, 'samples', 'plugin_tutorial')
    rc, out, err = run(['plugins', tut])
    check(rc == 0 and any('geohash' in l and 'pipeline' in l for l in out.splitlines()),
          f'weir plugins samples/plugin_tutorial should list geohash from the pipeline:\n{out}{err}')


CASES = {'sources': case_sources, 'sinks': case_sinks, 'code': case_code,
         'filter': case_filter, 'select': case_select, 'mask': case_mask,
         'dedupe': case_dedupe, 'tumbling': case_tumbling, 'hopping': case_hopping,
         'tutorial': case_tutorial, 'plugins': case_plugins, 'inputs': case_inputs,
         'window_fields': case_window_fields, 'dedupe_fields': case_dedupe_fields}


def main():
    global WEIR, SRC, TMP
    if len(sys.argv) != 4 or sys.argv[3] not in CASES:
        print(__doc__)
        return 2
    WEIR, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    TMP = tempfile.mkdtemp(prefix='weir-shipped-')
    try:
        os.makedirs(os.path.join(TMP, 'xdg'))
        mutants = os.environ.get('SHIPPED_TEST_PLUGINS')
        if mutants:
            shutil.copytree(mutants, os.path.join(TMP, 'xdg', 'weir', 'plugins'))
        os.makedirs(os.path.join(TMP, 'home'))
        CASES[sys.argv[3]]()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    if failures:
        print(f'{len(failures)} failure(s)')
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
