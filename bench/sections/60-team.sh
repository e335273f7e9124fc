# shellcheck shell=bash
# TEAM (issue 23): `authdeck header` of a shared connection (valid token) in
# a team store, against `curl` of the same KV record on the same real Vault
# dev server; and what this machine's copy (a "cache hit", used while the
# store cannot be asked) costs, against `secret-tool lookup`.
# Sourced by scripts/bench.sh.

team_rounds=${TEAM_ROUNDS:-31}
echo "team store: header of a shared connection vs curl of its KV record ($team_rounds rounds)…" >&2
vault_bin=$(./scripts/vault-build.sh)
team_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
team_token=root-bench-$RANDOM$RANDOM
HOME=$work VAULT_DISABLE_MLOCK=true "$vault_bin" server -dev -dev-listen-address="127.0.0.1:$team_port" \
	-dev-root-token-id="$team_token" -dev-no-store-token >"$work/vault.log" 2>&1 &
team_pid=$!
bench_keep "$team_pid"
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$team_port/v1/sys/health" >/dev/null && break; sleep 0.05; done
cfgt=$work/cfgt
export VAULT_TOKEN=$team_token
AUTHDECK_CONFIG_DIR=$cfgt "$cli" team set "http://127.0.0.1:$team_port" >/dev/null 2>&1
printf %s "tok-0123456789abcdef0123456789abcdef01234567" |
	AUTHDECK_CONFIG_DIR=$cfgt "$cli" add shared --provider vend --method token --param domain_prefix=myshop --secret-stdin 2>/dev/null
AUTHDECK_CONFIG_DIR=$cfgt "$cli" share shared 2>/dev/null
AUTHDECK_CONFIG_DIR=$cfgt "$cli" header shared >/dev/null
t=$("$tools/runs" -rounds "$team_rounds" -warmup 3 -ratio header/curl -- \
	header "AUTHDECK_CONFIG_DIR=$cfgt" "$cli" header shared :: \
	curl curl -sf -H "X-Vault-Token: $team_token" "http://127.0.0.1:$team_port/v1/secret/data/authdeck/shared")
tw=$(jget "$t" '.ratios["header/curl"].wall.median')
bench_row "\`authdeck header NAME\` of a shared connection (team store), wall time" "$(jget "$t" .commands.header.wall.median) ms" \
	"\`curl\` of the same KV v2 record on the same Vault" "$(jget "$t" .commands.curl.wall.median) ms" \
	"${tw}×" "p10–p90 $(jget "$t" '.ratios["header/curl"].wall.p10')–$(jget "$t" '.ratios["header/curl"].wall.p90')×" "≤ 1.5×" "$(verdict "$tw" 1.5)" \
	"bench/runs, $team_rounds rounds; floor: one HTTP round trip plus process start"
# This machine's copy: the store gone (nothing listens), header falls back
# to the OS keyring item it keeps for the shared connection.
kill "$team_pid" 2>/dev/null || true
wait "$team_pid" 2>/dev/null || true
svc="authdeck:$(printf %s "$cfgt" | sha256sum | cut -c1-12)"
c=$("$tools/runs" -rounds "$team_rounds" -warmup 3 -ratio cached/lookup -- \
	cached "AUTHDECK_CONFIG_DIR=$cfgt" "$cli" header shared :: \
	lookup secret-tool lookup service "$svc" username team-cache/shared)
cw=$(jget "$c" '.ratios["cached/lookup"].wall.median')
bench_row "\`authdeck header NAME\` from this machine's copy (team store down), wall time" "$(jget "$c" .commands.cached.wall.median) ms" \
	"\`secret-tool lookup\` of that copy" "$(jget "$c" .commands.lookup.wall.median) ms" \
	"${cw}×" "p10–p90 $(jget "$c" '.ratios["cached/lookup"].wall.p10')–$(jget "$c" '.ratios["cached/lookup"].wall.p90')×" "—" "" \
	"the cache hit: one refused connection to the store, then one keyring read"
unset VAULT_TOKEN
bench_note "**Team store** (issue 23): a real Vault dev server (the pinned build of \`scripts/vault-build.sh\`) on a loopback port; \`authdeck header\` of a shared, pasted Vend token (its record read from the KV v2 mount with the token from \`VAULT_TOKEN\`) against \`curl\` fetching the same record, each once per round with \`bench/runs\`. Then the server is stopped and \`header\` served from this machine's copy (the OS keyring item it keeps for each shared connection it used), against \`secret-tool lookup\` of that item: what a cache hit costs."
