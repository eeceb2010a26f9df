#!/usr/bin/env bash
# Builds the libFuzzer targets and fuzzes each for a while from the committed corpus (the CI smoke).
#
#   Fuzz/run.sh [seconds]        # default 30 seconds per target; the two targets run one after the other
#   FUZZ_BUILD_ONLY=1 Fuzz/run.sh
#
# Needs only the Swift toolchain (its clang runtime provides libFuzzer and ASan). The package's library
# targets are built by SwiftPM, with coverage and ASan instrumentation, into .build-fuzz; each target's
# entry file (Fuzz/Fuzz*.swift) is then compiled by swiftc and linked with their object files.
# Exits non-zero when a target finds a crash, a timeout or an out-of-memory; the input that caused it is
# left in .build-fuzz/findings/<target>/ (save it under Fuzz/regressions/<target>/ and fix the bug).
# New inputs are collected in .build-fuzz/findings/; the committed corpus is read, never written.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
scratch="${FUZZ_SCRATCH:-.build-fuzz}"
# Coverage is spelled out: -sanitize=fuzzer alone instruments the files swiftc links, not SwiftPM's library objects.
flags=(-Xswiftc -sanitize=fuzzer -Xswiftc -sanitize=address -Xswiftc -parse-as-library
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table)

# swiftc skips code generation when a file's LLVM IR is unchanged, and instrumentation is added after that
# check: objects built with other flags would stay uninstrumented. So a change of flags starts afresh.
stamp="$scratch/fuzz-flags"
if [[ -d "$scratch" && "$(cat "$stamp" 2>/dev/null)" != "${flags[*]}" ]]; then
    rm -rf "$scratch/$(uname -m)-unknown-linux-gnu" "$scratch/release" "$scratch"/build.db*
fi
mkdir -p "$scratch"; echo "${flags[*]}" > "$stamp"

echo "== building the package's libraries (instrumented) into $scratch"
swift build -c release --scratch-path "$scratch" --target MatCalc "${flags[@]}"
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)

# Objects of the library targets MatCalc depends on, and the C module the numerics shims come with.
objects() { for target in "$@"; do ls "$bin/$target.build/"*.o; done; }
shims_include=$(ls -d "$scratch"/checkouts/swift-numerics/Sources/_NumericsShims/include)
common=(-O -parse-as-library -sanitize=fuzzer,address -use-ld=lld -I "$bin/Modules" -Xcc -I -Xcc "$shims_include")

echo "== linking fuzz-expression and fuzz-npy"
mapfile -t symbolic < <(objects MatCalcSymbolic)
mapfile -t all < <(objects MatCalcSymbolic MatCalcTensor MatCalc RealModule _NumericsShims)
swiftc "${common[@]}" -module-name FuzzExpression Fuzz/FuzzExpression.swift "${symbolic[@]}" -o "$scratch/fuzz-expression"
swiftc "${common[@]}" -module-name FuzzNPY Fuzz/FuzzNPY.swift "${all[@]}" -o "$scratch/fuzz-npy"

if [[ -n "${FUZZ_BUILD_ONLY:-}" ]]; then exit 0; fi

status=0
for target in expression npy; do
    findings="$scratch/findings/$target"
    rm -rf "$findings"; mkdir -p "$findings/new"
    echo "== fuzz-$target for $seconds s"
    if ! ASAN_OPTIONS=detect_leaks=0 "$scratch/fuzz-$target" "$findings/new" "Fuzz/corpus/$target" \
        -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$findings/" 2>&1 | tail -n 40; then
        status=1
    fi
    if compgen -G "$findings/crash-*" >/dev/null || compgen -G "$findings/timeout-*" >/dev/null \
        || compgen -G "$findings/oom-*" >/dev/null || compgen -G "$findings/leak-*" >/dev/null; then
        echo "fuzz-$target found a failing input: $(ls "$findings" | grep -v '^new$' | tr '\n' ' ')" >&2
        status=1
    fi
done
exit $status
