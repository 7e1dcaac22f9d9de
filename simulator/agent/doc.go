// Package agent is the simulator's SNMP agent: it answers SNMPv1, SNMPv2c
// and SNMPv3 (USM: MD5, SHA and SHA-2 authentication, DES and AES
// privacy) on one UDP socket, for the devices a Resolve function picks by
// community or context name, each served from a mib.View.
//
// It owns the protocol: message parsing and the checks of RFC 3412 and
// RFC 3414 (engine discovery, time windows, digests, Reports and their
// counters), snmpEngineBoots across runs, GET/GETNEXT/GETBULK/SET
// semantics of RFC 3416 (and SNMPv1's of RFC 1157 and RFC 3584), response
// sizes, a per-source rate limit, a bounded pool of workers and the
// devices' delays and drops. Every packet, however hostile, is answered
// or dropped without crashing or stalling the agent.
//
// Responses fit the requester's maximum message size: msgMaxSize for
// SNMPv3, and for SNMPv1 and SNMPv2c, which carry none, 65507 octets (the
// largest UDP payload; net-snmp and gosnmp read up to 65535, and loopback
// does not fragment).
//
// gosnmp encodes and decodes variable bindings and does the cryptography;
// it has no agent logic, and the order of the security checks is this
// package's. Its limits show through: requests with a negative
// request-id are dropped (gosnmp cannot encode one back), an error-index
// past 255 is sent as 0, and in encrypted GETBULKs a non-repeaters count
// above 255 is read modulo 256.
//
// The agent knows nothing of PDUs, feeds or sites: it imports only
// simulator/mib of ours. It must not import the planner, monitor, web,
// inventory or pdu packages, nor the simulator's profiles or replayer;
// those build Views, and cmd/ wires them to an Agent.
package agent
