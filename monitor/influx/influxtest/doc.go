// Package influxtest starts a real InfluxDB 1.8 server for tests, as
// net/http/httptest starts an HTTP server: on loopback, on free ports,
// with every file under the test's temporary directory, database
// "feedplan" created, stopped (by its process id) when the test ends.
//
// The server is the one `make influxd` builds (scripts/influxd.sh) into
// .cache/bin/influxd at the root of the module, or the one the
// environment variable FEEDPLAN_INFLUXD names. A test that needs it and
// does not find it fails, saying so: it is never skipped.
//
// influxtest imports only the standard library.
package influxtest
