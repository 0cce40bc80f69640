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
# The branch is untrusted input, both ways: fetch refuses a branch holding anything but the archive's
# layout (editions.json, index.html and <id>/ folders of an edition's files), every entry a plain file
# (no symbolic link, no submodule), before it unpacks a byte; push refuses the same in what it would
# commit, and any edition folder editions.json does not list. push refuses a commit in which any
# file of the branch's last commit is missing or different (compared entry by entry: mode, blob and
# path; a deleted or moved edition cannot pass for a rename): an edition, once published, stays as
# it was (only editions.json and index.html, the index, may change). It pushes without --force, so
# two deploys racing each other fail instead of losing an edition.
# EDITIONS_REMOTE (default origin) and EDITIONS_BRANCH (default editions) name where it lives.
set -euo pipefail
cmd=${1:-}
dir=${2:-_editions}
remote=${EDITIONS_REMOTE:-origin}
branch=${EDITIONS_BRANCH:-editions}
ref="refs/remotes/$remote/$branch"

# The archive's layout (analysis/review/archive.py checks the same): the index, and edition folders
# named by date (2026-12-03, 2026-12-03-2) holding only an edition's files.
EDITION_ID='[0-9]{4}-[0-9]{2}-[0-9]{2}(-[2-9]|-[1-9][0-9]+)?'
LAYOUT="^(editions\.json|index\.html|$EDITION_ID/(index\.html|index\.pdf|boston-report-data\.zip|edition\.json|changes\.html))\$"
INDEX_FILES=(editions.json index.html)

fetch_branch() {
  git fetch --quiet "$remote" "+refs/heads/$branch:$ref" 2>/dev/null
}

# Every entry of a tree that is not a plain file of the layout, one per line ("mode path"); empty
# when the tree is an archive. A symbolic link is mode 120000, a submodule 160000.
strangers() {
  git ls-tree -r -z --full-tree "$1" | while IFS= read -r -d '' line; do
    mode=${line%% *}
    path=${line#*$'\t'}
    if { [ "$mode" != 100644 ] && [ "$mode" != 100755 ]; } || ! printf '%s' "$path" | grep -q -E "$LAYOUT"; then
      printf '%s %q\n' "$mode" "$path"
    fi
  done
}

refuse_strangers() {  # tree, what
  local found
  found=$(strangers "$1")
  if [ -n "$found" ]; then
    echo "editions: refusing $2: it holds what an editions archive never holds (mode 120000 is a symbolic link," >&2
    echo "  160000 a submodule; the layout is editions.json, index.html and <YYYY-MM-DD[-N]>/ with an edition's files):" >&2
    echo "$found" | head -20 | sed 's/^/  /' >&2
    exit 1
  fi
}

case "$dir" in
  ""|"."|".."|"/"|*/..|../*|*/../*|/*) echo "editions: $dir is not a folder this script may replace (a relative path inside the checkout)" >&2; exit 2 ;;
esac

case "$cmd" in
  fetch)
    rm -rf "$dir"
    mkdir -p "$dir"
    if fetch_branch; then
      refuse_strangers "$ref" "$remote/$branch"
      git archive "$ref" | tar -x --no-same-owner -C "$dir"
      odd=$(find "$dir" -mindepth 1 ! -type f ! -type d)
      if [ -n "$odd" ]; then echo "editions: unpacked something that is neither file nor folder: $odd" >&2; rm -rf "$dir"; exit 1; fi
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
    refuse_strangers "$tree" "to push $dir/"
    listed=$(git cat-file blob "$tree:editions.json" | python3 -c 'import json, sys; print("\n".join(e["id"] for e in json.load(sys.stdin)["editions"]))') \
      || { echo "editions: refusing to push: $dir/editions.json is not an editions index" >&2; exit 1; }
    unlisted=$(git ls-tree --name-only -d "$tree" | grep -v -x -F -f <(printf '%s\n' "$listed") || true)
    if [ -n "$unlisted" ]; then
      echo "editions: refusing to push: edition folder(s) that editions.json does not list (an interrupted run left them):" >&2
      echo "$unlisted" | sed 's/^/  /' >&2
      exit 1
    fi
    if [ -n "$parent" ] && [ "$(git rev-parse "$parent^{tree}")" = "$tree" ]; then
      echo "editions: $remote/$branch already holds every edition in $dir/; nothing to push"
      exit 0
    fi
    if [ -n "$parent" ]; then
      # Every entry (mode, blob, path) of the last published commit must be in the new tree, the
      # index excepted: entry by entry, not `git diff`, whose rename detection lets a deleted
      # edition pass as renamed when a similar one is added.
      lost=$(comm -z -23 <(git ls-tree -r -z --full-tree "$parent" | sort -z) <(git ls-tree -r -z --full-tree "$tree" | sort -z) \
        | tr '\0' '\n' | cut -f2- | grep -v -x -F "${INDEX_FILES[@]/#/-e}" || true)
      if [ -n "$lost" ]; then
        echo "editions: refusing to push: it would delete, move or rewrite published files:" >&2
        echo "$lost" | sed 's/^/  /' >&2
        exit 1
      fi
      added=$(comm -z -13 <(git ls-tree -r -z --full-tree "$parent" | sort -z) <(git ls-tree -r -z --full-tree "$tree" | sort -z) \
        | tr '\0' '\n' | cut -f2- | grep / | cut -d/ -f1 | sort -u | tr '\n' ' ')
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
