package oids

// Notifications the PDUs and transfer switches send when an outlet is
// switched or an ATS transfers, and the objects they carry that the other
// files do not define. Each notification's comment lists its varbinds in
// the MIB's order (after sysUpTime.0 and snmpTrapOID.0) with the instance
// each is sent at; the simulator's trap tests hold that list against the
// MIB's OBJECTS/VARIABLES clause.
//
// PowerNet-MIB defines SMIv1 TRAP-TYPEs under ENTERPRISE apc: sent as an
// SNMPv2 notification, snmpTrapOID.0 is apc.0.<specific> (RFC 3584 §3.1)
// and APC's agents end the varbinds with snmpTrapEnterprise.0 = apc.
// PDU2-MIB, Sentry4-MIB and EATON-EPDU-MIB define SMIv2 NOTIFICATION-TYPEs.
//
// The SNMPv2-MIB notification objects (snmpTrapOID, snmpTrapEnterprise,
// coldStart) sit under snmpModules (1.3.6.1.6), outside this package's
// mib-2/enterprises convention; the simulator spells them out.

// APC PowerNet-MIB TRAP-TYPEs, enterprise apc (1.3.6.1.4.1.318).
const (
	// rPDUOutletOn and rPDUOutletOff (specific 268, 269) are the Switched
	// Rack PDU outlet traps; 2G (rpdu2g) units send them, there is no
	// rPDU2 outlet trap. Varbinds: RPDUIdentSerialNumber.0,
	// RPDUIdentName.0, RPDUOutletControlIndex.<n>,
	// RPDUOutletControlOutletName.<n>, MtrapargsString.0 (the event text).
	RPDUOutletOn  = "1.3.6.1.4.1.318.0.268"
	RPDUOutletOff = "1.3.6.1.4.1.318.0.269"

	// The rack ATS (AP77xx, AP44xx) traps, specific 126, 127, 128.
	// Varbinds: MtrapargsInteger.0 (the input: 0 A, 1 B — the one now
	// selected, lost or restored), MtrapargsString02.0 (that input's
	// name, atsInputName), MtrapargsString.0 (the event text).
	ATSSourceSwitched     = "1.3.6.1.4.1.318.0.126"
	ATSLostRedundancy     = "1.3.6.1.4.1.318.0.127"
	ATSRedundancyRestored = "1.3.6.1.4.1.318.0.128"
)

// APC trap arguments (mtrapargs, .318.2.3): scalars, sent at .0, that
// read as 0 or "" outside a trap.
const (
	MtrapargsInteger  = "1.3.6.1.4.1.318.2.3.1"  // INTEGER
	MtrapargsString   = "1.3.6.1.4.1.318.2.3.3"  // SnmpAdminString
	MtrapargsString02 = "1.3.6.1.4.1.318.2.3.10" // SnmpAdminString
)

// Raritan PDU2-MIB notifications (traps = pdu2.0).
const (
	// outletSensorStateChange (traps 63) reports the outlet's onOff sensor
	// going on or off. Varbinds: PDU2PduName.<pdu>, PDU2PduNumber.0,
	// PDU2PxInetAddressType.<pdu>, PDU2PxInetIPAddress.<pdu>,
	// PDU2AgentInetPortNumber.0, PDU2OutletLabel.<pdu>.<n>,
	// PDU2TypeOfSensor.0 (PDU2OnOff), then the outlet sensor measurements
	// columns TimeStamp, Value, State (PDU2StateOn/Off), SignedValue at
	// .<pdu>.<n>.14, PDU2OldSensorState.0, sysContact.0, sysName.0,
	// sysLocation.0, PDU2PduSerialNumber.<pdu>.
	PDU2OutletSensorStateChange = "1.3.6.1.4.1.13742.6.0.63"

	// Objects used only in notifications (trapInformation = traps.0),
	// sent at .0.
	PDU2OldSensorState      = "1.3.6.1.4.1.13742.6.0.0.2"  // PDU2SensorState
	PDU2PduNumber           = "1.3.6.1.4.1.13742.6.0.0.3"  // Integer32: the unit's link ID, 1 without linking
	PDU2TypeOfSensor        = "1.3.6.1.4.1.13742.6.0.0.10" // PDU2SensorType
	PDU2AgentInetPortNumber = "1.3.6.1.4.1.13742.6.0.0.18" // InetPortNumber (Unsigned32)

	// Deprecated unitConfigurationTable columns every trap still carries,
	// indexed by pduId.
	PDU2PxInetAddressType = "1.3.6.1.4.1.13742.6.3.2.2.1.50" // InetAddressType: ipv4 1
	PDU2PxInetIPAddress   = "1.3.6.1.4.1.13742.6.3.2.2.1.51" // InetAddress: 4 octets for IPv4
)

// ServerTech Sentry4-MIB notifications (st4Events = sentry4.100.0; note
// sentry4 is .1718.4, its objects .1718.4.1).
const (
	// st4OutletStateChangeEvent (st4Events 16). Varbinds:
	// St4SystemLocation.0, then St4OutletID, St4OutletName,
	// St4OutletState, St4OutletStatus, St4OutletControlState at
	// .<unit>.<cord>.<n>, St4EventStatusText.0 ("On", "Off"),
	// St4EventStatusCondition.0.
	St4OutletStateChangeEvent = "1.3.6.1.4.1.1718.4.100.0.16"

	St4SystemLocation       = "1.3.6.1.4.1.1718.4.1.1.1.2" // scalar, read-write, 0..80 characters
	St4EventStatusText      = "1.3.6.1.4.1.1718.4.1.99.1"  // scalar, 0..20 characters; set only in a trap
	St4EventStatusCondition = "1.3.6.1.4.1.1718.4.1.99.2"  // scalar: nonError0/error1; set only in a trap
)

// Eaton EATON-EPDU-MIB notifications (notifications = eatonEpdu.0).
const (
	// notifyOutletControlStatus (notifications 33): "an outlet state On /
	// Off changes". Varbinds: EPDUStrappingIndex.<strap>,
	// EPDUOutletIndex.<strap>.<n>, EPDUOutletControlStatus.<strap>.<n>
	// (EPDUOutletStatus).
	EPDUNotifyOutletControlStatus = "1.3.6.1.4.1.534.6.6.7.0.33"

	// Index columns that are accessible-for-notify: their value is the
	// index itself.
	EPDUStrappingIndex = "1.3.6.1.4.1.534.6.6.7.1.2.1.1" // Integer32 0..23: 0 for the master unit
	EPDUOutletIndex    = "1.3.6.1.4.1.534.6.6.7.6.1.1.1" // Integer32 1..64
)
