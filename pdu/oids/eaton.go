package oids

// Eaton ePDU G2/G3, EATON-EPDU-MIB (.534.6.6.7), NOTES §1e.
//
// Index shapes: units by strappingIndex, which is 0 for the master (1.. for
// daisy-chained units): productName.0, not .1 (openDCIM #672). Inputs by
// strap.input; input voltage/current/power rows by strap.input.n; groups
// by strap.group; outlets by strap.outlet; outletParent by
// strap.outlet.parent.
//
// Scales: voltages mV, currents and current thresholds mA, power W and VA,
// energy Wh, frequency 0.1 Hz, power factor 0.001 (negative on some
// firmware), crest factor 0.001; any negative value means "not available".
const (
	EPDUUnitEntry           = "1.3.6.1.4.1.534.6.6.7.1.2.1"
	EPDUProductName         = "1.3.6.1.4.1.534.6.6.7.1.2.1.2" // "ePDU MA 36U-C IN: L5-20P 16A 1P OUT: 24x5-20R"
	EPDUPartNumber          = "1.3.6.1.4.1.534.6.6.7.1.2.1.3" // "EMA114-10"
	EPDUSerialNumber        = "1.3.6.1.4.1.534.6.6.7.1.2.1.4"
	EPDUFirmwareVersion     = "1.3.6.1.4.1.534.6.6.7.1.2.1.5"  // "05.01.0002"
	EPDUUnitName            = "1.3.6.1.4.1.534.6.6.7.1.2.1.6"  // read-write
	EPDUUnitType            = "1.3.6.1.4.1.534.6.6.7.1.2.1.10" // EPDUUnitTypeValue
	EPDUInputCount          = "1.3.6.1.4.1.534.6.6.7.1.2.1.20"
	EPDUGroupCount          = "1.3.6.1.4.1.534.6.6.7.1.2.1.21"
	EPDUOutletCount         = "1.3.6.1.4.1.534.6.6.7.1.2.1.22"
	EPDUCommunicationStatus = "1.3.6.1.4.1.534.6.6.7.1.2.1.30" // good0/communicationLost1
	EPDUInternalStatus      = "1.3.6.1.4.1.534.6.6.7.1.2.1.31" // good0/internalFailure1
	EPDUUnitControlEntry    = "1.3.6.1.4.1.534.6.6.7.1.3.1"
	EPDUUnitControlOffCmd   = "1.3.6.1.4.1.534.6.6.7.1.3.1.2" // as EPDUOutletControlOffCmd, all outlets
	EPDUUnitControlOnCmd    = "1.3.6.1.4.1.534.6.6.7.1.3.1.3" // as EPDUOutletControlOnCmd, all outlets

	EPDUInputEntry                  = "1.3.6.1.4.1.534.6.6.7.3.1.1"
	EPDUInputType                   = "1.3.6.1.4.1.534.6.6.7.3.1.1.2" // singlePhase1/splitPhase2/threePhaseDelta3/threePhaseWye4
	EPDUInputFrequency              = "1.3.6.1.4.1.534.6.6.7.3.1.1.3" // 0.1 Hz
	EPDUInputFrequencyStatus        = "1.3.6.1.4.1.534.6.6.7.3.1.1.4" // good0/outOfRange1
	EPDUInputVoltageCount           = "1.3.6.1.4.1.534.6.6.7.3.1.1.5"
	EPDUInputCurrentCount           = "1.3.6.1.4.1.534.6.6.7.3.1.1.6"
	EPDUInputPowerCount             = "1.3.6.1.4.1.534.6.6.7.3.1.1.7"
	EPDUInputPlugType               = "1.3.6.1.4.1.534.6.6.7.3.1.1.8"  // nemaL520 123, iec332P6 104, …
	EPDUInputFeedColor              = "1.3.6.1.4.1.534.6.6.7.3.1.1.9"  // Unsigned32 RGB, read-write
	EPDUInputFeedName               = "1.3.6.1.4.1.534.6.6.7.3.1.1.10" // read-write, "Feed A"
	EPDUInputVoltageEntry           = "1.3.6.1.4.1.534.6.6.7.3.2.1"
	EPDUInputVoltageMeasType        = "1.3.6.1.4.1.534.6.6.7.3.2.1.2" // : EPDUMeasType
	EPDUInputVoltage                = "1.3.6.1.4.1.534.6.6.7.3.2.1.3" // mV
	EPDUInputVoltageThStatus        = "1.3.6.1.4.1.534.6.6.7.3.2.1.4" // EPDUThStatus
	EPDUInputVoltageThLowerWarning  = "1.3.6.1.4.1.534.6.6.7.3.2.1.5" // mV, read-write
	EPDUInputVoltageThLowerCritical = "1.3.6.1.4.1.534.6.6.7.3.2.1.6" // mV, read-write
	EPDUInputVoltageThUpperWarning  = "1.3.6.1.4.1.534.6.6.7.3.2.1.7" // mV, read-write
	EPDUInputVoltageThUpperCritical = "1.3.6.1.4.1.534.6.6.7.3.2.1.8" // mV, read-write
	EPDUInputCurrentEntry           = "1.3.6.1.4.1.534.6.6.7.3.3.1"
	EPDUInputCurrentMeasType        = "1.3.6.1.4.1.534.6.6.7.3.3.1.2"  // singlePhase1/neutral2/phase1 3/phase2 4/phase3 5
	EPDUInputCurrentCapacity        = "1.3.6.1.4.1.534.6.6.7.3.3.1.3"  // mA
	EPDUInputCurrent                = "1.3.6.1.4.1.534.6.6.7.3.3.1.4"  // mA
	EPDUInputCurrentThStatus        = "1.3.6.1.4.1.534.6.6.7.3.3.1.5"  // EPDUThStatus
	EPDUInputCurrentThLowerWarning  = "1.3.6.1.4.1.534.6.6.7.3.3.1.6"  // mA, read-write
	EPDUInputCurrentThLowerCritical = "1.3.6.1.4.1.534.6.6.7.3.3.1.7"  // mA, read-write
	EPDUInputCurrentThUpperWarning  = "1.3.6.1.4.1.534.6.6.7.3.3.1.8"  // mA, read-write
	EPDUInputCurrentThUpperCritical = "1.3.6.1.4.1.534.6.6.7.3.3.1.9"  // mA, read-write
	EPDUInputCurrentCrestFactor     = "1.3.6.1.4.1.534.6.6.7.3.3.1.10" // 0.001
	EPDUInputCurrentPercentLoad     = "1.3.6.1.4.1.534.6.6.7.3.3.1.11" // %
	EPDUInputPhaseDesignator        = "1.3.6.1.4.1.534.6.6.7.3.3.1.12" // "L1"
	EPDUInputPowerEntry             = "1.3.6.1.4.1.534.6.6.7.3.4.1"
	EPDUInputPowerMeasType          = "1.3.6.1.4.1.534.6.6.7.3.4.1.2" // unknown0/phase1 1/phase2 2/phase3 3/total4
	EPDUInputVA                     = "1.3.6.1.4.1.534.6.6.7.3.4.1.3" // VA
	EPDUInputWatts                  = "1.3.6.1.4.1.534.6.6.7.3.4.1.4" // W
	EPDUInputWh                     = "1.3.6.1.4.1.534.6.6.7.3.4.1.5" // Unsigned32 Wh, read-write (resets)
	EPDUInputWhTimer                = "1.3.6.1.4.1.534.6.6.7.3.4.1.6" // Unix seconds of the last reset; the MIB says Counter32, real units send Gauge32
	EPDUInputPowerFactor            = "1.3.6.1.4.1.534.6.6.7.3.4.1.7" // 0.001 (negative on some firmware)
	EPDUInputVAR                    = "1.3.6.1.4.1.534.6.6.7.3.4.1.8" // var
	EPDUInputTotalPowerEntry        = "1.3.6.1.4.1.534.6.6.7.3.5.1"
	EPDUInputTotalVA                = "1.3.6.1.4.1.534.6.6.7.3.5.1.3" // VA
	EPDUInputTotalWatts             = "1.3.6.1.4.1.534.6.6.7.3.5.1.4" // W
	EPDUInputTotalWh                = "1.3.6.1.4.1.534.6.6.7.3.5.1.5" // Unsigned32 Wh, read-write (resets)
	EPDUInputTotalWhTimer           = "1.3.6.1.4.1.534.6.6.7.3.5.1.6" // Unix seconds; Gauge32 on real units
	EPDUInputTotalPowerFactor       = "1.3.6.1.4.1.534.6.6.7.3.5.1.7" // 0.001
	EPDUInputTotalVAR               = "1.3.6.1.4.1.534.6.6.7.3.5.1.8" // var
	EPDUInputPowerCapacity          = "1.3.6.1.4.1.534.6.6.7.3.5.1.9" // VA

	EPDUGroupEntry                  = "1.3.6.1.4.1.534.6.6.7.5.1.1"
	EPDUGroupID                     = "1.3.6.1.4.1.534.6.6.7.5.1.1.2" // outlet parents point here, e.g. "…5.1.1.2.1"
	EPDUGroupName                   = "1.3.6.1.4.1.534.6.6.7.5.1.1.3" // read-write
	EPDUGroupType                   = "1.3.6.1.4.1.534.6.6.7.5.1.1.4" // EPDUGroupTypeValue
	EPDUGroupBreakerStatus          = "1.3.6.1.4.1.534.6.6.7.5.1.1.5" // notApplicable0/breakerOn1/breakerOff2
	EPDUGroupChildCount             = "1.3.6.1.4.1.534.6.6.7.5.1.1.6"
	EPDUGroupDesignator             = "1.3.6.1.4.1.534.6.6.7.5.1.1.8"
	EPDUGroupInputIndex             = "1.3.6.1.4.1.534.6.6.7.5.1.1.9"
	EPDUGroupVoltageEntry           = "1.3.6.1.4.1.534.6.6.7.5.3.1"
	EPDUGroupVoltageMeasType        = "1.3.6.1.4.1.534.6.6.7.5.3.1.2" // EPDUMeasType
	EPDUGroupVoltage                = "1.3.6.1.4.1.534.6.6.7.5.3.1.3" // mV
	EPDUGroupVoltageThStatus        = "1.3.6.1.4.1.534.6.6.7.5.3.1.4" // EPDUThStatus
	EPDUGroupCurrentEntry           = "1.3.6.1.4.1.534.6.6.7.5.4.1"
	EPDUGroupCurrentCapacity        = "1.3.6.1.4.1.534.6.6.7.5.4.1.2"  // mA
	EPDUGroupCurrent                = "1.3.6.1.4.1.534.6.6.7.5.4.1.3"  // mA
	EPDUGroupCurrentThStatus        = "1.3.6.1.4.1.534.6.6.7.5.4.1.4"  // EPDUThStatus
	EPDUGroupCurrentThLowerWarning  = "1.3.6.1.4.1.534.6.6.7.5.4.1.5"  // mA, read-write
	EPDUGroupCurrentThLowerCritical = "1.3.6.1.4.1.534.6.6.7.5.4.1.6"  // mA, read-write
	EPDUGroupCurrentThUpperWarning  = "1.3.6.1.4.1.534.6.6.7.5.4.1.7"  // mA, read-write
	EPDUGroupCurrentThUpperCritical = "1.3.6.1.4.1.534.6.6.7.5.4.1.8"  // mA, read-write
	EPDUGroupCurrentPercentLoad     = "1.3.6.1.4.1.534.6.6.7.5.4.1.10" // %
	EPDUGroupPowerEntry             = "1.3.6.1.4.1.534.6.6.7.5.5.1"
	EPDUGroupVA                     = "1.3.6.1.4.1.534.6.6.7.5.5.1.2" // VA
	EPDUGroupWatts                  = "1.3.6.1.4.1.534.6.6.7.5.5.1.3" // W
	EPDUGroupWh                     = "1.3.6.1.4.1.534.6.6.7.5.5.1.4" // Unsigned32 Wh

	EPDUOutletEntry                  = "1.3.6.1.4.1.534.6.6.7.6.1.1"
	EPDUOutletID                     = "1.3.6.1.4.1.534.6.6.7.6.1.1.2" // "1" (real units send the bare number)
	EPDUOutletName                   = "1.3.6.1.4.1.534.6.6.7.6.1.1.3" // read-write, 1..31 characters
	EPDUOutletParentCount            = "1.3.6.1.4.1.534.6.6.7.6.1.1.4"
	EPDUOutletType                   = "1.3.6.1.4.1.534.6.6.7.6.1.1.5" // iecC13 1, iecC19 2, nema520 22, …
	EPDUOutletDesignator             = "1.3.6.1.4.1.534.6.6.7.6.1.1.6" // "A1"
	EPDUOutletPhaseID                = "1.3.6.1.4.1.534.6.6.7.6.1.1.7" // EPDUMeasType-like: singlePhase1, phase1toN 2, …
	EPDUOutletParentEntry            = "1.3.6.1.4.1.534.6.6.7.6.2.1"
	EPDUOutletParentType             = "1.3.6.1.4.1.534.6.6.7.6.2.1.2" // unknown0/breaker1/section2/custom3
	EPDUOutletParentOID              = "1.3.6.1.4.1.534.6.6.7.6.2.1.3" // groupID of the parent; real units leave out the strap index
	EPDUOutletCurrentEntry           = "1.3.6.1.4.1.534.6.6.7.6.4.1"
	EPDUOutletCurrentCapacity        = "1.3.6.1.4.1.534.6.6.7.6.4.1.2"  // mA
	EPDUOutletCurrent                = "1.3.6.1.4.1.534.6.6.7.6.4.1.3"  // mA
	EPDUOutletCurrentThStatus        = "1.3.6.1.4.1.534.6.6.7.6.4.1.4"  // EPDUThStatus
	EPDUOutletCurrentThLowerWarning  = "1.3.6.1.4.1.534.6.6.7.6.4.1.5"  // mA, read-write
	EPDUOutletCurrentThLowerCritical = "1.3.6.1.4.1.534.6.6.7.6.4.1.6"  // mA, read-write
	EPDUOutletCurrentThUpperWarning  = "1.3.6.1.4.1.534.6.6.7.6.4.1.7"  // mA, read-write
	EPDUOutletCurrentThUpperCritical = "1.3.6.1.4.1.534.6.6.7.6.4.1.8"  // mA, read-write
	EPDUOutletCurrentCrestFactor     = "1.3.6.1.4.1.534.6.6.7.6.4.1.9"  // 0.001
	EPDUOutletCurrentPercentLoad     = "1.3.6.1.4.1.534.6.6.7.6.4.1.10" // %, -1 n/a
	EPDUOutletPowerEntry             = "1.3.6.1.4.1.534.6.6.7.6.5.1"
	EPDUOutletVA                     = "1.3.6.1.4.1.534.6.6.7.6.5.1.2" // VA
	EPDUOutletWatts                  = "1.3.6.1.4.1.534.6.6.7.6.5.1.3" // W
	EPDUOutletWh                     = "1.3.6.1.4.1.534.6.6.7.6.5.1.4" // Unsigned32 Wh, read-write (resets)
	EPDUOutletWhTimer                = "1.3.6.1.4.1.534.6.6.7.6.5.1.5" // Unix seconds; Gauge32 on real units
	EPDUOutletPowerFactor            = "1.3.6.1.4.1.534.6.6.7.6.5.1.6" // 0.001 (negative on some firmware)
	EPDUOutletVAR                    = "1.3.6.1.4.1.534.6.6.7.6.5.1.7" // var
	EPDUOutletControlEntry           = "1.3.6.1.4.1.534.6.6.7.6.6.1"
	EPDUOutletControlStatus          = "1.3.6.1.4.1.534.6.6.7.6.6.1.2"  // EPDUOutletStatus: off0/on1/pendingOff2/pendingOn3
	EPDUOutletControlOffCmd          = "1.3.6.1.4.1.534.6.6.7.6.6.1.3"  // Integer32 -1..99999, read-write: 0 now, n s delay, -1 cancel; reads -1 or the countdown
	EPDUOutletControlOnCmd           = "1.3.6.1.4.1.534.6.6.7.6.6.1.4"  // as OffCmd
	EPDUOutletControlRebootCmd       = "1.3.6.1.4.1.534.6.6.7.6.6.1.5"  // as OffCmd
	EPDUOutletControlPowerOnState    = "1.3.6.1.4.1.534.6.6.7.6.6.1.6"  // off0/on1/lastState2, read-write
	EPDUOutletControlSequenceDelay   = "1.3.6.1.4.1.534.6.6.7.6.6.1.7"  // s, read-write
	EPDUOutletControlRebootOffTime   = "1.3.6.1.4.1.534.6.6.7.6.6.1.8"  // s, read-write
	EPDUOutletControlSwitchable      = "1.3.6.1.4.1.534.6.6.7.6.6.1.9"  // switchable1/notSwitchable2, read-write
	EPDUOutletControlShutoffDelay    = "1.3.6.1.4.1.534.6.6.7.6.6.1.10" // s, read-write
	EPDUOutletGlobalEntry            = "1.3.6.1.4.1.534.6.6.7.6.7.1"
	EPDUOutletAutomaticShutoff       = "1.3.6.1.4.1.534.6.6.7.6.7.1.2" // notApplicable0/keep1/shutoff2, read-write
)

// EPDUOutletStatus is outletControlStatus: off0/on1 (unlike everyone else).
type EPDUOutletStatus int

const (
	EPDUOutletOff        EPDUOutletStatus = 0
	EPDUOutletOn         EPDUOutletStatus = 1
	EPDUOutletPendingOff EPDUOutletStatus = 2
	EPDUOutletPendingOn  EPDUOutletStatus = 3
)

// Values written to outletControlOffCmd/OnCmd/RebootCmd.
const (
	EPDUCommandNow    = 0  // act at once
	EPDUCommandCancel = -1 // cancel a pending command; also what a read returns when none is pending
	EPDUCommandMax    = 99999
)

// EPDUThStatus is the …ThStatus threshold state.
type EPDUThStatus int

const (
	EPDUThGood         EPDUThStatus = 0
	EPDUThLowWarning   EPDUThStatus = 1
	EPDUThLowCritical  EPDUThStatus = 2
	EPDUThHighWarning  EPDUThStatus = 3
	EPDUThHighCritical EPDUThStatus = 4
)

// EPDUMeasType is inputVoltageMeasType and groupVoltageMeasType (group
// adds unknown0).
type EPDUMeasType int

const (
	EPDUSinglePhase EPDUMeasType = 1
	EPDUPhase1toN   EPDUMeasType = 2
	EPDUPhase2toN   EPDUMeasType = 3
	EPDUPhase3toN   EPDUMeasType = 4
	EPDUPhase1to2   EPDUMeasType = 5
	EPDUPhase2to3   EPDUMeasType = 6
	EPDUPhase3to1   EPDUMeasType = 7
)

// EPDUUnitTypeValue is unitType.
type EPDUUnitTypeValue int

const (
	EPDUUnitSwitched          EPDUUnitTypeValue = 1
	EPDUUnitAdvancedMonitored EPDUUnitTypeValue = 2
	EPDUUnitManaged           EPDUUnitTypeValue = 3
	EPDUUnitMonitored         EPDUUnitTypeValue = 4
	EPDUUnitBasic             EPDUUnitTypeValue = 5
)

// EPDUGroupTypeValue is groupType.
type EPDUGroupTypeValue int

const (
	EPDUGroupBreaker1Pole  EPDUGroupTypeValue = 1
	EPDUGroupBreaker2Pole  EPDUGroupTypeValue = 2
	EPDUGroupBreaker3Pole  EPDUGroupTypeValue = 3
	EPDUGroupOutletSection EPDUGroupTypeValue = 4
)
