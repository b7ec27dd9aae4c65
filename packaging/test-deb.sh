#!/usr/bin/env bash
# The installer test (issue 12): build the .deb, install it with apt-get, check what it installed, purge it and
# check the purge left none of it behind. Debian, as root (it installs packages). .ci/run runs it.
#
# Which binary: the dev build of `wxdesk` that the tests build anyway (stripped here), not a release build: a cold
# release build would add a quarter of an hour to CI. Set WXDESK_DEB_BINARY to package another one.
# Which builder: `cargo packager --formats deb` when cargo-packager is installed (WXDESK_DEB_BUILDER=packager),
# else packaging/deb-layout.py + dpkg-deb (WXDESK_DEB_BUILDER=dpkg-deb), which lays out the same package from the
# same [package.metadata.packager] table: installing cargo-packager compiles for about ten minutes on CI's two
# cores, more than this whole test may add. The real installers are cargo-packager's (packaging/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { echo "test-deb: [${SECONDS}s] $*"; }
fail() { echo "test-deb: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root: it installs and purges a package"
command -v apt-get >/dev/null || fail "needs a Debian system with apt-get"
export DEBIAN_FRONTEND=noninteractive

# The tools of the checks: lintian, desktop-file-validate, systemd-analyze.
tools=(lintian desktop-file-utils systemd binutils)
need=()
for package in "${tools[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)" = installed ] || need+=("$package")
done
if [ "${#need[@]}" -gt 0 ]; then
  step "installing ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

version=$(python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["package"]["version"])')
target_dir=${CARGO_TARGET_DIR:-target}
binary=${WXDESK_DEB_BINARY:-}
if [ -z "$binary" ]; then
  # `cargo build` would compile the crate again: the tests' dev-dependencies turn on features of shared crates, so
  # a plain build is a different build. Building one integration test makes target/debug/wxdesk exactly as
  # README's test command does, and that command then reuses it.
  step "cargo test --no-run --test packaging_icons (builds the dev binary the tests use)"
  cargo test --locked --quiet --no-run --test packaging_icons
  binary=$target_dir/debug/wxdesk
fi
[ -x "$binary" ] || fail "$binary is not an executable"

work=$(mktemp -d)
installed=no
# A failed check leaves no package behind either, so the next run starts from the same machine.
cleanup() {
  if [ "$installed" = yes ] && dpkg-query -W wxdesk >/dev/null 2>&1; then
    apt-get remove --purge -y -qq wxdesk >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/target/stripped" "$work/out"
# Debian installs binaries without symbols (lintian: unstripped-binary-or-object); the dist profile strips them.
# cargo-packager takes binaries from <target dir>/<profile>/ (its --binaries-dir flag is parsed but not used in 0.11).
strip --strip-all -o "$work/target/stripped/wxdesk" "$binary"

builder=${WXDESK_DEB_BUILDER:-}
if [ -z "$builder" ]; then
  if cargo packager --version >/dev/null 2>&1; then builder=packager; else builder=dpkg-deb; fi
fi
step "building the .deb with $builder"
case "$builder" in
  packager)
    CARGO_TARGET_DIR="$work/target" cargo packager --formats deb --profile stripped --out-dir "$work/out" \
      >"$work/packager.log" 2>&1 || { cat "$work/packager.log"; fail "cargo packager"; }
    ;;
  dpkg-deb)
    DEB_ARCH=$(dpkg --print-architecture) python3 packaging/deb-layout.py Cargo.toml "$work/target/stripped/wxdesk" "$work/layout"
    dpkg-deb --root-owner-group -Zgzip -z6 --build "$work/layout/root" \
      "$work/out/wxdesk_${version}_$(dpkg --print-architecture).deb" >/dev/null
    ;;
  *) fail "WXDESK_DEB_BUILDER is packager or dpkg-deb, not $builder" ;;
esac
deb=$(ls "$work"/out/wxdesk_*.deb)
step "built $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"
[ -z "${WXDESK_DEB_KEEP:-}" ] || cp "$deb" "$WXDESK_DEB_KEEP"

# The copyright file carries the font's license as the source holds it.
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/wxdesk/copyright usr/share/doc/wxdesk/copyright \
  2>/dev/null >"$work/copyright" || true
python3 - "$work/copyright" <<'EOF' || fail "usr/share/doc/wxdesk/copyright does not carry assets/fonts/OFL.txt"
import sys
copyright = open(sys.argv[1], encoding="utf-8").read()
ofl = "".join(" " + (line if line.strip() else ".\n") for line in open("assets/fonts/OFL.txt", encoding="utf-8"))
sys.exit(0 if ofl in copyright else 1)
EOF

# The changelog in the package is packaging/deb/changelog, and its latest entry is this version.
zcmp -s packaging/deb/root/usr/share/doc/wxdesk/changelog.gz packaging/deb/changelog ||
  fail "changelog.gz is not packaging/deb/changelog: gzip -9n < packaging/deb/changelog > packaging/deb/root/usr/share/doc/wxdesk/changelog.gz"
head -1 packaging/deb/changelog | grep -qF "wxdesk ($version)" ||
  fail "packaging/deb/changelog has no entry for $version at the top"

step "lintian --fail-on error"
lintian --fail-on error --tag-display-limit 0 "$deb" | tee "$work/lintian.txt" ||
  fail "lintian reports errors (above)"

if dpkg-query -W wxdesk >/dev/null 2>&1; then
  fail "a wxdesk package is already installed here; this test installs and purges its own"
fi
step "apt-get install ./$(basename "$deb")"
cp "$deb" "$work/install.deb"
# apt-get reads a local .deb only by a path with a slash; it also installs the Depends.
installed=yes
apt-get install -y -qq --no-install-recommends "$work/install.deb" >/dev/null
dpkg-query -L wxdesk | sort >"$work/installed.txt"

step "wxdesk --version"
got=$(wxdesk --version)
[ "$got" = "wxdesk $version" ] || fail "wxdesk --version said '$got', expected 'wxdesk $version'"
echo "  $got"

step "desktop-file-validate /usr/share/applications/wxdesk.desktop"
desktop-file-validate /usr/share/applications/wxdesk.desktop || fail "desktop-file-validate"
icon=$(sed -n 's/^Icon=//p' /usr/share/applications/wxdesk.desktop)
for size in 16 32 48 64 128 256 512; do
  [ -f "/usr/share/icons/hicolor/${size}x${size}/apps/$icon.png" ] || fail "no ${size}x${size} icon named $icon"
done

unit=/usr/lib/systemd/system/wxdesk-hub.service
step "systemd-analyze verify $unit"
# It exits non-zero on some faults (a missing binary) and only prints others (a value it ignores): both fail here.
verified=yes
systemd-analyze verify "$unit" >"$work/verify.txt" 2>&1 || verified=no
cat "$work/verify.txt"
[ "$verified" = yes ] || fail "systemd-analyze verify (above)"
! grep -q . "$work/verify.txt" || fail "systemd-analyze verify has remarks (above)"
# The threshold is the exposure times ten: 12 fails a unit that scores above 1.2. This one scores 1.1; running it
# as root instead of its own user scores 1.4; systemd calls up to 2.0 "OK", and an unhardened service 9.6.
step "systemd-analyze security --threshold=12 (exposure of the hardened unit)"
systemd-analyze security --offline=true --threshold=12 "$unit" >"$work/security.txt" 2>&1 ||
  { cat "$work/security.txt"; fail "the unit's exposure is above 1.2"; }
tail -1 "$work/security.txt" | sed 's/^/  /'

# The command line the unit runs is one the hub accepts: with a config and no secrets it names every missing one.
step "the unit's ExecStart against a fresh config"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ "$exec_start" = "/usr/bin/wxdesk hub --config /etc/wxdesk/hub.toml" ] || fail "ExecStart is '$exec_start'"
wxdesk hub --config "$work/hub.toml" init >/dev/null
set +e
read -ra command_line <<<"${exec_start/\/etc\/wxdesk\/hub.toml/$work/hub.toml}"
env -i PATH=/usr/bin:/bin "${command_line[@]}" >"$work/hub.out" 2>&1
code=$?
set -e
if [ "$code" -eq 0 ] ||
  ! grep -q "missing secrets: component_appsecret.*token.*encoding_aes_key.*store_key" "$work/hub.out"; then
  cat "$work/hub.out"
  fail "the hub started without secrets, or did not name them"
fi

step "apt-get remove --purge wxdesk"
apt-get remove --purge -y -qq wxdesk >/dev/null
! dpkg-query -W wxdesk >/dev/null 2>&1 || fail "dpkg still knows wxdesk after the purge"
left=()
while read -r path; do
  [ -e "$path" ] || [ -L "$path" ] || continue
  # A directory other packages share (/usr/bin, /usr/share/icons/…) stays, and should.
  if [ -d "$path" ] && [ ! -L "$path" ] && { dpkg-query -S "$path" >/dev/null 2>&1 || [ "$path" = / ] ||
    [ "$path" = /. ]; }; then
    continue
  fi
  left+=("$path")
done <"$work/installed.txt"
[ "${#left[@]}" -eq 0 ] || fail "left behind after the purge: ${left[*]}"
step "passed: the .deb installs, checks out and purges without a trace ($(wc -l <"$work/installed.txt") paths)"
