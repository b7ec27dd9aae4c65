#!/usr/bin/env bash
# Checks scripts/test's package step without touching the machine: fake dpkg-query, apt-get, id and sudo on PATH
# play a Debian machine without the system packages, as root, as a user with sudo, and as a user without it.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"

# dpkg-query answers "installed" only for the packages listed in $work/installed.
cat >"$work/bin/dpkg-query" <<'EOF'
#!/usr/bin/env bash
package="${*: -1}"
grep -qx "$package" "$FAKE_STATE/installed" 2>/dev/null || exit 1
printf installed
EOF
# apt-get records its arguments and "installs" the packages it is asked for.
cat >"$work/bin/apt-get" <<'EOF'
#!/usr/bin/env bash
echo "apt-get $*" >>"$FAKE_STATE/apt.log"
if [ "$1" = install ]; then
  for arg in "$@"; do case "$arg" in -*|install) ;; *) echo "$arg" >>"$FAKE_STATE/installed" ;; esac; done
fi
EOF
cat >"$work/bin/id" <<'EOF'
#!/usr/bin/env bash
echo "$FAKE_UID"
EOF
cat >"$work/bin/sudo" <<'EOF'
#!/usr/bin/env bash
[ "$FAKE_SUDO" = yes ] || exit 1
[ "$1" = -n ] && shift
[ "$1" = true ] && exit 0
echo "sudo $*" >>"$FAKE_STATE/apt.log"
exec "$@"
EOF
chmod +x "$work/bin/"*

failures=0
run() { # name uid sudo expected-exit installed-before...
  local name=$1 uid=$2 sudo=$3 expected=$4
  shift 4
  rm -rf "$work/state" && mkdir "$work/state"
  printf '%s\n' "$@" >"$work/state/installed"
  local code=0
  FAKE_STATE="$work/state" FAKE_UID=$uid FAKE_SUDO=$sudo WXDESK_TEST_PACKAGES_ONLY=1 \
    PATH="$work/bin:$PATH" bash scripts/test >"$work/out" 2>&1 </dev/null || code=$?
  if [ "$code" != "$expected" ]; then
    echo "scripts/test-selftest: $name: exit $code, expected $expected" >&2
    sed 's/^/  | /' "$work/out" >&2
    failures=$((failures + 1))
    return
  fi
  echo "scripts/test-selftest: $name: exit $code as expected"
}
apt_log() { cat "$work/state/apt.log" 2>/dev/null || true; }
expect_log() { # name pattern
  if ! apt_log | grep -qE "$2"; then
    echo "scripts/test-selftest: $1: apt-get log does not match /$2/:" >&2
    apt_log | sed 's/^/  | /' >&2
    failures=$((failures + 1))
  fi
}

run "as root, missing the Vulkan driver and the keyring" 0 no 0 libvulkan1 dbus
expect_log "as root" '^apt-get install .*mesa-vulkan-drivers.*gnome-keyring'
if apt_log | grep -q 'install.* libvulkan1'; then
  echo "scripts/test-selftest: as root: an installed package was asked for again" >&2
  failures=$((failures + 1))
fi

run "as a user with sudo" 1000 yes 0
expect_log "with sudo" '^sudo env DEBIAN_FRONTEND=noninteractive apt-get install'

run "as a user without sudo" 1000 no 1
grep -q "install them as root: apt-get install --no-install-recommends mesa-vulkan-drivers" "$work/out" || {
  echo "scripts/test-selftest: without sudo: the message does not name the command to run" >&2
  failures=$((failures + 1))
}
[ -z "$(apt_log)" ] || { echo "scripts/test-selftest: without sudo: apt-get ran" >&2; failures=$((failures + 1)); }

mapfile -t all < <(sed -n 's/^packages=(\(.*\)/\1/p; s/^  \(gnome-keyring.*\))$/\1/p' scripts/test | tr ' ' '\n')
run "with every package present" 1000 no 0 "${all[@]}"
[ -z "$(apt_log)" ] || { echo "scripts/test-selftest: all present: apt-get ran" >&2; failures=$((failures + 1)); }

if [ "$failures" -ne 0 ]; then
  echo "scripts/test-selftest: $failures check(s) failed" >&2
  exit 1
fi
echo "scripts/test-selftest: scripts/test installs what is missing, and only that, in all four cases"
