#!/usr/bin/env bash
# P5: live fan-out to N SignalR WebSocket watchers of one team (default 10 000) on the real server, against a
# bare hub driven by the same client (docs/benchmarks-api.md). Builds in Release, raises the open-file limit,
# starts each server in turn as its own process on 127.0.0.1, measures, and stops it. Extra arguments go to
# the benchmark (e.g. --watchers 5000 --joins 20). Exit: 0 unless something crashed (a missed bar is not a crash).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

dotnet build src/Api/Api.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet build bench/ApiBenchmarks/ApiBenchmarks.csproj -c Release -nologo -v q -clp:ErrorsOnly

work="$(mktemp -d -t groupbuy-p5.XXXXXX)"
cleanup() {
  # Servers this run started and did not stop itself (their pids are files in $work/pids).
  if [[ -d "$work/pids" ]]; then
    for pidfile in "$work"/pids/*; do
      [[ -e "$pidfile" ]] && kill -TERM "$(basename "$pidfile")" 2>/dev/null || true
    done
  fi
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

# Each of the 10 000 watchers is a socket in this process and one in the server's; both inherit this limit.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "command: bash bench/ApiBenchmarks/run-p5.sh $*"
timeout --signal=TERM 600 dotnet bench/ApiBenchmarks/bin/Release/net10.0/GroupBuy.ApiBenchmarks.dll p5 \
  --api src/Api/bin/Release/net10.0/GroupBuy.Api.dll --work "$work" "$@"
