#!/usr/bin/env bash
# What Vitals costs the application, next to no agent and the OpenTelemetry Java agent: builds what
# it needs, runs the JMH hot paths (three configurations in one run) and the whole-process figures,
# and prints one table, also written to benchmarks/target/results.md. See docs/PERFORMANCE.md.
#
#   benchmarks/run.sh            the full run (about 25 minutes on a quiet 2-core machine)
#   benchmarks/run.sh --quick    one fork, one short iteration, 2 repetitions: proves it all works;
#                                its numbers are noise
#   options:  --no-build         use the jars already built
#             --part hotpath     only the JMH benchmarks;  --part process: only the process figures
#   env:      HOTPATH_ARGS="--forks 2 --only Pool"   more options for HotPathRun
#             PROCESS_ARGS="--reps 5 --only startup"  more options for ProcessFigures
#
# Exit status: 0, or 1 when the build or any figure failed (the table still shows the rest).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

quick=false
build=true
part=all
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --no-build) build=false ;;
    --part) part="${2:?--part needs hotpath, process or all}"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$part" in all|hotpath|process) ;; *) echo "run.sh: --part must be hotpath, process or all" >&2; exit 2 ;; esac

started=$(date +%s)
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
bench_jar="$root/benchmarks/target/vitals-benchmarks.jar"
agent_jar="$root/agent/target/vitals-agent.jar"
cli_jar="$root/attach-cli/target/vitals-cli.jar"
sample_jar="$root/sample-app/target/vitals-sample-app.jar"
otel_jar="$root/benchmarks/target/otel/opentelemetry-javaagent.jar"
run_dir="$root/benchmarks/target/run"
results="$root/benchmarks/target/results.md"

if $build; then
  echo "run.sh: building the agent, the CLI, the sample app and the benchmarks" >&2
  # Maven's output goes to stderr: stdout is the table.
  mvn -B -q -Dstyle.color=never -DskipTests -pl agent,attach-cli,sample-app,benchmarks -am package >&2
fi
for jar in "$bench_jar" "$agent_jar" "$cli_jar" "$sample_jar" "$otel_jar"; do
  [ -f "$jar" ] || { echo "run.sh: missing $jar (run without --no-build)" >&2; exit 1; }
done

# Each run starts from nothing: figures, JMH JSON, logs and the agents' state folders.
rm -rf "$run_dir"
mkdir -p "$run_dir/logs"
mode=full
quick_flag=()
if $quick; then
  mode=quick
  quick_flag=(--quick)
fi
status=0

if [ "$part" != process ]; then
  echo "run.sh: JMH hot paths under none / vitals / otel (forks' output: $run_dir/logs)" >&2
  # shellcheck disable=SC2086 # HOTPATH_ARGS is a list of options
  "$java" -cp "$bench_jar" dev.vitals.benchmarks.hotpath.HotPathRun \
    --agent "$agent_jar" --otel "$otel_jar" --out "$run_dir" --figures "$run_dir/figures.tsv" \
    "${quick_flag[@]}" ${HOTPATH_ARGS:-} 2> "$run_dir/logs/hotpath.err" || status=1
fi

if [ "$part" != hotpath ]; then
  echo "run.sh: whole-process figures (start-up, heap, attach, API, sampler)" >&2
  # shellcheck disable=SC2086 # PROCESS_ARGS is a list of options
  "$java" -cp "$bench_jar" dev.vitals.benchmarks.process.ProcessFigures \
    --agent "$agent_jar" --otel "$otel_jar" --cli "$cli_jar" --sample "$sample_jar" \
    --out "$run_dir" --figures "$run_dir/figures.tsv" \
    "${quick_flag[@]}" ${PROCESS_ARGS:-} 2> "$run_dir/logs/process.err" || status=1
fi

echo >&2
"$java" -cp "$bench_jar" dev.vitals.benchmarks.report.ResultsTable \
  --figures "$run_dir/figures.tsv" --out "$results" --mode "$mode" --elapsed "$(( $(date +%s) - started ))"
echo >&2
echo "run.sh: table in $results; JMH JSON in $run_dir/jmh/results.json; raw samples in $run_dir/process-samples.tsv" >&2
[ "$status" -eq 0 ] || echo "run.sh: some figures FAILED (see the lines above and $run_dir/logs)" >&2
exit "$status"
