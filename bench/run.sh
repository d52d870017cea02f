#!/usr/bin/env bash
# The benchmark: generates synthetic books of 1,000 and 10,000 entities (and the same pages as
# a Hugo site), then measures on this machine, release build:
#   check  — servicebook check --strict
#   build  — servicebook build (check, render, search index, write), beside `hugo` on the same content
#   audits — check and `audits` over 10,000 visits, and the build with and without them
#   changes — `changes` after 500 edits of the 10,000-entity book, from a git tag and a folder
#   search — the index build time, our index beside Pagefind's over the same built pages: size,
#            bytes a query downloads, query time in headless Chromium (bench/search_bench.py)
#   serve  — the rebuild after each kind of edit in one process, stage by stage (rebuild-bench);
#            the rebuild, save → reload event and save → page reloaded in Chromium
#            (bench/serve_bench.py); the rebuild after each kind of edit (bench/serve_edits.py)
# Prints wall time (best and median of the runs), peak memory and the stage times of the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release
work=${BENCH_DIR:-/tmp/servicebook-bench}
runs=${BENCH_RUNS:-3}
mkdir -p "$work"

# measure LABEL N COMMAND...: runs COMMAND $runs times, prints one row.
measure() {
  local label=$1 n=$2; shift 2
  local times=() peak=0 out secs kb
  stages=""
  for _ in $(seq "$runs"); do
    out=$( { /usr/bin/time -f "TIME %e %M" "$@" >/dev/null; } 2>&1 ) || { echo "bench: $label failed:"; echo "$out"; exit 1; }
    read -r _ secs kb < <(grep '^TIME' <<<"$out")
    stages=$( (grep '^timings:' <<<"$out" || true) | sed 's/^timings: //' | paste -sd ';' - | sed 's/;/; /g')
    times+=("$secs")
    if (( kb > peak )); then peak=$kb; fi
  done
  local sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  best[$label-$n]=${sorted[0]}
  median[$label-$n]=${sorted[$(( runs / 2 ))]}
  peakmb[$label-$n]=$(( peak / 1024 ))
  printf '%-8s %-13s %8s %9s %9.0f   %s\n' "$n" "$label" "${sorted[0]}" "${sorted[$(( runs / 2 ))]}" "$(echo "$peak/1024" | bc -l)" "$stages"
}

declare -A best median peakmb search_ms
printf '%-8s %-13s %8s %9s %9s   %s\n' "entities" "command" "best s" "median s" "peak MB" "stages (last run)"
# BENCH_SIZES="1000 10000 100000" adds the 100,000-entity book (some 10 minutes more).
sizes=${BENCH_SIZES:-1000 10000}
for n in $sizes; do
  book="$work/book-$n" hugo="$work/hugo-$n"
  if [ ! -f "$book/book.yml" ] || [ ! -f "$hugo/config.toml" ]; then
    rm -rf "$book" "$hugo"
    "$bin/bookgen" "$n" "$book" --hugo "$hugo" >/dev/null
  fi
  measure check "$n" "$bin/servicebook" check --strict --verbose --content "$book"
  measure build "$n" "$bin/servicebook" build --verbose --content "$book" --output "$work/site-$n"
  search_ms[$n]=$(grep -o 'search [0-9]* ms' <<<"$stages" | tail -1 | grep -o '[0-9]*')
  if command -v hugo >/dev/null; then
    measure hugo "$n" hugo --quiet --source "$hugo" --destination "$work/hugo-site-$n"
  fi
done
# largest DIR: the size in MB of the largest file under DIR.
largest() { find "$1" -type f -printf '%s\n' | sort -n | tail -1 | awk '{printf "%.1f", $1 / 1048576}'; }
mb() { du -sb "$1" | awk '{printf "%.0f", $1 / 1048576}'; }
if command -v hugo >/dev/null; then
  printf '%-8s %-22s %-22s %-9s %-15s %-15s %-13s\n' "entities" "build s (best/median)" "hugo s (best/median)" "ratio" "peak MB (us/hugo)" "output MB" "largest MB"
  for n in $sizes; do
    printf '%-8s %-22s %-22s %-9s %-15s %-15s %-13s\n' "$n" "${best[build-$n]} / ${median[build-$n]}" "${best[hugo-$n]} / ${median[hugo-$n]}" \
      "$(echo "${median[build-$n]} / ${median[hugo-$n]}" | bc -l | xargs printf '%.2f×')" "${peakmb[build-$n]} / ${peakmb[hugo-$n]}" \
      "$(mb "$work/site-$n") / $(mb "$work/hugo-site-$n")" "$(largest "$work/site-$n") / $(largest "$work/hugo-site-$n")"
    printf '         check: %s s median, %.2f× hugo'"'"'s build\n' "${median[check-$n]}" "$(echo "${median[check-$n]} / ${median[hugo-$n]}" | bc -l)"
  done
fi
for n in $sizes; do
  printf 'search index build at %5s entities: %s ms (the search stage of the last build)\n' "$n" "${search_ms[$n]}"
done
# Audits: 10,000 mystery-shopper visits × 60 checks (10 CSV files) over the 10,000-entity book,
# and the same book without its audits folder, to see what the quality section costs a build.
audited="$work/audits-10000" plain="$work/audits-10000-none"
if [ ! -f "$audited/book.yml" ]; then
  rm -rf "$audited" && "$bin/bookgen" 10000 "$audited" --audits 10000 >/dev/null
fi
rm -rf "$plain" && cp -r "$audited" "$plain" && rm -rf "$plain/audits"
echo "audits: 10000 visits x 60 checks over 10000 entities:"
measure check-audits 10000 "$bin/servicebook" check --verbose --content "$audited"
measure audits 10000 "$bin/servicebook" audits --content "$audited"
measure audits-json 10000 "$bin/servicebook" audits --format json --content "$audited"
# The two builds alternate, run after run, so that the machine's drift falls on both alike.
# Two untimed builds of each first: the output and its spare (the writer's staging folder) then
# hold this version's pages, so the timed runs compare pages instead of rewriting them.
for _ in 1 2; do
  "$bin/servicebook" build --quiet --content "$audited" --output "$work/site-audits" >/dev/null
  "$bin/servicebook" build --quiet --content "$plain" --output "$work/site-audits-none" >/dev/null
done
with=() without=()
for _ in $(seq "$runs"); do
  /usr/bin/time -o "$work/time" -f "%e" "$bin/servicebook" build --content "$audited" --output "$work/site-audits" >/dev/null
  with+=("$(tail -1 "$work/time")")
  /usr/bin/time -o "$work/time" -f "%e" "$bin/servicebook" build --content "$plain" --output "$work/site-audits-none" >/dev/null
  without+=("$(tail -1 "$work/time")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
mw=$(median "${with[@]}") mn=$(median "${without[@]}")
printf 'build with audits: %s s, without: %s s (medians of %s alternating runs): the quality section (%s pages) adds %.2f s\n' \
  "$mw" "$mn" "$runs" "$(find "$work/site-audits/quality" -type f | wc -l)" "$(echo "$mw - $mn" | bc -l)"
# Editions: the 10,000-entity book in a git repository, tagged, then 500 edits (titles, body
# lines, fields, checks added, scripts renamed) committed; `changes` against the tag and against
# the first edition as a folder.
repo="$work/editions-10000"
if [ ! -f "$repo/content/book.yml" ]; then
  rm -rf "$repo" && mkdir -p "$repo" && cp -r "$work/book-10000" "$repo/content"
  g() { git -C "$repo" -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false "$@"; }
  g init -q && g add -A && g commit -q -m "edition 1" && g tag edition-1
  python3 bench/edit_book.py "$repo/content" 500 >/dev/null
  g add -A && g commit -q -m "edition 2"
fi
echo "changes: 500 edits over 10000 entities ($(cd "$repo" && "$OLDPWD/$bin/servicebook" changes --since edition-1 | head -1)):"
measure changes-git 10000 sh -c "cd '$repo' && '$PWD/$bin/servicebook' changes --since edition-1"
measure changes-folder 10000 "$bin/servicebook" changes --content "$repo/content" --since "$work/book-10000"
if python3 -c "import selenium, pagefind_bin" 2>/dev/null && command -v chromedriver >/dev/null; then
  # Queries whose words are in every generated book: one word, three words, and the most common stem.
  for n in 1000 10000; do
    python3 bench/search_bench.py "$work/site-$n" "мессенджер" "тайный покупатель оценивает" "клиента"
  done
else
  echo "search benchmark skipped: needs PyPI selenium and pagefind-bin, Debian chromium and chromium-driver"
fi
# The rebuild serve runs after each kind of edit, in one process (edits a copy).
rm -rf "$work/rebuild-10000" && cp -r "$work/book-10000" "$work/rebuild-10000"
echo "rebuild after each kind of edit, 10000 entities (rebuild-bench, median of 7):"
"$bin/rebuild-bench" "$work/rebuild-10000" --runs 7
if python3 -c "import selenium" 2>/dev/null && command -v chromedriver >/dev/null; then
  # serve edits a copy, so that the books above stay as generated.
  rm -rf "$work/serve-sample" "$work/editions" && cp -r content "$work/serve-sample" && cp -r editions "$work/editions"
  echo "serve, sample book (${bin}/servicebook):"
  python3 bench/serve_bench.py "$bin/servicebook" "$work/serve-sample" steps/test-drive.html "$work/serve-sample/steps/sales/test-drive.md"
  for n in 1000 10000; do
    rm -rf "$work/serve-$n" && cp -r "$work/book-$n" "$work/serve-$n"
    echo "serve, $n entities:"
    python3 bench/serve_bench.py "$bin/servicebook" "$work/serve-$n" steps/step-0.html "$work/serve-$n/steps/group-0/step-0.md"
  done
  echo "serve, 10000 entities, each kind of edit:"
  rm -rf "$work/serve-edits" && cp -r "$work/book-10000" "$work/serve-edits"
  python3 bench/serve_edits.py "$bin/servicebook" "$work/serve-edits"
fi
