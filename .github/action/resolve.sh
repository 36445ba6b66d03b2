#!/usr/bin/env bash
# Resolves which grafanalint the action installs and where.
#
# In:  INPUT_VERSION (a release such as v0.1.0, "latest", or "" for the
#      action's own tag), GITHUB_ACTION_REF, RUNNER_OS, RUNNER_ARCH,
#      RUNNER_TOOL_CACHE/RUNNER_TEMP, GRAFANALINT_RELEASES (releases page,
#      for tests).
# Out: version, os, arch, archive, dir and method (release or go) in
#      $GITHUB_OUTPUT.
set -euo pipefail

releases="${GRAFANALINT_RELEASES:-https://github.com/grafanalint/grafanalint/releases}"
release_re='^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'

version="${INPUT_VERSION:-}"
if [ -z "$version" ]; then
  # uses: grafanalint/grafanalint@v0.1.0 installs v0.1.0; a branch or a
  # commit of the action installs the latest release.
  if [[ "${GITHUB_ACTION_REF:-}" =~ $release_re ]]; then
    version="$GITHUB_ACTION_REF"
  else
    version=latest
  fi
fi

method=release
if [ "$version" = latest ]; then
  # The releases page redirects /latest to /tag/<version>: no API call, no
  # rate limit, no token.
  url="$(curl -fsSL --retry 3 -o /dev/null -w '%{url_effective}' "$releases/latest")" || {
    echo "::error title=grafanalint::cannot find the latest release at $releases/latest: set the version input to a release such as v0.1.0"
    exit 1
  }
  version="${url##*/}"
  if ! [[ "$version" =~ $release_re ]]; then
    echo "::error title=grafanalint::$releases/latest led to \"$url\", not to a release tag"
    exit 1
  fi
elif [[ "$version" =~ $release_re ]]; then
  [[ "$version" == v* ]] || version="v$version"
elif [[ "$version" =~ ^[0-9A-Za-z._/-]+$ ]]; then
  # A branch or commit: no release binary exists, build it with Go.
  method=go
else
  echo "::error title=grafanalint::invalid version input \"$version\": use a release such as v0.1.0, \"latest\", or a branch or commit to build with Go"
  exit 1
fi

case "${RUNNER_OS:-$(uname -s)}" in
  Linux) os=linux ;;
  macOS | Darwin) os=darwin ;;
  Windows | MINGW* | MSYS*) os=windows ;;
  *) echo "::error title=grafanalint::no grafanalint release for runner OS \"${RUNNER_OS:-}\""; exit 1 ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
  X64 | x86_64 | amd64) arch=amd64 ;;
  ARM64 | arm64 | aarch64) arch=arm64 ;;
  *) echo "::error title=grafanalint::no grafanalint release for runner architecture \"${RUNNER_ARCH:-}\""; exit 1 ;;
esac

ext=tar.gz
[ "$os" = windows ] && ext=zip
archive="grafanalint_${version#v}_${os}_${arch}.${ext}"
dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/grafanalint/${version//\//_}/${os}-${arch}"

{
  echo "version=$version"
  echo "method=$method"
  echo "os=$os"
  echo "arch=$arch"
  echo "archive=$archive"
  echo "dir=$dir"
} >> "$GITHUB_OUTPUT"
echo "grafanalint $version for $os/$arch ($method) in $dir"
