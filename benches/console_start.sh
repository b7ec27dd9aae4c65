#!/usr/bin/env bash
# The console in its real window (Xvfb, release build, sandbox profile), measured through `wxdesk --probe`:
#   1. cold start to first frame: from exec to the end of the first frame's layout, on a new data directory each run;
#   2. the sandbox with 100,000 authorized merchants: resident memory once the list is shown, and the layout time of
#      frames scrolling the merchants table.
# Resident memory is the whole process: the console plus the sandbox's in-process simulator and hub.
#
# Run: cargo build --release && bash benches/console_start.sh      (needs Xvfb: apt-get install xvfb)
# Knobs: RUNS (cold starts, default 9), MERCHANTS (default 100000), BIN (default target/release/wxdesk).
set -euo pipefail

BIN=${BIN:-target/release/wxdesk}
RUNS=${RUNS:-9}
MERCHANTS=${MERCHANTS:-100000}
[ -x "$BIN" ] || { echo "no $BIN: run cargo build --release first" >&2; exit 1; }
command -v Xvfb >/dev/null || { echo "Xvfb is missing: apt-get install xvfb" >&2; exit 1; }

work=$(mktemp -d)
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
console=
cleanup() {
    [ -n "$console" ] && kill "$console" 2>/dev/null || true
    kill "$xvfb" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
sleep 1
export DISPLAY=$display
# The probe must not touch the operator's own eframe state or keychain.
export XDG_DATA_HOME="$work/xdg" XDG_CONFIG_HOME="$work/xdg"

# Waits until the console's output holds a line matching $2, or $3 seconds pass.
wait_for() {
    local out=$1 pattern=$2 limit=$3 waited=0
    until grep -q "$pattern" "$out" 2>/dev/null; do
        sleep 0.05
        waited=$((waited + 1))
        if [ $waited -gt $((limit * 20)) ]; then
            echo "timed out waiting for '$pattern'; the console said:" >&2
            cat "$out" >&2
            return 1
        fi
        kill -0 "$console" 2>/dev/null || { echo "the console exited; it said:" >&2; cat "$out" >&2; return 1; }
    done
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "cold start to first frame ($RUNS runs, new data directory each)"
: >"$work/starts"
for run in $(seq "$RUNS"); do
    data="$work/data-$run"
    out="$work/start-$run.out"
    started=$(date +%s%3N)
    WXDESK_DATA_DIR="$data" "$BIN" --probe >"$out" 2>"$work/start-$run.err" &
    console=$!
    wait_for "$out" first_frame_unix_ms 60
    first=$(sed -n 's/^probe first_frame_unix_ms=//p' "$out")
    echo $((first - started)) >>"$work/starts"
    kill "$console"; wait "$console" 2>/dev/null || true
    console=
done
echo "  samples (ms): $(tr '\n' ' ' <"$work/starts")"
echo "  median: $(median <"$work/starts") ms (target < 500 ms)"

rss() { awk -v key="$2" '$1 == key":" { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

for count in 12 "$MERCHANTS"; do
    echo "sandbox with $count authorized merchants"
    out="$work/memory-$count.out"
    started=$(date +%s%3N)
    WXDESK_DATA_DIR="$work/memory-$count" WXDESK_SANDBOX_MERCHANTS=$((count > 300 ? count : 300)) \
        WXDESK_SANDBOX_AUTHORIZED=$count "$BIN" --probe --probe-merchants "$count" >"$out" 2>"$work/memory-$count.err" &
    console=$!
    wait_for "$out" "^probe merchants=$count\$" 1800
    echo "  list shown after: $(($(date +%s%3N) - started)) ms (sandbox start, sync through the hub, load)"
    wait_for "$out" "probe done" 600
    echo "  $(grep '^probe frames' "$out" | sed 's/^probe //') (layout of the merchants panel while scrolling)"
    echo "  resident memory: $(rss "$console" VmRSS) MB, peak $(rss "$console" VmHWM) MB (target < 250 MB)"
    kill "$console"; wait "$console" 2>/dev/null || true
    console=
done
