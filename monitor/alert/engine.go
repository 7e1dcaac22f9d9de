package alert

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Options configure an Engine.
type Options struct {
	// Rules set For, KeepFiringFor and thresholds per rule name; a rule
	// not listed fires at once and resolves at once. DefaultRules() is
	// feedplan's choice.
	Rules []Rule

	Logger *slog.Logger // required
}

// Engine turns each cycle's observations into alerts that fire once and
// resolve once. It reads no clock: the time of each evaluation is passed
// in. It is safe for concurrent use (the monitor observes while the web
// UI lists alerts and adds windows).
type Engine struct {
	log   *slog.Logger
	rules map[string]Rule

	mu      sync.Mutex
	active  map[string]*entry // by Alert.ID
	windows []*window         // by start
	nextWin int
}

// entry is an alert the engine tracks: pending or firing.
type entry struct {
	alert    Alert
	activeAt time.Time // the condition began to hold
	firedAt  time.Time // zero while pending
	lastHeld time.Time
	notified bool   // receivers were told it fired
	silenced string // the ID of the window that silences it now
}

// NewEngine returns an engine with no alerts and no windows.
func NewEngine(o Options) (*Engine, error) {
	if o.Logger == nil {
		return nil, errors.New("alert engine: no logger")
	}
	e := &Engine{log: o.Logger, rules: map[string]Rule{}, active: map[string]*entry{}}
	var errs []error
	for _, r := range o.Rules {
		if err := r.validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := e.rules[r.Name]; dup {
			errs = append(errs, fmt.Errorf("rule %q: listed twice", r.Name))
		}
		e.rules[r.Name] = r
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("alert engine: %w", err)
	}
	return e, nil
}

// Observe evaluates one cycle at now. alerts are all the conditions that
// hold now (for a threshold rule: the current values, see Threshold); an
// alert the engine tracks that is not among them no longer holds. Two
// observations with the same Rule and Key count as one, which holds if
// either holds.
//
// Observe returns the events receivers must hear of, sorted by rule and
// key: an alert fires once (when it has held for its rule's For, and no
// window silences it, or when the window that silenced it ends) and
// resolves once (when it has not held for its rule's KeepFiringFor). An
// alert with no Rule or no Key is dropped with a warning.
func (e *Engine) Observe(now time.Time, alerts []Alert) []Event {
	e.mu.Lock()
	defer e.mu.Unlock()

	e.windows = slices.DeleteFunc(e.windows, func(w *window) bool {
		if !now.Before(w.End) {
			e.log.Info("maintenance window ended", "window", w.ID, "reason", w.Reason)
			return true
		}
		return false
	})

	held := make(map[string]bool, len(alerts))
	for _, a := range alerts {
		if a.Rule == "" || a.Key == "" {
			e.log.Warn("alert without a rule or key dropped", "rule", a.Rule, "key", a.Key, "summary", a.Summary)
			continue
		}
		id := a.ID()
		if held[id] {
			continue // the first that holds stands for the cycle
		}
		en := e.active[id]
		if t := e.rules[a.Rule].Threshold; t != nil && !t.holds(a.Value, en != nil) {
			continue
		}
		held[id] = true
		if en == nil {
			en = &entry{activeAt: now}
			e.active[id] = en
		}
		en.alert = a
		en.lastHeld = now
	}

	var out []Event
	for id, en := range e.active {
		r := e.rules[en.alert.Rule]
		if !held[id] {
			if en.firedAt.IsZero() || now.Sub(en.lastHeld) >= r.KeepFiringFor {
				delete(e.active, id)
				switch {
				case en.notified:
					out = append(out, Event{Kind: Resolved, Alert: en.alert, StartsAt: en.activeAt, EndsAt: now})
				case !en.firedAt.IsZero():
					e.log.Info("alert resolved while silenced", "alert", id, "window", en.silenced)
				}
				continue
			}
		}
		if en.firedAt.IsZero() {
			if now.Sub(en.activeAt) < r.For {
				continue // pending
			}
			en.firedAt = now
		}
		silenced := ""
		if w := e.silencing(now, &en.alert); w != nil {
			silenced = w.ID
		}
		if silenced != en.silenced && silenced != "" {
			e.log.Info("alert silenced", "alert", id, "window", silenced, "notified", en.notified)
		}
		en.silenced = silenced
		if silenced == "" && !en.notified {
			en.notified = true
			out = append(out, Event{Kind: Fired, Alert: en.alert, StartsAt: en.activeAt})
		}
	}
	slices.SortFunc(out, func(a, b Event) int {
		return cmp.Or(cmp.Compare(a.Alert.Rule, b.Alert.Rule), cmp.Compare(a.Alert.Key, b.Alert.Key), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}

func (e *Engine) silencing(now time.Time, a *Alert) *window {
	for _, w := range e.windows {
		if w.activeAt(now) && w.matches(a) {
			return w
		}
	}
	return nil
}

// Silence adds a maintenance window and returns its ID ("w1", "w2", …
// unless w.ID is set). It takes effect at the next Observe.
func (e *Engine) Silence(w Window) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if w.ID == "" {
		e.nextWin++
		w.ID = "w" + strconv.Itoa(e.nextWin)
	}
	cw, err := compileWindow(w)
	if err != nil {
		return "", fmt.Errorf("maintenance window %q: %w", w.ID, err)
	}
	for _, o := range e.windows {
		if o.ID == w.ID {
			return "", fmt.Errorf("maintenance window %q: already defined", w.ID)
		}
	}
	e.windows = append(e.windows, cw)
	slices.SortStableFunc(e.windows, func(a, b *window) int { return a.Start.Compare(b.Start) })
	e.log.Info("maintenance window added", "window", cw.String(), "start", w.Start, "end", w.End, "reason", w.Reason)
	return w.ID, nil
}

// Unsilence removes a window before its end (the maintenance finished
// early, or was called off); alerts it silenced notify at the next
// Observe. It reports whether there was such a window.
func (e *Engine) Unsilence(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := len(e.windows)
	e.windows = slices.DeleteFunc(e.windows, func(w *window) bool { return w.ID == id })
	return len(e.windows) < n
}

// Windows lists the windows not yet ended (at the last Observe), by start.
func (e *Engine) Windows() []Window {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Window, len(e.windows))
	for i, w := range e.windows {
		out[i] = w.Window
		out[i].Matchers = slices.Clone(w.Matchers)
	}
	return out
}

// State is where a tracked alert stands.
type State int

// States of a tracked alert.
const (
	Pending  State = iota + 1 // holds, not yet for its rule's For
	Firing                    // fired, and receivers were told
	Silenced                  // fired, and a maintenance window silences it now
)

func (s State) String() string {
	switch s {
	case Pending:
		return "pending"
	case Firing:
		return "firing"
	case Silenced:
		return "silenced"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Status is a tracked alert as of the last Observe.
type Status struct {
	Alert    Alert // as last observed
	State    State
	ActiveAt time.Time // the condition began to hold
	FiredAt  time.Time // zero while pending
	LastSeen time.Time // last observed holding
	Notified bool      // receivers were told it fired (a Silenced alert may have been, before its window)
	Window   string    // the ID of the window silencing it
}

// Alerts lists the alerts the engine tracks — pending, firing and
// silenced — sorted by rule and key.
func (e *Engine) Alerts() []Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Status, 0, len(e.active))
	for _, id := range slices.Sorted(maps.Keys(e.active)) {
		en := e.active[id]
		s := Status{Alert: en.alert, State: Firing, ActiveAt: en.activeAt, FiredAt: en.firedAt,
			LastSeen: en.lastHeld, Notified: en.notified, Window: en.silenced}
		switch {
		case en.firedAt.IsZero():
			s.State = Pending
		case en.silenced != "":
			s.State = Silenced
		}
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b Status) int {
		return cmp.Or(cmp.Compare(a.Alert.Rule, b.Alert.Rule), cmp.Compare(a.Alert.Key, b.Alert.Key))
	})
	return out
}
