# shellcheck shell=bash
# `authdeck header` against `secret-tool lookup` of the same keyring item,
# in wall and CPU time, and `authdeck --version` against a Go hello-world.
# Sourced by scripts/bench.sh.

header_rounds=${HEADER_ROUNDS:-41}
echo "authdeck header vs secret-tool lookup, --version vs hello-world ($header_rounds rounds)…" >&2
cfgh=$work/cfgh
printf %s "tok-0123456789abcdef0123456789abcdef01234567" |
	AUTHDECK_CONFIG_DIR=$cfgh "$cli" add bench --provider vend --method token --param domain_prefix=bench --secret-stdin >/dev/null
svc="authdeck:$(printf %s "$cfgh" | sha256sum | cut -c1-12)"
[[ -n $(secret-tool lookup service "$svc" username connection/bench) ]] || { echo "bench: the keyring item was not found" >&2; exit 1; }
h=$("$tools/runs" -rounds "$header_rounds" -warmup 3 -ratio header/lookup -ratio version/hello -- \
	header "AUTHDECK_CONFIG_DIR=$cfgh" "$cli" header bench :: \
	lookup secret-tool lookup service "$svc" username connection/bench :: \
	version "$cli" --version :: \
	hello "$tools/hello")
hw=$(jget "$h" '.ratios["header/lookup"].wall.median') hc=$(jget "$h" '.ratios["header/lookup"].cpu.median')
sp() { printf 'p10–p90 %s–%s×, min–max %s–%s×' "$(jget "$h" "$1.p10")" "$(jget "$h" "$1.p90")" "$(jget "$h" "$1.min")" "$(jget "$h" "$1.max")"; }
bench_row "\`authdeck header NAME\`, wall time" "$(jget "$h" .commands.header.wall.median) ms" \
	"\`secret-tool lookup\` of the same item" "$(jget "$h" .commands.lookup.wall.median) ms" \
	"${hw}×" "$(sp '.ratios["header/lookup"].wall')" "≤ 1.0×" "$(verdict "$hw" 1.0)" \
	"bench/runs, $header_rounds rounds, ratio per round"
bench_row "\`authdeck header NAME\`, CPU time (user + system)" "$(jget "$h" .commands.header.cpu.median) ms" \
	"\`secret-tool lookup\`" "$(jget "$h" .commands.lookup.cpu.median) ms" \
	"${hc}×" "$(sp '.ratios["header/lookup"].cpu')" "≤ 1.0×" "$(verdict "$hc" 1.0)" \
	"the same runs; the kernel's accounting of each finished child (wait4 rusage)"
bench_row "\`authdeck --version\` (start-up alone), wall time" "$(jget "$h" .commands.version.wall.median) ms" \
	"a Go hello-world (\`bench/hello\`)" "$(jget "$h" .commands.hello.wall.median) ms" \
	"$(jget "$h" '.ratios["version/hello"].wall.median')×" "$(sp '.ratios["version/hello"].wall')" "—" "" \
	"the floor every command pays; CPU $(jget "$h" .commands.version.cpu.median) ms against $(jget "$h" .commands.hello.cpu.median) ms"
bench_note "**\`header\`** and **\`--version\`**: \`bench/runs\` runs \`authdeck header bench\` (a pasted token in the real gnome-keyring), \`secret-tool lookup\` of the same item, \`authdeck --version\` and a Go hello-world once each per round, the order rotating from round to round, after 3 untimed rounds; it takes the wall time from fork to wait and the CPU time (user + system) from the kernel's accounting of the finished child. The ratio is taken within each round; the table gives its median and spread over the rounds."
