#!/usr/bin/env bash
# Runs grafanalint for the action and sets its outputs.
#
# In: INPUT_PATHS and INPUT_ARGS (several per line, quoted as in a shell:
#     "a b", 'a b', a\ b; never evaluated), INPUT_SARIF_FILE,
#     INPUT_UPLOAD_SARIF, GRAFANALINT_MATCHER, RUNNER_TEMP.
# Out: findings, errors, warnings, infos, sarif-file and exit-code in
#      $GITHUB_OUTPUT; the step fails with grafanalint's exit code.
set -euo pipefail

# words parses shell-style words ("a b", 'a b', a\ b, several per line)
# into the array "words" with xargs, which understands quotes and
# backslashes but runs nothing the input says. (No namerefs or mapfile:
# macOS runners may run bash 3.2.)
words() {
  words=()
  if [[ "$1" =~ ^[[:space:]]*$ ]]; then
    return 0
  fi
  local out err w
  out="$(mktemp)"
  err="$(mktemp)"
  if ! printf '%s\n' "$1" | xargs printf '%s\0' >"$out" 2>"$err"; then
    echo "::error title=grafanalint::cannot read the $2 input: $(head -n 1 "$err")"
    rm -f "$out" "$err"
    return 1
  fi
  while IFS= read -r -d '' w; do
    words+=("$w")
  done <"$out"
  rm -f "$out" "$err"
}

words "${INPUT_ARGS:-}" args
extra=(${words[@]+"${words[@]}"})
words "${INPUT_PATHS:-}" paths
paths=(${words[@]+"${words[@]}"})
[ "${#paths[@]}" -gt 0 ] || paths=(.)

# The user's --format wins; the problem matcher reads text and oneline.
format=""
for ((i = 0; i < ${#extra[@]}; i++)); do
  case "${extra[i]}" in
    --format=*) format="${extra[i]#--format=}" ;;
    --format) format="${extra[i + 1]:-}" ;;
  esac
done
args=()
if [ -z "$format" ]; then
  format=oneline
  args+=(--format oneline)
fi
matcher=false
if [ "$format" = oneline ] || [ "$format" = text ]; then
  matcher=true
fi

tmp="${RUNNER_TEMP:-/tmp}"
report="$(mktemp "$tmp/grafanalint-XXXXXX")"
args+=(--output "json=$report")
sarif="${INPUT_SARIF_FILE:-}"
if [ -z "$sarif" ] && [ "${INPUT_UPLOAD_SARIF:-false}" = true ]; then
  sarif="$tmp/grafanalint.sarif"
fi
if [ -n "$sarif" ]; then
  args+=(--output "sarif=$sarif")
fi

if $matcher; then
  echo "::add-matcher::${GRAFANALINT_MATCHER}"
fi
set +e
grafanalint "${args[@]}" ${extra[@]+"${extra[@]}"} "${paths[@]}"
code=$?
set -e
if $matcher; then
  echo "::remove-matcher owner=grafanalint::"
  echo "::remove-matcher owner=grafanalint-info::"
fi

# Counts from the JSON report's summary (absent when grafanalint stopped
# before reporting: a usage error).
count() { grep -o "\"$1\": *[0-9]*" "$report" | head -n 1 | grep -o '[0-9]*$' || true; }
errors="$(count errors)"
warnings="$(count warnings)"
infos="$(count infos)"
findings=""
if [ -n "$errors" ]; then
  findings=$((errors + warnings + infos))
fi
rm -f "$report"
[ -f "$sarif" ] || sarif=""
{
  echo "findings=$findings"
  echo "errors=$errors"
  echo "warnings=$warnings"
  echo "infos=$infos"
  echo "sarif-file=$sarif"
  echo "exit-code=$code"
} >> "$GITHUB_OUTPUT"
exit "$code"
