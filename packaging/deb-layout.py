#!/usr/bin/env python3
"""Lays out the .deb that cargo-packager makes from [package.metadata.packager] of Cargo.toml, for dpkg-deb.

packaging/test-deb.sh uses it when cargo-packager is not installed (installing it costs CI minutes of compiling).
It reads the same table cargo-packager reads and does what cargo-packager 0.11's deb step does with it
(src/package/deb/mod.rs): the binary in usr/bin, each PNG icon in usr/share/icons/hicolor/WxH/apps, the desktop
template in usr/share/applications, the `files` map, then DEBIAN/control and DEBIAN/md5sums. A key it does not
know makes it stop rather than build a package that differs from the real installer.

usage: deb-layout.py CARGO_TOML BINARY OUT_DIR
"""

import hashlib
import os
import shutil
import struct
import sys
import tomllib

# The deb-relevant keys of the packager table this script implements; formats other than deb are not its concern.
KNOWN_TOP = {"product-name", "description", "identifier", "publisher", "authors", "category", "long-description", "icons",
             "formats", "deb", "appimage", "nsis", "wix", "macos", "dmg"}
KNOWN_DEB = {"section", "priority", "depends", "desktop-template", "files"}


def die(message):
    sys.exit(f"deb-layout.py: {message}")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        die(f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


def copy(src, dest, mode):
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copyfile(src, dest)
    os.chmod(dest, mode)


def main():
    if len(sys.argv) != 4:
        die("usage: deb-layout.py CARGO_TOML BINARY OUT_DIR")
    manifest, binary, out = sys.argv[1:]
    repo = os.path.dirname(os.path.abspath(manifest))
    with open(manifest, "rb") as f:
        cargo = tomllib.load(f)
    package = cargo["package"]
    packager = package["metadata"]["packager"]
    deb = packager.get("deb", {})
    unknown = (set(packager) - KNOWN_TOP) | (set(deb) - KNOWN_DEB)
    if unknown:
        die(f"cargo-packager keys this layout does not implement: {sorted(unknown)}")

    name = package["name"]
    root = os.path.join(out, "root")
    copy(binary, os.path.join(root, "usr/bin", name), 0o755)

    for icon in packager.get("icons", []):
        if not icon.endswith(".png"):
            continue
        width, height = png_size(os.path.join(repo, icon))
        copy(os.path.join(repo, icon),
             os.path.join(root, f"usr/share/icons/hicolor/{width}x{height}/apps/{name}.png"), 0o644)

    template = deb.get("desktop-template")
    if template:
        with open(os.path.join(repo, template), encoding="utf-8") as f:
            text = f.read()
        if "{{" in text:
            die(f"{template} uses Handlebars variables; this layout copies the template as it is")
        copy(os.path.join(repo, template), os.path.join(root, f"usr/share/applications/{name}.desktop"), 0o644)

    for src, target in deb.get("files", {}).items():
        src = os.path.join(repo, src)
        target = os.path.join(root, target.lstrip("/"))
        if os.path.isfile(src):
            copy(src, target, 0o755 if os.access(src, os.X_OK) else 0o644)
            continue
        for folder, _, files in os.walk(src):
            for file in files:
                path = os.path.join(folder, file)
                copy(path, os.path.join(target, os.path.relpath(path, src)),
                     0o755 if os.access(path, os.X_OK) else 0o644)

    files = sorted(os.path.join(folder, file) for folder, _, names in os.walk(root) for file in names)
    installed_kib = sum(os.path.getsize(path) for path in files) // 1024
    control_dir = os.path.join(root, "DEBIAN")
    os.makedirs(control_dir)
    with open(os.path.join(control_dir, "md5sums"), "w", encoding="utf-8") as f:
        for path in files:
            with open(path, "rb") as data:
                f.write(f"{hashlib.md5(data.read()).hexdigest()}  {os.path.relpath(path, root)}\n")
    arch = os.environ.get("DEB_ARCH", "amd64")
    lines = [f"Package: {deb.get('package-name', packager.get('product-name', name))}",
             f"Version: {package['version']}",
             f"Architecture: {arch}",
             f"Installed-Size: {installed_kib}"]
    if packager.get("authors"):
        lines.append(f"Maintainer: {', '.join(packager['authors'])}")
    if deb.get("section"):
        lines.append(f"Section: {deb['section']}")
    lines.append(f"Priority: {deb.get('priority', 'optional')}")
    if deb.get("depends"):
        lines.append(f"Depends: {', '.join(deb['depends'])}")
    lines.append(f"Description: {packager.get('description', package.get('description', '(none)'))}")
    for line in packager.get("long-description", "(none)").splitlines():
        lines.append(f" {line.strip()}" if line.strip() else " .")
    with open(os.path.join(control_dir, "control"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
