#!/usr/bin/env bash
# P4: HTTP purchases/s end to end on durable SQLite against GET /healthz on the same server, same wrk
# threads, connections and duration (docs/benchmarks-api.md). Builds in Release, installs wrk if missing,
# starts the real server as its own process on 127.0.0.1, seeds it through the API, runs wrk, checks the
# invariants and stops the server. Extra arguments go to the benchmark (e.g. --connections 32 --duration 15).
# Exit: 0 a valid run (bar met or not), 2 a run with errors or a broken invariant, 1 a crash.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is missing: installing Debian's package"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

# shellcheck source=bench-env.sh
source bench/ApiBenchmarks/bench-env.sh
prepare_benchmark p4
echo "command: bash bench/ApiBenchmarks/run-p4.sh $*"
timeout --signal=TERM 600 dotnet bench/ApiBenchmarks/bin/Release/net10.0/GroupBuy.ApiBenchmarks.dll p4 \
  --api src/Api/bin/Release/net10.0/GroupBuy.Api.dll --work "$work" "$@"
