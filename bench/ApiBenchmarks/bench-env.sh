# Shared by run-p4.sh and run-p5.sh (sourced, not run): builds the server and the benchmark in Release, makes a
# work folder that is removed on exit together with any server left running, and raises the open-file limit
# (each watcher is a socket in the client and one in the server; both inherit the limit).
# Usage: prepare_benchmark <name>; afterwards $work holds the folder.
prepare_benchmark() {
  dotnet build src/Api/Api.csproj -c Release -nologo -v q -clp:ErrorsOnly
  dotnet build bench/ApiBenchmarks/ApiBenchmarks.csproj -c Release -nologo -v q -clp:ErrorsOnly
  work="$(mktemp -d -t "groupbuy-$1.XXXXXX")"
  trap cleanup_benchmark EXIT INT TERM
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
}

cleanup_benchmark() {
  # Servers this run started and did not stop itself (their pids are files in $work/pids).
  if [[ -d "$work/pids" ]]; then
    for pidfile in "$work"/pids/*; do
      [[ -e "$pidfile" ]] && kill -TERM "$(basename "$pidfile")" 2>/dev/null || true
    done
  fi
  if [[ -n "${KEEP_WORK:-}" ]]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
}
