#!/usr/bin/env bash
# P5: live fan-out to N SignalR WebSocket watchers of one team (default 10 000) on the real server, against a
# bare hub driven by the same client (docs/benchmarks-api.md). Builds in Release, raises the open-file limit,
# starts each server in turn as its own process on 127.0.0.1, measures, and stops it. Extra arguments go to
# the benchmark (e.g. --watchers 5000 --joins 20). Exit: 0 unless something crashed (a missed bar is not a crash).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

# shellcheck source=bench-env.sh
source bench/ApiBenchmarks/bench-env.sh
prepare_benchmark p5
echo "command: bash bench/ApiBenchmarks/run-p5.sh $*"
timeout --signal=TERM 600 dotnet bench/ApiBenchmarks/bin/Release/net10.0/GroupBuy.ApiBenchmarks.dll p5 \
  --api src/Api/bin/Release/net10.0/GroupBuy.Api.dll --work "$work" "$@"
