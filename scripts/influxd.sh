#!/bin/sh
# Builds the InfluxDB 1.8 server that the integration tests of
# monitor/influx start (monitor/influx/influxtest), once, into the
# gitignored .cache/bin, and prints its path. A second run finds it there
# and does nothing. FEEDPLAN_INFLUXD, when set, names a server to use
# instead: the script only checks that it runs.
#
# Building takes about a minute on a 2-core machine (longer the first
# time, when the module cache is cold).
set -eu

version=v1.8.10
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/.cache/bin
bin=$dir/influxd
stamp=$dir/influxd.version

if [ -n "${FEEDPLAN_INFLUXD:-}" ]; then
	"$FEEDPLAN_INFLUXD" version >/dev/null 2>&1 || {
		echo "influxd.sh: FEEDPLAN_INFLUXD=$FEEDPLAN_INFLUXD does not run" >&2
		exit 1
	}
	echo "$FEEDPLAN_INFLUXD"
	exit 0
fi

if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ] && "$bin" version >/dev/null 2>&1; then
	echo "$bin"
	exit 0
fi

mkdir -p "$dir"
rm -f "$stamp"
echo "influxd.sh: building influxd $version into $dir (about a minute)" >&2
start=$(date +%s)
# 'go install pkg@version' builds in module mode, outside this module's
# go.mod; GOFLAGS from the environment (-mod=vendor, say) must not leak in.
GOBIN=$dir GOFLAGS=-buildvcs=false ${GO:-go} install "github.com/influxdata/influxdb/cmd/influxd@$version" >&2
echo "$version" >"$stamp"
echo "influxd.sh: built in $(($(date +%s) - start)) s" >&2
echo "$bin"
