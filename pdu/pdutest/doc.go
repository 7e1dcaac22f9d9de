// Package pdutest provides a hand-written fake of pdu.Client for driver
// tests, as net/http/httptest does for HTTP: an agent's variables in a
// map, served in OID order, with every call recorded and faults that a
// test switches on (a GET that times out, a walk that ends early).
//
// It imports only gosnmp, not pdu, so that tests inside package pdu can
// use it as well as external ones; those assert the interface with
// `var _ pdu.Client = (*pdutest.Client)(nil)`.
package pdutest
