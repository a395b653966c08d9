#!/usr/bin/env bash
# Runs one vitest test file (optionally only the tests whose name matches a
# pattern) N times in one vitest process while busy loops load the CPU, and
# counts the failures. For checking that a test is deterministic on a busy
# machine.
#
#   scripts/repeat-under-load.sh [-n runs] [-b busy-loops] <test file> [name pattern]
#
#   scripts/repeat-under-load.sh -n 200 test/integration/liveness.test.ts 'loses nothing in ack mode'
#
# The file is imported `runs` times into one generated test file (each import
# with its own query string, so each is a fresh module that registers its tests
# again); the generated files go in a temporary folder under reports/ (git
# ignores it) and are removed on exit, as are the busy loops (`node -e
# 'for(;;){}'`). Prints passed/failed counts and each failure's first line;
# exits 1 if any run failed.
set -euo pipefail

runs=200
busy=2
while getopts 'n:b:' option; do
  case "$option" in
    n) runs="$OPTARG" ;;
    b) busy="$OPTARG" ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -lt 1 ]; then
  sed -n '2,16p' "$0" >&2
  exit 2
fi
file="$1"
pattern="${2:-}"

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -f "$file" ]; then
  echo "no such test file: $file" >&2
  exit 2
fi

mkdir -p reports
scratch="$(mktemp -d "$root/reports/repeat-under-load.XXXXXX")"
busy_pids=()
cleanup() {
  for pid in "${busy_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

target="$root/$file"
{
  echo "for (let run = 0; run < $runs; run += 1) {"
  echo "  await import(/* @vite-ignore */ \`$target?run=\${run}\`);"
  echo "}"
} >"$scratch/repeat.test.ts"
cat >"$scratch/vitest.config.ts" <<EOF
import base from '$root/vitest.config.ts';

export default { ...base, test: { ...base.test, include: ['$scratch/repeat.test.ts'] } };
EOF

for _ in $(seq 1 "$busy"); do
  node -e 'for(;;){}' &
  busy_pids+=("$!")
done
echo "busy loops: ${busy_pids[*]:-none}; $runs runs of $file${pattern:+ -t \"$pattern\"}" >&2

started=$(date +%s)
status=0
npx vitest run --config "$scratch/vitest.config.ts" ${pattern:+-t "$pattern"} \
  --reporter=dot --reporter=json --outputFile.json="$scratch/result.json" \
  >"$scratch/output.txt" 2>&1 || status=$?
elapsed=$(($(date +%s) - started))

if [ ! -f "$scratch/result.json" ]; then
  tail -n 40 "$scratch/output.txt" >&2
  echo "vitest wrote no result (exit $status)" >&2
  exit 1
fi
node - "$scratch/result.json" "$elapsed" <<'EOF'
const [resultPath, elapsed] = process.argv.slice(2);
const result = JSON.parse(require('node:fs').readFileSync(resultPath, 'utf8'));
const tests = result.testResults.flatMap((file) => file.assertionResults);
const ran = tests.filter((test) => test.status === 'passed' || test.status === 'failed');
const failed = ran.filter((test) => test.status === 'failed');
const durations = ran.map((test) => test.duration ?? 0).sort((a, b) => a - b);
const at = (q) => Math.round(durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] ?? 0);
console.log(
  `${ran.length} runs in ${elapsed} s: ${ran.length - failed.length} passed, ${failed.length} failed; ` +
    `test time median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`,
);
for (const test of failed.slice(0, 20)) {
  const first = (test.failureMessages?.[0] ?? '').split('\n')[0];
  console.log(`FAILED ${test.title}: ${first}`);
}
if (failed.length > 20) console.log(`... and ${failed.length - 20} more failures`);
process.exitCode = failed.length > 0 || ran.length === 0 ? 1 : 0;
EOF
