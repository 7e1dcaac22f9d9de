package pdu

import (
	"time"
)

// Reading is one PDU's or ATS's state as read over SNMP, normalised
// across vendors: amps, volts, watts, kWh. A value the device does not
// provide (APC's -1, a missing column, noSuchInstance) is nil — never 0,
// never scaled.
type Reading struct {
	Device      string    `json:"device"` // the inventory name, or the target when polled ad hoc
	Target      string    `json:"target"`
	Driver      string    `json:"driver"`
	Time        time.Time `json:"time"`
	SysObjectID string    `json:"sys_object_id,omitempty"`
	SysName     string    `json:"sys_name,omitempty"`
	Model       string    `json:"model,omitempty"`
	Serial      string    `json:"serial,omitempty"`
	Firmware    string    `json:"firmware,omitempty"`
	Uptime      *Seconds  `json:"uptime_s,omitempty"`

	// Whole-unit figures.
	Watts     *float64 `json:"watts,omitempty"`
	EnergyKWh *float64 `json:"energy_kwh,omitempty"`
	LoadState string   `json:"load_state,omitempty"` // normal, low, near-overload, overload

	Phases  []Phase  `json:"phases,omitempty"` // inlet lines (L1..L3), or the one line of a single-phase unit
	Banks   []Bank   `json:"banks,omitempty"`  // breaker-protected groups (APC banks, Sentry branches, Raritan/Eaton breakers)
	Outlets []Outlet `json:"outlets,omitempty"`

	ATS *ATS `json:"ats,omitempty"`

	// Partial is set when some tables could not be read completely; the
	// reading holds what was read, and Problems says what is missing.
	Partial  bool     `json:"partial,omitempty"`
	Problems []string `json:"problems,omitempty"`
}

// Outlet returns outlet n (its number as printed on the unit), or nil
// when the reading has none; a nil Reading has none.
func (r *Reading) Outlet(n int) *Outlet {
	if r == nil {
		return nil
	}
	for i := range r.Outlets {
		if r.Outlets[i].Number == n {
			return &r.Outlets[i]
		}
	}
	return nil
}

// Seconds is a duration in seconds, for JSON.
type Seconds float64

// Phase is one line of the inlet.
type Phase struct {
	Number    int      `json:"number"` // 1-3
	Amps      *float64 `json:"amps,omitempty"`
	Volts     *float64 `json:"volts,omitempty"`
	Watts     *float64 `json:"watts,omitempty"`
	PF        *float64 `json:"pf,omitempty"`
	RatedAmps *float64 `json:"rated_amps,omitempty"`
	LoadState string   `json:"load_state,omitempty"`
}

// Bank is a breaker-protected group of outlets.
type Bank struct {
	Number    int      `json:"number"` // 1-based
	Phase     int      `json:"phase,omitempty"`
	Amps      *float64 `json:"amps,omitempty"`
	RatedAmps *float64 `json:"rated_amps,omitempty"`
	Tripped   *bool    `json:"tripped,omitempty"`
	LoadState string   `json:"load_state,omitempty"`
}

// Outlet is one receptacle.
type Outlet struct {
	Number    int      `json:"number"` // 1-based, as printed on the unit
	Name      string   `json:"name,omitempty"`
	On        *bool    `json:"on,omitempty"` // relay state; nil on a unit that cannot switch
	Amps      *float64 `json:"amps,omitempty"`
	Watts     *float64 `json:"watts,omitempty"`
	EnergyKWh *float64 `json:"energy_kwh,omitempty"`
}

// ATS is an automatic transfer switch's state.
type ATS struct {
	Selected    int         `json:"selected"`            // 0 input A, 1 input B, -1 unknown
	Preferred   int         `json:"preferred"`           // 0 A, 1 B, -1 none or unknown
	InputOK     [2]*bool    `json:"input_ok"`            // each input's health
	Redundant   *bool       `json:"redundant,omitempty"` // both inputs OK
	OverCurrent *bool       `json:"over_current,omitempty"`
	SwitchOK    *bool       `json:"switch_ok,omitempty"`
	PhaseSync   *bool       `json:"phase_sync,omitempty"`
	InputVolts  [2]*float64 `json:"input_volts"`
	InputHz     [2]*float64 `json:"input_hz"`
	OutputAmps  []float64   `json:"output_amps,omitempty"` // per phase
	OutputWatts *float64    `json:"output_watts,omitempty"`
	RatedAmps   *float64    `json:"rated_amps,omitempty"`
}

// OutletCommand switches an outlet.
type OutletCommand string

const (
	On     OutletCommand = "on"
	Off    OutletCommand = "off"
	Reboot OutletCommand = "reboot"
)

// F returns a pointer to v, for building readings.
func F(v float64) *float64 { return &v }

// B returns a pointer to v.
func B(v bool) *bool { return &v }
