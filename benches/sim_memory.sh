#!/usr/bin/env bash
# Simulator memory with 100,000 merchants: start the release binary, wait for its ready line, then read VmRSS and
# VmHWM from /proc (target: under 300 MB). Build first with `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=target/release/wxdesk
[ -x "$binary" ] || { echo "build first: cargo build --release" >&2; exit 1; }
fifo=$(mktemp -u)
mkfifo "$fifo"
"$binary" sim --listen 127.0.0.1:0 --merchants 100000 >"$fifo" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$fifo"' EXIT
read -r ready <"$fifo"
base=$(printf '%s' "$ready" | sed -E 's/.*"api_base":"([^"]+)".*/\1/')
# Touch the merchants the way the authorization page does: list and search across all of them.
curl -s -o /dev/null "$base/__sim/provider" || true
sleep 1
rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
echo "sim_memory: merchants=100000 VmRSS=$((rss / 1024)) MB VmHWM=$((hwm / 1024)) MB (target < 300 MB)"
