package alert

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Window is a planned maintenance window: from Start until End it
// silences the alerts it expects — those its Matchers all match — and
// nothing else.
//
// A silenced alert is still tracked (Engine.Alerts reports it with the
// window's ID) but receivers do not hear of it. If it is still firing
// when the window ends, it is notified then, at the first Observe at or
// after End. If it resolves inside the window, receivers never hear of it
// at all — unless they had already been told it fired before the window
// began: then they hear that it resolved, so that no receiver keeps an
// alert that is over.
type Window struct {
	ID       string    // set by Engine.Silence when empty
	Start    time.Time // inclusive
	End      time.Time // exclusive
	Matchers []Matcher // all must match; at least one
	Reason   string    // what the window is for: "feed A maintenance, CHG-1234"
}

// Matcher matches one attribute of an alert. Name is "rule", "key" or
// "severity" for those fields of the alert, anything else for the label
// of that name (a missing label is the empty string).
type Matcher struct {
	Name  string
	Value string
	Regex bool // Value is a regular expression (RE2) matching the whole value
}

func (m Matcher) String() string {
	op := "="
	if m.Regex {
		op = "=~"
	}
	return fmt.Sprintf("%s%s%q", m.Name, op, m.Value)
}

// window is a validated Window with its expressions compiled.
type window struct {
	Window
	res []*regexp.Regexp // per matcher; nil for equality
}

func compileWindow(w Window) (*window, error) {
	var errs []error
	if w.Reason == "" {
		errs = append(errs, errors.New("no reason given"))
	}
	if !w.End.After(w.Start) {
		errs = append(errs, fmt.Errorf("end %s is not after start %s", w.End.Format(time.RFC3339), w.Start.Format(time.RFC3339)))
	}
	if len(w.Matchers) == 0 {
		errs = append(errs, errors.New("no matchers: a window silences only the alerts it expects"))
	}
	cw := &window{Window: w, res: make([]*regexp.Regexp, len(w.Matchers))}
	cw.Matchers = append([]Matcher(nil), w.Matchers...)
	for i, m := range w.Matchers {
		if m.Name == "" {
			errs = append(errs, fmt.Errorf("matcher %d: no name", i+1))
		}
		if m.Regex {
			re, err := regexp.Compile("^(?:" + m.Value + ")$")
			if err != nil {
				errs = append(errs, fmt.Errorf("matcher %s: %w", m, err))
			}
			cw.res[i] = re
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return cw, nil
}

func (w *window) activeAt(now time.Time) bool {
	return !now.Before(w.Start) && now.Before(w.End)
}

func (w *window) matches(a *Alert) bool {
	for i, m := range w.Matchers {
		var v string
		switch m.Name {
		case "rule":
			v = a.Rule
		case "key":
			v = a.Key
		case "severity":
			v = a.Severity
		default:
			v = a.Labels[m.Name]
		}
		if re := w.res[i]; re != nil {
			if !re.MatchString(v) {
				return false
			}
		} else if v != m.Value {
			return false
		}
	}
	return true
}

func (w *window) String() string {
	ms := make([]string, len(w.Matchers))
	for i, m := range w.Matchers {
		ms[i] = m.String()
	}
	return fmt.Sprintf("window %q {%s}", w.ID, strings.Join(ms, ", "))
}
