#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) in their own
# directory and runs them.
#   fuzz/run.sh build DIR                   configure and build into DIR
#   fuzz/run.sh smoke DIR TARGET SECONDS    one target for SECONDS (ctest: 60)
#   fuzz/run.sh long DIR TARGET RUNS        one target for RUNS executions (bench/fuzz_long.sh)
# A crash, a leak or a sanitizer report fails the run; the input is kept in DIR/crashes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=$1 dir=$2
case $mode in
  build)
    mkdir -p "$dir"
    if ! { CC=clang CXX=clang++ cmake -S "$here" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
           cmake --build "$dir" -j2; } >"$dir/build.log" 2>&1; then
      echo "FAIL: the fuzz targets do not build:"; grep -E "error|undefined" "$dir/build.log" | head -20
      exit 1
    fi
    echo "fuzz: built $(ls "$dir" | grep -c '^fuzz_ra_[a-z]*$') targets in $dir"
    ;;
  smoke|long)
    target=$3 amount=$4
    corpus=$(mktemp -d)
    trap 'rm -rf "$corpus"' EXIT
    mkdir -p "$dir/crashes"
    limit=(-max_total_time="$amount")
    [[ $mode == long ]] && limit=(-runs="$amount")
    "$dir/fuzz_$target" "${limit[@]}" -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$dir/crashes/$target-" "$corpus" 2>"$dir/$target.log" || {
      echo "FAIL: fuzz_$target found a problem:"; grep -E "ERROR|SUMMARY|==[0-9]+==" "$dir/$target.log" | head -20
      exit 1
    }
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/$target.log")
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$dir/$target.log")
    cov=$(grep -o 'cov: [0-9]*' "$dir/$target.log" | tail -1)
    secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$dir/$target.log" | awk '{print $5}')
    echo "fuzz_$target: $runs executions in ${secs:-?} s, $cov, peak RSS ${rss} MB, no crash"
    ;;
  *) echo "usage: $0 build|smoke|long DIR [TARGET AMOUNT]" >&2; exit 2 ;;
esac
