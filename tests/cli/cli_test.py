#!/usr/bin/env python3
"""End-to-end tests of `weir validate` and the global CLI behaviour.

Runs the real weir binary:
  cli_test.py WEIR bad       every tests/bad/<case>/: stderr == expected.txt,
                             stdout empty, exit 1; and with DIR given, every
                             line prefixed with DIR/
  cli_test.py WEIR exit      exit codes: 0 valid, 1 invalid, 2 usage / I/O
  cli_test.py WEIR json      --format json parsed and checked
  cli_test.py WEIR help      --help, COMMAND --help, --version, unknown commands

Writes nothing outside a mkdtemp folder; needs no network or $HOME.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.join(HERE, '..', 'bad')
VALID = os.path.join(HERE, 'fixtures', 'valid')
WARNINGS = os.path.join(HERE, 'fixtures', 'warnings')

failures = []


# The user's configuration (plugins, plugins.allow): an empty folder unless
# a test puts plugins there, so nothing from $HOME changes a result.
XDG = tempfile.TemporaryDirectory(prefix='weir-cli-xdg-')


def run(weir, args, cwd=None):
    env = dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8', NO_COLOR='1',
               XDG_CONFIG_HOME=XDG.name)
    env.pop('TERM', None)
    p = subprocess.run([weir] + args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def expect(weir, args, code, cwd=None, out=None, err=None, out_has=None, err_has=None):
    rc, o, e = run(weir, args, cwd)
    label = 'weir ' + ' '.join(args)
    check(rc == code, f'{label}: exit {rc}, expected {code}\nstdout: {o}\nstderr: {e}')
    if out is not None:
        check(o == out, f'{label}: stdout {o!r}, expected {out!r}')
    if err is not None:
        check(e == err, f'{label}: stderr {e!r}, expected {err!r}')
    if out_has is not None:
        check(out_has in o, f'{label}: stdout lacks {out_has!r}: {o!r}')
    if err_has is not None:
        check(err_has in e, f'{label}: stderr lacks {err_has!r}: {e!r}')
    return rc, o, e


def test_bad(weir):
    cases = sorted(d for d in os.listdir(BAD) if os.path.isdir(os.path.join(BAD, d)))
    check(len(cases) >= 30, f'only {len(cases)} bad cases')
    for case in cases:
        folder = os.path.abspath(os.path.join(BAD, case))
        with open(os.path.join(folder, 'expected.txt'), encoding='utf-8') as f:
            want = f.read()
        # Run inside the folder: paths are printed as they are in it.
        rc, o, e = run(weir, ['validate'], cwd=folder)
        check(rc == 1, f'{case}: exit {rc}, expected 1')
        check(o == '', f'{case}: stdout should be empty, got {o!r}')
        if e != want:
            failures.append(case)
            print(f'FAIL: {case}: stderr differs\n--- expected\n{want}--- got\n{e}')
        # Given a DIR, each diagnostic names the file through it.
        rc, o, e2 = run(weir, ['validate', folder])
        lines = want.splitlines()
        prefixed = [folder + '/' + l for l in lines[:-1]] + lines[-1:]
        check(rc == 1 and e2.splitlines() == prefixed,
              f'{case}: with DIR, expected every line prefixed with {folder}/, got {e2!r}')
        # --quiet: only the exit code speaks.
        rc, o, e3 = run(weir, ['validate', '--quiet', folder])
        check(rc == 1 and o == '' and e3 == '', f'{case}: --quiet printed or exit {rc}')
    print(f'{len(cases)} bad pipelines checked')


def test_exit(weir):
    expect(weir, ['validate', VALID], 0, out='orders: valid (6 nodes, 0 warnings)\n', err='')
    expect(weir, ['validate'], 0, cwd=VALID, out='orders: valid (6 nodes, 0 warnings)\n')
    expect(weir, ['validate', '-q', VALID], 0, out='', err='')
    # Warnings alone do not fail validation.
    expect(weir, ['validate'], 0, cwd=WARNINGS,
           out="pipeline.yaml:4:3: warning: source 'orders' has no 'sample': preview will show "
               "no records\nwarned: valid (2 nodes, 1 warning)\n")
    expect(weir, ['validate', os.path.join(BAD, 'cycle_two')], 1)
    with tempfile.TemporaryDirectory() as tmp:
        missing = os.path.join(tmp, 'nope')
        expect(weir, ['validate', missing], 2, out='',
               err_has=f'{missing}/pipeline.yaml: error: no such file (not a pipeline folder? '
                       f'create one with: weir new {missing})')
        # An empty folder: no pipeline.yaml is an I/O error too.
        expect(weir, ['validate', tmp], 2, out='', err_has='not a pipeline folder')
        expect(weir, ['validate'], 2, cwd=tmp, err_has='not a pipeline folder')
        # Unreadable (a folder where the file should be).
        os.mkdir(os.path.join(tmp, 'pipeline.yaml'))
        rc, o, e = run(weir, ['validate', tmp])
        check(rc in (1, 2) and 'pipeline.yaml' in e, f'folder as pipeline.yaml: exit {rc} {e!r}')
    # Usage errors.
    expect(weir, ['validate', VALID, VALID], 2, out='', err_has='one folder at a time')
    expect(weir, ['validate', '--bogus'], 2, out='', err_has="unknown option '--bogus'")
    # "--" ends the options, in every command that takes a folder; a second
    # one is then an argument like any other.
    for cmd in (['validate'], ['graph'], ['plugins']):
        expect(weir, cmd + ['--', VALID], 0, err='')
    for cmd in (['validate'], ['fmt', '--check'], ['graph'], ['plugins']):
        expect(weir, cmd + ['--', VALID, '--'], 2, out='', err_has='one folder at a time')
    rc, o, e = run(weir, ['fmt', '--check', '--', VALID])  # the fixture need not be canonical
    check(rc in (0, 1) and 'usage' not in e, f'fmt --check -- DIR: exit {rc} {e!r}')
    expect(weir, ['graph', '-x', VALID], 2, out='', err_has="unknown option '-x'")
    expect(weir, ['fmt', '--bogus', VALID], 2, out='', err_has="unknown option '--bogus'")
    expect(weir, ['validate', '--format', 'xml', VALID], 2, out='',
           err_has="--format is text or json, not 'xml'")
    expect(weir, ['validate', '--format=yaml', VALID], 2, err_has='usage: weir validate')


def test_json(weir):
    rc, o, e = expect(weir, ['validate', '--format', 'json', VALID], 0, err='')
    doc = json.loads(o)
    check(doc == {'valid': True, 'errors': 0, 'warnings': 0, 'diagnostics': []},
          f'valid json: {doc}')
    rc, o, e = expect(weir, ['validate', '--format=json'], 0, cwd=WARNINGS)
    doc = json.loads(o)
    check(doc['valid'] is True and doc['warnings'] == 1 and doc['errors'] == 0,
          f'warnings json: {doc}')
    check(doc['diagnostics'] == [{'path': 'pipeline.yaml', 'line': 4, 'col': 3,
                                  'severity': 'warning', 'node': 'orders',
                                  'message': "source 'orders' has no 'sample': preview will "
                                             "show no records"}], f'warnings json: {doc}')
    # Every bad case: the JSON carries the same diagnostics as the text.
    for case in sorted(os.listdir(BAD)):
        folder = os.path.join(BAD, case)
        if not os.path.isdir(folder):
            continue
        rc, o, e = run(weir, ['validate', '--format', 'json'], cwd=folder)
        check(rc == 1, f'{case} json: exit {rc}')
        try:
            doc = json.loads(o)
        except ValueError as err:
            check(False, f'{case}: not JSON ({err}): {o[:200]!r}')
            continue
        with open(os.path.join(folder, 'expected.txt'), encoding='utf-8') as f:
            want = f.read().splitlines()
        text = [f"{d['path']}:{d['line']}:{d['col']}: {d['severity']}: {d['message']}"
                for d in doc['diagnostics']]
        check(text == want[:-1], f'{case} json diagnostics differ: {text} vs {want[:-1]}')
        check(doc['valid'] is False, f'{case} json: valid should be false')
        check(doc['errors'] == sum(d['severity'] == 'error' for d in doc['diagnostics']),
              f'{case} json: error count')
        check(all(set(d) == {'path', 'line', 'col', 'severity', 'node', 'message'}
                  for d in doc['diagnostics']), f'{case} json: keys')
    # A node id is given where one is known.
    rc, o, e = run(weir, ['validate', '--format', 'json', os.path.join(BAD, 'self_input')])
    doc = json.loads(o)
    check([d['node'] for d in doc['diagnostics']] == ['a'], f'self_input node: {doc}')
    rc, o, e = run(weir, ['validate', '--format', 'json', os.path.join(BAD, 'root_list')])
    check(json.loads(o)['diagnostics'][0]['node'] is None, 'root_list: node should be null')


def test_help(weir):
    rc, o, e = expect(weir, ['--help'], 0, err='', out_has='usage: weir')
    for cmd in ('validate', 'fmt', 'graph', 'new'):
        check(f'\n  {cmd} ' in o, f'--help does not list {cmd}')
    # Every listed command answers --help with its usage, exit 0.
    listed = [l.split()[0] for l in o.split('Commands:\n', 1)[1].split('\n\n', 1)[0].splitlines()]
    check(len(listed) >= 5, f'--help lists {listed}')
    for cmd in listed:
        expect(weir, [cmd, '--help'], 0, err='', out_has=f'usage: weir {cmd}')
    expect(weir, ['-h'], 0, out=o)
    expect(weir, ['help'], 0, out=o)
    expect(weir, ['validate', '--help'], 0, err='',
           out_has='usage: weir validate [DIR] [--code] [--format text|json] [--quiet]')
    expect(weir, ['validate', '-h'], 0, out_has='Exit status: 0 valid')
    expect(weir, ['help', 'validate'], 0, out_has='usage: weir validate')
    # --help wins over other arguments, even bad ones.
    expect(weir, ['validate', '--bogus', '--help'], 0, out_has='usage: weir validate')
    rc, o, e = expect(weir, ['--version'], 0, err='')
    check(o.startswith('weir ') and o.count('.') == 2 and o.endswith('\n'), f'--version: {o!r}')
    # Unknown commands.
    expect(weir, ['help', 'frobnicate'], 2, out='',
           err="weir: 'frobnicate' is not a weir command. See 'weir --help'.\n")
    expect(weir, ['--frobnicate'], 2, out='', err_has='--frobnicate')
    # `weir WORD` opens the canvas on a folder; with no terminal it refuses
    # and does not hang.
    rc, o, e = run(weir, ['frobnicate'])
    check(rc == 2 and e != '', f'weir frobnicate without a terminal: exit {rc} {e!r}')


def test_code(weir):
    """--code: SQL prepared against the inputs, Lua compiled, positioned."""
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, 'orders')
        expect(weir, ['new', d], 0)
        expect(weir, ['validate', '--code', d], 0, out='orders: valid (4 nodes, 0 warnings)\n')
        sql = os.path.join(d, 'sql', 'enrich.sql')
        lines = open(sql).read().split('\n')
        # Misspell the first column reference (not a comment) to 'amount'.
        row = next(i for i, l in enumerate(lines)
                   if 'amount' in l and not l.lstrip().startswith('--'))
        col = lines[row].index('amount') + 1
        lines[row] = lines[row].replace('amount', 'amout', 1)
        open(sql, 'w').write('\n'.join(lines))
        with open(os.path.join(d, 'lua', 'mask.lua'), 'w') as f:
            f.write('function transform(r)\n  return r +\nend\n')
        # Without --code the shape is all that is checked.
        expect(weir, ['validate', d], 0)
        expect(weir, ['validate', '--code', d], 1, out='',
               err=f'{d}/lua/mask.lua:3: error: unexpected symbol near \'end\'\n'
                   f'{d}/sql/enrich.sql:{row + 1}:{col}: error: no such column: amout\n'
                   '2 errors, 0 warnings\n')

    # A SQL template (the shipped filter): its generated SELECT is run.
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, 'orders')
        expect(weir, ['new', d], 0)
        py = os.path.join(d, 'pipeline.yaml')
        text = open(py).read()
        text = text.replace('transforms:\n', 'transforms:\n  big:\n    type: filter\n'
                            '    inputs: [enrich]\n    where: amount >\n', 1)
        open(py, 'w').write(text)
        line = text.split('\n').index('  big:') + 1
        expect(weir, ['validate', d], 0)
        expect(weir, ['validate', '--code', d], 1, out='',
               err=f'{d}/pipeline.yaml:{line}:3: error: generated SQL: incomplete input\n'
                   '1 error, 0 warnings\n')
        open(py, 'w').write(text.replace('where: amount >', 'where: amount > 10'))
        expect(weir, ['validate', '--code', d], 0, out='orders: valid (5 nodes, 0 warnings)\n')


def test_generated(weir):
    """Template transforms own sql/ID.sql: a user's file there and a code
    node reading it are errors at validate time, before any save; and a
    source that makes its own records needs no sample."""
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, 'orders')
        expect(weir, ['new', d], 0)
        py = os.path.join(d, 'pipeline.yaml')
        text = open(py).read()
        text = text.replace('transforms:\n', 'transforms:\n  big:\n    type: filter\n'
                            '    inputs: [orders]\n    where: amount > 1\n'
                            '  own:\n    type: sql\n    inputs: [orders]\n'
                            '    sql: sql/big.sql\n', 1)
        open(py, 'w').write(text)
        lines = text.split('\n')
        big = lines.index('  big:') + 1
        own_sql = lines.index('    sql: sql/big.sql') + 1
        with open(os.path.join(d, 'sql', 'big.sql'), 'w') as f:
            f.write('SELECT * FROM orders\n')
        expect(weir, ['validate', d], 1, out='',
               err=f"{d}/pipeline.yaml:{big}:3: error: filter 'big' generates sql/big.sql, "
                   'but that file holds SQL weir did not write: move it away or rename the '
                   "node (weir never overwrites your files)\n"
                   f"{d}/pipeline.yaml:{own_sql}:10: error: sql/big.sql is generated from "
                   "filter 'big' and rewritten on every save; give 'own' a file of its own\n"
                   '2 errors, 0 warnings\n')
        # Without the code node, fmt generates the file once it is moved away.
        open(py, 'w').write(text.replace('  own:\n    type: sql\n    inputs: [orders]\n'
                                         '    sql: sql/big.sql\n', ''))
        os.rename(os.path.join(d, 'sql', 'big.sql'), os.path.join(d, 'mine.sql'))
        expect(weir, ['fmt', d], 0, out_has='generated ' + d + '/sql/big.sql')
        expect(weir, ['validate', d], 0)
        big_sql = os.path.join(d, 'sql', 'big.sql')
        check('WHERE amount > 1\n' in open(big_sql).read(), 'generated SELECT has the condition')
        expect(weir, ['fmt', '--check', d], 0, out='')
        # A condition removed: the stale SELECT does not outlive it.
        now = open(py).read()
        open(py, 'w').write(now.replace('    where: amount > 1\n', ''))
        expect(weir, ['fmt', '--check', d], 1, out=f'would remove {d}/sql/big.sql\n')
        check(os.path.exists(big_sql), 'fmt --check writes nothing')
        expect(weir, ['fmt', d], 1, out=f'removed {d}/sql/big.sql\n',
               err_has="filter 'big': no SQL generated: it needs 'where'")
        check(not os.path.exists(big_sql), 'stale generated SQL removed')
        check(os.path.exists(os.path.join(d, 'mine.sql')), "the user's own file is untouched")
        # The node gone: its file goes too, and is reported as removed.
        open(py, 'w').write(now)
        expect(weir, ['fmt', d], 0, out=f'generated {d}/sql/big.sql\n')
        # ... unless a node took it over: a SQL node reading the generated
        # file (first line kept) owns it now; nothing removes it.
        taken = re.sub(r'  big:\n(    .*\n)+', '  big:\n    type: sql\n    inputs:\n'
                       '      - orders\n    sql: sql/big.sql\n', now)
        open(py, 'w').write(taken)
        with open(big_sql, 'a') as f:
            f.write('-- mine now\n')
        kept = open(big_sql).read()
        expect(weir, ['fmt', d], 0, out='')
        expect(weir, ['validate', d], 0)
        check(open(big_sql).read() == kept, 'a generated file a SQL node took over is kept')
        open(py, 'w').write(now)
        expect(weir, ['fmt', d], 0, out=f'generated {d}/sql/big.sql\n')
        open(py, 'w').write(re.sub(r'  big:\n(    .*\n)+', '', now))
        expect(weir, ['fmt', d], 0, out=f'removed {d}/sql/big.sql\n')

    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, 'gen')
        os.makedirs(os.path.join(d, 'plugins'))
        with open(os.path.join(d, 'plugins', 'counter.lua'), 'w') as f:
            f.write('weir.node_type {\n  kind = "source", name = "counter", title = "Counter",\n'
                    '  description = "Numbers 1 to 3", sample = false,\n'
                    '  records = function(node) return {{n = 1}, {n = 2}, {n = 3}} end,\n}\n')
        with open(os.path.join(d, 'pipeline.yaml'), 'w') as f:
            f.write('weir: 1\npipeline:\n  name: gen\n  version: 1\nsources:\n'
                    '  c:\n    type: counter\nsinks:\n  out:\n    type: stdout\n'
                    '    inputs: [c]\n')
        expect(weir, ['validate', d], 0, out='gen: valid (2 nodes, 0 warnings)\n', err='')

        # The pipeline's own broken plugin makes the pipeline invalid (it is
        # committed with it); a broken plugin of the user's only warns.
        bad = os.path.join(d, 'plugins', 'bad.lua')
        with open(bad, 'w') as f:
            f.write('weir.node_type {\n  kind = "transform"\n}\n')
        expect(weir, ['validate', d], 1, out='',
               err=f"{d}/plugins/bad.lua:1: error: weir.node_type: missing required field "
                   "'name'\n1 error, 0 warnings\n")
        rc, o, e = expect(weir, ['validate', '--format', 'json', d], 1)
        check(json.loads(o)['diagnostics'][0]['path'] == 'plugins/bad.lua', 'json: plugin path')
        os.makedirs(os.path.join(XDG.name, 'weir', 'plugins'), exist_ok=True)
        os.rename(bad, os.path.join(XDG.name, 'weir', 'plugins', 'bad.lua'))
        user_bad = os.path.join(XDG.name, 'weir', 'plugins', 'bad.lua')
        expect(weir, ['validate', d], 0, out='gen: valid (2 nodes, 0 warnings)\n',
               err=f"weir: {user_bad}:1: error: weir.node_type: missing required field "
                   "'name'\n")
        os.remove(user_bad)

        # A SQL template whose sql(node) fails is invalid at validate time
        # (so weir commit refuses it), with the same rule preview uses.
        with open(os.path.join(d, 'plugins', 'tpl.lua'), 'w') as f:
            f.write('for _, case in ipairs({"nul", "blank", "num", "boom"}) do\n'
                    '  weir.node_type { kind = "transform", name = "t_" .. case,\n'
                    '    title = case, description = case,\n'
                    '    sql = function(node)\n'
                    '      if case == "nul" then return "SELECT 1\\0 x" end\n'
                    '      if case == "blank" then return "  " end\n'
                    '      if case == "num" then return 42 end\n'
                    '      error("no \\27[2Jluck")\n'
                    '    end }\n'
                    'end\n')
        text = open(os.path.join(d, 'pipeline.yaml')).read()
        for case in ['nul', 'blank', 'num', 'boom']:
            text = text.replace('sinks:\n', f'transforms:\n  x_{case}:\n    type: t_{case}\n'
                                '    inputs: [c]\nsinks:\n' if 'transforms:' not in text else
                                f'sinks:\n', 1)
            if f'  x_{case}:' not in text:
                text = text.replace('transforms:\n', f'transforms:\n  x_{case}:\n'
                                    f'    type: t_{case}\n    inputs: [c]\n', 1)
        open(os.path.join(d, 'pipeline.yaml'), 'w').write(text)
        rc, o, e = expect(weir, ['validate', d], 1)
        for want in ["x_nul': its SQL cannot be generated: plugins/tpl.lua:2: sql(node) "
                     'returned text holding a NUL byte',
                     "x_blank': its SQL cannot be generated: plugins/tpl.lua:2: sql(node) "
                     'returned no SQL (only white space)',
                     "x_num': its SQL cannot be generated: plugins/tpl.lua:2: sql(node) "
                     'returned a number; return a SELECT (a string)',
                     # a control sequence from a plugin never reaches the terminal
                     "x_boom': its SQL cannot be generated: plugins/tpl.lua:8: no ?[2Jluck",
                     '4 errors, 0 warnings']:
            check(want in e, f'validate of failing templates lacks {want!r}: {e!r}')


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    weir, mode = os.path.abspath(sys.argv[1]), sys.argv[2]
    {'bad': test_bad, 'exit': test_exit, 'json': test_json, 'help': test_help,
     'code': test_code, 'generated': test_generated}[mode](weir)
    if failures:
        print(f'{len(failures)} failure(s)')
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
