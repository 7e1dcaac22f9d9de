package alert

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"time"
)

// Severities. Alert.Severity is a plain string so that the monitor's
// conditions convert to alerts field for field.
const (
	Critical = "critical"
	Warning  = "warning"
	Info     = "info"
)

// Alert is a condition that holds now, as the monitor saw it in one
// evaluation cycle. Rule and Key together name it: two observations with
// the same Rule and Key are the same alert.
type Alert struct {
	Rule        string            // "ats-not-preferred", "load-high", "failover-risk", …
	Key         string            // what it is about: "ats-r07", "circuit:B-04", "db-1:2"
	Severity    string            // Critical, Warning or Info
	Summary     string            // one line naming the equipment
	Description string            // what is wrong and what to do
	Value       float64           // the measured value, for threshold rules (load-high: a share of the rating, 0.8 = 80 %)
	Labels      map[string]string // site, equipment, feed …
}

// ID is the alert's identity, "rule/key".
func (a Alert) ID() string { return a.Rule + "/" + a.Key }

// labelSet is the alert as receivers identify it: its labels plus
// alertname (the rule), key and severity, which win over labels of the
// same names.
func (a Alert) labelSet() map[string]string {
	ls := make(map[string]string, len(a.Labels)+3)
	maps.Copy(ls, a.Labels)
	ls["alertname"] = a.Rule
	ls["key"] = a.Key
	if a.Severity != "" {
		ls["severity"] = a.Severity
	}
	return ls
}

// annotations are what receivers show but do not identify alerts by.
func (a Alert) annotations() map[string]string {
	an := map[string]string{"summary": a.Summary, "description": a.Description}
	if a.Value != 0 {
		an["value"] = strconv.FormatFloat(a.Value, 'g', 4, 64)
	}
	return an
}

// fingerprint is a stable hash of a label set (FNV-64a over the sorted
// pairs), like Alertmanager's, though not equal to it.
func fingerprint(ls map[string]string) string {
	h := fnv.New64a()
	for _, k := range slices.Sorted(maps.Keys(ls)) {
		h.Write([]byte(k))
		h.Write([]byte{0xff})
		h.Write([]byte(ls[k]))
		h.Write([]byte{0xff})
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// Kind says what happened to an alert.
type Kind int

// What an Event reports.
const (
	Fired    Kind = iota + 1 // the alert holds (and held for its rule's For); receivers learn of it once
	Resolved                 // it no longer holds; receivers learn of it once
)

func (k Kind) String() string {
	switch k {
	case Fired:
		return "firing"
	case Resolved:
		return "resolved"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Event is an alert that fired or resolved: what notifiers deliver.
type Event struct {
	Kind     Kind
	Alert    Alert
	StartsAt time.Time // when the condition began to hold
	EndsAt   time.Time // when it resolved; zero while firing
}

// Notifier delivers events. Notify is called from the monitor's
// evaluation loop, so it must not block for long: the network notifiers
// only queue the events and deliver them from their Run loop.
type Notifier interface {
	Notify(ctx context.Context, events []Event) error
}

// Multi notifies every notifier in turn and joins their errors.
func Multi(ns ...Notifier) Notifier { return multi(slices.Clone(ns)) }

type multi []Notifier

func (m multi) Notify(ctx context.Context, events []Event) error {
	var errs []error
	for _, n := range m {
		if err := n.Notify(ctx, events); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
