#!/bin/sh
# bench/hostile_yaml.sh [WEIR] [RUNS]: how long `weir validate` takes, and
# how much memory, on hostile pipeline.yaml files (owner: loadertests; issue
# 2, point 3: "bounded time and memory").  Each input is generated into a
# temp folder; prints the median wall time and peak RSS of RUNS (default 5).
set -eu
weir=${1:-build/tui/weir}
runs=${2:-5}
weir=$(cd "$(dirname "$weir")" && pwd)/$(basename "$weir")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/weir-hostile-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

gen() { # name python-expression-writing-pipeline.yaml
    mkdir -p "$tmp/$1"
    python3 -c "import sys; f=open(sys.argv[1],'w'); $2" "$tmp/$1/pipeline.yaml"
}
gen scalar_60mb "f.write('weir: 1\npipeline:\n  name: ' + 'x'*(60<<20) + '\n')"
gen values_2m "f.write('a: [' + 'a,'*((8<<20)-10) + 'a]\n')"
gen nesting_20000 "f.write('a: ' + '['*20000 + ']'*20000 + '\n')"
gen alias_bomb "f.write('a: &a [1,1,1,1,1,1,1,1,1]\n' + ''.join('%s: &%s [%s]\n' % (chr(98+i), chr(98+i), ','.join(['*'+chr(97+i)]*9)) for i in range(8)))"
gen dup_keys_200k "f.write('a: 1\n'*200000)"
gen two_cycles_50k "f.write('weir: 1\npipeline: {name: x}\ntransforms:\n' + ''.join('  a%d: {type: sql, sql: x, inputs: [b%d]}\n  b%d: {type: sql, sql: x, inputs: [a%d]}\n' % (i,i,i,i) for i in range(50000)))"
gen unknown_inputs_1m "f.write('weir: 1\npipeline: {name: x}\nsources:\n' + ''.join('  s%d: {type: file, path: p, format: csv}\n' % i for i in range(1999)) + 'sinks:\n  o: {type: stdout, inputs: [' + ','.join('q%d' % i for i in range(1000000)) + ']}\n')"

printf '%-20s %10s %12s %10s\n' input size 'time (s)' 'peak MiB'
for d in "$tmp"/*/; do
    name=$(basename "$d")
    size=$(wc -c < "$d/pipeline.yaml")
    i=0
    : > "$tmp/$name.times"
    while [ $i -lt "$runs" ]; do
        ( cd "$d" && /usr/bin/time -f '%e %M' -o "$tmp/$name.one" "$weir" validate >/dev/null 2>&1 ) || true
        tail -n 1 "$tmp/$name.one" >> "$tmp/$name.times"
        i=$((i + 1))
    done
    t=$(cut -d' ' -f1 "$tmp/$name.times" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    m=$(cut -d' ' -f2 "$tmp/$name.times" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    printf '%-20s %10s %12s %10s\n' "$name" "$size" "$t" "$((m / 1024))"
done
