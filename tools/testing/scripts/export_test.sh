#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# velox-ctl export against the programs that read its file: libvelox's
# text on a made-up run (tools/testing/libvelox/prometheus_test), then a
# real run in one VM (20k/s, 2 lanes), whose file comes out to the host,
# where promtool checks it, node_exporter's textfile collector serves it
# and a Prometheus server scrapes that every second; its
# histogram_quantile(0.99, ...) of the e2e histogram must agree with
# velox-ctl hist --json's p99 within the width of the fixed bucket it
# falls in.  The servers listen on free ports of 127.0.0.1, with a
# config and a store in a temporary folder, and are started while the
# VM boots; every one is killed on exit.  In the guest the file is also
# rewritten every 0.1 s while a reader counts its lines as fast as it
# can: each read must find a whole file.  KTAP, "N passed, N failed".
set -uo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: tools/testing/scripts/export_test.sh"
	exit 0 ;;
esac

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/ktap.sh"
ctl=$top/tools/velox-ctl/velox-ctl
started=$SECONDS

tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in ${pids[@]+"${pids[@]}"}; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The guest: export while the run goes on (a reader beside a rewrite
# every 0.1 s; SIGTERM ending a rewrite loop), then once after the stop,
# with hist and status beside it, each output framed by @@ markers.
cat >"$tmp/guest.sh" <<'GUEST'
d=/tmp/textfile
f=$d/velox.prom
insmod /velox.ko || exit 1
velox-ctl start --rate 20k --lanes 2 >/dev/null || exit 1
mkdir -p $d
sleep 1
velox-ctl export --textfile $f --interval 0.1 --count 20 &
w=$!
while [ ! -e $f ] && kill -0 $w 2>/dev/null; do :; done
echo @@READS
while kill -0 $w 2>/dev/null; do
	wc -l <$f
done
echo @@END
wait $w
echo "@@INTERVAL $?"
velox-ctl export --textfile $f --interval 0.2 &
w=$!
sleep 1
kill -TERM $w
wait $w
echo "@@SIGTERM $?"
velox-ctl stop >/dev/null || exit 1
velox-ctl export --textfile $f
echo "@@ONCE $?"
echo @@LS; ls -a1 $d; echo @@END
echo @@HIST; velox-ctl hist --json; echo @@END
echo @@STATUS; velox-ctl status --json; echo @@END
echo @@PROM; cat $f; echo @@END
rmmod velox
GUEST

# framed NAME: the lines between "@@NAME" and the next "@@END".
framed() {
	sed -n "/^@@$1\$/,/^@@END\$/p" "$tmp/out" | sed '1d;$d'
}
# marked NAME: the word after "@@NAME ".
marked() {
	sed -n "s/^@@$1 \([0-9]*\)\$/\1/p" "$tmp/out"
}

ktap_plan 10

if make -s -C "$top/tools/testing/libvelox" prometheus_test >"$tmp/unit" 2>&1; then
	"$top/tools/testing/libvelox/prometheus_test" >"$tmp/unit" 2>&1
	ktap_subtest prometheus_test $? "$tmp/unit"
else
	ktap_fail prometheus_test "build failed: $(cat "$tmp/unit")"
fi

# Two free ports of 127.0.0.1, for node_exporter and Prometheus.
read -r nport pport < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s:
	x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
mkdir -p "$tmp/textfile" "$tmp/tsdb"
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: velox
    static_configs:
      - targets: ['127.0.0.1:$nport']
EOF
prometheus-node-exporter --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$tmp/textfile" \
	--web.listen-address="127.0.0.1:$nport" >"$tmp/node_exporter.log" 2>&1 &
pids+=($!)
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
	--web.listen-address="127.0.0.1:$pport" >"$tmp/prometheus.log" 2>&1 &
pids+=($!)

"$top/scripts/vm.sh" --add "$tmp/guest.sh" -- sh /extra/guest.sh \
	>"$tmp/out" 2>&1
vm_rc=$?
if [ $vm_rc = 0 ]; then
	ktap_ok guest_ran_and_exported
else
	ktap_fail guest_ran_and_exported "vm.sh exit $vm_rc: $(grep -v '^@@' "$tmp/out" | tail -n 20)"
fi
# Into the collector's folder as export writes it: whole, by a rename.
framed PROM >"$tmp/velox.prom"
mv "$tmp/velox.prom" "$tmp/textfile/velox.prom"
framed HIST >"$tmp/hist.json"
framed STATUS >"$tmp/status.json"
lines=$(wc -l <"$tmp/textfile/velox.prom")

once=$(marked ONCE)
listed=$(framed LS | grep -v -x -e . -e .. | tr '\n' ' ')
if [ "$once" = 0 ] && [ "$listed" = "velox.prom " ]; then
	ktap_ok export_once_leaves_only_the_file
else
	ktap_fail export_once_leaves_only_the_file \
		"expected exit 0 and only velox.prom in its folder, got exit '$once' and: $listed"
fi

# Every read of the rewritten file found as many lines as the last one
# has (2 lanes throughout, so the file's length does not change).
reads=$(framed READS | wc -l)
torn=$(framed READS | grep -c -v -x "$lines")
if [ "$(marked INTERVAL)" = 0 ] && [ "$reads" -gt 0 ] && [ "$torn" = 0 ]; then
	ktap_ok interval_rewrites_are_read_whole
	ktap_diag "$reads reads of $lines lines"
else
	ktap_fail interval_rewrites_are_read_whole \
		"expected exit 0 and $lines lines at each read, got exit '$(marked INTERVAL)', $torn of $reads reads otherwise: $(framed READS | sort | uniq -c | tr '\n' ' ')"
fi

if [ "$(marked SIGTERM)" = 0 ]; then
	ktap_ok sigterm_ends_interval_export_with_0
else
	ktap_fail sigterm_ends_interval_export_with_0 "expected exit 0, got '$(marked SIGTERM)'"
fi

if said=$(promtool check metrics <"$tmp/textfile/velox.prom" 2>&1) && [ "$lines" -gt 100 ]; then
	ktap_ok promtool_check_metrics_accepts_the_file
else
	ktap_fail promtool_check_metrics_accepts_the_file "$lines lines; promtool: $said"
fi

# The file's own numbers against hist --json and status --json: exact.
if said=$(python3 - "$tmp/textfile/velox.prom" "$tmp/hist.json" "$tmp/status.json" <<'EOF' 2>&1
import json, sys
samples = {}
for line in open(sys.argv[1]):
    if not line.startswith("#") and line.strip():
        name, value = line.rsplit(" ", 1)
        samples[name] = value.strip()
hist = json.load(open(sys.argv[2]))
status = json.load(open(sys.argv[3]))
def secs(ns):
    return "%d.%09d" % (ns // 10**9, ns % 10**9)
want = {
    'velox_latency_seconds_count{stage="e2e"}': str(hist["count"]),
    'velox_latency_percentile_seconds{stage="e2e",percentile="p99"}': secs(hist["p99_ns"]),
    'velox_latency_percentile_seconds{stage="e2e",percentile="p99.9"}': secs(hist["p999_ns"]),
    'velox_latency_max_seconds{stage="e2e"}': secs(hist["max_ns"]),
    'velox_delivered_total': str(status["delivered"]),
    'velox_dropped_total': str(status["dropped"]),
    'velox_lane_delivered_total{lane="1"}': str(status["lanes"][1]["delivered"]),
    'velox_state{state="stopped"}': "1",
}
bad = ["%s: expected %s, got %s" % (k, v, samples.get(k)) for k, v in want.items()
       if samples.get(k) != v]
if hist["count"] == 0:
    bad.append("no e2e latency recorded")
print("; ".join(bad))
sys.exit(1 if bad else 0)
EOF
); then
	ktap_ok file_equals_hist_and_status
else
	ktap_fail file_equals_hist_and_status "$said"
fi

# Prometheus scrapes node_exporter every second: wait for the series.
query() {
	curl -s --max-time 2 "http://127.0.0.1:$pport/api/v1/query" \
		--data-urlencode "query=$1"
}
q='histogram_quantile(0.99, velox_latency_seconds_bucket{stage="e2e"})'
answer=
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ]; do
	answer=$(query "$q")
	case $answer in *'"result":[{'*) break ;; esac
	answer=
	sleep 0.2
done

curl -s --max-time 2 "http://127.0.0.1:$nport/metrics" >"$tmp/scraped"
if grep -q '^velox_latency_seconds_bucket{stage="e2e",le="+Inf"} ' "$tmp/scraped"; then
	ktap_ok node_exporter_serves_the_file
else
	ktap_fail node_exporter_serves_the_file "no velox_latency_seconds_bucket at 127.0.0.1:$nport: $(tail -n 5 "$tmp/node_exporter.log")"
fi

# Prometheus interpolates in the bucket where rank 0.99 * count falls,
# hist takes the midpoint of the log-linear bucket of that rank: both lie
# in that fixed bucket, the latter up to a log-linear bucket (1/64)
# below its lower bound when one straddles it (the fold rule).
if said=$(python3 - "$tmp/textfile/velox.prom" "$tmp/hist.json" "$answer" <<'EOF' 2>&1
import json, sys
buckets = []
for line in open(sys.argv[1]):
    if line.startswith('velox_latency_seconds_bucket{stage="e2e",le="'):
        le = line.split('le="')[1].split('"')[0]
        buckets.append((float(le), int(line.rsplit(" ", 1)[1])))
hist = json.load(open(sys.argv[2]))
if not sys.argv[3]:
    sys.exit("no answer from Prometheus")
result = json.loads(sys.argv[3])["data"]["result"]
prom = float(result[0]["value"][1])
mine = hist["p99_ns"] / 1e9
rank = 0.99 * buckets[-1][1]
k = next(i for i, b in enumerate(buckets) if b[1] >= rank)
lower = buckets[k - 1][0] if k else 0.0
upper = buckets[k][0]
width = upper - lower
print("prometheus %.9f s, hist %.9f s, bucket (%g, %g] s"
      % (prom, mine, lower, upper))
ok = lower <= prom <= upper and abs(prom - mine) <= width + lower / 64
sys.exit(0 if ok else 1)
EOF
); then
	ktap_ok prometheus_p99_agrees_with_hist
	ktap_diag "$said"
else
	ktap_fail prometheus_p99_agrees_with_hist "$said; $(tail -n 5 "$tmp/prometheus.log")"
fi

# Usage errors before any device is opened: exit 2; --help: 0.
rc=
"$ctl" export --count 3 >/dev/null 2>&1; rc="$rc $?"
"$ctl" export --interval 1 >/dev/null 2>&1; rc="$rc $?"
"$ctl" export --textfile x --interval 0.01 >/dev/null 2>&1; rc="$rc $?"
"$ctl" export --help >/dev/null 2>&1; rc="$rc $?"
if [ "$rc" = " 2 2 2 0" ]; then
	ktap_ok export_usage_errors_exit_2
else
	ktap_fail export_usage_errors_exit_2 "expected exits 2 2 2 0, got$rc"
fi

ktap_diag "wall time $((SECONDS - started)) s"
ktap_finish
