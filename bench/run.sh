#!/usr/bin/env bash
# Prints KeyKiosk's measured figures against the budgets in docs/architecture.md.
# Benchmarks report; they never pass or fail on time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KK_BUILD_DIR:-$root/build-bench}
"$root/packaging/deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target keykiosk kk-bench-token kk-bench-ra kk-bench-ra-attack kk-bench-entropy kk-bench-act keykiosk-ra kk-testpki >/dev/null
echo "== token layer and presence ($(nproc) cores, $(date -u +%F))"
"$build/bench/kk-bench-token" --rounds "${KK_BENCH_ROUNDS:-20}"
echo
echo "== enrollment (CMP over loopback HTTP to keykiosk-ra)"
"$build/bench/kk-bench-ra" --rounds "${KK_BENCH_ROUNDS:-20}" --clients "${KK_BENCH_CLIENTS:-1,8,64}" --seconds "${KK_BENCH_SECONDS:-10}"
echo
echo "== the same bank behind HTTPS, with the kiosk's own CMP client (a TLS handshake per renewal: the connection is kept)"
"$build/bench/kk-bench-ra" --rounds 1 --clients "${KK_BENCH_CLIENTS:-1,8,64}" --seconds "${KK_BENCH_SECONDS:-10}" \
  --backends sqlite --transport https
echo
echo "== keykiosk-ra under junk (200,000 badly signed messages, 40,000 refused requests)"
"$build/bench/kk-bench-ra-attack" --clients 8 --seconds "${KK_BENCH_SECONDS:-10}" \
  --junk "${KK_BENCH_JUNK:-200000}" --rejected "${KK_BENCH_REJECTED:-40000}"
echo
echo "== touch entropy"
"$build/bench/kk-bench-entropy" "${KK_BENCH_TRACES:-50}"
echo
echo "== acceptance act"
act_dir=$(mktemp -d)
"$build/tests/harness/kk-testpki" ca --dir "$act_dir" >/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$act_dir/k.pem" 2>/dev/null
openssl pkey -in "$act_dir/k.pem" -pubout -outform DER -out "$act_dir/k.pub.der"
"$build/tests/harness/kk-testpki" issue --dir "$act_dir" --spki "$act_dir/k.pub.der" \
  --out "$act_dir/c.der" --cn "Иванов Иван Иванович" --o "ООО «Ромашка»" --inn 7701234567 >/dev/null
"$build/bench/kk-bench-act" "$act_dir/c.der" "${KK_BENCH_ROUNDS:-20}"
rm -rf "$act_dir"
echo
echo "== kiosk"
"$root/bench/kiosk_startup.sh" "$build" "${KK_BENCH_ROUNDS:-10}"
echo
echo "== kiosk under cage (the shipping platform)"
"$root/bench/kiosk_cage.sh" "$build/kiosk/keykiosk" "${KK_BENCH_ROUNDS:-15}"
