#!/usr/bin/env bash
# Runs every test of the solution and ends with one line of totals: "N passed, M failed".
# On a fresh Debian machine it first installs what the tests need (PostgreSQL, Chromium, Node.js, a CJK font);
# each test run starts its own throwaway PostgreSQL, so no system service is used.
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(nodejs npm)
# A Chinese font, so the pages' screenshots show text rather than empty boxes (nice to have: root only).
if [ "$(id -u)" -eq 0 ] && ! { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh)" ]; }; then
  missing+=(fonts-wqy-microhei)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: installing ${missing[*]} needs root (apt-get)" >&2
    exit 1
  fi
  echo "test.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "test.sh: apt-get could not install ${missing[*]}" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

results=$(mktemp -d)
# The tests' throwaway PostgreSQL servers are made in a folder of this run's own (PostgresServer honours
# GROUPBUY_PG_TEMP), so that one left running by a test host that ended early is found and stopped below, and no other
# run's server is touched. Its path stays short: a server's unix socket is in its folder (at most 107 bytes).
pg_temp=$(mktemp -d)
chmod 711 "$pg_temp"   # as root the servers run as the postgres user, who must reach their folders
export GROUPBUY_PG_TEMP="$pg_temp"

stop_leftover_servers() {
  local data pg_ctl
  for data in "$pg_temp"/groupbuy-pg-*/data; do
    [ -e "$data/postmaster.pid" ] || continue
    if [ -n "${GROUPBUY_PG_BIN:-}" ]; then
      pg_ctl=$GROUPBUY_PG_BIN/pg_ctl
    else
      pg_ctl=$(printf '%s\n' /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)
    fi
    echo "test.sh: stopping a PostgreSQL server left running in $data" >&2
    if [ "$(id -u)" -eq 0 ]; then
      runuser -u postgres -- "$pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
    else
      "$pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
    fi
  done
  rm -rf "$pg_temp"
  # The reliability tests' tmpfs disks (Tmpfs.Source), left mounted when a test host was killed mid-test.
  awk '$1 == "groupbuy-test-disk" { print $2 }' /proc/mounts 2>/dev/null | while read -r mount; do
    echo "test.sh: unmounting a test disk left mounted on $mount" >&2
    umount --lazy "$mount" || continue
    case $(basename "$(dirname "$mount")") in groupbuy-test-*) rm -rf "$(dirname "$mount")" ;; esac
  done
}
trap 'stop_leftover_servers; rm -rf "$results"' EXIT

dotnet build GroupBuy.sln -c Release -warnaserror --nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
# Each test project gets its own result file; projects run one after another, tests inside in parallel.
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  [ "$name" = TestSupport ] && continue
  dotnet test "$project" -c Release --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    || status=1
done
stop_leftover_servers

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${e:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # a crashed or aborted test host counts as a failure
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
