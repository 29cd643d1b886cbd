#!/usr/bin/env bash
# The Redis tests (REDIS_URL: shared rate limits, upload resume state across instances) start a
# private redis-server per suite (test/support/redis.ts). Find one, or install Debian's when we can;
# otherwise stop with what to do, rather than letting those tests be skipped.
# With --path, the executable's path alone goes to stdout (test/support/redis.ts reads it).
set -euo pipefail

want_path=""
[[ "${1:-}" == "--path" ]] && want_path=1

found() {
  echo "redis tests: using $1" >&2
  if [[ -n "$want_path" ]]; then echo "$1"; fi
  exit 0
}

find_redis() {
  if [[ -n "${REDIS_SERVER_PATH:-}" ]]; then
    [[ -x "$REDIS_SERVER_PATH" ]] && { echo "$REDIS_SERVER_PATH"; return 0; }
    echo "REDIS_SERVER_PATH=$REDIS_SERVER_PATH is not an executable" >&2
    return 1
  fi
  command -v redis-server 2>/dev/null && return 0
  # Debian puts it in /usr/bin, but a PATH without it (some CI images) should not force a reinstall.
  [[ -x /usr/bin/redis-server ]] && { echo /usr/bin/redis-server; return 0; }
  return 1
}

if path=$(find_redis); then found "$path"; fi
[[ -n "${REDIS_SERVER_PATH:-}" ]] && exit 1

# Install needs root: be root, or have passwordless sudo.
as_root=()
if [[ $(id -u) -ne 0 ]] && sudo -n true 2>/dev/null; then as_root=(sudo -n); fi
if { [[ $(id -u) -eq 0 ]] || [[ ${#as_root[@]} -gt 0 ]]; } && command -v apt-get >/dev/null 2>&1; then
  echo "redis tests: installing Debian's redis-server (less than a minute)" >&2
  log=/tmp/ensure-redis.log; : >"$log"
  apt() { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq "$@" >>"$log" 2>&1; }
  # A fresh machine may have empty package lists: update only when the install cannot find the package.
  # The package's service is not started (no init in containers): the tests start their own instances.
  if ! apt install --no-install-recommends redis-server && ! { apt update && apt install --no-install-recommends redis-server; }; then
    tail -20 "$log" >&2
    echo "redis tests: could not install redis-server (log: $log)" >&2
    exit 1
  fi
  if path=$(find_redis); then found "$path"; fi
fi

cat >&2 <<'EOF2'
redis tests: no redis-server found.
Install one (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis), or point
REDIS_SERVER_PATH at a redis-server executable, then run the tests again. Each suite starts its own
private instance on a free port; nothing is written to a Redis you already run.
EOF2
exit 1
