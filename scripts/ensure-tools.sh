#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/apt-packages.txt when any is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
missing=()
while read -r pkg; do
  case "$pkg" in ''|\#*) continue ;; esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done < "$here/apt-packages.txt"
[ ${#missing[@]} -eq 0 ] && exit 0
echo "ensure-tools: installing ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
# a package of another architecture (musl-dev:arm64) needs that architecture known to dpkg before the update
for pkg in "${missing[@]}"; do
  case "$pkg" in *:*) arch=${pkg##*:}
    dpkg --print-foreign-architectures | grep -qx "$arch" || [ "$arch" = "$(dpkg --print-architecture)" ] || $SUDO dpkg --add-architecture "$arch" ;;
  esac
done
$SUDO apt-get update -qq >&2
# servers installed for the tests (nginx, redis-server, memcached, haproxy) must not start: a policy-rc.d that
# answers 101 makes invoke-rc.d / deb-systemd-invoke skip starting them (unless the machine already has one)
guard=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod +x /usr/sbin/policy-rc.d && guard=1
fi
status=0
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2 || status=$?
[ -n "$guard" ] && $SUDO rm -f /usr/sbin/policy-rc.d
exit $status
