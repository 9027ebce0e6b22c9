#!/usr/bin/env bash
# P2 and P3 in one go: Redis vs ours in process, then naive vs ours on SQLite and on PostgreSQL (fsync on).
#
#   bash bench/CommerceBenchmarks/run-all.sh > results.md
#
# What each run prints goes to stderr; the markdown table of results goes to stdout. Settings (environment):
#   ROUNDS=2 (alternating rounds per benchmark; medians are reported), SECONDS_MEASURED=10, WARMUP=3,
#   ORDER=shuffled (or rotation: shoppers in id order, see ShopperArrival.cs), plus run-p2.sh's own (CALLERS,
#   SHOPPERS, REDIS_REQUESTS, ...). P3 uses 64 callers.
# About 5 minutes on 2 cores with the defaults. Needs root the first time (apt-get install redis-server redis-tools).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=bench/CommerceBenchmarks
export ROUNDS=${ROUNDS:-2}
export SECONDS_MEASURED=${SECONDS_MEASURED:-10}
export WARMUP=${WARMUP:-3}
P3_CALLERS=${P3_CALLERS:-64}
export ORDER=${ORDER:-shuffled}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$(date -u +%Y-%m-%dT%H:%MZ)

bash "$here/run-p2.sh" 2>&1 | tee -a "$log" >&2
for store in sqlite postgres; do
  dotnet run -c Release --no-build --project "$here" -- p3 --store "$store" --callers "$P3_CALLERS" --order "$ORDER" \
    --warmup "$WARMUP" --seconds "$SECONDS_MEASURED" --rounds "$ROUNDS" 2>&1 | tee -a "$log" >&2
done

value() { sed -n "s/^RESULT $1=//p" "$log" | tail -1; }
verdict() { awk -v r="$1" -v bar="$2" 'BEGIN { if (r == "") print "no result"; else print (r >= bar ? "met" : "**not met**") }'; }
fmt() { if [ -z "$1" ]; then echo "—"; else printf '%.0f' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; fi; }

echo "### P2 and P3 — $started, $(nproc) cores (shared machine: compare ratios, not absolute figures)"
echo
echo "| id | what | ours | baseline | ratio | bar | |"
echo "| --- | --- | ---: | ---: | ---: | --- | --- |"
echo "| P2 | flash-sale purchases/s in process, memory storage, ${CALLERS:-50} callers | $(fmt "$(value p2.ours.per_second)") | $(fmt "$(value p2.redis.per_second)") (Redis $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') EVALSHA) | $(value p2.ratio)× | ≥ 5× | $(verdict "$(value p2.ratio)" 5) |"
for store in sqlite postgres; do
  name=$([ "$store" = sqlite ] && echo "SQLite (WAL, the log synced before each acknowledgement)" || echo "PostgreSQL (fsync on)")
  echo "| P3 | durable purchases/s, $name, $P3_CALLERS callers; ours: $(value "p3.$store.ours.per_commit") purchases per commit | $(fmt "$(value "p3.$store.ours.per_second")") | $(fmt "$(value "p3.$store.naive.per_second")") (naive: one transaction per purchase) | $(value "p3.$store.ratio")× | ≥ 10× | $(verdict "$(value "p3.$store.ratio")" 10) |"
done
echo
echo "Audits (no oversell, every acknowledged purchase recorded, no shopper over the limit; P3 ours checked after a restart): P2 $(value p2.audit), P3 SQLite $(value p3.sqlite.audit), P3 PostgreSQL $(value p3.postgres.audit)."
echo
echo "Commands: \`ROUNDS=$ROUNDS SECONDS_MEASURED=$SECONDS_MEASURED WARMUP=$WARMUP bash $here/run-all.sh\`; or separately \`bash $here/run-p2.sh\` and \`dotnet run -c Release --project $here -- p3 --store sqlite|postgres --seconds $SECONDS_MEASURED --rounds $ROUNDS\`."
