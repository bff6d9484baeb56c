#!/usr/bin/env bash
# Opt-in recall check on real arm64 programs no fixture resembles: Debian's arm64 packages are unpacked into a
# root file system (with the cross glibc of /usr/aarch64-linux-gnu), each program runs a small workload under
# `qemu-aarch64 -strace`, and what it made must be within `ukport scan --sysroot ROOT` of it.
# Needs: npm run build, qemu-user, libc6-arm64-cross, apt access. Usage: scripts/aarch64-real-sweep.sh [WORKDIR]
set -uo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
W=${1:-$(mktemp -d)}
R=$W/root D=$W/data
mkdir -p "$R/lib" "$D" "$W/debs"
PKGS="dash coreutils grep xz-utils sqlite3 ninja-build pigz gzip bzip2 liblzma5 libsqlite3-0 libreadline8 libtinfo6 zlib1g
  fzf libstdc++6 libgcc-s1 libpcre2-8-0 libacl1 libattr1 libcap2 libgmp10 libselinux1 libssl3 libbz2-1.0"
(cd "$W/debs" && for p in $PKGS; do [ -n "$(ls ${p}_*_arm64.deb 2>/dev/null)" ] || apt-get download -qq "$p:arm64" 2>/dev/null; done)
for d in "$W"/debs/*.deb; do dpkg-deb -x "$d" "$R"; done
mkdir -p "$R/lib/aarch64-linux-gnu" && cp -a /usr/aarch64-linux-gnu/lib/. "$R/lib/aarch64-linux-gnu/"
ln -sf aarch64-linux-gnu/ld-linux-aarch64.so.1 "$R/lib/ld-linux-aarch64.so.1"
seq 1 2000 > "$D/list.txt"; echo "hello world" > "$D/a.txt"; head -c 3000000 /dev/urandom > "$D/big.bin"; printf 'rule t\n  command = touch $out\nbuild out.txt: t\n' > "$D/build.ninja"
fail=0
check() { # program args... (standard input: $STDIN, else /dev/null)
  local prog=$R/$1; shift
  local log=$W/trace.$(basename "$prog")
  (cd "$D" && timeout 60 qemu-aarch64 -L "$R" -strace -D "$log" "$prog" "$@" <"${STDIN:-/dev/null}" >/dev/null 2>&1)
  local seen pred miss
  seen=$(grep -oE '^[0-9]+ [a-z_0-9]+\(' "$log" | awk '{print $2}' | tr -d '(' | grep -vx restart_syscall | sort -u)
  pred=$(node "$HERE/dist/cli.js" scan -q --no-cache --format json --sysroot "$R" "$prog" | node -e 'const r=JSON.parse(require("fs").readFileSync(0));console.log(r.syscalls.map(s=>s.name).sort().join("\n"))' | sort -u)
  miss=$(comm -23 <(echo "$seen") <(echo "$pred") | tr '\n' ' ')
  printf '%-22s observed %3d predicted %3d missed: [%s]\n' "$(basename "$prog")" "$(echo "$seen" | grep -c .)" "$(echo "$pred" | grep -c .)" "$miss"
  [ -z "${miss// /}" ] || fail=1
}
check bin/dash -c 'echo hi; x=$(echo a); trap "echo t" USR1; kill -USR1 $$; cd /; exit 0'
check usr/bin/sqlite3 :memory: 'create table t(a); insert into t values(1); select * from t;'
check usr/bin/xz -k -f -z "$D/a.txt"
check bin/grep -r hello "$D"
check usr/bin/ninja -C "$D"
check bin/ls -la "$D"
check usr/bin/sort --parallel=2 -S 1M "$D/big.bin" -o "$D/sorted"
check usr/bin/sha256sum "$D/big.bin"
check bin/cp -a "$D/a.txt" "$D/b.txt"
check usr/bin/timeout 1 "$R/bin/sleep" 3
check usr/bin/pigz -k -f -p 2 "$D/big.bin"
check bin/bzip2 -k -f "$D/a.txt"
check bin/dd if="$D/big.bin" of="$D/dd.out" bs=64k
check usr/bin/stat "$D"
# a Go program (its runtime's own syscall conventions)
STDIN="$D/list.txt" check usr/bin/fzf --filter=12
exit $fail
