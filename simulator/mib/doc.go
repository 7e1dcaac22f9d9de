// Package mib holds what a simulated SNMP agent serves: object
// identifiers, typed values and ordered tables of them that answer GET,
// GETNEXT and SET the way a real agent does.
//
// It imports no other feedplan package; the simulator's profiles and the
// recording replayer build Tables, and the agent serves them.
package mib
