package oids

// ServerTech Sentry4-MIB (.1718.4.1), NOTES §1d.
//
// Index shapes: units by unit (1 = the master, ID "A"; 2.. = link units
// "B"…); input cords by unit.cord; lines, phases, overcurrent protectors,
// branches and outlets by unit.cord.n.
//
// Scales: currents 0.01 A but current thresholds 0.1 A; voltages 0.1 V;
// power W and VA; power factor 0.01; utilisation and imbalance 0.1 %;
// cord/phase energy 0.1 kWh but outlet energy Wh; frequency 0.1 Hz.
// Capacities are whole A. Ranges start at -1: "not available".
const (
	St4SystemProductName     = "1.3.6.1.4.1.1718.4.1.1.1.1"  // scalar, "Sentry Smart PDU"
	St4SystemFirmwareVersion = "1.3.6.1.4.1.1718.4.1.1.1.3"  // scalar, "Version 8.0n"
	St4SystemUnitCount       = "1.3.6.1.4.1.1718.4.1.1.1.21" // scalar

	St4UnitConfigEntry    = "1.3.6.1.4.1.1718.4.1.2.2.1"
	St4UnitID             = "1.3.6.1.4.1.1718.4.1.2.2.1.2" // "A"
	St4UnitName           = "1.3.6.1.4.1.1718.4.1.2.2.1.3" // read-write
	St4UnitProductSN      = "1.3.6.1.4.1.1718.4.1.2.2.1.4"
	St4UnitModel          = "1.3.6.1.4.1.1718.4.1.2.2.1.5" // "C2S42CE-YCMFAM00"
	St4UnitType           = "1.3.6.1.4.1.1718.4.1.2.2.1.7" // St4UnitTypeValue
	St4UnitCapabilities   = "1.3.6.1.4.1.1718.4.1.2.2.1.8" // BITS dc0/phase3 1/wye2/delta3
	St4UnitInputCordCount = "1.3.6.1.4.1.1718.4.1.2.2.1.30"
	St4UnitMonitorEntry   = "1.3.6.1.4.1.1718.4.1.2.3.1"
	St4UnitStatus         = "1.3.6.1.4.1.1718.4.1.2.3.1.1" // St4DeviceStatus

	St4InputCordConfigEntry        = "1.3.6.1.4.1.1718.4.1.3.2.1"
	St4InputCordID                 = "1.3.6.1.4.1.1718.4.1.3.2.1.2"  // "AA"
	St4InputCordName               = "1.3.6.1.4.1.1718.4.1.3.2.1.3"  // read-write, "Master_Cord_A"
	St4InputCordInletType          = "1.3.6.1.4.1.1718.4.1.3.2.1.6"  // "L6-30P"
	St4InputCordNominalVoltage     = "1.3.6.1.4.1.1718.4.1.3.2.1.7"  // 0.1 V, read-write
	St4InputCordNominalVoltageMin  = "1.3.6.1.4.1.1718.4.1.3.2.1.8"  // V (whole)
	St4InputCordNominalVoltageMax  = "1.3.6.1.4.1.1718.4.1.3.2.1.9"  // V (whole)
	St4InputCordCurrentCapacity    = "1.3.6.1.4.1.1718.4.1.3.2.1.10" // A, read-write
	St4InputCordCurrentCapacityMax = "1.3.6.1.4.1.1718.4.1.3.2.1.11" // A
	St4InputCordPowerCapacity      = "1.3.6.1.4.1.1718.4.1.3.2.1.12" // VA
	St4InputCordLineCount          = "1.3.6.1.4.1.1718.4.1.3.2.1.20"
	St4InputCordPhaseCount         = "1.3.6.1.4.1.1718.4.1.3.2.1.21"
	St4InputCordOcpCount           = "1.3.6.1.4.1.1718.4.1.3.2.1.22"
	St4InputCordBranchCount        = "1.3.6.1.4.1.1718.4.1.3.2.1.23"
	St4InputCordOutletCount        = "1.3.6.1.4.1.1718.4.1.3.2.1.24"

	St4InputCordMonitorEntry        = "1.3.6.1.4.1.1718.4.1.3.3.1"
	St4InputCordState               = "1.3.6.1.4.1.1718.4.1.3.3.1.1"  // St4DeviceState
	St4InputCordStatus              = "1.3.6.1.4.1.1718.4.1.3.3.1.2"  // St4DeviceStatus
	St4InputCordActivePower         = "1.3.6.1.4.1.1718.4.1.3.3.1.3"  // W
	St4InputCordActivePowerStatus   = "1.3.6.1.4.1.1718.4.1.3.3.1.4"  // St4DeviceStatus
	St4InputCordApparentPower       = "1.3.6.1.4.1.1718.4.1.3.3.1.5"  // VA
	St4InputCordApparentPowerStatus = "1.3.6.1.4.1.1718.4.1.3.3.1.6"  // St4DeviceStatus
	St4InputCordPowerUtilized       = "1.3.6.1.4.1.1718.4.1.3.3.1.7"  // 0.1 % of the power capacity
	St4InputCordPowerFactor         = "1.3.6.1.4.1.1718.4.1.3.3.1.8"  // 0.01
	St4InputCordPowerFactorStatus   = "1.3.6.1.4.1.1718.4.1.3.3.1.9"  // St4DeviceStatus
	St4InputCordEnergy              = "1.3.6.1.4.1.1718.4.1.3.3.1.10" // 0.1 kWh
	St4InputCordFrequency           = "1.3.6.1.4.1.1718.4.1.3.3.1.11" // 0.1 Hz
	St4InputCordOutOfBalance        = "1.3.6.1.4.1.1718.4.1.3.3.1.12" // % (the MIB says 0.1 %; the C2S42CE recording answers whole %); three-phase cords only
	St4InputCordOutOfBalanceStatus  = "1.3.6.1.4.1.1718.4.1.3.3.1.13" // St4DeviceStatus; three-phase cords only

	St4InputCordEventConfigEntry         = "1.3.6.1.4.1.1718.4.1.3.4.1"
	St4InputCordNotifications            = "1.3.6.1.4.1.1718.4.1.3.4.1.1"  // BITS snmpTrap0/email1, read-write
	St4InputCordActivePowerLowAlarm      = "1.3.6.1.4.1.1718.4.1.3.4.1.2"  // W, read-write
	St4InputCordActivePowerLowWarning    = "1.3.6.1.4.1.1718.4.1.3.4.1.3"  // W
	St4InputCordActivePowerHighWarning   = "1.3.6.1.4.1.1718.4.1.3.4.1.4"  // W
	St4InputCordActivePowerHighAlarm     = "1.3.6.1.4.1.1718.4.1.3.4.1.5"  // W
	St4InputCordApparentPowerLowAlarm    = "1.3.6.1.4.1.1718.4.1.3.4.1.6"  // VA
	St4InputCordApparentPowerLowWarning  = "1.3.6.1.4.1.1718.4.1.3.4.1.7"  // VA
	St4InputCordApparentPowerHighWarning = "1.3.6.1.4.1.1718.4.1.3.4.1.8"  // VA
	St4InputCordApparentPowerHighAlarm   = "1.3.6.1.4.1.1718.4.1.3.4.1.9"  // VA
	St4InputCordPowerFactorLowAlarm      = "1.3.6.1.4.1.1718.4.1.3.4.1.10" // 0.01
	St4InputCordPowerFactorLowWarning    = "1.3.6.1.4.1.1718.4.1.3.4.1.11" // 0.01
	St4InputCordOutOfBalanceHighWarning  = "1.3.6.1.4.1.1718.4.1.3.4.1.12" // %; three-phase cords only
	St4InputCordOutOfBalanceHighAlarm    = "1.3.6.1.4.1.1718.4.1.3.4.1.13" // %; three-phase cords only

	St4LineConfigEntry        = "1.3.6.1.4.1.1718.4.1.4.2.1"
	St4LineID                 = "1.3.6.1.4.1.1718.4.1.4.2.1.2" // "AA1"
	St4LineLabel              = "1.3.6.1.4.1.1718.4.1.4.2.1.4" // "AA:L1", "AA:L" on single-phase cords
	St4LineCurrentCapacity    = "1.3.6.1.4.1.1718.4.1.4.2.1.6" // A
	St4LineMonitorEntry       = "1.3.6.1.4.1.1718.4.1.4.3.1"
	St4LineState              = "1.3.6.1.4.1.1718.4.1.4.3.1.1" // St4DeviceState
	St4LineStatus             = "1.3.6.1.4.1.1718.4.1.4.3.1.2" // St4DeviceStatus
	St4LineCurrent            = "1.3.6.1.4.1.1718.4.1.4.3.1.3" // 0.01 A
	St4LineCurrentStatus      = "1.3.6.1.4.1.1718.4.1.4.3.1.4" // St4DeviceStatus
	St4LineCurrentUtilized    = "1.3.6.1.4.1.1718.4.1.4.3.1.5" // 0.1 %
	St4LineEventConfigEntry   = "1.3.6.1.4.1.1718.4.1.4.4.1"
	St4LineCurrentLowAlarm    = "1.3.6.1.4.1.1718.4.1.4.4.1.2" // 0.1 A, read-write
	St4LineCurrentLowWarning  = "1.3.6.1.4.1.1718.4.1.4.4.1.3" // 0.1 A, read-write
	St4LineCurrentHighWarning = "1.3.6.1.4.1.1718.4.1.4.4.1.4" // 0.1 A, read-write
	St4LineCurrentHighAlarm   = "1.3.6.1.4.1.1718.4.1.4.4.1.5" // 0.1 A, read-write

	St4PhaseConfigEntry        = "1.3.6.1.4.1.1718.4.1.5.2.1"
	St4PhaseID                 = "1.3.6.1.4.1.1718.4.1.5.2.1.2" // "AA1"
	St4PhaseLabel              = "1.3.6.1.4.1.1718.4.1.5.2.1.4" // "AA:L1-L2", "AA:L-L/N"
	St4PhaseNominalVoltage     = "1.3.6.1.4.1.1718.4.1.5.2.1.6" // 0.1 V
	St4PhaseBranchCount        = "1.3.6.1.4.1.1718.4.1.5.2.1.20"
	St4PhaseOutletCount        = "1.3.6.1.4.1.1718.4.1.5.2.1.21"
	St4PhaseMonitorEntry       = "1.3.6.1.4.1.1718.4.1.5.3.1"
	St4PhaseState              = "1.3.6.1.4.1.1718.4.1.5.3.1.1"  // St4DeviceState
	St4PhaseStatus             = "1.3.6.1.4.1.1718.4.1.5.3.1.2"  // St4DeviceStatus
	St4PhaseVoltage            = "1.3.6.1.4.1.1718.4.1.5.3.1.3"  // 0.1 V
	St4PhaseVoltageStatus      = "1.3.6.1.4.1.1718.4.1.5.3.1.4"  // St4DeviceStatus
	St4PhaseVoltageDeviation   = "1.3.6.1.4.1.1718.4.1.5.3.1.5"  // 0.1 % from nominal
	St4PhaseCurrent            = "1.3.6.1.4.1.1718.4.1.5.3.1.6"  // 0.01 A
	St4PhaseCurrentCrestFactor = "1.3.6.1.4.1.1718.4.1.5.3.1.7"  // 0.1
	St4PhaseActivePower        = "1.3.6.1.4.1.1718.4.1.5.3.1.8"  // W
	St4PhaseApparentPower      = "1.3.6.1.4.1.1718.4.1.5.3.1.9"  // VA
	St4PhasePowerFactor        = "1.3.6.1.4.1.1718.4.1.5.3.1.10" // 0.01
	St4PhasePowerFactorStatus  = "1.3.6.1.4.1.1718.4.1.5.3.1.11" // St4DeviceStatus
	St4PhaseReactance          = "1.3.6.1.4.1.1718.4.1.5.3.1.12" // unknown0/capacitive1/inductive2/resistive3
	St4PhaseEnergy             = "1.3.6.1.4.1.1718.4.1.5.3.1.13" // 0.1 kWh

	St4OcpConfigEntry        = "1.3.6.1.4.1.1718.4.1.6.2.1"
	St4OcpID                 = "1.3.6.1.4.1.1718.4.1.6.2.1.2" // "AA1"
	St4OcpLabel              = "1.3.6.1.4.1.1718.4.1.6.2.1.4" // "AA:BR1"
	St4OcpType               = "1.3.6.1.4.1.1718.4.1.6.2.1.6" // fuse0/breaker1
	St4OcpCurrentCapacity    = "1.3.6.1.4.1.1718.4.1.6.2.1.7" // A, read-write
	St4OcpCurrentCapacityMax = "1.3.6.1.4.1.1718.4.1.6.2.1.8" // A
	St4OcpBranchCount        = "1.3.6.1.4.1.1718.4.1.6.2.1.20"
	St4OcpOutletCount        = "1.3.6.1.4.1.1718.4.1.6.2.1.21"
	St4OcpMonitorEntry       = "1.3.6.1.4.1.1718.4.1.6.3.1"
	St4OcpStatus             = "1.3.6.1.4.1.1718.4.1.6.3.1.1" // St4DeviceStatus (breakerTripped12)

	St4BranchConfigEntry        = "1.3.6.1.4.1.1718.4.1.7.2.1"
	St4BranchID                 = "1.3.6.1.4.1.1718.4.1.7.2.1.2"  // "AA1"
	St4BranchLabel              = "1.3.6.1.4.1.1718.4.1.7.2.1.4"  // "AA:BR1"
	St4BranchCurrentCapacity    = "1.3.6.1.4.1.1718.4.1.7.2.1.6"  // A
	St4BranchPhaseID            = "1.3.6.1.4.1.1718.4.1.7.2.1.20" // "AA1"
	St4BranchOcpID              = "1.3.6.1.4.1.1718.4.1.7.2.1.21" // "AA1"
	St4BranchOutletCount        = "1.3.6.1.4.1.1718.4.1.7.2.1.30"
	St4BranchMonitorEntry       = "1.3.6.1.4.1.1718.4.1.7.3.1"
	St4BranchState              = "1.3.6.1.4.1.1718.4.1.7.3.1.1" // St4DeviceState
	St4BranchStatus             = "1.3.6.1.4.1.1718.4.1.7.3.1.2" // St4DeviceStatus
	St4BranchCurrent            = "1.3.6.1.4.1.1718.4.1.7.3.1.3" // 0.01 A
	St4BranchCurrentStatus      = "1.3.6.1.4.1.1718.4.1.7.3.1.4" // St4DeviceStatus
	St4BranchCurrentUtilized    = "1.3.6.1.4.1.1718.4.1.7.3.1.5" // 0.1 %
	St4BranchEventConfigEntry   = "1.3.6.1.4.1.1718.4.1.7.4.1"
	St4BranchCurrentLowAlarm    = "1.3.6.1.4.1.1718.4.1.7.4.1.2" // 0.1 A, read-write
	St4BranchCurrentLowWarning  = "1.3.6.1.4.1.1718.4.1.7.4.1.3" // 0.1 A, read-write
	St4BranchCurrentHighWarning = "1.3.6.1.4.1.1718.4.1.7.4.1.4" // 0.1 A, read-write
	St4BranchCurrentHighAlarm   = "1.3.6.1.4.1.1718.4.1.7.4.1.5" // 0.1 A, read-write

	St4OutletConfigEntry        = "1.3.6.1.4.1.1718.4.1.8.2.1"
	St4OutletID                 = "1.3.6.1.4.1.1718.4.1.8.2.1.2"  // "AA1"
	St4OutletName               = "1.3.6.1.4.1.1718.4.1.8.2.1.3"  // read-write, 0..32 characters
	St4OutletCapabilities       = "1.3.6.1.4.1.1718.4.1.8.2.1.5"  // BITS switched0/pops1
	St4OutletSocketType         = "1.3.6.1.4.1.1718.4.1.8.2.1.6"  // "C13"
	St4OutletCurrentCapacity    = "1.3.6.1.4.1.1718.4.1.8.2.1.7"  // A
	St4OutletPowerCapacity      = "1.3.6.1.4.1.1718.4.1.8.2.1.8"  // VA
	St4OutletWakeupState        = "1.3.6.1.4.1.1718.4.1.8.2.1.20" // on0/off1/last2, read-write
	St4OutletPostOnDelay        = "1.3.6.1.4.1.1718.4.1.8.2.1.21" // 0.1 s, read-write
	St4OutletPhaseID            = "1.3.6.1.4.1.1718.4.1.8.2.1.30"
	St4OutletOcpID              = "1.3.6.1.4.1.1718.4.1.8.2.1.31"
	St4OutletBranchID           = "1.3.6.1.4.1.1718.4.1.8.2.1.32"
	St4OutletMonitorEntry       = "1.3.6.1.4.1.1718.4.1.8.3.1"
	St4OutletState              = "1.3.6.1.4.1.1718.4.1.8.3.1.1"  // St4DeviceState: on1/off2
	St4OutletStatus             = "1.3.6.1.4.1.1718.4.1.8.3.1.2"  // St4DeviceStatus
	St4OutletCurrent            = "1.3.6.1.4.1.1718.4.1.8.3.1.3"  // 0.01 A, -1 without per-outlet metering
	St4OutletCurrentStatus      = "1.3.6.1.4.1.1718.4.1.8.3.1.4"  // St4DeviceStatus
	St4OutletCurrentUtilized    = "1.3.6.1.4.1.1718.4.1.8.3.1.5"  // 0.1 %
	St4OutletVoltage            = "1.3.6.1.4.1.1718.4.1.8.3.1.6"  // 0.1 V
	St4OutletActivePower        = "1.3.6.1.4.1.1718.4.1.8.3.1.7"  // W
	St4OutletActivePowerStatus  = "1.3.6.1.4.1.1718.4.1.8.3.1.8"  // St4DeviceStatus
	St4OutletApparentPower      = "1.3.6.1.4.1.1718.4.1.8.3.1.9"  // VA
	St4OutletPowerFactor        = "1.3.6.1.4.1.1718.4.1.8.3.1.10" // 0.01
	St4OutletPowerFactorStatus  = "1.3.6.1.4.1.1718.4.1.8.3.1.11" // St4DeviceStatus
	St4OutletCurrentCrestFactor = "1.3.6.1.4.1.1718.4.1.8.3.1.12" // 0.1
	St4OutletReactance          = "1.3.6.1.4.1.1718.4.1.8.3.1.13" // unknown0/capacitive1/inductive2/resistive3
	St4OutletEnergy             = "1.3.6.1.4.1.1718.4.1.8.3.1.14" // Wh (not 0.1 kWh)
	St4OutletControlEntry       = "1.3.6.1.4.1.1718.4.1.8.5.1"
	St4OutletControlState       = "1.3.6.1.4.1.1718.4.1.8.5.1.1" // St4OutletControlStateValue
	St4OutletControlAction      = "1.3.6.1.4.1.1718.4.1.8.5.1.2" // St4OutletAction, read-write; reads none0
)

// St4DeviceState is the DeviceState TC (…State columns).
type St4DeviceState int

const (
	St4StateUnknown St4DeviceState = 0
	St4StateOn      St4DeviceState = 1
	St4StateOff     St4DeviceState = 2
)

// St4DeviceStatus is the DeviceStatus TC (…Status columns), the values
// feedplan uses.
type St4DeviceStatus int

const (
	St4StatusNormal         St4DeviceStatus = 0
	St4StatusDisabled       St4DeviceStatus = 1
	St4StatusNotFound       St4DeviceStatus = 7
	St4StatusLost           St4DeviceStatus = 8
	St4StatusNoComm         St4DeviceStatus = 10
	St4StatusBreakerTripped St4DeviceStatus = 12
	St4StatusLowAlarm       St4DeviceStatus = 14
	St4StatusLowWarning     St4DeviceStatus = 15
	St4StatusHighWarning    St4DeviceStatus = 16
	St4StatusHighAlarm      St4DeviceStatus = 17
)

// St4UnitTypeValue is st4UnitType.
type St4UnitTypeValue int

const (
	St4UnitPrimary St4UnitTypeValue = 0
	St4UnitLink    St4UnitTypeValue = 1
)

// St4OutletControlStateValue is st4OutletControlState, the values feedplan
// uses.
type St4OutletControlStateValue int

const (
	St4ControlIdleOff   St4OutletControlStateValue = 2
	St4ControlIdleOn    St4OutletControlStateValue = 3
	St4ControlPendOn    St4OutletControlStateValue = 8
	St4ControlPendOff   St4OutletControlStateValue = 9
	St4ControlOff       St4OutletControlStateValue = 10
	St4ControlOn        St4OutletControlStateValue = 11
	St4ControlReboot    St4OutletControlStateValue = 12
	St4ControlLockedOff St4OutletControlStateValue = 14
	St4ControlLockedOn  St4OutletControlStateValue = 15
)

// St4OutletAction is st4OutletControlAction.
type St4OutletAction int

const (
	St4ActionNone        St4OutletAction = 0
	St4ActionOn          St4OutletAction = 1
	St4ActionOff         St4OutletAction = 2
	St4ActionReboot      St4OutletAction = 3
	St4ActionQueueOn     St4OutletAction = 4
	St4ActionQueueOff    St4OutletAction = 5
	St4ActionQueueReboot St4OutletAction = 6
)
