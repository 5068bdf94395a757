#!/bin/sh
# Seeds the fuzzer's corpus from the bundled documents of raw/: the first byte of an input picks a
# single file (even) or a page folder (odd, pages split at 0xFF), as fuzz_targets/pipeline.rs reads it.
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/pipeline
{ printf '\000'; head -c 6000 ../raw/lukin-russias-korea-policy.txt; } > corpus/pipeline/seed-file
{
    printf '\001'
    for page in ../raw/grenzboten-1841-pages-3-6/*.txt; do
        head -c 1500 "$page"
        printf '\377'
    done
} > corpus/pipeline/seed-pages
echo "corpus/pipeline: $(ls corpus/pipeline | wc -l) inputs"
