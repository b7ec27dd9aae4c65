#!/usr/bin/env bash
# Makes assets/fonts/NotoSansSC-wxdesk.otf, the subset of Noto Sans SC (OFL) the console bundles.
#
# Why a subset: the full Simplified Chinese face is ~16 MB; the console needs the common hanzi
# (GB2312 level 1, 3,755 characters), ASCII, CJK and full-width punctuation, and every character that
# its own text uses (the i18n catalogs and the string data under src/, e.g. the simulator's demo merchants,
# errcode explanations and permission-set names). Rerun this script after adding text with new characters;
# tests/console_fonts.rs fails when a catalog string has a character the subset lacks.
#
# Reproducible: the input is Debian's fonts-noto-cjk and the character list is computed, not downloaded.
# Needs: apt-get install -y fonts-noto-cjk; pip install fonttools.
# Usage: scripts/make-font-subset.sh [EXTRA_SOURCE_DIR ...]   (extra dirs are scanned like src/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ttc=${NOTO_CJK_TTC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}
out="$root/assets/fonts/NotoSansSC-wxdesk.otf"
[ -f "$ttc" ] || { echo "missing $ttc: apt-get install -y fonts-noto-cjk" >&2; exit 1; }
python3 -c 'import fontTools' 2>/dev/null || { echo "missing fontTools: pip install fonttools" >&2; exit 1; }

chars=$(mktemp)
trap 'rm -f "$chars"' EXIT
python3 "$root/scripts/font_charset.py" "$root" "$@" > "$chars"

# Face 2 of the collection is "Noto Sans CJK SC" (0 JP, 1 KR, 2 SC, 3 TC, 4 HK); checked below by name.
python3 - "$ttc" <<'PY'
import sys
from fontTools.ttLib import TTCollection
name = TTCollection(sys.argv[1]).fonts[2]["name"].getDebugName(4)
if name != "Noto Sans CJK SC":
    sys.exit(f"face 2 of {sys.argv[1]} is {name!r}, not Noto Sans CJK SC")
PY

pyftsubset "$ttc" --font-number=2 --text-file="$chars" --output-file="$out" \
  --layout-features='kern,liga,locl,vert,palt,halt' --no-hinting \
  --name-IDs='*' --name-legacy --name-languages='*' --drop-tables+=DSIG
echo "$out: $(wc -c < "$out") bytes, $(wc -m < "$chars") characters"
