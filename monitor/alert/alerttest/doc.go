// Package alerttest starts the real receivers of feedplan's alerts for
// tests, as net/http/httptest starts a server: Alertmanager (Debian
// package prometheus-alertmanager) and Postfix (Debian package postfix),
// each on a free 127.0.0.1 port with its configuration and storage in a
// directory of its own, answering before Start returns, and stopped by
// its PID when the test ends. It is the one place that knows how to run
// them: their flags, their configuration files and, for Postfix, which
// directories must belong to whom.
//
// A missing program fails the test, never skips it: "prometheus-
// alertmanager not found: apt-get install prometheus-alertmanager".
//
// It imports only the standard library, so that any package's tests can
// use it (the monitor's ATS switchover test checks that its alert reached
// Alertmanager).
package alerttest
