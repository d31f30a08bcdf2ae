#!/usr/bin/env bash
# Runs each ledger fuzz target for a bounded time (default 60 s each; FUZZ_SECONDS overrides).
# Needs: rustup nightly toolchain and `cargo install cargo-fuzz`.
# Corpora are seeded from the C2SP/RFC vectors in test_data/ledger/vectors.json.
set -euo pipefail
cd "$(dirname "$0")"
secs="${FUZZ_SECONDS:-60}"
mkdir -p corpus/note corpus/checkpoint corpus/proof
python3 - <<'PY'
import json, hashlib, os
v = json.load(open("../test_data/ledger/vectors.json"))
sn = v["signed_notes"]
def put(d, name, text):
    open(os.path.join("corpus", d, name), "w").write(text)
put("note", "c2sp", sn["c2sp_signed_note_example"]["note"])
put("note", "two", sn["go_sumdb_note_two_signers"]["note_two_signatures"])
put("note", "three", sn["three_party_handover_note_selfgenerated"]["note"])
c = sn["checkpoint_with_cosignature_selfgenerated"]
put("checkpoint", "body", c["checkpoint_body"])
put("checkpoint", "note", c["checkpoint_note"])
put("proof", "leaf5", c["tlog_proof_for_leaf_5"])
PY
for t in note checkpoint proof; do
  echo "== fuzz target $t for ${secs}s"
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=4096
done
echo "all fuzz targets ran ${secs}s each without a crash"
