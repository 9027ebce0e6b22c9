#!/usr/bin/env bash
# P4, P5 and P7 of the performance spec, each with its baseline in the same run (docs/benchmarks.md): builds the
# server and the load tool in Release, raises the open-file limit (P5 opens 10 000 WebSockets: a socket each in the
# client and the server), runs `load bench` and writes its figures into docs/benchmarks.md. Every server is started
# by the tool on 127.0.0.1 and stopped at the end; any left behind (the tool killed) are stopped by pid here.
# Extra arguments go to the tool, e.g. --only p4,p7 --seconds 15 --watchers 5000. Exit: 0 unless a benchmark crashed.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

dotnet build src/Api/Api.csproj -c Release -nologo -v q -clp:ErrorsOnly
dotnet build load/Load/Load.csproj -c Release -nologo -v q -clp:ErrorsOnly
work="$(mktemp -d -t groupbuy-bench.XXXXXX)"
cleanup() {
  for pidfile in "$work"/pids/*; do
    [[ -e "$pidfile" ]] && kill -TERM "$(basename "$pidfile")" 2>/dev/null || true
  done
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

LOAD_BENCH_COMMAND="bash load/run-bench.sh $*" timeout --signal=TERM 3000 dotnet load/Load/bin/Release/net10.0/GroupBuy.Load.dll bench \
  --api src/Api/bin/Release/net10.0/GroupBuy.Api.dll --work "$work" --doc docs/benchmarks.md "$@"
