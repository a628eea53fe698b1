#!/usr/bin/env python3
"""weir without libgit2: nogit_test.py WEIR

weir does not link libgit2; vcs/ loads it on first use (vcs/gitapi.h).
WEIR_LIBGIT2 (a test and diagnostic hook, docs/architecture.md) names the
library to load instead of the soname, so a missing library can be tried on
a machine that has one.  Checks that:
  - commands that never touch git work with no loadable libgit2;
  - git commands then fail with exit 2 and "git support unavailable: ...";
  - without the override those git commands work (the failure above is the
    override's doing), and only they load libgit2 (LD_DEBUG=libs shows
    which libraries the loader maps).
Writes only under a mkdtemp folder; needs no network or $HOME.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VALID = os.path.join(HERE, 'fixtures', 'valid')
MISSING = '/nonexistent/libgit2.so.1'

failures = []


def run(weir, args, tmp, extra=None):
    env = dict(os.environ, LANG='C.UTF-8', LC_ALL='C.UTF-8', NO_COLOR='1', HOME=tmp,
               XDG_CONFIG_HOME=os.path.join(tmp, 'xdg'), GIT_CONFIG_NOSYSTEM='1')
    for k in ('TERM', 'WEIR_LIBGIT2', 'LD_DEBUG', 'GIT_DIR', 'GIT_WORK_TREE'):
        env.pop(k, None)
    env.update(extra or {})
    p = subprocess.run([weir] + args, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def main():
    weir = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix='weir-nogit-') as tmp:
        repo = os.path.join(tmp, 'repo')
        shutil.copytree(VALID, repo)
        subprocess.run(['git', 'init', '-q', repo], check=True, capture_output=True,
                       env=dict(os.environ, HOME=tmp, GIT_CONFIG_NOSYSTEM='1'))
        nogit = {'WEIR_LIBGIT2': MISSING}

        # Non-git commands: as if libgit2 were not installed.
        for args, want in ((['validate', repo], 'valid'), (['fmt', repo], None),
                           (['graph', repo], 'layer 1'), (['plugins'], 'filter'),
                           (['--version'], 'weir')):
            rc, out, err = run(weir, args, tmp, nogit)
            check(rc == 0, f'weir {" ".join(args)} without libgit2: exit {rc}\n{out}{err}')
            check(want is None or want in out, f'weir {" ".join(args)}: stdout lacks {want!r}: {out!r}')
            check('libgit2' not in err, f'weir {" ".join(args)}: stderr mentions libgit2: {err!r}')

        # Git commands: a clear error, exit 2, never a crash.
        want = f'git support unavailable: cannot load {MISSING}: '
        for args in (['log', repo], ['diff', repo], ['commit', '-m', 'x', repo]):
            rc, out, err = run(weir, args, tmp, nogit)
            check(rc == 2, f'weir {" ".join(args)} without libgit2: exit {rc}, expected 2\n{err}')
            check(want in err, f'weir {" ".join(args)}: stderr lacks {want!r}: {err!r}')

        # The same repository with the real library: git commands work.
        rc, out, err = run(weir, ['log', repo], tmp)
        check(rc == 0, f'weir log with libgit2: exit {rc}\n{err}')

        # Which commands map libgit2 at all (log is the control: it must).
        for args, loads in ((['--version'], False), (['validate', repo], False),
                            (['graph', repo], False), (['log', repo], True)):
            rc, out, err = run(weir, args, tmp, {'LD_DEBUG': 'libs'})
            mapped = 'libgit2.so' in err
            check(rc == 0, f'weir {" ".join(args)} (LD_DEBUG): exit {rc}')
            check(mapped == loads,
                  f'weir {" ".join(args)}: libgit2 {"not " if loads else ""}loaded, expected '
                  f'{"" if loads else "not "}to be')
    if failures:
        print(f'{len(failures)} failure(s)')
        return 1
    print('nogit: ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
