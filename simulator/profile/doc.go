// Package profile turns the simulated state of one rack PDU or ATS into
// the variables its real counterpart serves over SNMP (the vendor's OIDs,
// types, units, scales, enumerations and index shapes), and decodes SETs
// on those variables into actions on the model.
//
// It imports simulator/mib and pdu's OID tables; never the agent, the
// site model, monitor or web.
package profile
