package planner

import (
	"time"

	"feedplan/inventory"
)

// PlanVersion is the version of the plan format (the JSON a plan is saved
// as and 'feedplan plan run' reads). A reader refuses other versions.
const PlanVersion = 1

// Plan is a maintenance window's runbook: what is checked first, which
// jobs and mail queues are held, what is shut down and in which order,
// the cut, the restore, the power-up, the releases and the post-checks.
// Each step says when it is planned, whether 'feedplan plan run' can do
// it itself (Auto) or stops for a person, and what it touches.
type Plan struct {
	Version   int           `json:"version"`
	Site      string        `json:"site"`
	SiteFile  string        `json:"site_file"`   // the inventory the plan was made from, as given
	SiteSHA   string        `json:"site_sha256"` // its digest: 'plan run' refuses a changed inventory
	Created   time.Time     `json:"created"`
	Verdict   string        `json:"verdict"` // go, no-go, or not-checked (pre-flight skipped)
	Reasons   []string      `json:"reasons"` // for a no-go: every failing check and outage
	Window    PlanWindow    `json:"window"`
	Scenario  Scenario      `json:"scenario"`
	Preflight Preflight     `json:"preflight"`
	Outages   []Outage      `json:"outages"`  // services that cannot keep their minimum
	AtRisk    []AtRisk      `json:"at_risk"`  // devices that run on their last supplies through the window
	Warnings  []string      `json:"warnings"` // for the sign-off: risks that are not no-gos
	Jobs      []JobDeferral `json:"jobs"`     // scheduled jobs deferred out of the window
	Queues    []QueuePlan   `json:"mail_queues"`
	PowerDown []PowerDown   `json:"power_down"` // the devices shut down, wave by wave
	Steps     []RunStep     `json:"steps"`
	Options   PlanSettings  `json:"settings"`
	// ATSTests are the switchover tests newer than the inventory's the
	// plan was made with (the monitor's store), for the checks of 'plan run'.
	ATSTests map[string]inventory.ATSTest `json:"ats_tests,omitempty"`
}

// Verdicts of a plan.
const (
	VerdictGo         = "go"
	VerdictNoGo       = "no-go"
	VerdictNotChecked = "not-checked" // no failing check, but the live pre-flight was skipped
)

// PlanWindow is when the work happens, with the zone the runbook is shown in.
type PlanWindow struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	TZ    string    `json:"tz"`
}

// PlanSettings are the choices a plan was made with.
type PlanSettings struct {
	Stagger       Duration `json:"power_up_stagger"`  // between devices powered up (inrush)
	ShutdownWait  Duration `json:"shutdown_timeout"`  // how long a device may take to drop to 0 A
	OffAmps       float64  `json:"off_amps"`          // an outlet at or below this is off
	SwitchOutlets bool     `json:"switch_outlets"`    // switch the outlets of shut-down devices off, and on again
	SettleAfter   Duration `json:"jobs_settle_after"` // deferred jobs run this long after the window
	ReleaseRate   float64  `json:"release_rate"`      // mail released per minute when a queue sets none
}

// Duration is a time.Duration written as "90s", "5m0s" in JSON.
type Duration time.Duration

// MarshalText writes the duration as time.Duration prints it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText parses a duration such as "90s".
func (d *Duration) UnmarshalText(b []byte) error {
	x, err := time.ParseDuration(string(b))
	*d = Duration(x)
	return err
}

// Preflight is the go/no-go from live readings.
type Preflight struct {
	Skipped bool    `json:"skipped"` // planned ahead without readings (--skip-preflight)
	Go      bool    `json:"go"`      // every check passed (false when skipped)
	Polled  string  `json:"polled,omitempty"`
	Checks  []Check `json:"checks"`
}

// Check is one pre-flight or verification check.
type Check struct {
	Name   string `json:"name"`   // "survivor-draws", "ats-healthy", "ats-tested", "surviving-load"
	Object string `json:"object"` // what it is about: "web-3", "ats:ats-r07", "circuit:B-04"
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`        // what was seen
	Fix    string `json:"fix,omitempty"` // for a failing check: what to do
}

// Outage is a service that falls below its minimum during the window.
type Outage struct {
	Service string `json:"service"`
	Status  string `json:"status"` // below-min, down, impaired
	Running int    `json:"running_during"`
	Min     int    `json:"min"`
	Reason  string `json:"reason"`
	// Accepted: the operator accepted the outage (--accept-outage); it is
	// listed, and no longer makes the plan a no-go.
	Accepted bool `json:"accepted,omitempty"`
}

// AtRisk is a device that keeps running through the window with no
// supply to spare: one more failure takes it down.
type AtRisk struct {
	Device string `json:"device"`
	Live   int    `json:"live_psus"`
	Min    int    `json:"min_psus"`
	Lost   string `json:"lost"` // its dark supplies and why
}

// QueuePlan is a mail queue held across the window.
type QueuePlan struct {
	Queue      string   `json:"queue"`
	Device     string   `json:"device"`
	Kind       string   `json:"kind"`
	Hold       Duration `json:"hold"`         // from the hold to the release
	Backlog    int      `json:"backlog"`      // messages expected by the release
	Drain      Duration `json:"drain"`        // releasing the backlog at the release rate
	Rate       float64  `json:"release_rate"` // per minute
	Lifetime   Duration `json:"lifetime"`     // the MTA's queue lifetime
	Warning    string   `json:"warning,omitempty"`
	HeldFrom   string   `json:"held_from"` // step ids of the hold and the release
	ReleasedAt string   `json:"released_at"`
}

// PowerDown is one device shut down for the window.
type PowerDown struct {
	Device   string   `json:"device"`
	Wave     int      `json:"wave"`
	Why      string   `json:"why"`              // "would lose power: psu1 on r07-c:3 ← …", or "chosen by the operator"
	Chosen   bool     `json:"chosen,omitempty"` // shut down by the operator's choice (--shutdown)
	Services []string `json:"services,omitempty"`
	Shutdown string   `json:"shutdown,omitempty"` // its shutdown action
	Outlets  []string `json:"outlets"`            // every outlet it is plugged into
}

// Step kinds. Auto steps are done by 'feedplan plan run --execute'; the
// others stop for a person and a confirmation.
const (
	StepCheck       = "check"         // re-run the pre-flight checks from live readings (auto)
	StepDeferJob    = "defer-job"     // pause a scheduled job (manual)
	StepHoldQueue   = "hold-queue"    // hold a mail queue (auto)
	StepShutdown    = "shutdown"      // run a device's shutdown action (auto when it has one)
	StepVerifyOff   = "verify-off"    // poll until the device's outlets draw ≤ OffAmps (auto)
	StepOutletOff   = "outlet-off"    // switch the device's outlets off over SNMP (auto)
	StepCut         = "cut"           // the technician de-energises the elements (manual)
	StepVerifyCut   = "verify-cut"    // the cut side reads 0 A, ATS units transferred (auto)
	StepWatch       = "watch"         // the surviving side stays below 80 % (auto, one poll)
	StepRestore     = "restore"       // the technician re-energises (manual)
	StepVerifyPower = "verify-power"  // the restored side is live again (auto)
	StepOutletOn    = "outlet-on"     // switch the device's outlets on again (auto)
	StepPowerOn     = "power-on"      // start the device (manual: power button, IPMI)
	StepVerifyOn    = "verify-on"     // the device draws current again (auto)
	StepReleaseQ    = "release-queue" // release a held mail queue at its rate (auto)
	StepRunJob      = "run-job"       // run a deferred job once / resume it (manual)
	StepPostCheck   = "post-check"    // every device has its redundancy back (auto)
)

// RunStep is one line of the runbook.
type RunStep struct {
	ID      string    `json:"id"` // stable and unique: "shutdown/web-3", the key of a resumed run
	N       int       `json:"n"`  // 1-based position
	Phase   string    `json:"phase"`
	At      time.Time `json:"at"` // when it is planned
	Kind    string    `json:"kind"`
	Auto    bool      `json:"auto"`
	Title   string    `json:"title"`
	Wave    int       `json:"wave,omitempty"`
	Device  string    `json:"device,omitempty"`
	Queue   string    `json:"queue,omitempty"`
	Job     string    `json:"job,omitempty"`
	Action  string    `json:"action,omitempty"`  // a shutdown command or URL
	Outlets []string  `json:"outlets,omitempty"` // "r01-a:5"
	PDUs    []string  `json:"pdus,omitempty"`    // verify-cut/verify-power: PDUs that must read dark/live
	ATS     []string  `json:"ats,omitempty"`     // verify-cut: ATS units that must be on their other input
	Rate    float64   `json:"rate,omitempty"`    // release-queue: messages per minute
	Detail  string    `json:"detail,omitempty"`
}

// Phases of a runbook, in order.
const (
	PhasePreflight = "pre-flight"
	PhaseHold      = "hold"
	PhaseDown      = "power-down"
	PhaseCut       = "cut"
	PhaseRestore   = "restore"
	PhaseUp        = "power-up"
	PhaseRelease   = "release"
	PhasePost      = "post-checks"
)
