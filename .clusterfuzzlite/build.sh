#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build: every target of fuzz/targets.tsv, with its seed corpus
# (corpora/<format>/ and corpora/regressions/<target>/) and its dictionary.
cd "$SRC/rtcspec"
cargo fuzz build -O --debug-assertions
release=fuzz/target/x86_64-unknown-linux-gnu/release
grep -v '^#' fuzz/targets.tsv | while IFS=$'\t' read -r name seeds dict; do
  cp "$release/$name" "$OUT/"
  if [ "$dict" != "-" ]; then cp "fuzz/dict/$dict" "$OUT/$name.dict"; fi
  dirs=()
  if [ "$seeds" != "-" ]; then
    IFS=, read -ra folders <<< "$seeds"
    for f in "${folders[@]}"; do dirs+=("corpora/$f"); done
  fi
  [ -d "corpora/regressions/$name" ] && dirs+=("corpora/regressions/$name")
  if [ ${#dirs[@]} -gt 0 ]; then
    find "${dirs[@]}" -type f -print0 | xargs -0 zip -q -j "$OUT/${name}_seed_corpus.zip"
  fi
done
