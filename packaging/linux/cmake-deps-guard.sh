#!/usr/bin/env bash
# After CMake has configured a build, check that every CMake package it found comes from a
# Debian package the quickstart installs, or from one of their dependencies (Depends and
# Pre-Depends: the quickstart installs with --no-install-recommends, so Recommends do not
# count). A package this machine happens to have for another reason would make the build pass
# here and fail on a fresh machine; this names it instead.
#
#   cmake-deps-guard.sh BUILD_DIR PACKAGE...
#
# Exit 0 when all found packages are accounted for, 1 naming each one that is not, 2 on misuse.
# Reads only dpkg's database of installed packages: no network, about a second.
set -euo pipefail

if [ $# -lt 2 ] || [ ! -f "$1/CMakeCache.txt" ]; then
    echo "usage: $0 BUILD_DIR PACKAGE... (BUILD_DIR must hold a configured CMakeCache.txt)" >&2
    exit 2
fi
build_dir="$1"
shift

# Every installed package with what it provides and what it needs, one line each:
#   name <TAB> provides <TAB> depends, pre-depends
installed=$(dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Provides}\t${Depends}, ${Pre-Depends}\n' \
    | awk -F'\t' '$1 ~ /^ii/ { print $2 "\t" $3 "\t" $4 }')

# The closure of the given packages over installed dependencies. An alternative ("a | b") or a
# virtual package counts through whichever installed package satisfies it.
closure=$(awk -F'\t' -v seeds="$*" '
    function bare(item) {            # "libfoo:any (>= 1.2) [amd64]" -> "libfoo"
        sub(/^[ \t]+/, "", item); sub(/[ \t(\[].*$/, "", item); sub(/:.*$/, "", item)
        return item
    }
    {
        pkg = $1; isInstalled[pkg] = 1; deps[pkg] = $3
        n = split($2, provided, ",")
        for (i = 1; i <= n; i++) {
            v = bare(provided[i])
            if (v != "") providers[v] = providers[v] " " pkg
        }
    }
    END {
        n = split(seeds, queue, " "); head = 1
        for (i = 1; i <= n; i++) wanted[queue[i]] = 1
        while (head <= n) {
            pkg = queue[head++]
            if (!(pkg in isInstalled)) continue
            groups = split(deps[pkg], group, ",")
            for (g = 1; g <= groups; g++) {
                alts = split(group[g], alt, "|")
                for (a = 1; a <= alts; a++) {
                    name = bare(alt[a])
                    if (name == "") continue
                    candidates = name
                    if (name in providers) candidates = candidates providers[name]
                    c = split(candidates, cand, " ")
                    for (k = 1; k <= c; k++) {
                        if ((cand[k] in isInstalled) && !(cand[k] in wanted)) {
                            wanted[cand[k]] = 1; queue[++n] = cand[k]
                        }
                    }
                }
            }
        }
        for (pkg in wanted) print pkg
    }' <<<"$installed")

declare -A inClosure
while IFS= read -r pkg; do
    [ -n "$pkg" ] && inClosure["$pkg"]=1
done <<<"$closure"

# What CMake found: NAME_DIR=<directory> entries that exist, and in each the package's config
# file (NAMEConfig.cmake or name-config.cmake), whose owner is the package that provides it.
declare -A dirOf
while IFS='=' read -r key value; do
    name="${key%%:*}"
    name="${name%_DIR}"
    [ -d "$value" ] || continue
    # The build tree itself (CMAKE_CACHEFILE_DIR; CPack writes CPackConfig.cmake there) is no
    # package.
    case "$(readlink -f "$value")/" in "$(readlink -f "$build_dir")"/*) continue ;; esac
    file=""
    for candidate in "$value/${name}Config.cmake" "$value/${name,,}-config.cmake"; do
        if [ -f "$candidate" ]; then file="$candidate"; break; fi
    done
    [ -n "$file" ] || file=$(find "$value" -maxdepth 1 \( -name '*Config.cmake' -o -name '*-config.cmake' \) | sort | head -n 1)
    [ -n "$file" ] || continue
    dirOf["$(readlink -f "$file")"]="$name"
done < <(grep -E '^[A-Za-z0-9_.+-]+_DIR:[A-Z]+=' "$build_dir/CMakeCache.txt" | sed 's/:[A-Z]*=/=/')

if [ ${#dirOf[@]} -eq 0 ]; then
    echo "cmake-deps-guard: no CMake packages found in $build_dir/CMakeCache.txt" >&2
    exit 2
fi

# One dpkg -S call for all files: "pkg[:arch][, pkg2...]: /path"
owners=$(dpkg -S "${!dirOf[@]}" 2>/dev/null || true)

problems=0
for file in "${!dirOf[@]}"; do
    line=$(awk -v f="$file" 'index($0, ": " f) && substr($0, length($0) - length(f) + 1) == f { print; exit }' <<<"$owners")
    if [ -z "$line" ]; then
        echo "cmake-deps-guard: CMake found ${dirOf[$file]} at $file, which no Debian package installed; a fresh machine will not have it" >&2
        problems=1
        continue
    fi
    packagesOwning=$(tr ',' '\n' <<<"${line%%: /*}" | sed 's/^ *//; s/:.*$//')
    ok=0
    for pkg in $packagesOwning; do
        if [ -n "${inClosure[$pkg]:-}" ]; then ok=1; break; fi
    done
    if [ "$ok" -eq 0 ]; then
        echo "cmake-deps-guard: CMake found ${dirOf[$file]} in Debian package '${packagesOwning%%$'\n'*}'," \
             "which the quickstart does not install and nothing it installs depends on; add it to the package list" >&2
        problems=1
    fi
done
if [ "$problems" -ne 0 ]; then
    exit 1
fi
echo "cmake-deps-guard: all ${#dirOf[@]} CMake packages come from the installed package list"
