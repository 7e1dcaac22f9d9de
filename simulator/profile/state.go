package profile

import "time"

// PDUState is everything a PDU profile needs to render one rack PDU. The
// site model fills it from the planner's evaluation of the fault state.
// Slices indexed by outlet have Outlets entries: outlet n is index n-1.
type PDUState struct {
	Name    string // the inventory name; sysName and the device name
	Vendor  string // apc, raritan, servertech, eaton (as in the inventory)
	Model   string // e.g. AP8959EU3
	Serial  string
	Uptime  time.Duration // since the agent's last (simulated) reboot
	Now     time.Time     // wall clock of the reading, for the timestamps some vendors serve; zero: 2024-01-01 UTC plus Uptime
	Powered bool          // the inlet is live

	Phases      int       // 1 or 3
	RatedAmps   float64   // inlet rating per phase
	Volts       float64   // outlet (line-to-neutral) voltage, nominal
	Frequency   float64   // Hz
	PhaseAmps   []float64 // per phase, len Phases
	PhaseVolts  []float64 // per phase, measured (with noise), 0 when dark
	PhaseWatts  []float64
	PowerFactor float64
	EnergyKWh   float64 // inlet energy counter, grows

	Banks []BankState

	Outlets      int
	OutletNames  []string
	OutletOn     []bool    // switched on (the relay state; independent of power)
	OutletAmps   []float64 // measured current
	OutletWatts  []float64
	OutletEnergy []float64 // kWh
}

// BankState is one breaker-protected group of outlets.
type BankState struct {
	Number    int // 1-based
	Phase     int // 1-3
	RatedAmps float64
	Amps      float64
	From, To  int  // outlet range, inclusive
	Tripped   bool // its breaker is open (Raritan, Sentry4 and Eaton report breaker state)
}

// ATSState is everything an ATS profile needs.
type ATSState struct {
	Name   string
	Vendor string
	Model  string // e.g. AP4423
	Serial string
	Uptime time.Duration
	Now    time.Time // wall clock of the reading; zero: 2024-01-01 UTC plus Uptime

	RatedAmps float64
	Volts     float64
	Frequency float64

	Selected     int // 0 = source A, 1 = source B, -1 = output dark
	Preferred    int // 0 = A, 1 = B
	InputOK      [2]bool
	InputVolts   [2]float64
	InputFreq    [2]float64
	OverCurrent  bool
	SwitchFailed bool // set by a fault: it will not transfer
	OutputAmps   float64
	OutputWatts  float64
	PhaseSync    bool
}

// Action is what a SET asks the model to do.
type Action struct {
	Outlet    int    // 1-based; 0 for a device-wide action
	Command   string // "on", "off", "reboot"
	Preferred int    // for an ATS: 0 = A, 1 = B; -1 when not an ATS action
	Name      string // a new outlet name, when the SET renames
}
