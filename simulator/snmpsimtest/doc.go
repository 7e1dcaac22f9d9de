// Package snmpsimtest starts the real snmpsimd (snmpsim 0.4.5, Debian
// package snmpsim) for tests and benchmarks, as net/http/httptest starts
// a server: on a free 127.0.0.1 UDP port, serving .snmprec recordings
// from a data directory of its own, answering before Start returns, and
// killed when the test ends. It is the one place that knows how to run
// snmpsimd: its flags, its data and cache directories, dropping root to
// nobody, and telling a slow start from a dead one.
//
// A missing snmpsimd or snmpget fails the test, never skips it: the
// comparison with the real thing is the point of these tests.
//
// It imports only the standard library, so that any package's tests can
// use it; in particular never simulator/replay, whose own tests use it.
package snmpsimtest
