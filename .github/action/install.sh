#!/usr/bin/env bash
# Installs grafanalint into $DIR and puts it on PATH: the release archive,
# verified against the release's checksums.txt, or (method go) a build with
# go install. A binary already in $DIR (restored by actions/cache, or left
# in the tool cache of a self-hosted runner) is used as it is.
#
# In: VERSION, METHOD, ARCHIVE, DIR (from resolve.sh), GRAFANALINT_RELEASES.
set -euo pipefail

releases="${GRAFANALINT_RELEASES:-https://github.com/grafanalint/grafanalint/releases}"
exe=grafanalint
case "$ARCHIVE" in *_windows_*) exe=grafanalint.exe ;; esac

if [ -x "$DIR/$exe" ]; then
  echo "grafanalint $VERSION is cached in $DIR"
elif [ "$METHOD" = go ]; then
  if ! command -v go >/dev/null; then
    echo "::error title=grafanalint::version \"$VERSION\" is not a release: building it needs Go (set the go-version input, or use a release version)"
    exit 1
  fi
  mkdir -p "$DIR"
  GOBIN="$DIR" go install "github.com/grafanalint/grafanalint/cmd/grafanalint@$VERSION"
else
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  base="$releases/download/$VERSION"
  for f in "$ARCHIVE" checksums.txt; do
    if ! curl -fsSL --retry 3 -o "$tmp/$f" "$base/$f"; then
      echo "::error title=grafanalint::cannot download $base/$f: is $VERSION a grafanalint release with a build for this runner?"
      exit 1
    fi
  done
  want="$(awk -v f="$ARCHIVE" '$2 == f || $2 == "*" f { print $1 }' "$tmp/checksums.txt")"
  if [ -z "$want" ]; then
    echo "::error title=grafanalint::checksums.txt of $VERSION lists no $ARCHIVE"
    exit 1
  fi
  if command -v sha256sum >/dev/null; then
    got="$(sha256sum "$tmp/$ARCHIVE" | cut -d' ' -f1)"
  else
    got="$(shasum -a 256 "$tmp/$ARCHIVE" | cut -d' ' -f1)"
  fi
  if [ "$got" != "$want" ]; then
    echo "::error title=grafanalint::checksum mismatch for $ARCHIVE: checksums.txt says $want, the download is $got; not installed"
    exit 1
  fi
  mkdir -p "$tmp/x"
  case "$ARCHIVE" in
    *.zip) unzip -q "$tmp/$ARCHIVE" -d "$tmp/x" ;;
    *) tar -xzf "$tmp/$ARCHIVE" -C "$tmp/x" ;;
  esac
  if [ ! -f "$tmp/x/$exe" ]; then
    echo "::error title=grafanalint::$ARCHIVE holds no $exe"
    exit 1
  fi
  mkdir -p "$DIR"
  mv "$tmp/x/$exe" "$DIR/$exe"
  chmod +x "$DIR/$exe"
fi
"$DIR/$exe" version
echo "$DIR" >> "$GITHUB_PATH"
