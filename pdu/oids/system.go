package oids

// MIB-2 system group (SNMPv2-MIB), scalars.
const (
	SysDescr    = "1.3.6.1.2.1.1.1" // DisplayString
	SysObjectID = "1.3.6.1.2.1.1.2" // OBJECT IDENTIFIER: the model, see the SysObjectID… values
	SysUpTime   = "1.3.6.1.2.1.1.3" // TimeTicks, hundredths of a second since the agent started
	SysContact  = "1.3.6.1.2.1.1.4" // DisplayString
	SysName     = "1.3.6.1.2.1.1.5" // DisplayString
	SysLocation = "1.3.6.1.2.1.1.6" // DisplayString
)

// sysObjectID values that identify a device family (NOTES §0). They are
// unreliable on some units (NOTES §4.5): fall back to probing the model
// OIDs (RPDU2IdentModelNumber, ATSIdentModelNumber, SPDUIdentModelNumber).
const (
	SysObjectIDAPCMasterSwitchV2 = "1.3.6.1.4.1.318.1.3.4.2" // legacy sPDU (AP9606 card)
	SysObjectIDAPCrPDU           = "1.3.6.1.4.1.318.1.3.4.5" // AP78xx, rpdu firmware
	SysObjectIDAPCrPDU2          = "1.3.6.1.4.1.318.1.3.4.6" // AP88xx/AP89xx/APDU99xx, rpdu2g firmware
	SysObjectIDAPCrPDUB          = "1.3.6.1.4.1.318.1.3.4.8" // AP79xxB, rpdu2g firmware
	SysObjectIDAPCePDU           = "1.3.6.1.4.1.318.1.3.4.9"
	SysObjectIDAPCATS            = "1.3.6.1.4.1.318.1.3.11" // AP77xx rack ATS
	SysObjectIDAPCATS4G          = "1.3.6.1.4.1.318.1.3.32" // AP44xx rack ATS (4G NMC)
	SysObjectIDAPCATS5G          = "1.3.6.1.4.1.318.1.3.38"
	SysObjectIDAPCInfraStruXATS  = "1.3.6.1.4.1.318.1.3.19" // a different tree (318.1.1.17)
	SysObjectIDRaritanPDU2       = "1.3.6.1.4.1.13742.6"    // PX2/PX3/PX4/PX3TS, PDU2-MIB
	SysObjectIDRaritanPX1        = "1.3.6.1.4.1.13742.4"    // PDU-MIB (not supported)
	SysObjectIDSentry4           = "1.3.6.1.4.1.1718.4"
	SysObjectIDSentry3           = "1.3.6.1.4.1.1718.3" // a different MIB (not supported)
	SysObjectIDEatonEPDU         = "1.3.6.1.4.1.534.6.6.7"
)
