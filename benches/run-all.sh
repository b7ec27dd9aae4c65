#!/usr/bin/env bash
# Every benchmark of benches/README.md, one after the other on a release build, with their output in one log.
# Run: bash benches/run-all.sh [LOG]      (default /tmp/wxdesk-benches.log; needs Xvfb for the console's window)
set -uo pipefail
cd "$(dirname "$0")/.."
log=${1:-/tmp/wxdesk-benches.log}
: >"$log"
step() {
    echo "=== $* ($(date -u +%H:%M:%S))" | tee -a "$log"
    "$@" 2>&1 | grep -v '^\s*Compiling\|^\s*Finished\|^\s*Running\|^Gnuplot\|^Benchmarking' | tee -a "$log"
}
cargo build --release --bins --benches 2>&1 | tail -1
step cargo bench --bench push_decrypt
step cargo bench --bench sim_throughput
step bash benches/sim_wrk.sh
step bash benches/sim_memory.sh
step cargo bench --bench hub_intake
step cargo bench --bench hub_relay
step cargo bench --bench hub_sync
step cargo bench --bench hub_deploy
step cargo bench --bench console_table
step cargo bench --bench console_job
step cargo bench --bench console_audits
step bash benches/console_start.sh
echo "=== done ($(date -u +%H:%M:%S))" | tee -a "$log"
