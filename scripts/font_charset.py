"""Prints the characters the console's font subset must cover (used by make-font-subset.sh).

The set is: printable ASCII; CJK symbols and punctuation (U+3000-U+303F) and full-width forms (U+FF00-U+FFEF);
a few general punctuation marks the UI uses (… — – “ ” ‘ ’ · • ● ○ ✓ ✗ ⚠ ▲ ▼ ← → ↻); all GB2312 level-1 hanzi,
computed by decoding the GB2312 rows 16-55 (bytes 0xB0A1-0xD7F9); and every non-ASCII character of the
catalogs (assets/i18n/*.toml) and of the Rust sources under src/ (the simulator's seed data, errcode
explanations, permission-set names). Scanning whole source files rather than only string literals adds a
handful of characters from comments, which is cheaper than parsing Rust and cannot miss a literal.
"""
import pathlib
import sys


def gb2312_level1():
    out = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                out.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # row 55 ends at 0xF9
    return out


def main():
    roots = [pathlib.Path(p) for p in sys.argv[1:]]
    chars = set(chr(c) for c in range(0x20, 0x7F))
    chars.update(chr(c) for c in range(0x3000, 0x3040))
    chars.update(chr(c) for c in range(0xFF01, 0xFF5F))
    chars.update("…—–“”‘’·•●○✓✗⚠▲▼←→↻×№°")
    chars.update(gb2312_level1())
    files = []
    for root in roots:
        files += sorted((root / "assets" / "i18n").glob("*.toml"))
        files += sorted((root / "src").rglob("*.rs"))
    for f in files:
        chars.update(c for c in f.read_text(encoding="utf-8") if ord(c) > 0x7F and c.isprintable())
    sys.stdout.write("".join(sorted(chars)))


if __name__ == "__main__":
    main()
