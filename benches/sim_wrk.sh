#!/usr/bin/env bash
# Simulator throughput with wrk, a C load generator in processes of its own: it takes less of the 2 cores than the
# in-process reqwest clients of sim_throughput.rs, so more of them is left to the simulator being measured.
# As in sim_throughput.rs there are two `wxdesk sim` processes (every new component token retires the one before
# last, §1.10): one answers api_component_token, the other api_get_authorizer_info with a token that stays valid.
# 32 connections on each, 64 in all; every answer is checked for its success field (wrk's Lua `response`).
#
# Run: cargo build --release && bash benches/sim_wrk.sh      (needs wrk: apt-get install wrk)
# Knobs: RUNS (default 5), SECONDS_PER_RUN (default 5), BIN (default target/release/wxdesk).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/wxdesk}
RUNS=${RUNS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
[ -x "$BIN" ] || { echo "no $BIN: run cargo build --release first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

field() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }
post() { curl -s -X POST "$1" -H 'Content-Type: application/json' -d "$2"; }

# Starts a simulator; prints its ready line.
start_sim() {
    local fifo="$work/ready-$1"
    mkfifo "$fifo"
    "$BIN" sim --listen 127.0.0.1:0 --merchants 10000 >"$fifo" 2>/dev/null &
    pids+=($!)
    local line
    read -r line <"$fifo"
    printf '%s' "$line"
}

# The body of api_component_token for a simulator, with a ticket it has just pushed.
token_body() {
    local ready=$1 base ticket
    base=$(printf '%s' "$ready" | field api_base)
    ticket=$(post "$base/__sim/push-ticket" '{}' | field ticket)
    printf '{"component_appid":"%s","component_appsecret":"%s","component_verify_ticket":"%s"}' \
        "$(printf '%s' "$ready" | field component_appid)" "$(printf '%s' "$ready" | field component_appsecret)" "$ticket"
}

tokens=$(start_sim tokens)
infos=$(start_sim infos)
tokens_base=$(printf '%s' "$tokens" | field api_base)
infos_base=$(printf '%s' "$infos" | field api_base)
infos_appid=$(printf '%s' "$infos" | field component_appid)

info_token=$(post "$infos_base/cgi-bin/component/api_component_token" "$(token_body "$infos")" | field component_access_token)
preauth=$(post "$infos_base/cgi-bin/component/api_create_preauthcode?component_access_token=$info_token" \
    "{\"component_appid\":\"$infos_appid\"}" | field pre_auth_code)
authorizer=$(post "$infos_base/__sim/authorize" \
    "{\"pre_auth_code\":\"$preauth\",\"redirect_uri\":\"https://x/cb\",\"kind\":\"miniprogram\"}" | field authorizer_appid)

cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
local expect = os.getenv("EXPECT")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
    if status ~= 200 or not string.find(body, expect, 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
    local failed = 0
    for _, thread in ipairs(threads) do failed = failed + thread:get("bad") end
    io.write(string.format("not a success: %d\n", failed))
end
LUA

token_body=$(token_body "$tokens")
info_body="{\"component_appid\":\"$infos_appid\",\"authorizer_appid\":\"$authorizer\"}"
: >"$work/rates"
for run in $(seq "$RUNS"); do
    BODY=$token_body EXPECT=component_access_token wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -s "$work/post.lua" \
        "$tokens_base/cgi-bin/component/api_component_token" >"$work/tokens.out" &
    token_wrk=$!
    BODY=$info_body EXPECT=authorizer_info wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -s "$work/post.lua" \
        "$infos_base/cgi-bin/component/api_get_authorizer_info?component_access_token=$info_token" >"$work/infos.out"
    wait "$token_wrk"
    for out in tokens infos; do
        failed=$(sed -n 's/^not a success: //p' "$work/$out.out")
        [ "$failed" = 0 ] || { echo "run $run: $failed $out answers were not a success" >&2; cat "$work/$out.out" >&2; exit 1; }
    done
    rate=$(cat "$work/tokens.out" "$work/infos.out" | awk '/^Requests\/sec:/ { sum += $2 } END { printf "%.0f", sum }')
    echo "run $run: $rate requests/s"
    echo "$rate" >>"$work/rates"
done
median=$(sort -n "$work/rates" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "sim_wrk: median $median requests/s over $RUNS runs of 2 x 32 connections (target >= 20,000)"
