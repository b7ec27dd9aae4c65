#!/usr/bin/env bash
# Simulator memory with 100,000 merchants: start the binary, wait for its ready line, search all merchants through
# the authorization page once, then read VmRSS and VmHWM from /proc (target: under 300 MB).
# Usage: benches/sim_memory.sh [BINARY]   (default target/release/wxdesk; build it with `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-target/release/wxdesk}
[ -x "$binary" ] || { echo "no $binary: build first with cargo build --release" >&2; exit 1; }
field() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }
fifo=$(mktemp -u)
mkfifo "$fifo"
"$binary" sim --listen 127.0.0.1:0 --merchants 100000 >"$fifo" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$fifo"' EXIT
read -r ready <"$fifo"
base=$(printf '%s' "$ready" | field api_base)
appid=$(printf '%s' "$ready" | field component_appid)
secret=$(printf '%s' "$ready" | field component_appsecret)
ticket=$(curl -s -X POST "$base/__sim/push-ticket" | field ticket)
token=$(curl -s -X POST "$base/cgi-bin/component/api_component_token" \
  -d "{\"component_appid\":\"$appid\",\"component_appsecret\":\"$secret\",\"component_verify_ticket\":\"$ticket\"}" |
  field component_access_token)
preauth=$(curl -s -X POST "$base/cgi-bin/component/api_create_preauthcode?component_access_token=$token" \
  -d "{\"component_appid\":\"$appid\"}" | field pre_auth_code)
# A search that matches nothing walks every one of the 100,000 generated names.
curl -s -o /dev/null -G "$base/wxaopen/safe/bindcomponent" --data-urlencode "component_appid=$appid" \
  --data-urlencode "pre_auth_code=$preauth" --data-urlencode "redirect_uri=https://x/cb" --data-urlencode "q=不存在的商户"
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
echo "sim_memory: merchants=100000 VmRSS=$((rss / 1024)) MB VmHWM=$((hwm / 1024)) MB (target < 300 MB) [$binary]"
