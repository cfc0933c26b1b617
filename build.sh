#!/usr/bin/env bash
# NeuroDyn's one entry point. Each command does its own set-up (idempotent, quick when already done).
#   ./build.sh tutorial [OPTIONS]  run every tutorial chapter, writing out/: on its defaults, --full (full quality) or --quick
#                                  (seconds, into out/quick/); the options go to every chapter (--out DIR, --data FILE, --seed N)
#   ./build.sh test                run all tests (Expecto; exit code is the verdict)
#   ./build.sh bench [NAME]        run the speed benchmarks (all, or one), writing out/bench/NAME.json
#   ./build.sh bench-compare REV [--runs N] [NAME ...]   run REV's benchmarks and this checkout's in alternation (N rounds,
#                                  default 5) and compare their medians (out/bench-compare/REV/comparison.json)
#   ./build.sh pack [--version V] [--output DIR]   write the NuGet package NeuroDyn.Core and its symbols (default out/packages)
#   ./build.sh docs [DIR]          write the API reference (one page per namespace and type) into DIR (default out/book/api)
#   ./build.sh setup               only the set-up: apt packages, tools, packages, load scripts, build
# NEURODYN_OUTPUT_ROOT=DIR puts out/ and data/ under DIR instead of the repository.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\033[1m[neurodyn]\033[0m %s\n' "$*" >&2; }

# Debian packages the tutorial and the tests need: numpy (.npy/.npz interoperability), chromium (static figures, page checks),
# KaTeX (maths in the pages); the tests also load a saved network in PyTorch (python3-torch) and run a sweep's exported command
# lines with GNU parallel (parallel).
APT_PACKAGES=(python3-numpy chromium libjs-katex)
TEST_APT_PACKAGES=(python3-torch parallel)

apt_setup() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null; then
        log "missing system packages ${missing[*]} and no apt-get: install them by hand"; return 0
    fi
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    log "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

dotnet_setup() {
    dotnet tool restore >/dev/null
    if [ ! -f .paket/load/net10.0/main.group.fsx ] || [ paket.lock -nt .paket/load/net10.0/main.group.fsx ]; then
        log "restoring packages and generating F# load scripts"
        dotnet paket restore
        dotnet paket generate-load-scripts --framework net10.0 --type fsx >/dev/null
        touch .paket/load/net10.0/main.group.fsx
    fi
    log "building (Release)"
    dotnet build NeuroDyn.sln -c Release -nologo -clp:ErrorsOnly -v:q
}

setup() { apt_setup "${APT_PACKAGES[@]}" "$@"; dotnet_setup; }

# The book's API reference: one page per namespace and type of the core, from its XML documentation comments (a few seconds).
api_reference() {
    local began=$SECONDS
    dotnet fsi scripts/api_reference.fsx --out "$1"
    log "API reference in $1 in $((SECONDS - began)) s"
}

cmd="${1:-help}"; shift || true
case "$cmd" in
    setup) setup ;;
    test)
        setup "${TEST_APT_PACKAGES[@]}"
        dotnet tests/bin/Release/net10.0/NeuroDyn.Tests.dll "$@" ;;
    tutorial)
        setup
        # where the chapters write (as Output.fsx decides): --out, else out/ or out/quick/ below the output root
        out="${NEURODYN_OUTPUT_ROOT:-.}/out"; [[ " $* " == *" --quick "* ]] && out="$out/quick"
        args=("$@"); for ((k = 0; k + 1 < ${#args[@]}; k++)); do [ "${args[$k]}" = --out ] && out="${args[$((k + 1))]}"; done
        [[ " $* " == *" --help "* ]] || api_reference "$out/book/api"   # first, so that the chapter pages link the types they use
        chapters=(scripts/[0-9][0-9]_*.fsx)
        start=$SECONDS
        for i in "${!chapters[@]}"; do
            chapter="${chapters[$i]}"; began=$SECONDS
            log "[$((i + 1))/${#chapters[@]}] $(basename "$chapter" .fsx)"
            dotnet fsi "$chapter" -- "$@"   # after --, fsi passes every option (--help too) to the chapter
            log "[$((i + 1))/${#chapters[@]}] $(basename "$chapter" .fsx) done in $((SECONDS - began)) s"
        done
        log "tutorial finished in $((SECONDS - start)) s"
        if [ -f "$out/05_synthesis.md" ]; then cat "$out/05_synthesis.md"; fi
        log "the book: $out/book/index.html (each chapter also as $out/NN_name.html; figures in $out/figures/)" ;;
    docs)
        setup
        api_reference "${1:-${NEURODYN_OUTPUT_ROOT:-.}/out/book/api}" ;;
    bench)
        setup
        dotnet bench/bin/Release/net10.0/NeuroDyn.Bench.dll "$@" ;;
    bench-compare)
        rev="${1:?bench-compare needs the revision to compare with, e.g. ./build.sh bench-compare v0.1.0}"; shift
        runs=5; names=()
        while [ $# -gt 0 ]; do
            case "$1" in
                --runs) runs="${2:?--runs needs a number of rounds}"; shift 2 ;;
                *) names+=("$1"); shift ;;
            esac
        done
        setup
        commit=$(git rev-parse --verify "$rev^{commit}") || { log "bench-compare: '$rev' is not a revision of this repository"; exit 2; }
        out="${NEURODYN_OUTPUT_ROOT:-.}/out/bench-compare/$rev"; earlier="$out/source"
        if [ ! -f "$earlier/bench/bin/Release/net10.0/NeuroDyn.Bench.dll" ]; then
            log "building $rev in $earlier"
            rm -rf "$earlier"; git clone -q . "$earlier"; git -C "$earlier" checkout -q "$commit"
            (cd "$earlier" && ./build.sh setup)
        fi
        # by default every benchmark the earlier build has (it lists them when asked for an unknown one)
        if [ ${#names[@]} -eq 0 ]; then
            read -r -a names <<< "$(dotnet "$earlier/bench/bin/Release/net10.0/NeuroDyn.Bench.dll" --list 2>&1 | sed -n 's/.*known: //p' | tr -d ,)"
        fi
        rm -rf "$out/before" "$out/after"
        for ((round = 1; round <= runs; round++)); do
            # the order flips every round, so that a machine getting faster or slower favours neither build
            sides=(before after); [ $((round % 2)) -eq 0 ] && sides=(after before)
            for name in "${names[@]}"; do
                for side in "${sides[@]}"; do
                    log "round $round/$runs: $name ($side)"
                    dll=bench/bin/Release/net10.0/NeuroDyn.Bench.dll; [ "$side" = before ] && dll="$earlier/$dll"
                    NEURODYN_OUT="$out/$side/run$round" dotnet "$dll" "$name" > "$out/$side.$name.$round.log"
                done
            done
        done
        NEURODYN_OUT="$out" dotnet bench/bin/Release/net10.0/NeuroDyn.Bench.dll compare "$out/before" "$out/after" ;;
    pack)
        version=""; output=out/packages
        while [ $# -gt 0 ]; do
            case "$1" in
                --version) version="${2:?--version needs a value, e.g. 0.2.0 or 0.2.0-beta.1}"; shift 2 ;;
                --output) output="${2:?--output needs a folder}"; shift 2 ;;
                *) log "pack: unknown option '$1' (it takes --version V and --output DIR)"; exit 2 ;;
            esac
        done
        dotnet tool restore >/dev/null
        # a private build folder, so packing never rewrites the build that the tests and chapters load
        build=$(mktemp -d); trap 'rm -rf "$build"' EXIT
        commit=$(git rev-parse HEAD 2>/dev/null || true); url=$(git remote get-url origin 2>/dev/null || true)
        dotnet pack core/NeuroDyn.Core.csproj -c Release -nologo -clp:ErrorsOnly -v:q -o "$output" \
            -p:OutputPath="$build/bin/" -p:IntermediateOutputPath="$build/obj/" \
            ${version:+-p:Version="$version"} ${commit:+-p:RepositoryCommit="$commit"} ${url:+-p:RepositoryUrl="$url"}
        log "packages in $output: $(cd "$output" && ls NeuroDyn.Core.*nupkg | tr '\n' ' ')" ;;
    *)
        sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
