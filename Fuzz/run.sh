#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a bounded time (`make fuzz`).
#
#   FUZZ_SECONDS=60        seconds per target
#   FUZZ_TARGETS="FuzzCSV FuzzGA4"   a subset (default: every directory in Fuzz/Corpus)
#   FUZZ_MERGE=1           merge inputs that add coverage into Fuzz/Corpus/<target> (capped at FUZZ_CORPUS_CAP files)
#   FUZZ_SANITIZE=fuzzer,address     the -sanitize= value (`fuzzer` alone drops AddressSanitizer: faster, sees less)
#   FUZZ_LIBFUZZER_FLAGS="…"         extra libFuzzer flags, e.g. -detect_leaks=0 or -jobs=2
#
# New inputs are kept in a scratch directory; crashes, timeouts and OOMs are written to
# Fuzz/Crashes/<target>/, where the corpus replay test (swift test) picks them up.
# Exits 1 when a target found something.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
SANITIZE=${FUZZ_SANITIZE:-fuzzer,address}
BUILD_PATH=${FUZZ_BUILD_PATH:-.build-fuzz}
LOCK=${FUZZ_BUILD_LOCK:-/tmp/swiftbuild.lock}
CAP=${FUZZ_CORPUS_CAP:-200}
SWIFT=${SWIFT:-swift}
read -r -a EXTRA <<< "${FUZZ_LIBFUZZER_FLAGS:-}"
if [ -n "${FUZZ_TARGETS:-}" ]; then read -r -a TARGETS <<< "$FUZZ_TARGETS"
else TARGETS=(); for d in Fuzz/Corpus/*/; do TARGETS+=("$(basename "$d")"); done; fi

# Largest input per target: one line for the line readers, whole files for YAML and models.
max_len() {
    case "$1" in
        FuzzGA4) echo 16384 ;;
        FuzzTaxonomy|FuzzLabelRules) echo 65536 ;;
        FuzzModelFile) echo 131072 ;;  # the bundled logistic model is 72 KB
        *) echo 4096 ;;
    esac
}

build=("$SWIFT" build --package-path Fuzz --scratch-path "$BUILD_PATH" -c release -Xswiftc "-sanitize=$SANITIZE")
echo "fuzz: ${build[*]}"
if command -v flock >/dev/null 2>&1; then flock "$LOCK" "${build[@]}"; else "${build[@]}"; fi
BIN="$BUILD_PATH/release"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/visitintent-fuzz.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export VISITINTENT_FUZZ_SCRATCH="$WORK"  # FuzzHarness writes its per-input files here
export SWIFT_BACKTRACE=enable=no  # Swift's crash handler would read freed memory under ASan and hide the real report
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"  # leaks outside VisitIntent

rows=() found=0
for t in "${TARGETS[@]}"; do
    [ -x "$BIN/$t" ] || { echo "fuzz: no binary $BIN/$t (is $t in Fuzz/Package.swift?)" >&2; exit 2; }
    crashes="Fuzz/Crashes/$t"
    mkdir -p "$crashes" "$WORK/$t"
    before=$(ls "$crashes" | sort)
    log="$WORK/$t.log"
    echo "fuzz: $t for ${SECONDS_PER_TARGET}s (max_len $(max_len "$t"))"
    start=$(date +%s)
    # New units go to the first (scratch) directory; the committed corpus is only read.
    status=0
    "$BIN/$t" "$WORK/$t" "Fuzz/Corpus/$t" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$t")" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" ${EXTRA[@]+"${EXTRA[@]}"} \
        > "$log" 2>&1 || status=$?
    elapsed=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    new=$(comm -13 <(echo "$before") <(ls "$crashes" | sort) | grep -v '^$' || true)
    count=$(printf '%s' "$new" | grep -c . || true)
    if [ "$status" -ne 0 ] && [ "$count" -eq 0 ]; then count=1; new="(exit $status, no artifact; see the log below)"; fi
    rows+=("$(printf '%-18s %7s %12s %9s %8s' "$t" "$elapsed" "${runs:-?}" "${rate:-?}" "$count")")
    if [ "$count" -gt 0 ]; then
        found=1
        echo "fuzz: $t FOUND: $new"
        grep -E 'ERROR|Fatal error|runtime error|SUMMARY|#[0-9]+ 0x' "$log" | head -25 || true
    fi
    if [ "${FUZZ_MERGE:-0}" = 1 ]; then
        have=$(ls "Fuzz/Corpus/$t" | wc -l)
        if [ "$have" -lt "$CAP" ]; then
            # Merge into a copy, then keep the smallest new inputs that fit under the cap.
            cp -r "Fuzz/Corpus/$t" "$WORK/$t.merged"
            "$BIN/$t" -merge=1 -max_len="$(max_len "$t")" "$WORK/$t.merged" "$WORK/$t" > "$WORK/$t.merge.log" 2>&1 || true
            comm -13 <(ls "Fuzz/Corpus/$t" | sort) <(ls "$WORK/$t.merged" | sort) \
                | while read -r f; do echo "$(wc -c < "$WORK/$t.merged/$f") $f"; done | sort -n | head -n $(( CAP - have )) \
                | while read -r _ f; do cp "$WORK/$t.merged/$f" "Fuzz/Corpus/$t/"; done
            echo "fuzz: $t corpus $have → $(ls "Fuzz/Corpus/$t" | wc -l) files"
        else
            echo "fuzz: $t corpus has $have files (cap $CAP); not merging"
        fi
    fi
done

echo
printf '%-18s %7s %12s %9s %8s\n' target seconds executions exec/s crashes
printf '%s\n' "${rows[@]}"
if [ "$found" -ne 0 ]; then
    echo "fuzz: findings are in Fuzz/Crashes/<target>/; replay one with .build-fuzz/release/<target> FILE, or run swift test"
    exit 1
fi
