#!/usr/bin/env python3
"""End-to-end tests of `weir plugins [DIR] [--format text|json]`.

Runs the real weir binary with XDG_CONFIG_HOME and HOME pointed at a
mkdtemp folder, so the user's own plugins never count:
  cli_plugins.py WEIR SOURCE_ROOT

Also checks that every SOURCE_ROOT/plugins/*.lua is built into weir: the
list in plugins/meson.build is kept by hand.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def run(weir, args, cwd, cfg):
    env = dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8', NO_COLOR='1',
               XDG_CONFIG_HOME=cfg, HOME=cfg)
    env.pop('TERM', None)
    p = subprocess.run([weir, 'plugins'] + args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def rows(out):
    """The type table: (kind, name, origin, file) per row."""
    table = []
    for line in out.split('\n\n')[0].splitlines()[1:]:
        m = re.match(r'^(source|transform|sink)\s+(\S+)\s+.*?\s(pipeline|user|shipped)\s+(\S+:\d+)$',
                     line)
        if m:
            table.append(m.groups())
    return table


def main(weir, source_root):
    with tempfile.TemporaryDirectory(prefix='weir-cli-plugins-') as tmp:
        cfg = os.path.join(tmp, 'cfg')
        pipe = os.path.join(tmp, 'pipe')
        os.makedirs(cfg)
        os.makedirs(os.path.join(pipe, 'plugins'))

        # The shipped set alone: every type listed, exit 0, nothing else said.
        rc, out, err = run(weir, [pipe], tmp, cfg)
        check(rc == 0, f'shipped only: exit {rc}: {err}')
        check(out.startswith('KIND'), f'no header: {out!r}')
        table = rows(out)
        names = {(k, n) for k, n, _, _ in table}
        for want in [('source', 'kafka'), ('sink', 'kafka'), ('transform', 'sql'),
                     ('transform', 'filter'), ('sink', 'stdout'), ('source', 'file')]:
            check(want in names, f'{want} not listed: {out}')
        check(all(o == 'shipped' for _, _, o, _ in table), f'not all shipped: {table}')
        check(len(table) == len(out.split('\n\n')[0].splitlines()) - 1, f'unparsed rows: {out}')
        check('Problems' not in out and 'Shadowed' not in out, f'problems reported: {out}')

        # A pipeline plugin shadowing a shipped one, and a user plugin.
        write(os.path.join(pipe, 'plugins', 'kafka.lua'),
              "weir.node_type { kind = 'source', name = 'kafka', title = 'Our Kafka',\n"
              "  description = 'ours' }\n")
        write(os.path.join(cfg, 'weir', 'plugins', 'geo.lua'),
              "\nweir.node_type { kind = 'transform', name = 'geo', title = 'Geo',\n"
              "  description = 'geohash', record = function(r) return r end }\n")
        rc, out, err = run(weir, [pipe], tmp, cfg)
        check(rc == 0, f'shadowing: exit {rc}: {err}')
        table = rows(out)
        check(('source', 'kafka', 'pipeline', 'plugins/kafka.lua:1') in table,
              f'pipeline kafka not used: {table}')
        user_geo = os.path.join(cfg, 'weir', 'plugins', 'geo.lua') + ':2'
        check(('transform', 'geo', 'user', user_geo) in table, f'user geo missing: {table}')
        check(re.search(r'Shadowed \(not used\):\n  source kafka  plugins/kafka\.lua:\d+ '
                        r'\(shipped\)  by plugins/kafka\.lua:1 \(pipeline\)\n', out),
              f'shadowed kafka not listed: {out}')

        # A broken plugin: listed with file:line, exit 1, the rest still listed.
        write(os.path.join(pipe, 'plugins', 'broken.lua'), "-- oops\nweir.node_type {{\n")
        write(os.path.join(pipe, 'plugins', 'refused.lua'),
              "weir.node_type { kind = 'sink', name = 'x', title = 'X', description = 'd',\n"
              "  setings = {} }\n")
        rc, out, err = run(weir, [pipe], tmp, cfg)
        check(rc == 1, f'broken: exit {rc}')
        check(re.search(r'\nProblems:\n(  .*\n)*  plugins/broken\.lua:\d+: error: ', out),
              f'broken file not listed: {out}')
        check("  plugins/refused.lua:1: error: node type 'x': unknown field 'setings' "
              "(did you mean 'settings'?)\n" in out, f'refused declaration not listed: {out}')
        check(('source', 'kafka', 'pipeline', 'plugins/kafka.lua:1') in rows(out),
              f'types lost next to a broken file: {out}')

        # JSON: the same facts.
        rc, out, err = run(weir, [pipe, '--format', 'json'], tmp, cfg)
        check(rc == 1, f'json: exit {rc}')
        try:
            doc = json.loads(out)
        except ValueError as e:
            doc = {}
            check(False, f'json does not parse: {e}: {out!r}')
        types = {(t['kind'], t['name']): t for t in doc.get('types', [])}
        check(types.get(('source', 'kafka'), {}).get('origin') == 'pipeline',
              f'json kafka origin: {types.get(("source", "kafka"))}')
        check('sample' in types.get(('source', 'kafka'), {}).get('contributes', []),
              'json: kafka source does not contribute sample')
        files = {f['path']: f for f in doc.get('files', []) if f['origin'] == 'pipeline'}
        check((files.get('plugins/broken.lua', {}).get('error') or '').startswith(
            'plugins/broken.lua:'), f'json broken file: {files}')
        check(len(doc.get('shadowed', [])) == 1, f'json shadowed: {doc.get("shadowed")}')
        check(any(p['severity'] == 'error' for p in doc.get('problems', [])), 'json: no errors')

        # Without DIR: the current folder counts only when it holds a pipeline.
        rc, out, err = run(weir, [], pipe, cfg)
        check(('source', 'kafka', 'shipped', 'plugins/kafka.lua:' + table_line(out)) in rows(out)
              if table_line(out) else False, f'no DIR, no pipeline.yaml: {out}')
        check(rc == 0, f'no DIR: exit {rc}')
        write(os.path.join(pipe, 'pipeline.yaml'), 'name: p\n')
        rc, out, err = run(weir, [], pipe, cfg)
        check(rc == 1 and ('source', 'kafka', 'pipeline', 'plugins/kafka.lua:1') in rows(out),
              f'no DIR in a pipeline: exit {rc}: {out}')

        # Usage errors.
        for args in (['--format', 'xml'], [pipe, pipe], ['--bogus'], ['--format'],
                     [os.path.join(tmp, 'missing')]):
            rc, out, err = run(weir, args, tmp, cfg)
            check(rc == 2, f'weir plugins {args}: exit {rc}, expected 2')
            check(err.startswith('weir plugins'), f'weir plugins {args}: stderr {err!r}')
        rc, out, err = run(weir, ['--help'], tmp, cfg)
        check(rc == 0 and out.startswith('usage: weir plugins'), f'--help: {rc} {out!r}')

        # Every shipped plugin in the source tree is built in, and loads.
        rc, out, err = run(weir, ['--format', 'json'], tmp, cfg)
        doc = json.loads(out) if rc == 0 else {}
        built_in = sorted(f['path'] for f in doc.get('files', []) if f['origin'] == 'shipped')
        in_tree = sorted('plugins/' + n for n in os.listdir(os.path.join(source_root, 'plugins'))
                         if n.endswith('.lua'))
        check(rc == 0, f'the shipped set alone: exit {rc}: {out}')
        check(built_in == in_tree,
              f'plugins/meson.build lists {built_in}, the tree has {in_tree}')


def table_line(out):
    for k, n, o, f in rows(out):
        if (k, n) == ('source', 'kafka'):
            return f.split(':')[1]
    return None


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
    if failures:
        print(f'{len(failures)} failure(s)')
        sys.exit(1)
    print('weir plugins: ok')
