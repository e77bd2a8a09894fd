#!/usr/bin/env bash
# Every benchmark under bench/: setup (idempotent), then each runner bench/*/run*.{mjs,py,sh}. A runner prints one
# result line per benchmark ("<name>   ours ...   anchor(...) ...   ratio ..."); it fails if it exits non-zero or
# prints no result line, and this script fails if any runner failed (after running all of them).
# BENCH_SKIP_SETUP=1 skips scripts/setup.sh (when the builds are known to be fresh); the runners still check that
# what they need exists.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/.venv/bin:$PATH"

if [ "${BENCH_SKIP_SETUP:-}" = 1 ]; then
  echo "bench: BENCH_SKIP_SETUP=1, not running scripts/setup.sh"
else
  bash scripts/setup.sh
fi

shopt -s nullglob
runners=(bench/*/run*.mjs bench/*/run*.py bench/*/run*.sh)
if [ ${#runners[@]} -eq 0 ]; then
  echo "bench: no runners found under bench/" >&2
  exit 1
fi
mapfile -t runners < <(printf '%s\n' "${runners[@]}" | sort)

out=$(mktemp)
trap 'rm -f "$out"' EXIT
total=0
failed=()
result_line='^[^[:space:]]+/[^[:space:]]+[[:space:]]+ours .* ratio '
for runner in "${runners[@]}"; do
  case "$runner" in
    *.mjs) cmd=(node "$runner") ;;
    *.py) cmd=("$ROOT/.venv/bin/python" "$runner") ;;
    *.sh) cmd=(bash "$runner") ;;
  esac
  printf '\033[1m== %s\033[0m\n' "$runner"
  start=$SECONDS
  if "${cmd[@]}" 2>&1 | tee "$out"; then
    n=$(grep -Ec "$result_line" "$out" || true)
    if [ "$n" -eq 0 ]; then
      echo "bench: $runner printed no result line" >&2
      failed+=("$runner")
    fi
    total=$((total + n))
  else
    echo "bench: $runner FAILED" >&2
    failed+=("$runner")
  fi
  echo "   ($((SECONDS - start)) s)"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: ${#failed[@]} of ${#runners[@]} runners FAILED: ${failed[*]} ($total benchmarks ran)" >&2
  exit 1
fi
echo "bench: $total benchmarks from ${#runners[@]} runners, all ran"
