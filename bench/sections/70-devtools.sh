# shellcheck shell=bash
# Issue 24, for developers: `authdeck exec NAME -- true` against `authdeck
# header NAME` of the same connection, and the local credential proxy
# (bench/proxy): the latency it adds to a small GET, and 1,000 requests from
# 20 clients across a token's expiry. Sourced by scripts/bench.sh.

exec_rounds=${EXEC_ROUNDS:-81}
echo "authdeck exec vs header ($exec_rounds rounds), proxy latency and expiry…" >&2
cfgx=$work/cfgx
printf %s "tok-0123456789abcdef0123456789abcdef01234567" |
	AUTHDECK_CONFIG_DIR=$cfgx "$cli" add bench --provider vend --method token --param domain_prefix=bench --secret-stdin 2>/dev/null
go build -o "$tools/proxy" ./bench/proxy
x=$("$tools/runs" -rounds "$exec_rounds" -warmup 3 -ratio exec/header -- \
	exec "AUTHDECK_CONFIG_DIR=$cfgx" "$cli" exec bench -- true :: \
	header "AUTHDECK_CONFIG_DIR=$cfgx" "$cli" header bench)
xw=$(jget "$x" '.ratios["exec/header"].wall.median')
bench_row "\`authdeck exec NAME -- true\`, wall time" "$(jget "$x" .commands.exec.wall.median) ms" \
	"\`authdeck header NAME\` of the same connection" "$(jget "$x" .commands.header.wall.median) ms" \
	"${xw}×" "p10–p90 $(jget "$x" '.ratios["exec/header"].wall.p10')–$(jget "$x" '.ratios["exec/header"].wall.p90')×" "≤ 1.2×" "$(verdict "$xw" 1.2)" \
	"bench/runs, $exec_rounds rounds, ratio per round; CPU $(jget "$x" .commands.exec.cpu.median) ms against $(jget "$x" .commands.header.cpu.median) ms"
p=$("$tools/proxy" -rounds 2000)
added=$(jget "$p" .added_ms)
bench_row "GET through \`authdeck proxy\`, added latency (median)" "$(jget "$p" .proxy_ms) ms" \
	"the same GET direct, with the header" "$(jget "$p" .direct_ms) ms" \
	"+${added} ms" "median of the per-round differences, 2,000 rounds" "≤ 1 ms" "$(verdict "$added" 1)" \
	"bench/proxy against the sandbox provider on loopback"
refreshes=$(jq -r .refreshes <<<"$p") failed=$(jq -r .failed <<<"$p")
ok=met; [[ $refreshes == 1 && $failed == 0 ]] || ok="**missed**"
bench_row "1,000 GETs from 20 clients through the proxy across a token expiry" "$refreshes refresh, $failed failed" \
	"—" "" "—" "" "exactly 1 refresh, 0 failed" "$ok" \
	"the clock moves past the expiry after 500 requests; the sandbox judges tokens by it"
bench_note "**\`exec\`** and **the proxy**: \`bench/runs\` runs \`authdeck exec bench -- true\` and \`authdeck header bench\` (a pasted token in the real gnome-keyring) once each per round, the order rotating, after 3 untimed rounds; the ratio is taken within each round. \`bench/proxy\` connects a sandbox connection, starts the proxy in process, and times the same \`GET /userinfo\` direct (with the header) and through the proxy, alternating which goes first, 2,000 rounds after 50 untimed; the added latency is the median of the per-round differences. It then sends 1,000 GETs from 20 concurrent clients through the proxy, moving the (injected) clock past the token's expiry after the 500th, and counts refresh-token grants on the way to the provider and requests not answered 200."
