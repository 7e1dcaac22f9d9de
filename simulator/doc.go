// Package simulator makes a whole site's rack PDUs and ATS units answer
// real SNMP without hardware. A Model evaluates the site with the
// planner's physics under a fault state that changes at run time (feeds
// cut, breakers tripped, ATS units that will not transfer, supplies that
// die silently, slow or dead agents), and renders each device through its
// vendor profile (simulator/profile) as a mib.View that the SNMP agent
// (simulator/agent) serves. Control is the token-protected HTTP API that
// injects faults; simulator/replay serves .snmprec recordings instead.
//
// simulator imports inventory, planner, pdu (OID tables, through
// profile) and its own sub-packages; never monitor or web.
package simulator
