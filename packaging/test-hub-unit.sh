#!/usr/bin/env bash
# The hub's unit under a real systemd: boots a Debian 12 container (debootstrap + systemd-nspawn) that installs the
# .deb, configures the hub the way hub-service.md says against a `wxdesk sim` on loopback, starts wxdesk-hub and
# checks: it runs as a dynamic user with no capabilities, no new privileges and a seccomp filter; its database is in
# /var/lib/private/wxdesk; /healthz answers; the ticket the simulator pushes arrives; `operator add` through
# systemd-run works; after SIGKILL systemd restarts it. Not run by .ci/run (the container costs minutes of
# downloads); run it after a change to the unit:
#
#   WXDESK_DEB_KEEP=/tmp/wxdesk.deb bash packaging/test-deb.sh && bash packaging/test-hub-unit.sh /tmp/wxdesk.deb
#
# The container's root stays in target/hub-unit-rootfs for the next run (WXDESK_UNIT_ROOTFS to put it elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "test-hub-unit: FAILED: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root: it boots a container"
deb=$(realpath "${1:?usage: test-hub-unit.sh path/to/wxdesk.deb}")
rootfs=${WXDESK_UNIT_ROOTFS:-target/hub-unit-rootfs}

need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v systemd-nspawn >/dev/null || need+=(systemd-container)
if [ "${#need[@]}" -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -x "$rootfs/usr/lib/systemd/systemd" ]; then
  echo "test-hub-unit: debootstrap bookworm into $rootfs"
  debootstrap --variant=minbase --include=systemd,python3 bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
fi

cp "$deb" "$rootfs/root/wxdesk.deb"
rm -f "$rootfs/root/hub-unit.out"
cat >"$rootfs/root/hub-unit.sh" <<'INSIDE'
#!/bin/bash
# Runs once at the container's boot; every line it writes says PASS or FAILED, or is the journal.
exec >/root/hub-unit.out 2>&1
check() { if eval "$2"; then echo "PASS: $1"; else echo "FAILED: $1"; fi; }
# A container kept from an earlier run starts over: no package, no config, no state.
dpkg --purge wxdesk >/dev/null 2>&1
rm -rf /etc/wxdesk /var/lib/private/wxdesk /var/lib/wxdesk
dpkg -i /root/wxdesk.deb >/dev/null
systemctl daemon-reload
wxdesk sim --listen 127.0.0.1:18601 --event-url http://127.0.0.1:18602/wechat/component \
  --message-url 'http://127.0.0.1:18602/wechat/message/$APPID$' --ticket-interval-secs 5 >/root/sim.json 2>/dev/null &
for _ in $(seq 50); do [ -s /root/sim.json ] && break; sleep 0.2; done
mkdir -p /etc/wxdesk
wxdesk hub init --config /etc/wxdesk/hub.toml >/dev/null
install -m 0600 -o root -g root /dev/null /etc/wxdesk/hub.env
python3 - <<'PY'
import json, re, secrets
sim = json.loads(open("/root/sim.json").readline())
t = open("/etc/wxdesk/hub.toml").read()
for pattern, line in [(r"listen = .*", 'listen = "127.0.0.1:18602"'),
                      (r"public_url = .*", 'public_url = "http://127.0.0.1:18602"'),
                      (r"database = .*", 'database = "/var/lib/wxdesk/hub.sqlite3"'),
                      (r"component_appid = .*", f'component_appid = "{sim["component_appid"]}"')] + \
                     [(rf"# {k} = .*", f'{k} = "{sim[k]}"') for k in ("api_base", "mp_base", "open_base")]:
    t = re.sub(rf"(?m)^{pattern}$", line, t)
open("/etc/wxdesk/hub.toml", "w").write(t)
with open("/etc/wxdesk/hub.env", "w") as f:
    f.write(f'WXDESK_COMPONENT_APPSECRET={sim["component_appsecret"]}\nWXDESK_TOKEN={sim["token"]}\n'
            f'WXDESK_ENCODING_AES_KEY={sim["encoding_aes_key"]}\nWXDESK_STORE_KEY={secrets.token_hex(32)}\n')
PY
systemctl start wxdesk-hub
sleep 6
check "the unit is active" '[ "$(systemctl is-active wxdesk-hub)" = active ]'
pid=$(systemctl show -p MainPID --value wxdesk-hub)
check "it runs as a dynamic user, not root" '[ "$(stat -c %u /proc/$pid)" -ge 61184 ]'
check "with no capabilities" 'grep -q "^CapEff:\s*0000000000000000$" /proc/$pid/status'
check "with no new privileges" 'grep -q "^NoNewPrivs:\s*1$" /proc/$pid/status'
check "under a seccomp filter" 'grep -q "^Seccomp:\s*2$" /proc/$pid/status'
check "its database is in its state directory, its own" \
  '[ "$(stat -c %u /var/lib/private/wxdesk/hub.sqlite3)" = "$(stat -c %u /proc/$pid)" ]'
check "the secrets file stays 0600 root" '[ "$(stat -c %a:%U /etc/wxdesk/hub.env)" = 600:root ]'
check "/healthz answers ok" \
  'python3 -c "import urllib.request as u; assert u.urlopen(\"http://127.0.0.1:18602/healthz\").read() == b\"ok\""'
key=$(systemd-run --wait --collect --pipe --quiet -p DynamicUser=yes -p User=wxdesk-hub -p StateDirectory=wxdesk \
  wxdesk hub --config /etc/wxdesk/hub.toml operator add alice 2>/dev/null | tail -1)
check "operator add through systemd-run prints a key" '[ "${#key}" -ge 32 ]'
sleep 6
check "the simulator's ticket reached the hub" 'python3 - "$key" <<PY
import json, sys, urllib.request as u
r = u.Request("http://127.0.0.1:18602/api/v1/status", headers={"Authorization": "Bearer " + sys.argv[1]})
assert json.load(u.urlopen(r))["ticket"]["age_secs"] < 30
PY'
systemctl kill --signal=SIGKILL wxdesk-hub
sleep 8
check "systemd restarts it after SIGKILL" \
  '[ "$(systemctl is-active wxdesk-hub)" = active ] && [ "$(systemctl show -p NRestarts --value wxdesk-hub)" = 1 ]'
echo "--- journal"
journalctl -u wxdesk-hub --no-pager | tail -8
echo "--- end"
systemctl poweroff --no-block
INSIDE
cat >"$rootfs/etc/systemd/system/hub-unit-test.service" <<'UNIT'
[Unit]
Description=wxdesk: the hub unit test
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/bin/bash /root/hub-unit.sh
UNIT
mkdir -p "$rootfs/etc/systemd/system/default.target.wants"
ln -sf /etc/systemd/system/hub-unit-test.service "$rootfs/etc/systemd/system/default.target.wants/"

echo "test-hub-unit: booting the container"
# --keep-unit and --register=no: the host need not run systemd itself (our machines and CI containers do not).
timeout 300 systemd-nspawn --quiet --keep-unit --register=no -D "$rootfs" --boot --console=pipe >/dev/null 2>&1 || true
[ -f "$rootfs/root/hub-unit.out" ] || fail "the container wrote no result"
cat "$rootfs/root/hub-unit.out"
grep -q "^PASS: systemd restarts it" "$rootfs/root/hub-unit.out" || fail "the checks did not all run"
! grep -q "^FAILED" "$rootfs/root/hub-unit.out" || fail "see above"
echo "test-hub-unit: passed"
