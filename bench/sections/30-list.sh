# shellcheck shell=bash
# `authdeck list --json` of 1,000 and 10,000 connections against one.
# Sourced by scripts/bench.sh.

list_rounds=${LIST_ROUNDS:-61}
echo "list --json, 1, 1,000 and 10,000 connections ($list_rounds rounds)…" >&2
for n in 1 1000 10000; do "$tools/seed" -dir "$work/cfg$n" -n "$n"; done
l=$("$tools/runs" -rounds "$list_rounds" -warmup 2 -ratio l1000/l1 -ratio l10000/l1 -ratio l10000/l1000 -- \
	l1 "AUTHDECK_CONFIG_DIR=$work/cfg1" "$cli" list --json :: \
	l1000 "AUTHDECK_CONFIG_DIR=$work/cfg1000" "$cli" list --json :: \
	l10000 "AUTHDECK_CONFIG_DIR=$work/cfg10000" "$cli" list --json :: \
	read1000 "$tools/seed" -read -dir "$work/cfg1000")
r1k=$(jget "$l" '.ratios["l1000/l1"].wall.median')
sp() { printf 'p10–p90 %s–%s×, min–max %s–%s×' "$(jget "$l" "$1.p10")" "$(jget "$l" "$1.p90")" "$(jget "$l" "$1.min")" "$(jget "$l" "$1.max")"; }
# Linear: each further connection costs the same at 10,000 as at 1,000.
per1k=$(jq -r '(.commands.l1000.wall.median - .commands.l1.wall.median) / 999 * 1000' <<<"$l")
per10k=$(jq -r '(.commands.l10000.wall.median - .commands.l1.wall.median) / 9999 * 1000' <<<"$l")
lin=$(awk -v a="$per10k" -v b="$per1k" 'BEGIN {printf "%.2f", a/b}')
# The same in CPU time: on a loaded machine a long run waits longer for its
# turn than a short one, which the wall time counts and the CPU time does not.
cper1k=$(jq -r '(.commands.l1000.cpu.median - .commands.l1.cpu.median) / 999 * 1000' <<<"$l")
cper10k=$(jq -r '(.commands.l10000.cpu.median - .commands.l1.cpu.median) / 9999 * 1000' <<<"$l")
clin=$(awk -v a="$cper10k" -v b="$cper1k" 'BEGIN {printf "%.2f", a/b}')
cpu_note="CPU time: $(jget "$l" '.ratios["l1000/l1"].cpu.median')× (p10–p90 $(jget "$l" '.ratios["l1000/l1"].cpu.p10')–$(jget "$l" '.ratios["l1000/l1"].cpu.p90')×)"
bench_row "\`authdeck list --json\`, 1,000 connections" "$(jget "$l" .commands.l1000.wall.median) ms" \
	"1 connection" "$(jget "$l" .commands.l1.wall.median) ms" \
	"${r1k}×" "$(sp '.ratios["l1000/l1"].wall')" "≤ 1.5×" "$(verdict "$r1k" 1.5)" \
	"bench/runs, $list_rounds rounds; $cpu_note; a program that only reads the 1,000 connections (\`bench/seed -read\`): $(jget "$l" .commands.read1000.wall.median) ms"
bench_row "\`authdeck list --json\`, 10,000 connections" "$(jget "$l" .commands.l10000.wall.median) ms" \
	"1 connection" "$(jget "$l" .commands.l1.wall.median) ms" \
	"$(jget "$l" '.ratios["l10000/l1"].wall.median')×" "$(sp '.ratios["l10000/l1"].wall')" \
	"linear" "$(verdict "$lin" 1.25)" \
	"each connection beyond the first: $(printf %.2f "$per1k") µs up to 1,000, $(printf %.2f "$per10k") µs up to 10,000 (${lin}×; linear ≤ 1.25×); in CPU time $(printf %.2f "$cper1k") and $(printf %.2f "$cper10k") µs (${clin}×)"
bench_note "**\`list --json\`**: \`bench/seed\` writes config folders of 1, 1,000 and 10,000 connections of mixed providers, methods and expiry dates; \`bench/runs\` runs \`list --json\` on each once per round, the order rotating; the ratio is taken within each round. Linearity is the cost of each connection beyond the first (medians), at 1,000 and at 10,000. The same figures in CPU time (user and system, the kernel's accounting of each run) are given beside: on a loaded machine a longer run waits longer for its turn, which only the wall time counts. \`go test -bench ListLinear ./cli\` measures the same in process."
