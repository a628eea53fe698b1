#!/usr/bin/env python3
"""End-to-end tests of `weir plugins [DIR] [--format text|json]`.

Runs the real weir binary with XDG_CONFIG_HOME and HOME pointed at a
mkdtemp folder, so the user's own plugins never count:
  cli_plugins.py WEIR SOURCE_ROOT

Paths: the pipeline's plugins are printed as openable from the current
folder (pipe/plugins/kafka.lua when run as `weir plugins pipe`), and the
shipped ones as weir:plugins/NAME.lua, never as a pipeline's plugins/NAME.lua.

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
        check(all(f.startswith('weir:plugins/') for _, _, _, f in table),
              f'shipped files not shown as weir:plugins/NAME.lua: {table}')
        check(len(table) == len(out.split('\n\n')[0].splitlines()) - 1, f'unparsed rows: {out}')
        check('Problems' not in out and 'Shadowed' not in out, f'problems reported: {out}')

        # A pipeline plugin shadowing a shipped one, and a user plugin.
        write(os.path.join(pipe, 'plugins', 'kafka.lua'),
              "weir.node_type { kind = 'source', name = 'kafka', title = 'Our Kafka',\n"
              "  description = 'ours' }\n")
        write(os.path.join(cfg, 'weir', 'plugins', 'geo.lua'),
              "\nweir.node_type { kind = 'transform', name = 'geo', title = 'Geo',\n"
              "  description = 'geohash', record = function(r) return r end }\n")
        # Run from the parent folder as `weir plugins pipe`: the pipeline's
        # files are shown as pipe/plugins/..., openable from here.
        rc, out, err = run(weir, ['pipe'], tmp, cfg)
        check(rc == 0, f'shadowing: exit {rc}: {err}')
        table = rows(out)
        check(('source', 'kafka', 'pipeline', 'pipe/plugins/kafka.lua:1') in table,
              f'pipeline kafka not used: {table}')
        user_geo = os.path.join(cfg, 'weir', 'plugins', 'geo.lua') + ':2'
        check(('transform', 'geo', 'user', user_geo) in table, f'user geo missing: {table}')
        check(re.search(r'Shadowed \(not used\):\n  source kafka  weir:plugins/kafka\.lua:\d+ '
                        r'\(shipped\)  by pipe/plugins/kafka\.lua:1 \(pipeline\)\n', out),
              f'shadowed kafka not listed: {out}')
        # The same pipeline given by its full path: full paths.
        rc, out, err = run(weir, [pipe], tmp, cfg)
        check(('source', 'kafka', 'pipeline', os.path.join(pipe, 'plugins', 'kafka.lua') + ':1')
              in rows(out), f'weir plugins {pipe}: {out}')

        # A broken plugin: listed with file:line, exit 1, the rest still listed.
        write(os.path.join(pipe, 'plugins', 'broken.lua'), "-- oops\nweir.node_type {{\n")
        write(os.path.join(pipe, 'plugins', 'refused.lua'),
              "weir.node_type { kind = 'sink', name = 'x', title = 'X', description = 'd',\n"
              "  setings = {} }\n")
        rc, out, err = run(weir, ['pipe'], tmp, cfg)
        check(rc == 1, f'broken: exit {rc}')
        check(re.search(r'\nProblems:\n(  .*\n)*  pipe/plugins/broken\.lua:3: error: ', out),
              f'broken file not listed: {out}')
        check("  pipe/plugins/refused.lua:1: error: node type 'x': unknown field 'setings' "
              "(did you mean 'settings'?)\n" in out, f'refused declaration not listed: {out}')
        check(('source', 'kafka', 'pipeline', 'pipe/plugins/kafka.lua:1') in rows(out),
              f'types lost next to a broken file: {out}')
        # From inside the pipeline folder, the same files are plugins/...
        rc, out, err = run(weir, ['.'], pipe, cfg)
        check(rc == 1 and ('source', 'kafka', 'pipeline', 'plugins/kafka.lua:1') in rows(out)
              and '\n  plugins/broken.lua:3: error: ' in out, f'weir plugins . : {out}')

        # JSON: the same facts.
        rc, out, err = run(weir, ['pipe', '--format', 'json'], tmp, cfg)
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
        check(types.get(('source', 'kafka'), {}).get('path') == 'pipe/plugins/kafka.lua',
              f'json kafka path: {types.get(("source", "kafka"))}')
        files = {f['path']: f for f in doc.get('files', []) if f['origin'] == 'pipeline'}
        check((files.get('pipe/plugins/broken.lua', {}).get('error') or '').startswith(
            'pipe/plugins/broken.lua:3: '), f'json broken file: {files}')
        check(len(doc.get('shadowed', [])) == 1, f'json shadowed: {doc.get("shadowed")}')
        sh = (doc.get('shadowed') or [{}])[0]
        check(sh.get('path') == 'weir:plugins/kafka.lua' and
              sh.get('by_path') == 'pipe/plugins/kafka.lua', f'json shadowed paths: {sh}')
        check(any(p['severity'] == 'error' for p in doc.get('problems', [])), 'json: no errors')

        # JSON settings: choices an array, defaults of their type, bounds when set.
        typed = os.path.join(tmp, 'typed')
        write(os.path.join(typed, 'plugins', 'typed.lua'), TYPED_LUA)
        rc, out, err = run(weir, ['typed', '--format', 'json'], tmp, cfg)
        check(rc == 0, f'typed: exit {rc}: {out}{err}')
        doc = json.loads(out) if out.startswith('{') else {}
        types = {(t['kind'], t['name']): t for t in doc.get('types', [])}
        got = {s['name']: s for s in types.get(('transform', 'typed'), {}).get('settings', [])}
        for name, want in TYPED_WANT.items():
            have = {k: v for k, v in got.get(name, {}).items()
                    if k in ('default', 'choices', 'min', 'max')}
            # == alone would take 1 for True and 2.0 for 2: compare types too.
            same = have == want and all(type(have[k]) is type(want[k]) or
                                        (isinstance(want[k], float) and
                                         isinstance(have[k], (int, float)) and
                                         not isinstance(have[k], bool))
                                        for k in want)
            check(same, f'json setting {name}: {have}, expected {want}')
        check(types.get(('transform', 'capped'), {}).get('max_inputs') == 2,
              f'json max_inputs: {types.get(("transform", "capped"))}')
        check('max_inputs' not in types.get(('transform', 'typed'), {'max_inputs': 0}),
              f'json max_inputs when unset: {types.get(("transform", "typed"))}')
        kafka = {s['name']: s for s in types.get(('source', 'kafka'), {}).get('settings', [])}
        check(kafka.get('format', {}).get('choices') == ['json', 'avro', 'csv', 'protobuf'],
              f'json kafka format choices: {kafka.get("format")}')
        check({k: kafka.get('limit', {}).get(k) for k in ('default', 'min', 'max')} ==
              {'default': 1000, 'min': 1, 'max': 100000000}, f'json limit: {kafka.get("limit")}')
        check('max_inputs' not in types.get(('sink', 'stdout'), {'max_inputs': 0}),
              'json: stdout has no max_inputs')
        check(types.get(('transform', 'filter'), {}).get('max_inputs') == 1,
              f'json filter max_inputs: {types.get(("transform", "filter"))}')

        # Without DIR: the current folder counts only when it holds a pipeline.
        rc, out, err = run(weir, [], pipe, cfg)
        check(('source', 'kafka', 'shipped', 'weir:plugins/kafka.lua:' + table_line(out))
              in rows(out)
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
        in_tree = sorted('weir:plugins/' + n for n in os.listdir(os.path.join(source_root, 'plugins'))
                         if n.endswith('.lua'))
        check(rc == 0, f'the shipped set alone: exit {rc}: {out}')
        check(built_in == in_tree,
              f'plugins/meson.build lists {built_in}, the tree has {in_tree}')


TYPED_LUA = """weir.node_type { kind = 'transform', name = 'capped', title = 'C', description = 'd',
  max_inputs = 2, record = function(r) return r end }
weir.node_type { kind = 'transform', name = 'typed', title = 'T', description = 'd',
  record = function(r) return r end,
  settings = {
    { name = 'n', type = 'integer', default = 5, min = 1, max = 10 },
    { name = 'lo', type = 'integer', default = -3, min = -5 },
    { name = 'hi', type = 'integer', max = 7 },
    { name = 'u', type = 'integer' },
    { name = 'r', type = 'number', default = 0.25, min = 0, max = 1 },
    { name = 'big', type = 'number', default = 2, max = 100.5 },
    { name = 'on', type = 'boolean', default = true },
    { name = 'off', type = 'boolean', default = false },
    { name = 'c', type = 'choice', choices = { 'x', 'y z' }, default = 'y z' },
    { name = 's', type = 'string', default = '42' },
    { name = 'none', type = 'string' },
  } }
"""
TYPED_WANT = {
    'n': {'default': 5, 'min': 1, 'max': 10},
    'lo': {'default': -3, 'min': -5},
    'hi': {'default': None, 'max': 7},
    'u': {'default': None},
    'r': {'default': 0.25, 'min': 0.0, 'max': 1.0},
    'big': {'default': 2.0, 'max': 100.5},
    'on': {'default': True},
    'off': {'default': False},
    'c': {'default': 'y z', 'choices': ['x', 'y z']},
    's': {'default': '42'},
    'none': {'default': None},
}


def table_line(out):
    for k, n, o, f in rows(out):
        if (k, n) == ('source', 'kafka'):
            return f.rsplit(':', 1)[1]
    return None


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
    if failures:
        print(f'{len(failures)} failure(s)')
        sys.exit(1)
    print('weir plugins: ok')
