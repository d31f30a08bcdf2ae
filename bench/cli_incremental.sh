#!/usr/bin/env bash
# 1,000 new records into a linked 1M roll, through the CLI: copies a linked db (and its linker
# cache) to a scratch dir, imports the first 1,000 rows of the world's official list under a new
# source name (records that mostly match persons already in the roll), and times `tally link`.
# Usage: bench/cli_incremental.sh WORLD_DIR [BIN] [REPEATS]
#   WORLD_DIR: a dir with tally.db (imported and linked), tally.db.linker and ua_official_killed.csv
set -euo pipefail
world=$1
bin=${2:-target/release/tally}
reps=${3:-3}
scratch=${SCRATCH:-bench/out/cli_incremental}
mkdir -p "$scratch"
head -1001 "$world/ua_official_killed.csv" > "$scratch/new1k.csv"
# The base: the linked db plus 1,000 other rows linked by this binary, so that the linker
# cache next to it is one this binary wrote (a cache of another format is ignored).
(head -1; sed -n '1002,2001p') < "$world/ua_official_killed.csv" > "$scratch/pre1k.csv"
mkdir -p "$scratch/base"
rm -f "$scratch"/base/tally.db*
cp "$world/tally.db" "$scratch/base/tally.db"
"$bin" import "$scratch/pre1k.csv" --db "$scratch/base/tally.db" --source ua_pre --kind official_list >/dev/null
"$bin" link --db "$scratch/base/tally.db" --json > "$scratch/base/link.json"
echo "base: $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['linker_cache'])" "$scratch/base/link.json")"
for i in $(seq 1 "$reps"); do
  rm -f "$scratch"/tally.db*
  cp "$scratch"/base/tally.db* "$scratch/"
  "$bin" import "$scratch/new1k.csv" --db "$scratch/tally.db" --source ua_update --kind official_list >/dev/null
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  start=$(date +%s.%N)
  /usr/bin/time -f '%e s wall, %M KB peak' "$bin" link --db "$scratch/tally.db" --json > "$scratch/link$i.json" 2> "$scratch/time$i.txt"
  end=$(date +%s.%N)
  echo "run $i: $(tail -1 "$scratch/time$i.txt") (load $load)"
  python3 - "$scratch/link$i.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("  new", s["new_records"], "roll", s["roll"], "| cache:", s["linker_cache"])
print("  " + ", ".join(f'{x["step"]} {x["seconds"]:.3f}' for x in s["steps"]))
PY
done
ls -la "$scratch"/tally.db.linker* 2>/dev/null || true
