package oids

// Raritan PX2/PX3/PX4 PDU2-MIB (.13742.6), NOTES §1c.
//
// Index shapes: unit tables by pduId (1; link units 2..); inlet tables by
// pduId.inletId; inlet sensors by pduId.inletId.sensorType (and per pole
// pduId.inletId.poleIndex.sensorType); overcurrent protectors by
// pduId.ocpIndex(.sensorType); outlets by pduId.outletId(.sensorType);
// outlet switching by pduId.outletId.
//
// Scale: every numeric sensor value and threshold is an Unsigned32 (or
// Integer32 for the Signed… columns) to be divided by 10^DecimalDigits of
// that sensor's configuration row — the digits apply to thresholds too
// (LibreNMS #17332). Example (PX3): current 7467 with 3 digits is 7.467 A,
// power factor 98 with 2 digits is 0.98, frequency 500 with 1 digit 50.0 Hz.
const (
	PDU2PduCount = "1.3.6.1.4.1.13742.6.3.1" // Integer32, scalar: units (primary + links)

	PDU2NameplateEntry               = "1.3.6.1.4.1.13742.6.3.2.1.1" // indexed by pduId
	PDU2PduManufacturer              = "1.3.6.1.4.1.13742.6.3.2.1.1.2"
	PDU2PduModel                     = "1.3.6.1.4.1.13742.6.3.2.1.1.3"
	PDU2PduSerialNumber              = "1.3.6.1.4.1.13742.6.3.2.1.1.4"
	PDU2PduRatedVoltage              = "1.3.6.1.4.1.13742.6.3.2.1.1.5" // string, "200-240V"
	PDU2PduRatedCurrent              = "1.3.6.1.4.1.13742.6.3.2.1.1.6" // string, "32A"
	PDU2PduRatedFrequency            = "1.3.6.1.4.1.13742.6.3.2.1.1.7" // string, "50/60Hz"
	PDU2PduRatedVA                   = "1.3.6.1.4.1.13742.6.3.2.1.1.8" // string, "6.4-7.7kVA"
	PDU2UnitConfigurationEntry       = "1.3.6.1.4.1.13742.6.3.2.2.1"   // indexed by pduId
	PDU2InletCount                   = "1.3.6.1.4.1.13742.6.3.2.2.1.2"
	PDU2OverCurrentProtectorCount    = "1.3.6.1.4.1.13742.6.3.2.2.1.3"
	PDU2OutletCount                  = "1.3.6.1.4.1.13742.6.3.2.2.1.4"
	PDU2PduName                      = "1.3.6.1.4.1.13742.6.3.2.2.1.13" // read-write
	PDU2ControllerConfigurationEntry = "1.3.6.1.4.1.13742.6.3.2.3.1"    // indexed pduId.boardType.boardIndex
	PDU2BoardVersion                 = "1.3.6.1.4.1.13742.6.3.2.3.1.4"
	PDU2BoardFirmwareVersion         = "1.3.6.1.4.1.13742.6.3.2.3.1.6" // "4.2.0.5-50274"

	// Inlets, indexed pduId.inletId.
	PDU2InletConfigurationEntry     = "1.3.6.1.4.1.13742.6.3.3.3.1"
	PDU2InletLabel                  = "1.3.6.1.4.1.13742.6.3.3.3.1.2"  // "I1"
	PDU2InletName                   = "1.3.6.1.4.1.13742.6.3.3.3.1.3"  // read-write
	PDU2InletPlug                   = "1.3.6.1.4.1.13742.6.3.3.3.1.4"  // PlugTypeEnumeration
	PDU2InletPoleCount              = "1.3.6.1.4.1.13742.6.3.3.3.1.5"  // 2..5
	PDU2InletRatedVoltage           = "1.3.6.1.4.1.13742.6.3.3.3.1.6"  // string
	PDU2InletRatedCurrent           = "1.3.6.1.4.1.13742.6.3.3.3.1.7"  // string
	PDU2InletRatedFrequency         = "1.3.6.1.4.1.13742.6.3.3.3.1.8"  // string
	PDU2InletRatedVA                = "1.3.6.1.4.1.13742.6.3.3.3.1.9"  // string
	PDU2InletDeviceCapabilities     = "1.3.6.1.4.1.13742.6.3.3.3.1.10" // BITS by sensor type - 1
	PDU2InletPoleCapabilities       = "1.3.6.1.4.1.13742.6.3.3.3.1.11" // BITS
	PDU2InletPlugDescriptor         = "1.3.6.1.4.1.13742.6.3.3.3.1.12" // "IEC 60309 2P+E 6h 32A"
	PDU2InletEnableState            = "1.3.6.1.4.1.13742.6.3.3.3.1.13" // TruthValue, read-write
	PDU2InletIsDC                   = "1.3.6.1.4.1.13742.6.3.3.3.1.15" // TruthValue
	PDU2InletLinePairCount          = "1.3.6.1.4.1.13742.6.3.3.3.1.16"
	PDU2InletLinePairCapabilities   = "1.3.6.1.4.1.13742.6.3.3.3.1.17" // BITS
	PDU2InletPoleConfigurationEntry = "1.3.6.1.4.1.13742.6.3.3.5.1"    // indexed pduId.inletId.poleIndex
	PDU2InletPoleLine               = "1.3.6.1.4.1.13742.6.3.3.5.1.1"
	PDU2InletPoleNode               = "1.3.6.1.4.1.13742.6.3.3.5.1.2"

	// Sensor configuration, identical column numbers for inlets (3.4),
	// inlet poles (3.6), overcurrent protectors (4.4) and outlets (5.4).
	PDU2InletSensorConfigurationEntry                = "1.3.6.1.4.1.13742.6.3.3.4.1"
	PDU2InletPoleSensorConfigurationEntry            = "1.3.6.1.4.1.13742.6.3.3.6.1"
	PDU2OverCurrentProtectorSensorConfigurationEntry = "1.3.6.1.4.1.13742.6.3.4.4.1"
	PDU2OutletSensorConfigurationEntry               = "1.3.6.1.4.1.13742.6.3.5.4.1"

	// Overcurrent protectors (breakers/fuses), indexed pduId.ocpIndex.
	PDU2OverCurrentProtectorConfigurationEntry = "1.3.6.1.4.1.13742.6.3.4.3.1"
	PDU2OverCurrentProtectorLabel              = "1.3.6.1.4.1.13742.6.3.4.3.1.2"  // "C1"
	PDU2OverCurrentProtectorName               = "1.3.6.1.4.1.13742.6.3.4.3.1.3"  // read-write
	PDU2OverCurrentProtectorType               = "1.3.6.1.4.1.13742.6.3.4.3.1.4"  // PDU2OCPTypeValue
	PDU2OverCurrentProtectorRatedCurrent       = "1.3.6.1.4.1.13742.6.3.4.3.1.5"  // string, "16A"
	PDU2OverCurrentProtectorPoleCount          = "1.3.6.1.4.1.13742.6.3.4.3.1.6"  // 1..3
	PDU2OverCurrentProtectorCapabilities       = "1.3.6.1.4.1.13742.6.3.4.3.1.9"  // BITS
	PDU2OverCurrentProtectorPowerSource        = "1.3.6.1.4.1.13742.6.3.4.3.1.10" // RowPointer to the inlet's label

	// Outlets, indexed pduId.outletId.
	PDU2OutletConfigurationEntry                  = "1.3.6.1.4.1.13742.6.3.5.3.1"
	PDU2OutletLabel                               = "1.3.6.1.4.1.13742.6.3.5.3.1.2" // "1"
	PDU2OutletName                                = "1.3.6.1.4.1.13742.6.3.5.3.1.3" // read-write
	PDU2OutletReceptacle                          = "1.3.6.1.4.1.13742.6.3.5.3.1.4" // ReceptacleTypeEnumeration, C13 5, C19 6
	PDU2OutletPoleCount                           = "1.3.6.1.4.1.13742.6.3.5.3.1.5"
	PDU2OutletRatedVoltage                        = "1.3.6.1.4.1.13742.6.3.5.3.1.6"  // string
	PDU2OutletRatedCurrent                        = "1.3.6.1.4.1.13742.6.3.5.3.1.7"  // string, "10A"
	PDU2OutletRatedVA                             = "1.3.6.1.4.1.13742.6.3.5.3.1.8"  // string
	PDU2OutletDeviceCapabilities                  = "1.3.6.1.4.1.13742.6.3.5.3.1.10" // BITS by sensor type - 1
	PDU2OutletPoleCapabilities                    = "1.3.6.1.4.1.13742.6.3.5.3.1.11" // BITS
	PDU2OutletPowerCyclingPowerOffPeriod          = "1.3.6.1.4.1.13742.6.3.5.3.1.12" // s, read-write
	PDU2OutletStateOnStartup                      = "1.3.6.1.4.1.13742.6.3.5.3.1.13" // off0/on1/lastKnown2/global3, read-write
	PDU2OutletUseGlobalPowerCyclingPowerOffPeriod = "1.3.6.1.4.1.13742.6.3.5.3.1.14" // TruthValue, read-write
	PDU2OutletSwitchable                          = "1.3.6.1.4.1.13742.6.3.5.3.1.28" // TruthValue
	PDU2OutletReceptacleDescriptor                = "1.3.6.1.4.1.13742.6.3.5.3.1.29" // "IEC 60320 C13"
	PDU2OutletNonCritical                         = "1.3.6.1.4.1.13742.6.3.5.3.1.30" // TruthValue, read-write
	PDU2OutletSequenceDelay                       = "1.3.6.1.4.1.13742.6.3.5.3.1.32" // s, read-write
	PDU2OutletPowerSource                         = "1.3.6.1.4.1.13742.6.3.5.3.1.33" // RowPointer to the OCP's (or inlet's) label
	PDU2OutletServiceMode                         = "1.3.6.1.4.1.13742.6.3.5.3.1.34" // TruthValue, read-write

	// Outlet switching, indexed pduId.outletId.
	PDU2OutletSwitchControlEntry = "1.3.6.1.4.1.13742.6.4.1.2.1"
	PDU2SwitchingOperation       = "1.3.6.1.4.1.13742.6.4.1.2.1.2" // PDU2SwitchingOperationValue, read-write
	PDU2OutletSwitchingState     = "1.3.6.1.4.1.13742.6.4.1.2.1.3" // PDU2SensorState: on7/off8
	PDU2OutletSwitchingTimeStamp = "1.3.6.1.4.1.13742.6.4.1.2.1.4" // Unsigned32, Unix seconds
	PDU2OutletSuspendedState     = "1.3.6.1.4.1.13742.6.4.1.2.1.5" // TruthValue

	// Transfer switch (PX3TS), not modelled by the simulator.
	PDU2TransferSwitchPreferredInlet  = "1.3.6.1.4.1.13742.6.3.9.3.1.4"
	PDU2TransferSwitchActiveInlet     = "1.3.6.1.4.1.13742.6.4.3.1.1.1" // 0 = none
	PDU2TransferSwitchTransferToInlet = "1.3.6.1.4.1.13742.6.4.3.1.1.2" // read-write, reads 0

	// Measurements, with identical column numbers for inlets (5.2.3,
	// pduId.inletId.sensorType), inlet poles (5.2.4,
	// pduId.inletId.pole.sensorType), overcurrent protectors (5.3.3,
	// pduId.ocp.sensorType) and outlets (5.4.3, pduId.outlet.sensorType).
	PDU2InletSensorMeasurementsEntry                = "1.3.6.1.4.1.13742.6.5.2.3.1"
	PDU2InletPoleSensorMeasurementsEntry            = "1.3.6.1.4.1.13742.6.5.2.4.1"
	PDU2OverCurrentProtectorSensorMeasurementsEntry = "1.3.6.1.4.1.13742.6.5.3.3.1"
	PDU2OutletSensorMeasurementsEntry               = "1.3.6.1.4.1.13742.6.5.4.3.1"
)

// PDU2BoardTypeMainController is the boardType of the main controller in
// the controllerConfigurationTable index.
const PDU2BoardTypeMainController = 1

// Column numbers shared by the four sensor configuration tables (append to
// a …SensorConfigEntry).
const (
	PDU2SensorColLogAvailable        = 4  // TruthValue, read-write
	PDU2SensorColUnits               = 6  // PDU2SensorUnits
	PDU2SensorColDecimalDigits       = 7  // Unsigned32: the scale of value and thresholds
	PDU2SensorColAccuracy            = 8  // Unsigned32, 0.01 %
	PDU2SensorColResolution          = 9  // Unsigned32, scaled
	PDU2SensorColTolerance           = 10 // Unsigned32, scaled
	PDU2SensorColMaximum             = 11 // Unsigned32, scaled
	PDU2SensorColMinimum             = 12 // Unsigned32, scaled
	PDU2SensorColHysteresis          = 13 // Unsigned32, scaled, read-write
	PDU2SensorColStateChangeDelay    = 14 // Unsigned32, samples, read-write
	PDU2SensorColLowerCritical       = 21 // Unsigned32, scaled, read-write
	PDU2SensorColLowerWarning        = 22
	PDU2SensorColUpperCritical       = 23
	PDU2SensorColUpperWarning        = 24
	PDU2SensorColEnabledThresholds   = 25 // BITS lowerCritical0/lowerWarning1/upperWarning2/upperCritical3
	PDU2SensorColSignedMaximum       = 26 // Integer32, scaled
	PDU2SensorColSignedMinimum       = 27
	PDU2SensorColSignedLowerCritical = 28 // Integer32, scaled, read-write
	PDU2SensorColSignedLowerWarning  = 29
	PDU2SensorColSignedUpperCritical = 30
	PDU2SensorColSignedUpperWarning  = 31
)

// Column numbers shared by the four sensor measurement tables (append to a
// …SensorMeasurementsEntry).
const (
	PDU2MeasColIsAvailable          = 2  // TruthValue
	PDU2MeasColState                = 3  // PDU2SensorState
	PDU2MeasColValue                = 4  // Unsigned32 (tag 66), scaled by DecimalDigits
	PDU2MeasColTimeStamp            = 5  // Unsigned32, Unix seconds
	PDU2MeasColSignedValue          = 6  // Integer32, scaled
	PDU2MeasColMinMaxValid          = 7  // TruthValue
	PDU2MeasColMinValue             = 8  // Unsigned32, scaled
	PDU2MeasColSignedMinValue       = 9  // Integer32, scaled
	PDU2MeasColMinTimeStamp         = 10 // Unsigned32, Unix seconds
	PDU2MeasColMaxValue             = 11 // Unsigned32, scaled
	PDU2MeasColSignedMaxValue       = 12 // Integer32, scaled
	PDU2MeasColMaxTimeStamp         = 13 // Unsigned32, Unix seconds
	PDU2MeasColMinMaxResetTimeStamp = 14 // Unsigned32, Unix seconds
	PDU2MeasColResetTimeStamp       = 15 // Unsigned32 (inlets, outlets), e.g. when the energy counter was reset
)

// PDU2SensorType is the sensorType index sub-id.
type PDU2SensorType int

const (
	PDU2RMSCurrent        PDU2SensorType = 1
	PDU2PeakCurrent       PDU2SensorType = 2
	PDU2UnbalancedCurrent PDU2SensorType = 3
	PDU2RMSVoltage        PDU2SensorType = 4
	PDU2ActivePower       PDU2SensorType = 5
	PDU2ApparentPower     PDU2SensorType = 6
	PDU2PowerFactor       PDU2SensorType = 7
	PDU2ActiveEnergy      PDU2SensorType = 8 // Wh
	PDU2ApparentEnergy    PDU2SensorType = 9
	PDU2Temperature       PDU2SensorType = 10
	PDU2Humidity          PDU2SensorType = 11
	PDU2OnOff             PDU2SensorType = 14
	PDU2Trip              PDU2SensorType = 15
	PDU2Frequency         PDU2SensorType = 23
	PDU2OperatingState    PDU2SensorType = 40
	PDU2ActiveInlet       PDU2SensorType = 41
)

// PDU2SensorUnits is SensorUnitsEnumeration (…SensorUnits).
type PDU2SensorUnits int

const (
	PDU2UnitNone     PDU2SensorUnits = -1
	PDU2UnitVolt     PDU2SensorUnits = 1
	PDU2UnitAmp      PDU2SensorUnits = 2
	PDU2UnitWatt     PDU2SensorUnits = 3
	PDU2UnitVoltAmp  PDU2SensorUnits = 4
	PDU2UnitWattHour PDU2SensorUnits = 5
	PDU2UnitHertz    PDU2SensorUnits = 8
	PDU2UnitPercent  PDU2SensorUnits = 9
)

// PDU2SensorState is SensorStateEnumeration (…SensorState and
// outletSwitchingState), the values feedplan uses.
type PDU2SensorState int

const (
	PDU2StateUnavailable        PDU2SensorState = -1
	PDU2StateOpen               PDU2SensorState = 0
	PDU2StateClosed             PDU2SensorState = 1
	PDU2StateBelowLowerCritical PDU2SensorState = 2
	PDU2StateBelowLowerWarning  PDU2SensorState = 3
	PDU2StateNormal             PDU2SensorState = 4
	PDU2StateAboveUpperWarning  PDU2SensorState = 5
	PDU2StateAboveUpperCritical PDU2SensorState = 6
	PDU2StateOn                 PDU2SensorState = 7
	PDU2StateOff                PDU2SensorState = 8
)

// PDU2SwitchingOperationValue is switchingOperation.
type PDU2SwitchingOperationValue int

const (
	PDU2SwitchOff   PDU2SwitchingOperationValue = 0
	PDU2SwitchOn    PDU2SwitchingOperationValue = 1
	PDU2SwitchCycle PDU2SwitchingOperationValue = 2
)

// PDU2TruthValue is SNMPv2-TC TruthValue as PDU2-MIB uses it.
type PDU2TruthValue int

const (
	PDU2True  PDU2TruthValue = 1
	PDU2False PDU2TruthValue = 2
)

// PDU2OCPTypeValue is overCurrentProtectorType.
type PDU2OCPTypeValue int

const (
	PDU2OCPBreaker1Pole PDU2OCPTypeValue = 1
	PDU2OCPBreaker2Pole PDU2OCPTypeValue = 2
	PDU2OCPBreaker3Pole PDU2OCPTypeValue = 3
	PDU2OCPFuse         PDU2OCPTypeValue = 4
)

// PDU2LineValue is LineEnumeration (inletPoleLine).
type PDU2LineValue int

const (
	PDU2LineL1      PDU2LineValue = 1
	PDU2LineL2      PDU2LineValue = 2
	PDU2LineL3      PDU2LineValue = 3
	PDU2LineNeutral PDU2LineValue = 4
)
