package oids

// APC PowerNet-MIB rack PDU objects.
//
// rPDU2 (.318.1.1.26) is served by the rpdu2g firmware (AP7900B, AP88xx,
// AP89xx, APDU99xx). Every table has one flat integer index 1..N; the
// …Module column (.2) names the daisy-chained/NPS unit and the …Number
// column the phase, bank or outlet. The legacy rPDU (.318.1.1.12) and sPDU
// (.318.1.1.4) trees are served alongside by the same firmware: switched
// units serve all three, the metered AP8853 rPDU2 and rPDU only.
//
// Scales (NOTES §1a, §4.2): currents 0.1 A, power 0.01 kW, power
// thresholds 0.1 kW, current thresholds whole A, energy 0.1 kWh; -1 is
// "not supported" (AP7900B: device power, energy, PF, phase voltage/power).

// rPDU2 identification, table indexed by device (1).
const (
	RPDU2IdentTableSize         = "1.3.6.1.4.1.318.1.1.26.1" // INTEGER, scalar
	RPDU2IdentEntry             = "1.3.6.1.4.1.318.1.1.26.2.1"
	RPDU2IdentIndex             = "1.3.6.1.4.1.318.1.1.26.2.1.1"
	RPDU2IdentModule            = "1.3.6.1.4.1.318.1.1.26.2.1.2"
	RPDU2IdentName              = "1.3.6.1.4.1.318.1.1.26.2.1.3"
	RPDU2IdentLocation          = "1.3.6.1.4.1.318.1.1.26.2.1.4"
	RPDU2IdentHardwareRev       = "1.3.6.1.4.1.318.1.1.26.2.1.5"
	RPDU2IdentFirmwareRev       = "1.3.6.1.4.1.318.1.1.26.2.1.6"
	RPDU2IdentDateOfManufacture = "1.3.6.1.4.1.318.1.1.26.2.1.7" // "MM/DD/YYYY"
	RPDU2IdentModelNumber       = "1.3.6.1.4.1.318.1.1.26.2.1.8"
	RPDU2IdentSerialNumber      = "1.3.6.1.4.1.318.1.1.26.2.1.9"
	RPDU2DeviceTableSize        = "1.3.6.1.4.1.318.1.1.26.3" // INTEGER, scalar
)

// rPDU2 device config (read-write), indexed by device.
const (
	RPDU2DeviceConfigEntry                      = "1.3.6.1.4.1.318.1.1.26.4.1.1"
	RPDU2DeviceConfigIndex                      = "1.3.6.1.4.1.318.1.1.26.4.1.1.1"
	RPDU2DeviceConfigModule                     = "1.3.6.1.4.1.318.1.1.26.4.1.1.2"
	RPDU2DeviceConfigName                       = "1.3.6.1.4.1.318.1.1.26.4.1.1.3" // read-write
	RPDU2DeviceConfigLocation                   = "1.3.6.1.4.1.318.1.1.26.4.1.1.4" // read-write
	RPDU2DeviceConfigLowLoadPowerThreshold      = "1.3.6.1.4.1.318.1.1.26.4.1.1.7" // 0.1 kW, read-write
	RPDU2DeviceConfigNearOverloadPowerThreshold = "1.3.6.1.4.1.318.1.1.26.4.1.1.8" // 0.1 kW, read-write
	RPDU2DeviceConfigOverloadPowerThreshold     = "1.3.6.1.4.1.318.1.1.26.4.1.1.9" // 0.1 kW, read-write
)

// rPDU2 device properties, indexed by device.
const (
	RPDU2DevicePropertiesEntry                 = "1.3.6.1.4.1.318.1.1.26.4.2.1"
	RPDU2DevicePropertiesIndex                 = "1.3.6.1.4.1.318.1.1.26.4.2.1.1"
	RPDU2DevicePropertiesModule                = "1.3.6.1.4.1.318.1.1.26.4.2.1.2"
	RPDU2DevicePropertiesName                  = "1.3.6.1.4.1.318.1.1.26.4.2.1.3"
	RPDU2DevicePropertiesNumOutlets            = "1.3.6.1.4.1.318.1.1.26.4.2.1.4"
	RPDU2DevicePropertiesNumSwitchedOutlets    = "1.3.6.1.4.1.318.1.1.26.4.2.1.5"
	RPDU2DevicePropertiesNumMeteredOutlets     = "1.3.6.1.4.1.318.1.1.26.4.2.1.6"
	RPDU2DevicePropertiesNumPhases             = "1.3.6.1.4.1.318.1.1.26.4.2.1.7"
	RPDU2DevicePropertiesNumMeteredBanks       = "1.3.6.1.4.1.318.1.1.26.4.2.1.8"
	RPDU2DevicePropertiesMaxCurrentRating      = "1.3.6.1.4.1.318.1.1.26.4.2.1.9"  // A
	RPDU2DevicePropertiesMaxPhaseCurrentRating = "1.3.6.1.4.1.318.1.1.26.4.2.1.12" // A
	RPDU2DevicePropertiesDevicePowerRating     = "1.3.6.1.4.1.318.1.1.26.4.2.1.13" // 0.1 kW
)

// rPDU2 device status, indexed by device.
const (
	RPDU2DeviceStatusEntry                  = "1.3.6.1.4.1.318.1.1.26.4.3.1"
	RPDU2DeviceStatusIndex                  = "1.3.6.1.4.1.318.1.1.26.4.3.1.1"
	RPDU2DeviceStatusModule                 = "1.3.6.1.4.1.318.1.1.26.4.3.1.2"
	RPDU2DeviceStatusName                   = "1.3.6.1.4.1.318.1.1.26.4.3.1.3"
	RPDU2DeviceStatusLoadState              = "1.3.6.1.4.1.318.1.1.26.4.3.1.4"  // RPDU2DeviceLoadState
	RPDU2DeviceStatusPower                  = "1.3.6.1.4.1.318.1.1.26.4.3.1.5"  // 0.01 kW, -1 unsupported
	RPDU2DeviceStatusPeakPower              = "1.3.6.1.4.1.318.1.1.26.4.3.1.6"  // 0.01 kW, -1 unsupported
	RPDU2DeviceStatusPeakPowerTimestamp     = "1.3.6.1.4.1.318.1.1.26.4.3.1.7"  // "MM/DD/YYYY HH:MM:SS" or "notsupported "
	RPDU2DeviceStatusPeakPowerStartTime     = "1.3.6.1.4.1.318.1.1.26.4.3.1.8"  // same format
	RPDU2DeviceStatusEnergy                 = "1.3.6.1.4.1.318.1.1.26.4.3.1.9"  // 0.1 kWh, -1 unsupported
	RPDU2DeviceStatusEnergyStartTime        = "1.3.6.1.4.1.318.1.1.26.4.3.1.10" // same format
	RPDU2DeviceStatusCommandPending         = "1.3.6.1.4.1.318.1.1.26.4.3.1.11" // RPDU2CommandPending
	RPDU2DeviceStatusPowerSupplyAlarm       = "1.3.6.1.4.1.318.1.1.26.4.3.1.12" // normal1/alarm2
	RPDU2DeviceStatusPowerSupply1Status     = "1.3.6.1.4.1.318.1.1.26.4.3.1.13" // RPDU2PowerSupplyStatus
	RPDU2DeviceStatusPowerSupply2Status     = "1.3.6.1.4.1.318.1.1.26.4.3.1.14" // RPDU2PowerSupplyStatus
	RPDU2DeviceStatusOutletsEnergyStartTime = "1.3.6.1.4.1.318.1.1.26.4.3.1.15" // same format
	RPDU2DeviceStatusApparentPower          = "1.3.6.1.4.1.318.1.1.26.4.3.1.16" // 0.01 kVA, -1 unsupported
	RPDU2DeviceStatusPowerFactor            = "1.3.6.1.4.1.318.1.1.26.4.3.1.17" // 0.01, -1 unsupported
	RPDU2DeviceStatusNPSType                = "1.3.6.1.4.1.318.1.1.26.4.3.1.18" // notNPS1/host2/guest3
)

// rPDU2 device control, indexed by device.
const (
	RPDU2DeviceControlEntry   = "1.3.6.1.4.1.318.1.1.26.4.4.1"
	RPDU2DeviceControlIndex   = "1.3.6.1.4.1.318.1.1.26.4.4.1.1"
	RPDU2DeviceControlModule  = "1.3.6.1.4.1.318.1.1.26.4.4.1.2"
	RPDU2DeviceControlName    = "1.3.6.1.4.1.318.1.1.26.4.4.1.3"
	RPDU2DeviceControlCommand = "1.3.6.1.4.1.318.1.1.26.4.4.1.4" // RPDU2DeviceCommand, read-write
)

// rPDU2 phases, each table indexed 1..(phases of all chained units).
const (
	RPDU2PhaseTableSize                          = "1.3.6.1.4.1.318.1.1.26.5" // INTEGER, scalar
	RPDU2PhaseConfigEntry                        = "1.3.6.1.4.1.318.1.1.26.6.1.1"
	RPDU2PhaseConfigIndex                        = "1.3.6.1.4.1.318.1.1.26.6.1.1.1"
	RPDU2PhaseConfigModule                       = "1.3.6.1.4.1.318.1.1.26.6.1.1.2"
	RPDU2PhaseConfigNumber                       = "1.3.6.1.4.1.318.1.1.26.6.1.1.3"
	RPDU2PhaseConfigOverloadRestriction          = "1.3.6.1.4.1.318.1.1.26.6.1.1.4" // RPDU2OverloadRestriction, read-write
	RPDU2PhaseConfigLowLoadCurrentThreshold      = "1.3.6.1.4.1.318.1.1.26.6.1.1.5" // A, read-write
	RPDU2PhaseConfigNearOverloadCurrentThreshold = "1.3.6.1.4.1.318.1.1.26.6.1.1.6" // A, read-write
	RPDU2PhaseConfigOverloadCurrentThreshold     = "1.3.6.1.4.1.318.1.1.26.6.1.1.7" // A, read-write
	RPDU2PhaseConfigPhasePeakCurrentReset        = "1.3.6.1.4.1.318.1.1.26.6.1.1.8" // noOperation1/reset2, read-write
	RPDU2PhasePropertiesEntry                    = "1.3.6.1.4.1.318.1.1.26.6.2.1"
	RPDU2PhasePropertiesIndex                    = "1.3.6.1.4.1.318.1.1.26.6.2.1.1"
	RPDU2PhasePropertiesModule                   = "1.3.6.1.4.1.318.1.1.26.6.2.1.2"
	RPDU2PhasePropertiesNumber                   = "1.3.6.1.4.1.318.1.1.26.6.2.1.3"
	RPDU2PhaseStatusEntry                        = "1.3.6.1.4.1.318.1.1.26.6.3.1"
	RPDU2PhaseStatusIndex                        = "1.3.6.1.4.1.318.1.1.26.6.3.1.1"
	RPDU2PhaseStatusModule                       = "1.3.6.1.4.1.318.1.1.26.6.3.1.2"
	RPDU2PhaseStatusNumber                       = "1.3.6.1.4.1.318.1.1.26.6.3.1.3"
	RPDU2PhaseStatusLoadState                    = "1.3.6.1.4.1.318.1.1.26.6.3.1.4"  // RPDU2LoadState
	RPDU2PhaseStatusCurrent                      = "1.3.6.1.4.1.318.1.1.26.6.3.1.5"  // 0.1 A
	RPDU2PhaseStatusVoltage                      = "1.3.6.1.4.1.318.1.1.26.6.3.1.6"  // V, -1 unsupported
	RPDU2PhaseStatusPower                        = "1.3.6.1.4.1.318.1.1.26.6.3.1.7"  // 0.01 kW, -1 unsupported
	RPDU2PhaseStatusApparentPower                = "1.3.6.1.4.1.318.1.1.26.6.3.1.8"  // 0.01 kVA, -1 unsupported
	RPDU2PhaseStatusPowerFactor                  = "1.3.6.1.4.1.318.1.1.26.6.3.1.9"  // 0.01, -1 unsupported
	RPDU2PhaseStatusPeakCurrent                  = "1.3.6.1.4.1.318.1.1.26.6.3.1.10" // 0.1 A
	RPDU2PhaseStatusPeakCurrentTimestamp         = "1.3.6.1.4.1.318.1.1.26.6.3.1.11" // "MM/DD/YYYY HH:MM:SS"
	RPDU2PhaseStatusPeakCurrentStartTime         = "1.3.6.1.4.1.318.1.1.26.6.3.1.12" // same format
)

// rPDU2 banks, each table indexed 1..(banks of all chained units).
const (
	RPDU2BankTableSize                          = "1.3.6.1.4.1.318.1.1.26.7" // INTEGER, scalar
	RPDU2BankConfigEntry                        = "1.3.6.1.4.1.318.1.1.26.8.1.1"
	RPDU2BankConfigIndex                        = "1.3.6.1.4.1.318.1.1.26.8.1.1.1"
	RPDU2BankConfigModule                       = "1.3.6.1.4.1.318.1.1.26.8.1.1.2"
	RPDU2BankConfigNumber                       = "1.3.6.1.4.1.318.1.1.26.8.1.1.3"
	RPDU2BankConfigOverloadRestriction          = "1.3.6.1.4.1.318.1.1.26.8.1.1.4" // RPDU2OverloadRestriction, read-write
	RPDU2BankConfigLowLoadCurrentThreshold      = "1.3.6.1.4.1.318.1.1.26.8.1.1.5" // A, read-write
	RPDU2BankConfigNearOverloadCurrentThreshold = "1.3.6.1.4.1.318.1.1.26.8.1.1.6" // A, read-write
	RPDU2BankConfigOverloadCurrentThreshold     = "1.3.6.1.4.1.318.1.1.26.8.1.1.7" // A, read-write
	RPDU2BankConfigBankPeakCurrentReset         = "1.3.6.1.4.1.318.1.1.26.8.1.1.8" // noOperation1/reset2, read-write
	RPDU2BankPropertiesEntry                    = "1.3.6.1.4.1.318.1.1.26.8.2.1"
	RPDU2BankPropertiesIndex                    = "1.3.6.1.4.1.318.1.1.26.8.2.1.1"
	RPDU2BankPropertiesModule                   = "1.3.6.1.4.1.318.1.1.26.8.2.1.2"
	RPDU2BankPropertiesNumber                   = "1.3.6.1.4.1.318.1.1.26.8.2.1.3"
	RPDU2BankPropertiesPhaseLayout              = "1.3.6.1.4.1.318.1.1.26.8.2.1.4" // RPDU2PhaseLayout
	RPDU2BankPropertiesBreakerRating            = "1.3.6.1.4.1.318.1.1.26.8.2.1.5" // A
	RPDU2BankStatusEntry                        = "1.3.6.1.4.1.318.1.1.26.8.3.1"
	RPDU2BankStatusIndex                        = "1.3.6.1.4.1.318.1.1.26.8.3.1.1"
	RPDU2BankStatusModule                       = "1.3.6.1.4.1.318.1.1.26.8.3.1.2"
	RPDU2BankStatusNumber                       = "1.3.6.1.4.1.318.1.1.26.8.3.1.3"
	RPDU2BankStatusLoadState                    = "1.3.6.1.4.1.318.1.1.26.8.3.1.4" // RPDU2LoadState
	RPDU2BankStatusCurrent                      = "1.3.6.1.4.1.318.1.1.26.8.3.1.5" // 0.1 A
	RPDU2BankStatusPeakCurrent                  = "1.3.6.1.4.1.318.1.1.26.8.3.1.6" // 0.1 A
	RPDU2BankStatusPeakCurrentTimestamp         = "1.3.6.1.4.1.318.1.1.26.8.3.1.7" // "MM/DD/YYYY HH:MM:SS"
	RPDU2BankStatusPeakCurrentStartTime         = "1.3.6.1.4.1.318.1.1.26.8.3.1.8" // same format
)

// rPDU2 switched outlets, each table indexed 1..(switched outlets of all
// chained units). A metered-only PDU has size 0 and no rows.
const (
	RPDU2OutletSwitchedTableSize                         = "1.3.6.1.4.1.318.1.1.26.9.1" // INTEGER, scalar
	RPDU2OutletSwitchedConfigEntry                       = "1.3.6.1.4.1.318.1.1.26.9.2.1.1"
	RPDU2OutletSwitchedConfigIndex                       = "1.3.6.1.4.1.318.1.1.26.9.2.1.1.1"
	RPDU2OutletSwitchedConfigModule                      = "1.3.6.1.4.1.318.1.1.26.9.2.1.1.2"
	RPDU2OutletSwitchedConfigName                        = "1.3.6.1.4.1.318.1.1.26.9.2.1.1.3" // read-write
	RPDU2OutletSwitchedConfigNumber                      = "1.3.6.1.4.1.318.1.1.26.9.2.1.1.4"
	RPDU2OutletSwitchedConfigPowerOnTime                 = "1.3.6.1.4.1.318.1.1.26.9.2.1.1.5" // s, -1 never … 7200, read-write
	RPDU2OutletSwitchedConfigPowerOffTime                = "1.3.6.1.4.1.318.1.1.26.9.2.1.1.6" // s, -1 never … 7200, read-write
	RPDU2OutletSwitchedConfigRebootDuration              = "1.3.6.1.4.1.318.1.1.26.9.2.1.1.7" // s, 5-60, read-write
	RPDU2OutletSwitchedPropertiesEntry                   = "1.3.6.1.4.1.318.1.1.26.9.2.2.1"
	RPDU2OutletSwitchedPropertiesIndex                   = "1.3.6.1.4.1.318.1.1.26.9.2.2.1.1"
	RPDU2OutletSwitchedPropertiesModule                  = "1.3.6.1.4.1.318.1.1.26.9.2.2.1.2"
	RPDU2OutletSwitchedPropertiesName                    = "1.3.6.1.4.1.318.1.1.26.9.2.2.1.3"
	RPDU2OutletSwitchedPropertiesNumber                  = "1.3.6.1.4.1.318.1.1.26.9.2.2.1.4"
	RPDU2OutletSwitchedPropertiesPhaseLayout             = "1.3.6.1.4.1.318.1.1.26.9.2.2.1.5" // RPDU2PhaseLayout
	RPDU2OutletSwitchedPropertiesBank                    = "1.3.6.1.4.1.318.1.1.26.9.2.2.1.6"
	RPDU2OutletSwitchedStatusEntry                       = "1.3.6.1.4.1.318.1.1.26.9.2.3.1"
	RPDU2OutletSwitchedStatusIndex                       = "1.3.6.1.4.1.318.1.1.26.9.2.3.1.1"
	RPDU2OutletSwitchedStatusModule                      = "1.3.6.1.4.1.318.1.1.26.9.2.3.1.2"
	RPDU2OutletSwitchedStatusName                        = "1.3.6.1.4.1.318.1.1.26.9.2.3.1.3"
	RPDU2OutletSwitchedStatusNumber                      = "1.3.6.1.4.1.318.1.1.26.9.2.3.1.4"
	RPDU2OutletSwitchedStatusState                       = "1.3.6.1.4.1.318.1.1.26.9.2.3.1.5" // RPDU2OutletState: off1/on2
	RPDU2OutletSwitchedStatusCommandPending              = "1.3.6.1.4.1.318.1.1.26.9.2.3.1.6" // RPDU2CommandPending
	RPDU2OutletSwitchedControlEntry                      = "1.3.6.1.4.1.318.1.1.26.9.2.4.1"
	RPDU2OutletSwitchedControlIndex                      = "1.3.6.1.4.1.318.1.1.26.9.2.4.1.1"
	RPDU2OutletSwitchedControlModule                     = "1.3.6.1.4.1.318.1.1.26.9.2.4.1.2"
	RPDU2OutletSwitchedControlName                       = "1.3.6.1.4.1.318.1.1.26.9.2.4.1.3"
	RPDU2OutletSwitchedControlNumber                     = "1.3.6.1.4.1.318.1.1.26.9.2.4.1.4"
	RPDU2OutletSwitchedControlCommand                    = "1.3.6.1.4.1.318.1.1.26.9.2.4.1.5" // RPDU2OutletCommand, read-write; a GET reads immediateOn1/immediateOff2
	RPDU2OutletMeteredTableSize                          = "1.3.6.1.4.1.318.1.1.26.9.3"       // INTEGER, scalar
	RPDU2OutletMeteredConfigEntry                        = "1.3.6.1.4.1.318.1.1.26.9.4.1.1"
	RPDU2OutletMeteredConfigIndex                        = "1.3.6.1.4.1.318.1.1.26.9.4.1.1.1"
	RPDU2OutletMeteredConfigModule                       = "1.3.6.1.4.1.318.1.1.26.9.4.1.1.2"
	RPDU2OutletMeteredConfigName                         = "1.3.6.1.4.1.318.1.1.26.9.4.1.1.3" // read-write
	RPDU2OutletMeteredConfigNumber                       = "1.3.6.1.4.1.318.1.1.26.9.4.1.1.4"
	RPDU2OutletMeteredConfigLowLoadCurrentThreshold      = "1.3.6.1.4.1.318.1.1.26.9.4.1.1.5" // W per the MIB text, read-write
	RPDU2OutletMeteredConfigNearOverloadCurrentThreshold = "1.3.6.1.4.1.318.1.1.26.9.4.1.1.6" // W per the MIB text, read-write
	RPDU2OutletMeteredConfigOverloadCurrentThreshold     = "1.3.6.1.4.1.318.1.1.26.9.4.1.1.7" // W per the MIB text, read-write
	RPDU2OutletMeteredPropertiesEntry                    = "1.3.6.1.4.1.318.1.1.26.9.4.2.1"
	RPDU2OutletMeteredPropertiesIndex                    = "1.3.6.1.4.1.318.1.1.26.9.4.2.1.1"
	RPDU2OutletMeteredPropertiesModule                   = "1.3.6.1.4.1.318.1.1.26.9.4.2.1.2"
	RPDU2OutletMeteredPropertiesName                     = "1.3.6.1.4.1.318.1.1.26.9.4.2.1.3"
	RPDU2OutletMeteredPropertiesNumber                   = "1.3.6.1.4.1.318.1.1.26.9.4.2.1.4"
	RPDU2OutletMeteredPropertiesLayout                   = "1.3.6.1.4.1.318.1.1.26.9.4.2.1.5" // RPDU2PhaseLayout
	RPDU2OutletMeteredPropertiesPowerRating              = "1.3.6.1.4.1.318.1.1.26.9.4.2.1.6" // W
	RPDU2OutletMeteredPropertiesBank                     = "1.3.6.1.4.1.318.1.1.26.9.4.2.1.7"
	RPDU2OutletMeteredStatusEntry                        = "1.3.6.1.4.1.318.1.1.26.9.4.3.1"
	RPDU2OutletMeteredStatusIndex                        = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.1"
	RPDU2OutletMeteredStatusModule                       = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.2"
	RPDU2OutletMeteredStatusName                         = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.3"
	RPDU2OutletMeteredStatusNumber                       = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.4"
	RPDU2OutletMeteredStatusState                        = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.5"  // RPDU2LoadState (a load state, not on/off)
	RPDU2OutletMeteredStatusCurrent                      = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.6"  // 0.1 A
	RPDU2OutletMeteredStatusPower                        = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.7"  // W (the MIB gives no unit)
	RPDU2OutletMeteredStatusPeakPower                    = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.8"  // W
	RPDU2OutletMeteredStatusPeakPowerTimestamp           = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.9"  // "MM/DD/YYYY HH:MM:SS"
	RPDU2OutletMeteredStatusPeakPowerStartTime           = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.10" // same format
	RPDU2OutletMeteredStatusEnergy                       = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.11" // 0.1 kWh
	RPDU2OutletMeteredStatusReceptacleType               = "1.3.6.1.4.1.318.1.1.26.9.4.3.1.12" // .g. "IEC C13"
)

// rPDU2 temperature/humidity probe status, indexed by probe. The 2G
// firmware serves row 1 with "not installed" values when no probe is
// plugged in (AP8853, AP8959EU3, APDU9959EU3; not the AP7900B).
const (
	RPDU2SensorTempHumidityTableSize               = "1.3.6.1.4.1.318.1.1.26.10.1" // INTEGER, scalar
	RPDU2SensorTempHumidityStatusEntry             = "1.3.6.1.4.1.318.1.1.26.10.2.2.1"
	RPDU2SensorTempHumidityStatusIndex             = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.1"
	RPDU2SensorTempHumidityStatusModule            = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.2"
	RPDU2SensorTempHumidityStatusName              = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.3"
	RPDU2SensorTempHumidityStatusNumber            = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.4"
	RPDU2SensorTempHumidityStatusType              = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.5"  // temperatureOnly1/temperatureHumidity2/commsLost3/notInstalled4
	RPDU2SensorTempHumidityStatusCommStatus        = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.6"  // notInstalled1/commsOK2/commsLost3
	RPDU2SensorTempHumidityStatusTempF             = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.7"  // 0.1 °F, -1 none
	RPDU2SensorTempHumidityStatusTempC             = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.8"  // 0.1 °C, -1 none
	RPDU2SensorTempHumidityStatusTempStatus        = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.9"  // notPresent1/belowMin2/belowLow3/normal4/aboveHigh5/aboveMax6
	RPDU2SensorTempHumidityStatusRelativeHumidity  = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.10" // %, -1 none
	RPDU2SensorTempHumidityStatusHumidityStatus    = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.11" // as TempStat
	RPDU2SensorTempHumidityStatusTempPeakF         = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.12" // 0.1 °F
	RPDU2SensorTempHumidityStatusTempPeakC         = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.13" // 0.1 °C
	RPDU2SensorTempHumidityStatusTempPeakTimestamp = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.14" // or "noTempSensorInstalled"
	RPDU2SensorTempHumidityStatusTempPeakStartTime = "1.3.6.1.4.1.318.1.1.26.10.2.2.1.15" // timestamp or "noTempSensorInstalled"
)

// RPDU2LoadState is rPDU2PhaseStatusLoadState, rPDU2BankStatusLoadState,
// rPDU2OutletMeteredStatusState and rPDU2DeviceStatusLoadState (which
// adds notsupported5). Note that "normal" is 2 here but 1 in rPDU.
type RPDU2LoadState int

const (
	RPDU2LowLoad      RPDU2LoadState = 1
	RPDU2Normal       RPDU2LoadState = 2
	RPDU2NearOverload RPDU2LoadState = 3
	RPDU2Overload     RPDU2LoadState = 4
	RPDU2LoadNotSupp  RPDU2LoadState = 5 // device load state only
)

// RPDU2PowerSupplyAlarm is rPDU2DeviceStatusPowerSupplyAlarm.
type RPDU2PowerSupplyAlarm int

const (
	RPDU2PowerSupplyAlarmNormal RPDU2PowerSupplyAlarm = 1
	RPDU2PowerSupplyAlarmActive RPDU2PowerSupplyAlarm = 2
)

// RPDU2PowerSupplyStatus is rPDU2DeviceStatusPowerSupply1Status/2Status.
type RPDU2PowerSupplyStatus int

const (
	RPDU2PowerSupplyNormal       RPDU2PowerSupplyStatus = 1
	RPDU2PowerSupplyInAlarm      RPDU2PowerSupplyStatus = 2
	RPDU2PowerSupplyNotInstalled RPDU2PowerSupplyStatus = 3
)

// RPDU2CommandPending is rPDU2DeviceStatusCommandPending and
// rPDU2OutletSwitchedStatusCommandPending.
type RPDU2CommandPending int

const (
	RPDU2CommandPendingYes     RPDU2CommandPending = 1
	RPDU2NoCommandPending      RPDU2CommandPending = 2
	RPDU2CommandPendingUnknown RPDU2CommandPending = 3
)

// RPDU2OutletState is rPDU2OutletSwitchedStatusState: off1/on2 (the
// opposite of rPDU and sPDU).
type RPDU2OutletState int

const (
	RPDU2OutletOff RPDU2OutletState = 1
	RPDU2OutletOn  RPDU2OutletState = 2
)

// RPDU2OutletCommand is rPDU2OutletSwitchedControlCommand.
type RPDU2OutletCommand int

const (
	RPDU2ImmediateOn          RPDU2OutletCommand = 1
	RPDU2ImmediateOff         RPDU2OutletCommand = 2
	RPDU2ImmediateReboot      RPDU2OutletCommand = 3
	RPDU2OutletUnknown        RPDU2OutletCommand = 4 // read only: the state cannot be determined
	RPDU2DelayedOn            RPDU2OutletCommand = 5
	RPDU2DelayedOff           RPDU2OutletCommand = 6
	RPDU2DelayedReboot        RPDU2OutletCommand = 7
	RPDU2CancelPendingCommand RPDU2OutletCommand = 8
)

// RPDU2DeviceCommand is rPDU2DeviceControlCommand (all outlets).
type RPDU2DeviceCommand int

const (
	RPDU2ImmediateAllOn           RPDU2DeviceCommand = 1
	RPDU2DelayedAllOn             RPDU2DeviceCommand = 2
	RPDU2ImmediateAllOff          RPDU2DeviceCommand = 3
	RPDU2ImmediateAllReboot       RPDU2DeviceCommand = 4
	RPDU2DelayedAllReboot         RPDU2DeviceCommand = 5
	RPDU2NoCommandAll             RPDU2DeviceCommand = 6
	RPDU2DelayedAllOff            RPDU2DeviceCommand = 7
	RPDU2CancelAllPendingCommands RPDU2DeviceCommand = 8
)

// RPDU2PhaseLayout is the Rpdu2OutletPhaseLayoutType of banks and outlets.
type RPDU2PhaseLayout int

const (
	RPDU2SeqPhase1ToNeutral RPDU2PhaseLayout = 1
	RPDU2SeqPhase2ToNeutral RPDU2PhaseLayout = 2
	RPDU2SeqPhase3ToNeutral RPDU2PhaseLayout = 3
	RPDU2SeqPhase1ToPhase2  RPDU2PhaseLayout = 4
	RPDU2SeqPhase2ToPhase3  RPDU2PhaseLayout = 5
	RPDU2SeqPhase3ToPhase1  RPDU2PhaseLayout = 6
)

// RPDU2OverloadRestriction is rPDU2PhaseConfigOverloadRestriction and
// rPDU2BankConfigOverloadRestriction.
type RPDU2OverloadRestriction int

const (
	RPDU2AlwaysAllowTurnOn       RPDU2OverloadRestriction = 1
	RPDU2RestrictOnNearOverload  RPDU2OverloadRestriction = 2
	RPDU2RestrictOnOverload      RPDU2OverloadRestriction = 3
	RPDU2OverloadRestrictNotSupp RPDU2OverloadRestriction = 4
)

// Legacy rPDU (.318.1.1.12). Scalars under rPDUIdent and rPDULoadDevice;
// tables indexed by phase, bank, load-status row or outlet (1..N).
const (
	RPDUIdentName                    = "1.3.6.1.4.1.318.1.1.12.1.1" // read-write
	RPDUIdentHardwareRev             = "1.3.6.1.4.1.318.1.1.12.1.2"
	RPDUIdentFirmwareRev             = "1.3.6.1.4.1.318.1.1.12.1.3"
	RPDUIdentDateOfManufacture       = "1.3.6.1.4.1.318.1.1.12.1.4"
	RPDUIdentModelNumber             = "1.3.6.1.4.1.318.1.1.12.1.5"
	RPDUIdentSerialNumber            = "1.3.6.1.4.1.318.1.1.12.1.6"
	RPDUIdentDeviceRating            = "1.3.6.1.4.1.318.1.1.12.1.7" // A
	RPDUIdentDeviceNumOutlets        = "1.3.6.1.4.1.318.1.1.12.1.8"
	RPDUIdentDeviceNumPhases         = "1.3.6.1.4.1.318.1.1.12.1.9"
	RPDUIdentDeviceNumBreakers       = "1.3.6.1.4.1.318.1.1.12.1.10"
	RPDUIdentDeviceBreakerRating     = "1.3.6.1.4.1.318.1.1.12.1.11" // A
	RPDUIdentDeviceLinetoLineVoltage = "1.3.6.1.4.1.318.1.1.12.1.15" // V; -1 on 2G units (only AP7xxx support it), read-write
	RPDUIdentDevicePowerWatts        = "1.3.6.1.4.1.318.1.1.12.1.16" // W

	RPDULoadDevMaxPhaseLoad = "1.3.6.1.4.1.318.1.1.12.2.1.1" // A; 0 when the unit is banked
	RPDULoadDevNumPhases    = "1.3.6.1.4.1.318.1.1.12.2.1.2"
	RPDULoadDevMaxBankLoad  = "1.3.6.1.4.1.318.1.1.12.2.1.3" // A
	RPDULoadDevNumBanks     = "1.3.6.1.4.1.318.1.1.12.2.1.4"

	// rPDULoadPhaseConfigTable, indexed by phase (phase1 1 … phase3 3).
	RPDULoadPhaseConfigEntry                 = "1.3.6.1.4.1.318.1.1.12.2.2.1.1"
	RPDULoadPhaseConfigIndex                 = "1.3.6.1.4.1.318.1.1.12.2.2.1.1.1"
	RPDULoadPhaseConfigLowLoadThreshold      = "1.3.6.1.4.1.318.1.1.12.2.2.1.1.2" // A, read-write
	RPDULoadPhaseConfigNearOverloadThreshold = "1.3.6.1.4.1.318.1.1.12.2.2.1.1.3" // A, read-write
	RPDULoadPhaseConfigOverloadThreshold     = "1.3.6.1.4.1.318.1.1.12.2.2.1.1.4" // A, read-write
	RPDULoadPhaseConfigAlarm                 = "1.3.6.1.4.1.318.1.1.12.2.2.1.1.5" // RPDULoadAlarm
	RPDULoadStatusEntry                      = "1.3.6.1.4.1.318.1.1.12.2.3.1.1"
	RPDULoadStatusIndex                      = "1.3.6.1.4.1.318.1.1.12.2.3.1.1.1" // phase rows first, then bank rows
	RPDULoadStatusLoad                       = "1.3.6.1.4.1.318.1.1.12.2.3.1.1.2" // Gauge32, 0.1 A
	RPDULoadStatusLoadState                  = "1.3.6.1.4.1.318.1.1.12.2.3.1.1.3" // RPDULoadState (normal is 1 here)
	RPDULoadStatusPhaseNumber                = "1.3.6.1.4.1.318.1.1.12.2.3.1.1.4" // 0 on bank rows
	RPDULoadStatusBankNumber                 = "1.3.6.1.4.1.318.1.1.12.2.3.1.1.5" // 0 on phase rows
	RPDULoadBankConfigEntry                  = "1.3.6.1.4.1.318.1.1.12.2.4.1.1"
	RPDULoadBankConfigIndex                  = "1.3.6.1.4.1.318.1.1.12.2.4.1.1.1"
	RPDULoadBankConfigLowLoadThreshold       = "1.3.6.1.4.1.318.1.1.12.2.4.1.1.2" // A, read-write
	RPDULoadBankConfigNearOverloadThreshold  = "1.3.6.1.4.1.318.1.1.12.2.4.1.1.3" // A, read-write
	RPDULoadBankConfigOverloadThreshold      = "1.3.6.1.4.1.318.1.1.12.2.4.1.1.4" // A, read-write
	RPDULoadBankConfigAlarm                  = "1.3.6.1.4.1.318.1.1.12.2.4.1.1.5" // RPDULoadAlarm
	RPDUOutletDevCommand                     = "1.3.6.1.4.1.318.1.1.12.3.1.1"     // RPDUDeviceCommand, read-write, scalar
	RPDUOutletDevNumCntrlOutlets             = "1.3.6.1.4.1.318.1.1.12.3.1.3"
	RPDUOutletDevNumTotalOutlets             = "1.3.6.1.4.1.318.1.1.12.3.1.4"
	RPDUOutletControlEntry                   = "1.3.6.1.4.1.318.1.1.12.3.3.1.1"
	RPDUOutletControlIndex                   = "1.3.6.1.4.1.318.1.1.12.3.3.1.1.1"
	RPDUOutletControlOutletName              = "1.3.6.1.4.1.318.1.1.12.3.3.1.1.2"
	RPDUOutletControlOutletPhase             = "1.3.6.1.4.1.318.1.1.12.3.3.1.1.3" // RPDUOutletPhase
	RPDUOutletControlOutletCommand           = "1.3.6.1.4.1.318.1.1.12.3.3.1.1.4" // RPDUOutletCommand, read-write; a GET reads immediateOn1/immediateOff2
	RPDUOutletControlOutletBank              = "1.3.6.1.4.1.318.1.1.12.3.3.1.1.5"
	RPDUOutletConfigEntry                    = "1.3.6.1.4.1.318.1.1.12.3.4.1.1"
	RPDUOutletConfigIndex                    = "1.3.6.1.4.1.318.1.1.12.3.4.1.1.1"
	RPDUOutletConfigOutletName               = "1.3.6.1.4.1.318.1.1.12.3.4.1.1.2" // read-write
	RPDUOutletConfigOutletPhase              = "1.3.6.1.4.1.318.1.1.12.3.4.1.1.3" // RPDUOutletPhase
	RPDUOutletConfigPowerOnTime              = "1.3.6.1.4.1.318.1.1.12.3.4.1.1.4" // s, read-write
	RPDUOutletConfigPowerOffTime             = "1.3.6.1.4.1.318.1.1.12.3.4.1.1.5" // s, read-write
	RPDUOutletConfigRebootDuration           = "1.3.6.1.4.1.318.1.1.12.3.4.1.1.6" // s, read-write
	RPDUOutletConfigOutletBank               = "1.3.6.1.4.1.318.1.1.12.3.4.1.1.7"
	RPDUOutletStatusEntry                    = "1.3.6.1.4.1.318.1.1.12.3.5.1.1"
	RPDUOutletStatusIndex                    = "1.3.6.1.4.1.318.1.1.12.3.5.1.1.1"
	RPDUOutletStatusOutletName               = "1.3.6.1.4.1.318.1.1.12.3.5.1.1.2"
	RPDUOutletStatusOutletPhase              = "1.3.6.1.4.1.318.1.1.12.3.5.1.1.3" // RPDUOutletPhase
	RPDUOutletStatusOutletState              = "1.3.6.1.4.1.318.1.1.12.3.5.1.1.4" // RPDUOutletState: on1/off2
	RPDUOutletStatusCommandPending           = "1.3.6.1.4.1.318.1.1.12.3.5.1.1.5" // pending1/noCommandPending2
	RPDUOutletStatusOutletBank               = "1.3.6.1.4.1.318.1.1.12.3.5.1.1.6"
	RPDUOutletStatusLoad                     = "1.3.6.1.4.1.318.1.1.12.3.5.1.1.7" // Gauge32, 0.1 A; outlet-metered models only
)

// RPDULoadState is rPDULoadStatusLoadState: normal is 1 here (2 in rPDU2).
type RPDULoadState int

const (
	RPDUPhaseLoadNormal       RPDULoadState = 1
	RPDUPhaseLoadLow          RPDULoadState = 2
	RPDUPhaseLoadNearOverload RPDULoadState = 3
	RPDUPhaseLoadOverload     RPDULoadState = 4
)

// RPDULoadAlarm is rPDULoadPhaseConfigAlarm and rPDULoadBankConfigAlarm.
type RPDULoadAlarm int

const (
	RPDUNoLoadAlarm          RPDULoadAlarm = 1
	RPDUUnderCurrentAlarm    RPDULoadAlarm = 2
	RPDUNearOverCurrentAlarm RPDULoadAlarm = 3
	RPDUOverCurrentAlarm     RPDULoadAlarm = 4
)

// RPDUOutletState is rPDUOutletStatusOutletState: on1/off2.
type RPDUOutletState int

const (
	RPDUOutletStatusOn  RPDUOutletState = 1
	RPDUOutletStatusOff RPDUOutletState = 2
)

// RPDUOutletPhase is the phase an rPDU outlet is wired to.
type RPDUOutletPhase int

const (
	RPDUPhase1  RPDUOutletPhase = 1
	RPDUPhase2  RPDUOutletPhase = 2
	RPDUPhase3  RPDUOutletPhase = 3
	RPDUPhase12 RPDUOutletPhase = 4
	RPDUPhase23 RPDUOutletPhase = 5
	RPDUPhase31 RPDUOutletPhase = 6
)

// RPDUOutletCommand is rPDUOutletControlOutletCommand. Note delayedOn is 4
// here (5 in rPDU2).
type RPDUOutletCommand int

const (
	RPDUImmediateOn          RPDUOutletCommand = 1
	RPDUImmediateOff         RPDUOutletCommand = 2
	RPDUImmediateReboot      RPDUOutletCommand = 3
	RPDUDelayedOn            RPDUOutletCommand = 4
	RPDUDelayedOff           RPDUOutletCommand = 5
	RPDUDelayedReboot        RPDUOutletCommand = 6
	RPDUCancelPendingCommand RPDUOutletCommand = 7
)

// RPDUDeviceCommand is rPDUOutletDevCommand (all outlets).
type RPDUDeviceCommand int

const (
	RPDUNoCommandAll             RPDUDeviceCommand = 1
	RPDUImmediateAllOn           RPDUDeviceCommand = 2
	RPDUImmediateAllOff          RPDUDeviceCommand = 3
	RPDUImmediateAllReboot       RPDUDeviceCommand = 4
	RPDUDelayedAllOn             RPDUDeviceCommand = 5
	RPDUDelayedAllOff            RPDUDeviceCommand = 6
	RPDUDelayedAllReboot         RPDUDeviceCommand = 7
	RPDUCancelAllPendingCommands RPDUDeviceCommand = 8
)

// sPDU (.318.1.1.4, MasterSwitch), served by switched 2G units too.
// Outlet tables are indexed by outlet (1..N).
const (
	SPDUIdentHardwareRev       = "1.3.6.1.4.1.318.1.1.4.1.1"
	SPDUIdentFirmwareRev       = "1.3.6.1.4.1.318.1.1.4.1.2"
	SPDUIdentDateOfManufacture = "1.3.6.1.4.1.318.1.1.4.1.3"
	SPDUIdentModelNumber       = "1.3.6.1.4.1.318.1.1.4.1.4"
	SPDUIdentSerialNumber      = "1.3.6.1.4.1.318.1.1.4.1.5"
	SPDUMasterControlSwitch    = "1.3.6.1.4.1.318.1.1.4.2.1" // SPDUMasterCommand, read-write, scalar
	SPDUOutletControlTableSize = "1.3.6.1.4.1.318.1.1.4.4.1" // INTEGER, scalar
	SPDUOutletControlEntry     = "1.3.6.1.4.1.318.1.1.4.4.2.1"
	SPDUOutletControlIndex     = "1.3.6.1.4.1.318.1.1.4.4.2.1.1"
	SPDUOutletPending          = "1.3.6.1.4.1.318.1.1.4.4.2.1.2" // RPDU2CommandPending values
	SPDUOutletCtl              = "1.3.6.1.4.1.318.1.1.4.4.2.1.3" // SPDUOutletCommand, read-write; a GET reads outletOn1/outletOff2 (LibreNMS reads state here)
	SPDUOutletCtlName          = "1.3.6.1.4.1.318.1.1.4.4.2.1.4"
	SPDUOutletConfigTableSize  = "1.3.6.1.4.1.318.1.1.4.5.1" // INTEGER, scalar
	SPDUOutletConfigEntry      = "1.3.6.1.4.1.318.1.1.4.5.2.1"
	SPDUOutletConfigIndex      = "1.3.6.1.4.1.318.1.1.4.5.2.1.1"
	SPDUOutletPowerOnTime      = "1.3.6.1.4.1.318.1.1.4.5.2.1.2" // s, read-write
	SPDUOutletName             = "1.3.6.1.4.1.318.1.1.4.5.2.1.3" // read-write, at most 20 characters
	SPDUOutletPowerOffTime     = "1.3.6.1.4.1.318.1.1.4.5.2.1.4" // s, read-write
	SPDUOutletRebootDuration   = "1.3.6.1.4.1.318.1.1.4.5.2.1.5" // s, read-write
)

// SPDUOutletCommand is sPDUOutletCtl: on1/off2, like rPDU.
type SPDUOutletCommand int

const (
	SPDUOutletOn              SPDUOutletCommand = 1
	SPDUOutletOff             SPDUOutletCommand = 2
	SPDUOutletReboot          SPDUOutletCommand = 3
	SPDUOutletUnknown         SPDUOutletCommand = 4 // read only
	SPDUOutletOnWithDelay     SPDUOutletCommand = 5
	SPDUOutletOffWithDelay    SPDUOutletCommand = 6
	SPDUOutletRebootWithDelay SPDUOutletCommand = 7
)

// SPDUMasterCommand is sPDUMasterControlSwitch (all outlets).
type SPDUMasterCommand int

const (
	SPDUTurnAllOnNow       SPDUMasterCommand = 1
	SPDUTurnAllOnSequence  SPDUMasterCommand = 2
	SPDUTurnAllOffNow      SPDUMasterCommand = 3
	SPDURebootAllNow       SPDUMasterCommand = 4
	SPDURebootAllSequence  SPDUMasterCommand = 5
	SPDUNoCommand          SPDUMasterCommand = 6
	SPDUTurnAllOffSequence SPDUMasterCommand = 7
)

// APCModuleFirmwareRev is not in PowerNet-MIB v4.5.8, but every NMC
// recording serves it and LibreNMS reads it: the firmware version of each
// module, indexed 1 = AOS, 2 = application ("v6.4.0").
const APCModuleFirmwareRev = "1.3.6.1.4.1.318.1.4.2.4.1.4"
