# shellcheck shell=bash
# Twenty `header` calls at once on an expired rotating token: one refresh,
# and how long the twenty take against one. Sourced by scripts/bench.sh.

echo "20 concurrent header calls on an expired rotating token…" >&2
conc=$(AUTHDECK_BENCH_BIN=$cli go test -run XXX -bench '^BenchmarkConcurrentHeaderRefresh$' -benchtime 7x ./cli/ | grep '^BenchmarkConcurrentHeaderRefresh')
metric() { awk -v name="$1" '{for (i=1;i<=NF;i++) if ($i==name) print $(i-1)}' <<<"$conc"; }
conc_ratio=$(metric ratio) conc_refresh=$(metric refreshes/20-calls)
conc_one=$(metric one-call-ms) conc_twenty=$(metric twenty-calls-ms) conc_floor=$(metric cpu-floor-ms)
bench_row "20 concurrent \`header\` calls, expired rotating token" "${conc_twenty} ms, ${conc_refresh} refresh" \
	"one call (with its refresh)" "${conc_one} ms" "${conc_ratio}×" "medians of 7 iterations" "1 refresh; ≤ 3×" "$(verdict "$conc_ratio" 3)" \
	"their CPU time and the keyring daemon's, over $(nproc) cores: ${conc_floor} ms ($(awk -v a="$conc_twenty" -v b="$conc_floor" 'BEGIN {printf "%.2f", a/b}')× the floor)"
bench_note "**20 concurrent \`header\` calls**: the Go benchmark \`BenchmarkConcurrentHeaderRefresh\` (\`cli\`) runs the real \`bin/authdeck\` twenty times at once against an in-process provider whose refresh token rotates, and counts the refreshes."
