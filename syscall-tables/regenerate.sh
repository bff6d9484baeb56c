#!/bin/sh
# Regenerates the shipped Unikraft tables, one per release, from a unikraft checkout and the
# external repos merged into them (see README.md). Usage: regenerate.sh UPSTREAM_DIR
# UPSTREAM_DIR holds git clones: unikraft app-elfloader lib-lwip, and for v0.18.0 unikraft-mpp-opsy (a fork of
# unikraft/unikraft holding its v0.18.0 release commit) and docs (unikraft/docs). Needs `npm run build` first.
set -eu
UP=${1:?usage: regenerate.sh UPSTREAM_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
CLI="node $HERE/../dist/cli.js"
# an extra repo is merged at its newest tag not newer than the release (its own RELEASE-x tag when
# it has one); for the newest release at its default branch head
extra_at() { # repo tag newest|old
  if [ "$3" = newest ]; then
    git -C "$UP/$1" checkout -q "$(git -C "$UP/$1" symbolic-ref -q --short refs/remotes/origin/HEAD)"
  else
    if git -C "$UP/$1" rev-parse -q --verify "refs/tags/$2" >/dev/null; then T=$2
    else T=$( (git -C "$UP/$1" tag -l 'RELEASE-*'; echo "$2") | sort -V | sed -n "/^$2\$/q;p" | tail -1); fi
    [ -n "$T" ] || return 0
    git -C "$UP/$1" checkout -q "$T"
  fi
  echo "--extra $UP/$1"
}
NEWEST=$(git -C "$UP/unikraft" tag -l 'RELEASE-*' --sort=v:refname | tail -1)
for TAG in $(git -C "$UP/unikraft" tag -l 'RELEASE-*' --sort=v:refname); do
  git -C "$UP/unikraft" checkout -q "$TAG"
  [ -d "$UP/unikraft/lib/syscall_shim" ] || { echo "skip $TAG: no syscall_shim" >&2; continue; }
  N=old; [ "$TAG" = "$NEWEST" ] && N=newest
  EXTRA="$(extra_at app-elfloader "$TAG" $N) $(extra_at lib-lwip "$TAG" $N)"
  # shellcheck disable=SC2086
  $CLI tables sync --out "$HERE" --unikraft "$UP/unikraft" $EXTRA
done
# v0.18.0: the unikraft snapshot stops before RELEASE-0.18.0; the release commit unikraft/docs names
# (content/releases/v0.18.0.mdx) is in the fork mpp-opsy/unikraft. --release-notes checks HEAD is that commit.
if [ -d "$UP/unikraft-mpp-opsy" ] && [ -d "$UP/docs" ]; then
  git -C "$UP/unikraft-mpp-opsy" checkout -q 424eb3d920bfbe9ca0dc269750fba4a989ead184
  EXTRA="$(extra_at app-elfloader RELEASE-0.18.0 old) $(extra_at lib-lwip RELEASE-0.18.0 old)"
  # shellcheck disable=SC2086
  $CLI tables sync --out "$HERE" --unikraft "$UP/unikraft-mpp-opsy" --repo https://github.com/mpp-opsy/unikraft \
    --release-notes "$UP/docs" $EXTRA
fi
