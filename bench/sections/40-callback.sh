# shellcheck shell=bash
# A browser sign-in's last step: the callback arriving until the token is
# stored (in-process Go benchmarks). Sourced by scripts/bench.sh.

echo "callback → token stored (in-process benchmarks)…" >&2
bm() { awk -v name="$1" '{for (i=1;i<=NF;i++) if ($i==name) print $(i-1)}' <<<"$2"; }
cb_line=$(go test -run XXX -bench '^BenchmarkCallbackToToken$' -benchtime 200x ./auth/oauth/ | grep '^BenchmarkCallbackToToken')
st_line=$(AUTHDECK_BENCH_KEYRING=1 go test -run XXX -bench '^BenchmarkStoreAuthorized$' -benchtime 200x ./auth/ | grep '^BenchmarkStoreAuthorized')
cb_ns=$(bm median-ns "$cb_line") st_ns=$(bm median-ns "$st_line") kw_ns=$(bm keyring-write-ns "$st_line")
stored_ms=$(awk -v a="$cb_ns" -v b="$st_ns" 'BEGIN {printf "%.2f", (a+b)/1e6}')
keyring_ms=$(awk -v k="$kw_ns" 'BEGIN {printf "%.2f", k/1e6}')
own_ms=$(awk -v a="$cb_ns" -v b="$st_ns" -v k="$kw_ns" 'BEGIN {printf "%.2f", (a+b-k)/1e6}')
bench_row "callback arrival → token stored" "${stored_ms} ms" "—" "—" "—" "medians of 200 iterations" "≤ 5 ms" "$(verdict "$stored_ms" 5)" \
	"gnome-keyring's own write: ${keyring_ms} ms; Authdeck's part: ${own_ms} ms ($(verdict "$own_ms" 5))"
bench_note "**Callback → token stored**: the Go benchmarks \`BenchmarkCallbackToToken\` (\`auth/oauth\`: the callback's state check and the token request to an in-process provider) and \`BenchmarkStoreAuthorized\` (\`auth\`: normalising, the metadata write and the keyring write, timed apart), medians of 200 iterations each."
