# Sourced by the direct-compression sweeps (factors-dc.sh, factors-lenet5-dc.sh): runs one plan per configuration
# unless its run has finished, and appends a table row from each run's report.json.
#
# dc_sweep OUT TABLE WEIGHTS DISTANCE_DECIMALS WRITE_PLAN CONFIG...
#   OUT: the folder of the runs (one sub-folder each); TABLE: the Markdown file to append the table to, after the
#   intro the caller wrote; WEIGHTS: how many weights the compressed view holds (for bits per weight);
#   WRITE_PLAN: a function called as WRITE_PLAN COMPRESSION_JSON RUN_FOLDER that prints the run's plan;
#   CONFIG: "budget|label|compression JSON".
dc_sweep() {
  local out="$1" table="$2" weights="$3" decimals="$4" write_plan="$5"
  shift 5
  {
    echo "| bits/weight budget | compression | Θ bits | bits/weight | ‖W − Δ(Θ)‖² | DC test error | bytes on disk |"
    echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
  } >> "$table"
  local config budget label compression name run
  for config in "$@"; do
    IFS='|' read -r budget label compression <<< "$config"
    name="$(echo "$budget-$label" | tr -c 'A-Za-z0-9.=\n-' '-' | tr -s '-')"
    run="$out/$name"
    if [ ! -f "$run/report.json" ]; then
      rm -rf "$run"
      "$write_plan" "$compression" "$run" > "$out/$name.json"
      nice -n 5 bin/tf-lc compress --plan "$out/$name.json" > "$out/$name.log" 2>&1
    fi
    jq -r --arg budget "$budget" --arg what "$label" --argjson n "$weights" --argjson d "$decimals" '
      .direct_compression as $dc | $dc.tasks[0] as $t | (pow(10; $d)) as $r |
      "| \($budget) | \($what) | \($t.bits) | \($t.bits / $n * 1000 | round / 1000) | \($t.distance * $r | round / $r) | " +
      "\($dc.test_error * 10000 | round / 100)% | \(.size.direct_compression_bytes.total) |"' "$run/report.json" >> "$table"
  done
}
