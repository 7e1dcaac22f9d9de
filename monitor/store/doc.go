// Package store is the monitor's embedded database: alerts and their
// history, ATS switchover test results, maintenance windows and the audit
// log of every action, in one bbolt file.
//
// Every write is one bbolt read-write transaction, fsync'd on commit, and
// returns only after the commit: a nil error is the acknowledgement, and a
// kill -9 at any moment afterwards loses nothing (TestKill9LosesNothingAcknowledged
// checks it). Reads run in read-only transactions, concurrently with each
// other and with the single writer. Histories are keyed by time (the
// instant as 8 big-endian bytes, sign bit flipped so order holds before
// 1970, then an 8-byte per-bucket sequence), so "since" and "latest N"
// are cursor range scans. Values are JSON, so a field added later reads
// back as its zero value from an older file.
//
// The types here are the store's own (AlertEvent, Window, ...): the
// command converts from monitor/alert. store imports only bbolt and the
// standard library: never monitor, alert, inventory, pdu, planner, web or
// simulator.
package store
