#!/usr/bin/env bash
# Where the editions archive lives between deploys: the branch `editions` (no common history with
# main) holds what `_editions/` holds — one folder per published edition, editions.json and the
# editions' index page. The workflow fetches it before it builds the site and pushes it back, with
# the new edition, before it deploys; GitHub Pages then serves it under editions/.
#
#   tools/editions-branch.sh fetch [DIR]   put the branch's files in DIR (default _editions); an empty
#                                          DIR when the branch does not exist yet (the first edition)
#   tools/editions-branch.sh push [DIR]    commit DIR as the branch's next commit and push it
#
# push refuses a commit that deletes or changes an archived edition's files: an edition, once
# published, stays as it was (only editions.json and index.html, the index, may change). It pushes
# without --force, so two deploys racing each other fail instead of losing an edition.
# EDITIONS_REMOTE (default origin) and EDITIONS_BRANCH (default editions) name where it lives.
set -euo pipefail
cmd=${1:-}
dir=${2:-_editions}
remote=${EDITIONS_REMOTE:-origin}
branch=${EDITIONS_BRANCH:-editions}
ref="refs/remotes/$remote/$branch"

fetch_branch() {
  git fetch --quiet "$remote" "+refs/heads/$branch:$ref" 2>/dev/null
}

case "$dir" in
  ""|"."|".."|"/"|*/..|../*) echo "editions: $dir is not a folder this script may replace" >&2; exit 2 ;;
esac

case "$cmd" in
  fetch)
    rm -rf "$dir"
    mkdir -p "$dir"
    if fetch_branch; then
      git archive "$ref" | tar -x -C "$dir"
      echo "editions: $(find "$dir" -mindepth 1 -maxdepth 1 -type d | wc -l) edition(s) from $remote/$branch into $dir/"
    else
      echo "editions: $remote has no branch $branch yet; $dir/ starts empty (this will be the first edition)"
    fi
    ;;
  push)
    [ -f "$dir/editions.json" ] || { echo "editions: $dir/editions.json not found: build the site first (make site)" >&2; exit 1; }
    parent=""
    if fetch_branch; then parent=$(git rev-parse "$ref"); fi
    index=$(mktemp)
    rm -f "$index"
    trap 'rm -f "$index"' EXIT
    GIT_INDEX_FILE="$index" git --work-tree="$dir" add --all --force .
    tree=$(GIT_INDEX_FILE="$index" git write-tree)
    if [ -n "$parent" ] && [ "$(git rev-parse "$parent^{tree}")" = "$tree" ]; then
      echo "editions: $remote/$branch already holds every edition in $dir/; nothing to push"
      exit 0
    fi
    if [ -n "$parent" ]; then
      lost=$(git diff --name-only --diff-filter=DMT "$parent" "$tree" | grep -v -x -e editions.json -e index.html || true)
      if [ -n "$lost" ]; then
        echo "editions: refusing to push: it would delete or rewrite published files:" >&2
        echo "$lost" | sed 's/^/  /' >&2
        exit 1
      fi
      added=$(git diff --name-only --diff-filter=A "$parent" "$tree" | cut -d/ -f1 | sort -u | tr '\n' ' ')
    else
      added=$(git ls-tree --name-only -d "$tree" | tr '\n' ' ')
    fi
    commit=$(git -c user.name="${GIT_AUTHOR_NAME:-boston-report}" -c user.email="${GIT_AUTHOR_EMAIL:-boston-report@users.noreply.github.com}" \
      commit-tree "$tree" ${parent:+-p "$parent"} -m "Editions: add ${added% }")
    git push --quiet "$remote" "$commit:refs/heads/$branch"
    echo "editions: pushed ${added% } to $remote/$branch ($commit)"
    ;;
  *)
    echo "usage: tools/editions-branch.sh fetch|push [DIR]" >&2
    exit 2
    ;;
esac
