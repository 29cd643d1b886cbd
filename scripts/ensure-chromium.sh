#!/usr/bin/env bash
# The browser tests drive a system Chromium through playwright-core (playwright's own browser
# download needs a network CI does not have). Find one, or install Debian's when we can; otherwise
# stop with what to do, rather than letting the browser tests be skipped.
# With --path, the executable's path alone goes to stdout (test/support/browser.ts reads it).
set -euo pipefail

found() {
  echo "browser tests: using $1" >&2
  if [[ -n "$want_path" ]]; then echo "$1"; fi
  exit 0
}
want_path=""
[[ "${1:-}" == "--path" ]] && want_path=1

find_chromium() {
  if [[ -n "${CHROMIUM_PATH:-}" ]]; then
    [[ -x "$CHROMIUM_PATH" ]] && { echo "$CHROMIUM_PATH"; return 0; }
    echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
    return 1
  fi
  local candidate
  for candidate in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return 0; fi
  done
  return 1
}

if path=$(find_chromium); then found "$path"; fi
[[ -n "${CHROMIUM_PATH:-}" ]] && exit 1

# Install needs root: be root, or have passwordless sudo.
as_root=()
if [[ $(id -u) -ne 0 ]] && sudo -n true 2>/dev/null; then as_root=(sudo -n); fi
if { [[ $(id -u) -eq 0 ]] || [[ ${#as_root[@]} -gt 0 ]]; } && command -v apt-get >/dev/null 2>&1; then
  echo "browser tests: installing Debian's chromium (about a minute)" >&2
  log=/tmp/ensure-chromium.log; : >"$log"
  apt() { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq "$@" >>"$log" 2>&1; }
  # A fresh machine may have empty package lists: update only when the install cannot find the package.
  if ! apt install --no-install-recommends chromium && ! { apt update && apt install --no-install-recommends chromium; }; then
    tail -20 "$log" >&2
    echo "browser tests: could not install chromium (log: $log)" >&2
    exit 1
  fi
  if path=$(find_chromium); then found "$path"; fi
fi

cat >&2 <<'EOF'
browser tests: no Chromium found.
Install one (Debian/Ubuntu: sudo apt-get install chromium), or point CHROMIUM_PATH at a
Chrome or Chromium executable, then run the tests again. To run only the other tests:
npx jest test/unit test/integration
EOF
exit 1
