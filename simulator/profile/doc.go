// Package profile turns the simulated state of one rack PDU or ATS into
// the variables its real counterpart serves over SNMP (the vendor's OIDs,
// types, units, scales, enumerations and index shapes), and decodes SETs
// on those variables into actions on the model.
//
// ForPDU and ForATS pick a profile by inventory vendor and model: APC
// rack PDUs with rpdu2g firmware (rPDU2, with the legacy rPDU and sPDU
// trees), APC rack ATS units, Raritan PX (PDU2-MIB), ServerTech Sentry4
// and Eaton G3 ePDUs. Vars renders a state; Set checks a SET the way the
// device would (existence, access, type, length, value) and returns
// Actions, leaving the state to the site model.
//
// The OIDs come from pdu/oids, the tables the pdu drivers read real
// hardware with. fidelity_test.go holds every profile against recordings
// of real devices (testdata/, see SOURCES.md) and lists, with reasons,
// what a recording holds that the simulator does not model.
//
// It imports simulator/mib and pdu/oids; never the agent, the site model,
// monitor or web.
package profile
