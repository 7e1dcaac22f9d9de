package oids

// APC rack ATS, PowerNet-MIB automaticTransferSwitch (.318.1.1.8), served
// by AP77xx and AP44xx units (NOTES §1b). Scalars are read at .0.
//
// Index quirk: the MIB gives the input-phase and output-phase tables two
// index sub-ids, but real units answer with three: <input>.<phase>.1 and
// <output>.<phase>.1, e.g. atsInputVoltage.1.1.1 (source A) and
// atsOutputCurrent.1.1.1 (NUT apc-ats-mib.c, LibreNMS poll .<input>.1.1).
// The input and output tables themselves have one sub-id (1 = source A,
// 2 = source B; 1 = the output).
//
// Scales: atsInputCurrent is in whole A but atsOutputCurrent and
// atsOutputBankCurrent are in 0.1 A; voltages V; frequencies Hz; -1 is
// "not supported" on any of them. The rack ATS MIB has no transfer or
// self-test object: atsConfigPreferredSource is the only source selection.
const (
	ATSIdentHardwareRev          = "1.3.6.1.4.1.318.1.1.8.1.1"
	ATSIdentFirmwareRev          = "1.3.6.1.4.1.318.1.1.8.1.2"
	ATSIdentFirmwareDate         = "1.3.6.1.4.1.318.1.1.8.1.3"
	ATSIdentDateOfManufacture    = "1.3.6.1.4.1.318.1.1.8.1.4"
	ATSIdentModelNumber          = "1.3.6.1.4.1.318.1.1.8.1.5"
	ATSIdentSerialNumber         = "1.3.6.1.4.1.318.1.1.8.1.6"
	ATSIdentNominalLineVoltage   = "1.3.6.1.4.1.318.1.1.8.1.7" // V
	ATSIdentNominalLineFrequency = "1.3.6.1.4.1.318.1.1.8.1.8" // Hz
	ATSIdentDeviceRating         = "1.3.6.1.4.1.318.1.1.8.1.9" // A

	ATSControlResetATS       = "1.3.6.1.4.1.318.1.1.8.3.1" // none1/reset2, read-write; not for AP44xx
	ATSControlClearAllAlarms = "1.3.6.1.4.1.318.1.1.8.3.2" // none1/clear2, read-write; -1 unsupported

	ATSConfigProductName                = "1.3.6.1.4.1.318.1.1.8.4.1"  // read-write
	ATSConfigPreferredSource            = "1.3.6.1.4.1.318.1.1.8.4.2"  // ATSSource (sourceA1/sourceB2/none3), read-write
	ATSConfigFrontPanelLockout          = "1.3.6.1.4.1.318.1.1.8.4.3"  // disableFrontPanel1/enableFrontPanel2, read-write
	ATSConfigVoltageSensitivity         = "1.3.6.1.4.1.318.1.1.8.4.4"  // high1/low2, read-write
	ATSConfigTransferVoltageRange       = "1.3.6.1.4.1.318.1.1.8.4.5"  // wide1/medium2/narrow3, read-write
	ATSConfigCurrentLimit               = "1.3.6.1.4.1.318.1.1.8.4.6"  // A, read-write; "setting has no impact"
	ATSConfigFrequencyDeviation         = "1.3.6.1.4.1.318.1.1.8.4.12" // one1/two2/three3/five5/ten10 (Hz), read-write
	ATSConfigBankTableSize              = "1.3.6.1.4.1.318.1.1.8.4.13"
	ATSConfigBankEntry                  = "1.3.6.1.4.1.318.1.1.8.4.14.1" // indexed 1 total, 2 bank1, 3 bank2
	ATSConfigBankTableIndex             = "1.3.6.1.4.1.318.1.1.8.4.14.1.1"
	ATSConfigBank                       = "1.3.6.1.4.1.318.1.1.8.4.14.1.2" // ATSBank
	ATSConfigBankLowLoadThreshold       = "1.3.6.1.4.1.318.1.1.8.4.14.1.3" // A, read-write
	ATSConfigBankNearOverLoadThreshold  = "1.3.6.1.4.1.318.1.1.8.4.14.1.4" // A, read-write
	ATSConfigBankOverLoadThreshold      = "1.3.6.1.4.1.318.1.1.8.4.14.1.5" // A, read-write
	ATSConfigPhaseTableSize             = "1.3.6.1.4.1.318.1.1.8.4.15"
	ATSConfigPhaseEntry                 = "1.3.6.1.4.1.318.1.1.8.4.16.1" // indexed by phase
	ATSConfigPhaseTableIndex            = "1.3.6.1.4.1.318.1.1.8.4.16.1.1"
	ATSConfigPhase                      = "1.3.6.1.4.1.318.1.1.8.4.16.1.2" // phase1 1 … phase3 3
	ATSConfigPhaseLowLoadThreshold      = "1.3.6.1.4.1.318.1.1.8.4.16.1.3" // A, read-write
	ATSConfigPhaseNearOverLoadThreshold = "1.3.6.1.4.1.318.1.1.8.4.16.1.4" // A, read-write
	ATSConfigPhaseOverLoadThreshold     = "1.3.6.1.4.1.318.1.1.8.4.16.1.5" // A, read-write

	// atsStatusDeviceStatus scalars.
	ATSStatusCommStatus       = "1.3.6.1.4.1.318.1.1.8.5.1.1"  // neverDiscovered1/established2/lost3
	ATSStatusSelectedSource   = "1.3.6.1.4.1.318.1.1.8.5.1.2"  // ATSSource (sourceA1/sourceB2)
	ATSStatusRedundancyState  = "1.3.6.1.4.1.318.1.1.8.5.1.3"  // ATSRedundancy
	ATSStatusOverCurrentState = "1.3.6.1.4.1.318.1.1.8.5.1.4"  // overCurrent1/currentOK2
	ATSStatus5VPowerSupply    = "1.3.6.1.4.1.318.1.1.8.5.1.5"  // failure1/ok2
	ATSStatus24VPowerSupply   = "1.3.6.1.4.1.318.1.1.8.5.1.6"  // failure1/ok2
	ATSStatusSwitchStatus     = "1.3.6.1.4.1.318.1.1.8.5.1.10" // ATSFailOK
	ATSStatusFrontPanel       = "1.3.6.1.4.1.318.1.1.8.5.1.11" // locked1/unlocked2
	ATSStatusSourceAStatus    = "1.3.6.1.4.1.318.1.1.8.5.1.12" // ATSFailOK
	ATSStatusSourceBStatus    = "1.3.6.1.4.1.318.1.1.8.5.1.13" // ATSFailOK
	ATSStatusPhaseSyncStatus  = "1.3.6.1.4.1.318.1.1.8.5.1.14" // inSync1/outOfSync2
	ATSStatusVoltageOutStatus = "1.3.6.1.4.1.318.1.1.8.5.1.15" // ATSFailOK
	ATSStatusHardwareStatus   = "1.3.6.1.4.1.318.1.1.8.5.1.16" // ATSFailOK
	ATSStatusFuseSourceA      = "1.3.6.1.4.1.318.1.1.8.5.1.21" // close1/open2
	ATSStatusFuseSourceB      = "1.3.6.1.4.1.318.1.1.8.5.1.22" // close1/open2

	ATSStatusResetMaxMinValues = "1.3.6.1.4.1.318.1.1.8.5.2.1" // none1/reset2, read-write

	// Inputs: atsNumInputs scalar; atsInputTable indexed by input
	// (1 = A, 2 = B); atsInputPhaseTable indexed <input>.<phase>.1.
	ATSNumInputs                 = "1.3.6.1.4.1.318.1.1.8.5.3.1"
	ATSInputEntry                = "1.3.6.1.4.1.318.1.1.8.5.3.2.1"
	ATSInputTableIndex           = "1.3.6.1.4.1.318.1.1.8.5.3.2.1.1"
	ATSNumInputPhases            = "1.3.6.1.4.1.318.1.1.8.5.3.2.1.2"
	ATSInputVoltageOrientation   = "1.3.6.1.4.1.318.1.1.8.5.3.2.1.3" // ATSVoltageOrientation
	ATSInputFrequency            = "1.3.6.1.4.1.318.1.1.8.5.3.2.1.4" // Hz, -1 unsupported
	ATSInputType                 = "1.3.6.1.4.1.318.1.1.8.5.3.2.1.5" // unknown1/main2/bypass3
	ATSInputName                 = "1.3.6.1.4.1.318.1.1.8.5.3.2.1.6" // read-write
	ATSInputPhaseEntry           = "1.3.6.1.4.1.318.1.1.8.5.3.3.1"
	ATSInputPhaseTableIndex      = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.1"
	ATSInputPhaseIndex           = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.2"
	ATSInputVoltage              = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.3"  // V, -1 unsupported
	ATSInputMaxVoltage           = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.4"  // V, -1 unsupported
	ATSInputMinVoltage           = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.5"  // V, -1 unsupported
	ATSInputCurrent              = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.6"  // whole A (not 0.1 A), -1 unsupported
	ATSInputMaxCurrent           = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.7"  // A
	ATSInputMinCurrent           = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.8"  // A
	ATSInputPower                = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.9"  // W, -1 unsupported
	ATSInputMaxPower             = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.10" // W
	ATSInputMinPower             = "1.3.6.1.4.1.318.1.1.8.5.3.3.1.11" // W
	ATSNumOutputs                = "1.3.6.1.4.1.318.1.1.8.5.4.1"
	ATSOutputEntry               = "1.3.6.1.4.1.318.1.1.8.5.4.2.1" // indexed by output (1)
	ATSOutputTableIndex          = "1.3.6.1.4.1.318.1.1.8.5.4.2.1.1"
	ATSNumOutputPhases           = "1.3.6.1.4.1.318.1.1.8.5.4.2.1.2"
	ATSOutputVoltageOrientation  = "1.3.6.1.4.1.318.1.1.8.5.4.2.1.3" // ATSVoltageOrientation
	ATSOutputFrequency           = "1.3.6.1.4.1.318.1.1.8.5.4.2.1.4" // Hz, -1 unsupported
	ATSOutputPhaseEntry          = "1.3.6.1.4.1.318.1.1.8.5.4.3.1"   // indexed <output>.<phase>.1
	ATSOutputPhaseTableIndex     = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.1"
	ATSOutputPhaseIndex          = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.2"  // phase1 1 … neutral 4
	ATSOutputVoltage             = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.3"  // V, -1 unsupported
	ATSOutputCurrent             = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.4"  // 0.1 A, -1 unsupported
	ATSOutputMaxCurrent          = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.5"  // 0.1 A
	ATSOutputMinCurrent          = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.6"  // 0.1 A
	ATSOutputLoad                = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.7"  // VA, -1 unsupported
	ATSOutputMaxLoad             = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.8"  // VA
	ATSOutputMinLoad             = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.9"  // VA
	ATSOutputPercentLoad         = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.10" // % of VA capacity
	ATSOutputMaxPercentLoad      = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.11"
	ATSOutputMinPercentLoad      = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.12"
	ATSOutputPower               = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.13" // VA (apparent), -1 unsupported
	ATSOutputMaxPower            = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.14"
	ATSOutputMinPower            = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.15"
	ATSOutputPercentPower        = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.16" // %
	ATSOutputMaxPercentPower     = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.17"
	ATSOutputMinPercentPower     = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.18"
	ATSOutputPhaseState          = "1.3.6.1.4.1.318.1.1.8.5.4.3.1.19" // ATSLoadState
	ATSOutputBankTableSize       = "1.3.6.1.4.1.318.1.1.8.5.4.4"
	ATSOutputBankEntry           = "1.3.6.1.4.1.318.1.1.8.5.4.5.1" // indexed 1 total, 2 bank1, 3 bank2
	ATSOutputBankTableIndex      = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.1"
	ATSOutputPhase               = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.2"  // phase1 1 … phase3 3
	ATSOutputBank                = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.3"  // ATSBank
	ATSOutputBankCurrent         = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.4"  // Gauge32, 0.1 A
	ATSOutputBankState           = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.5"  // ATSLoadState
	ATSOutputBankOutputVoltage   = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.6"  // V
	ATSOutputBankMaxCurrent      = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.7"  // 0.1 A, -1 unsupported
	ATSOutputBankMinCurrent      = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.8"  // 0.1 A, -1 unsupported
	ATSOutputBankLoad            = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.9"  // VA
	ATSOutputBankMaxLoad         = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.10" // VA
	ATSOutputBankMinLoad         = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.11" // VA
	ATSOutputBankPercentLoad     = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.12" // %
	ATSOutputBankMaxPercentLoad  = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.13"
	ATSOutputBankMinPercentLoad  = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.14"
	ATSOutputBankPower           = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.15" // VA (apparent)
	ATSOutputBankMaxPower        = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.16"
	ATSOutputBankMinPower        = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.17"
	ATSOutputBankPercentPower    = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.18" // %
	ATSOutputBankMaxPercentPower = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.19"
	ATSOutputBankMinPercentPower = "1.3.6.1.4.1.318.1.1.8.5.4.5.1.20"
)

// ATSSource is atsStatusSelectedSource (1, 2) and atsConfigPreferredSource
// (1, 2, 3).
type ATSSource int

const (
	ATSSourceA    ATSSource = 1
	ATSSourceB    ATSSource = 2
	ATSSourceNone ATSSource = 3 // preferred source only: no preference
)

// ATSRedundancy is atsStatusRedundancyState.
type ATSRedundancy int

const (
	ATSRedundancyLost ATSRedundancy = 1
	ATSFullyRedundant ATSRedundancy = 2
)

// ATSFailOK is atsStatusSwitchStatus, atsStatusSourceA/BStatus,
// atsStatusVoltageOutStatus and atsStatusHardwareStatus.
type ATSFailOK int

const (
	ATSFail ATSFailOK = 1
	ATSOK   ATSFailOK = 2
)

// ATSLoadState is atsOutputPhaseState and atsOutputBankState: normal is 1.
type ATSLoadState int

const (
	ATSLoadNormal       ATSLoadState = 1
	ATSLoadLow          ATSLoadState = 2
	ATSLoadNearOverload ATSLoadState = 3
	ATSLoadOverload     ATSLoadState = 4
)

// ATSBank is atsOutputBank and atsConfigBank.
type ATSBank int

const (
	ATSBankTotal ATSBank = 1
	ATSBank1     ATSBank = 2
	ATSBank2     ATSBank = 3
)

// ATSVoltageOrientation is atsInputVoltageOrientation and
// atsOutputVoltageOrientation.
type ATSVoltageOrientation int

const (
	ATSOrientationUnknown       ATSVoltageOrientation = 1
	ATSSinglePhase              ATSVoltageOrientation = 2
	ATSSplitPhase               ATSVoltageOrientation = 3
	ATSThreePhasePhaseToNeutral ATSVoltageOrientation = 4
	ATSThreePhasePhaseToPhase   ATSVoltageOrientation = 5
)

// Other atsStatus enumerations, as the MIB numbers them.
const (
	ATSOverCurrent        = 1 // atsStatusOverCurrentState atsOverCurrent
	ATSCurrentOK          = 2 // atsStatusOverCurrentState atsCurrentOK
	ATSCommEstablished    = 2 // atsStatusCommStatus atsCommEstablished
	ATSPhasesInSync       = 1 // atsStatusPhaseSyncStatus inSync
	ATSPhasesOutOfSync    = 2 // atsStatusPhaseSyncStatus outOfSync
	ATSFrontPanelUnlocked = 2 // atsStatusFrontPanel unlocked
	ATSPowerSupplyOK      = 2 // atsStatus5VPowerSupply, atsStatus24VPowerSupply atsPowerSupplyOK
	ATSFuseClosed         = 1 // atsStatusFuseSourceA/B atsFuseStatusClose
	ATSFuseOpen           = 2 // atsStatusFuseSourceA/B atsFuseStatusOpen
	ATSInputTypeMain      = 2 // atsInputType main
)
