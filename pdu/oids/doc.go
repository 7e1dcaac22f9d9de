// Package oids holds the SNMP object identifiers, units, scales and
// enumerations of the rack PDUs and transfer switches feedplan talks to:
// the MIB-2 system group, APC PowerNet-MIB (rPDU2, the legacy rPDU and
// sPDU trees that 2G firmware serves alongside, and the rack ATS tree),
// Raritan PDU2-MIB, ServerTech Sentry4-MIB and EATON-EPDU-MIB.
//
// The pdu drivers read real hardware with these tables and the simulator's
// profiles render them, so one table serves both sides; the recordings of
// real devices in ../shared/snmp/recordings keep it honest (see the
// fidelity tests in simulator/profile).
//
// Conventions:
//   - Every OID is a dotted-numeric string without a leading dot, naming
//     the object, not an instance: a scalar is read at OID+".0", a
//     column at OID+"."+index. Index shapes are documented per table.
//   - Identifiers are the MIB's object names in Go case, with a vendor
//     prefix where the MIB name has none (PDU2…, EPDU…).
//   - Comments give the unit and scale as the device sends it; -1 (or
//     any negative value for Eaton) means "not supported" and must never
//     be scaled.
//   - Enumerations are typed integer constants with the MIB's values.
//
// It imports nothing of ours and nothing outside the standard library: it
// is a leaf, like inventory.
package oids
