#!/usr/bin/env bash
# Runs the end-to-end LoadDriver (demo module, built) and reports CPU seconds per thread name of its JVM, and of
# the postgres processes, over the measured burst only (between the driver's "phase: burst starts" and
# "phase: burst drained" markers), read from /proc. Usage: scripts/loaddriver-cpu.sh [LoadDriver args...]
# Prerequisite: mvn -B -q -DskipTests install; mvn -B -q -pl demo dependency:build-classpath
#   -Dmdep.outputFile=target/demo.classpath -Dmdep.includeScope=runtime
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
snap() { # pid file: "thread name<TAB>ticks" for every thread of the JVM and every postgres process
  : > "$2"
  for t in /proc/"$1"/task/*; do
    s=$(cat "$t/stat" 2>/dev/null) || continue
    set -- ${s##*) }
    printf 'J:%s\t%d\n' "$(cat "$t/comm" 2>/dev/null)" $(( ${12} + ${13} )) >> "$2"
  done
  for p in $(pgrep -u postgres); do
    s=$(cat /proc/"$p"/stat 2>/dev/null) || continue
    set -- ${s##*) }
    printf 'PG:postgres\t%d\n' $(( ${12} + ${13} )) >> "$2"
  done
}
java -Xmx3g -cp "demo/target/classes:$(cat demo/target/demo.classpath)" org.ehrflow.demo.bench.LoadDriver "$@" \
  > "$out/log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  if [ ! -f "$out/a" ] && grep -q "phase: burst starts" "$out/log"; then snap "$pid" "$out/a"; fi
  if [ ! -f "$out/b" ] && grep -q "phase: burst drained" "$out/log"; then snap "$pid" "$out/b"; fi
  sleep 0.2
done
wait "$pid"
grep -E "^(warm-up|burst|the sink|embedding only|ratio|paced)" "$out/log"
python3 - "$out/a" "$out/b" <<'PY'
import collections, re, sys
def load(f):
    c = collections.Counter()
    for line in open(f):
        k, v = line.rstrip('\n').split('\t')
        c[re.sub(r'\d+', 'N', k)] += int(v)
    return c
a, b = load(sys.argv[1]), load(sys.argv[2])
d = {k: (b[k] - a.get(k, 0)) / 100 for k in b}
total = sum(v for v in d.values() if v > 0)
print(f"CPU during the burst: {total:.1f} s")
for k, v in sorted(d.items(), key=lambda x: -x[1])[:12]:
    print(f"  {v:7.2f} s {100 * v / total:5.1f} %  {k}")
PY
rm -rf "$out"
