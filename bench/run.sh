#!/usr/bin/env bash
# The benchmark: generates synthetic books of 1,000 and 10,000 entities and measures
# `servicebook check` on them (release build): wall time (best and median of 3 runs),
# peak memory, and the time of each pipeline stage.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release
work=${BENCH_DIR:-/tmp/servicebook-bench}
mkdir -p "$work"

printf '%-8s %-9s %10s %10s %12s   %s\n' "entities" "command" "best s" "median s" "peak MB" "stages (last run)"
for n in 1000 10000; do
  book="$work/book-$n"
  if [ ! -f "$book/book.yml" ]; then "$bin/bookgen" "$n" "$book" >/dev/null; fi
  times=()
  peak=0
  stages=""
  for run in 1 2 3; do
    out=$( { SERVICEBOOK_TIMINGS=1 /usr/bin/time -f "TIME %e %M" "$bin/servicebook" check --strict --content "$book" >/dev/null; } 2>&1 )
    if ! grep -q '^TIME' <<<"$out"; then echo "bench: check failed on $book:"; echo "$out"; exit 1; fi
    read -r _ secs kb < <(grep '^TIME' <<<"$out")
    stages=$(grep '^timings:' <<<"$out" | sed 's/^timings: //')
    times+=("$secs")
    (( kb > peak )) && peak=$kb
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  printf '%-8s %-9s %10s %10s %12.1f   %s\n' "$n" "check" "${sorted[0]}" "${sorted[1]}" "$(echo "$peak/1024" | bc -l)" "$stages"
done
