#!/usr/bin/env bash
# P2: flash-sale purchase decisions/s in process (memory storage) against Redis 7 running a Lua script that
# does the same checks and writes, with the same client count, on this machine, in one run.
#
#   bash bench/CommerceBenchmarks/run-p2.sh
#
# Installs redis-server and redis-tools from Debian's packages when missing (needs root), starts a private
# redis-server on a free loopback port without persistence, and stops it at the end. Settings (environment):
#   CALLERS=50 SHOPPERS=500000 LIMIT=10 QUANTITY=5000000 REDIS_REQUESTS=500000 WARMUP=3 SECONDS_MEASURED=10 ROUNDS=1
#   ORDER=shuffled (ours: the order shoppers arrive in; Redis draws them at random; rotation takes them in id order)
# ROUNDS>1 alternates Redis and ours and reports the median ratio (the machine is shared: alternating evens out noise).
# Prints what each side measured, then RESULT lines (read by run-all.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=bench/CommerceBenchmarks

CALLERS=${CALLERS:-50}
SHOPPERS=${SHOPPERS:-500000}
LIMIT=${LIMIT:-10}
ORDER=${ORDER:-shuffled}
QUANTITY=${QUANTITY:-5000000}
REDIS_REQUESTS=${REDIS_REQUESTS:-500000}
WARMUP=${WARMUP:-3}
SECONDS_MEASURED=${SECONDS_MEASURED:-10}
ROUNDS=${ROUNDS:-1}
PRICE=990
PAYMENT_WINDOW=300

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "run-p2.sh: installing redis-server and redis-tools needs root (apt-get)" >&2
    exit 1
  fi
  echo "run-p2.sh: installing redis-server redis-tools" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
fi

dotnet build "$here" -c Release --nologo -v quiet >/dev/null

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || shuf -i 20000-60000 -n 1)
redis_pid=
stop_redis() {
  if [ -n "$redis_pid" ]; then
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_redis EXIT
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 50); do
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
cli() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }
# CPU clock ticks (user + system) of a process, and of the finished children of a shell (redis-benchmark).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
children_ticks() { awk '{ print $16 + $17 }' "/proc/$1/stat"; }
echo "Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port (no persistence), $(nproc) cores"

# One Redis round: a fresh sale, a warm-up, then the measured redis-benchmark; prints acknowledged purchases/s.
redis_round() {
  cli flushall >/dev/null
  cli set fs:p2:stock "$QUANTITY" >/dev/null
  local sha
  sha=$(cli script load "$(cat "$here/purchase.lua")")
  local args=(EVALSHA "$sha" 3 fs:p2:stock fs:p2:held fs:p2:seq __rand_int__ 1 "$LIMIT" "$PRICE" "$PAYMENT_WINDOW" p2)
  redis-benchmark -h 127.0.0.1 -p "$port" -c "$CALLERS" -n 50000 -r "$SHOPPERS" -q "${args[@]}" >/dev/null
  local before rps after server_ticks client_ticks self=$BASHPID
  before=$(cli get fs:p2:seq)
  server_ticks=$(cpu_ticks "$redis_pid")
  client_ticks=$(children_ticks "$self")
  redis-benchmark -h 127.0.0.1 -p "$port" -c "$CALLERS" -n "$REDIS_REQUESTS" -r "$SHOPPERS" --csv "${args[@]}" >"$work/benchmark.csv"
  rps=$(awk -F'"' 'NR == 2 { print $4 }' "$work/benchmark.csv")
  server_ticks=$(($(cpu_ticks "$redis_pid") - server_ticks))
  client_ticks=$(($(children_ticks "$self") - client_ticks))
  after=$(cli get fs:p2:seq)
  local audit
  audit=$(cli eval "$(cat "$here/audit.lua")" 3 fs:p2:stock fs:p2:held fs:p2:seq "$QUANTITY" | xargs)
  read -r sold orders most <<<"$audit"
  local acknowledged=$((after - before))
  local ack_rps
  ack_rps=$(awk -v r="$rps" -v a="$acknowledged" -v n="$REDIS_REQUESTS" 'BEGIN { printf "%.0f", r * a / n }')
  local ok=ok
  if [ "$sold" -ne "$orders" ] || [ "$most" -gt "$LIMIT" ] || [ "$sold" -gt "$QUANTITY" ]; then ok=FAILED; fi
  echo "  redis: $ack_rps acknowledged purchases/s (redis-benchmark: $rps EVALSHA/s for $REDIS_REQUESTS requests, $acknowledged acknowledged, $((REDIS_REQUESTS - acknowledged)) refused at the limit)" >&2
  awk -v s="$server_ticks" -v c="$client_ticks" -v n="$REDIS_REQUESTS" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "    cpu: redis-server %.1f µs/request, redis-benchmark %.1f µs/request\n", s * 1e6 / hz / n, c * 1e6 / hz / n }' >&2
  echo "  redis audit: $ok (units sold $sold, orders $orders, most held by one shopper $most)" >&2
  [ "$ok" = ok ] || return 1
  echo "$ack_rps"
}

ours_round() {
  local output
  output=$(dotnet run -c Release --no-build --project "$here" -- p2 --callers "$CALLERS" --shoppers "$SHOPPERS" --limit "$LIMIT" \
    --order "$ORDER" --quantity "$QUANTITY" --warmup "$WARMUP" --seconds "$SECONDS_MEASURED")
  sed -n '/^RESULT/!p' <<<"$output" | sed 's/^/  /' >&2
  grep -q '^RESULT p2.ours.audit=ok' <<<"$output" || return 1
  sed -n 's/^RESULT p2.ours.per_second=//p' <<<"$output"
}

echo "P2 command: CALLERS=$CALLERS SHOPPERS=$SHOPPERS LIMIT=$LIMIT ORDER=$ORDER QUANTITY=$QUANTITY REDIS_REQUESTS=$REDIS_REQUESTS WARMUP=$WARMUP SECONDS_MEASURED=$SECONDS_MEASURED ROUNDS=$ROUNDS bash $here/run-p2.sh"
ratios=()
redis_all=()
ours_all=()
for round in $(seq "$ROUNDS"); do
  echo "round $round:"
  redis=$(redis_round)
  ours=$(ours_round)
  ratio=$(awk -v o="$ours" -v r="$redis" 'BEGIN { printf "%.3f", o / r }')
  echo "  round $round: ours $ours /s, redis $redis /s, ratio $ratio"
  ratios+=("$ratio"); redis_all+=("$redis"); ours_all+=("$ours")
done

# median FORMAT VALUES...: the middle value (the mean of the two middle ones for an even count).
median() {
  local format=$1; shift
  printf '%s\n' "$@" | sort -g | awk -v f="$format" '{ v[NR] = $1 } END { printf f "\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio=$(median %.3f "${ratios[@]}")
met=$(awk -v r="$ratio" 'BEGIN { print (r >= 5 ? "met" : "NOT met") }')
echo "P2: ours $(median %.0f "${ours_all[@]}") acknowledged purchases/s, redis $(median %.0f "${redis_all[@]}") /s, ratio ${ratio}× (bar ≥ 5× Redis: $met)"
echo "RESULT p2.redis.per_second=$(median %.0f "${redis_all[@]}")"
echo "RESULT p2.ours.per_second=$(median %.0f "${ours_all[@]}")"
echo "RESULT p2.ratio=$ratio"
echo "RESULT p2.audit=ok"   # a failed audit stops the script before this line
