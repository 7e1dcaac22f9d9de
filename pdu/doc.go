// Package pdu talks SNMP to rack PDUs and ATS units: vendor drivers (APC
// rPDU2 with its legacy tables, APC ATS, Raritan PX, ServerTech Sentry4,
// Eaton ePDU), detection by sysObjectID with a probing fallback, one
// normalised Reading per device, outlet and ATS control, and a poller
// with bounded concurrency. Drivers only execute: guardrails for
// switching belong to the callers.
//
// pdu imports inventory and its own pdu/oids (the OID tables the
// simulator serves too); never planner, monitor, web or simulator.
package pdu
