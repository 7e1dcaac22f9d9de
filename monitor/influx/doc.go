// Package influx keeps the history of every reading in InfluxDB: a Sink
// encodes pdu.Results as line protocol (measurements pdu, pdu_phase,
// pdu_bank, pdu_outlet, ats and poll, tagged by site, pdu, phase, bank,
// outlet, device, feed and rack, values in SI units) and writes them
// through influxdb-client-go's v2 write API — InfluxDB 2.x and Cloud
// (org, bucket, token) and InfluxDB 1.8+ through its compatibility API
// (bucket "db/rp", token "user:password") alike.
//
// Polling never waits for InfluxDB: Write only queues, and a background
// writer (Run) sends. When InfluxDB is down or slow the points go to a
// bounded on-disk spool that is replayed in order when it answers again;
// what a full spool has to drop is counted, and Stats and Healthy tell
// the monitor so that it can raise an alert.
//
// The package imports inventory and pdu, never planner, web or simulator.
// influxtest starts a real influxd for the tests.
package influx
