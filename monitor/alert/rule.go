package alert

import (
	"fmt"
	"math"
	"time"
)

// Rule is how the engine treats the alerts of one rule name. A rule the
// engine has no Rule for fires when first observed and resolves when
// first missed.
type Rule struct {
	Name string

	// For is how long an alert must keep holding before it fires (the
	// Prometheus "for"): a blip shorter than For never notifies.
	For time.Duration

	// KeepFiringFor is how long a firing alert stays firing after it was
	// last observed (the Prometheus "keep_firing_for"): a condition that
	// comes and goes within it neither resolves nor fires again.
	KeepFiringFor time.Duration

	// Threshold, when set, makes this a threshold rule: an observation
	// holds according to its Value, with hysteresis, instead of by being
	// observed.
	Threshold *Threshold
}

// Threshold is a hysteresis band. With Fire above Resolve, an alert that
// is not yet active starts to hold when its Value rises above Fire; once
// active (pending or firing) it keeps holding while the Value stays at or
// above Resolve, and lets go when it drops below Resolve. With Fire below
// Resolve the same holds mirrored, for values that are bad when low.
//
// The monitor should observe a threshold rule's value whenever it is
// beyond Resolve (observing every value is also fine): a value between
// Resolve and Fire does not fire anything, it only keeps an active alert
// active. An alert not observed at all no longer holds. A NaN value
// keeps an active alert active and does not start one.
type Threshold struct {
	Fire    float64
	Resolve float64
}

func (t *Threshold) holds(v float64, active bool) bool {
	if math.IsNaN(v) {
		return active
	}
	above := t.Fire >= t.Resolve
	switch {
	case active && above:
		return v >= t.Resolve
	case active:
		return v <= t.Resolve
	case above:
		return v > t.Fire
	default:
		return v < t.Fire
	}
}

func (r Rule) validate() error {
	switch {
	case r.Name == "":
		return fmt.Errorf("rule without a name")
	case r.For < 0:
		return fmt.Errorf("rule %q: negative for %v", r.Name, r.For)
	case r.KeepFiringFor < 0:
		return fmt.Errorf("rule %q: negative keep_firing_for %v", r.Name, r.KeepFiringFor)
	}
	if t := r.Threshold; t != nil {
		for _, v := range []float64{t.Fire, t.Resolve} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("rule %q: threshold fire %g, resolve %g: not a finite number", r.Name, t.Fire, t.Resolve)
			}
		}
	}
	return nil
}

// DefaultRules are feedplan's rule settings, fresh on each call:
//
//   - load-high is a threshold rule on the share of a rating: it fires
//     above 0.80 (80 %) and resolves only below 0.75.
//   - failover-risk keeps firing for 5 minutes after the last cycle that
//     predicted a trip, so a load hovering at the trip point does not
//     flap once per cycle.
//   - device-unreachable fires after 1 minute (three 30 s polls in a row):
//     one lost poll is not an outage.
//   - inventory-drift fires after 5 minutes: a transient reading is not
//     drift.
//
// Every other rule (ats-not-preferred, ats-redundancy-lost,
// ats-over-current, ats-test-failed, psu-unpowered, …) fires at once and
// resolves at once: an ATS transfer seen in a trap must not wait.
func DefaultRules() []Rule {
	return []Rule{
		{Name: "load-high", Threshold: &Threshold{Fire: 0.80, Resolve: 0.75}},
		{Name: "failover-risk", KeepFiringFor: 5 * time.Minute},
		{Name: "device-unreachable", For: time.Minute},
		{Name: "inventory-drift", For: 5 * time.Minute},
	}
}
