package alert

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// t0 is the start of every scenario; steps and windows are offsets from it.
var t0 = time.Date(2026, 3, 7, 22, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func off(t time.Time) string {
	d := t.Sub(t0)
	if d >= 0 {
		return "+" + d.String()
	}
	return d.String()
}

// al is an alert of rule about key; labels are name, value pairs.
func al(rule, key string, labels ...string) Alert {
	a := Alert{Rule: rule, Key: key, Severity: Warning, Summary: rule + " on " + key, Labels: map[string]string{}}
	for i := 0; i+1 < len(labels); i += 2 {
		a.Labels[labels[i]] = labels[i+1]
	}
	return a
}

// val is a threshold observation.
func val(rule, key string, v float64) Alert { a := al(rule, key); a.Value = v; return a }

func evString(ev Event) string {
	s := fmt.Sprintf("%s %s since %s", ev.Kind, ev.Alert.ID(), off(ev.StartsAt))
	if ev.Kind == Resolved {
		s += " until " + off(ev.EndsAt)
	}
	return s
}

func obsString(as []Alert) string {
	var ss []string
	for _, a := range as {
		s := a.ID()
		if a.Value != 0 {
			s += fmt.Sprintf("=%g", a.Value)
		}
		ss = append(ss, s)
	}
	return "[" + strings.Join(ss, " ") + "]"
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newTestEngine(t *testing.T, rules []Rule) *Engine {
	t.Helper()
	e, err := NewEngine(Options{Rules: rules, Logger: discard()})
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return e
}

type step struct {
	at   time.Duration
	obs  []Alert
	want []string // events, as evString
}

var (
	loadHigh  = Rule{Name: "load-high", Threshold: &Threshold{Fire: 0.80, Resolve: 0.75}}
	lowIsBad  = Rule{Name: "battery-low", Threshold: &Threshold{Fire: 0.20, Resolve: 0.30}}
	unreach1m = Rule{Name: "device-unreachable", For: time.Minute}
	keep2m    = Rule{Name: "failover-risk", KeepFiringFor: 2 * time.Minute}
)

func TestEngine(t *testing.T) {
	const s = time.Second
	ats := al("ats-redundancy-lost", "ats-r07:A", "feed", "A")
	cases := []struct {
		name    string
		rules   []Rule
		windows []Window
		steps   []step
	}{
		{name: "fires once, stays silent, resolves once, fires again",
			steps: []step{
				{0, []Alert{ats}, []string{"firing ats-redundancy-lost/ats-r07:A since +0s"}},
				{30 * s, []Alert{ats}, nil},
				{60 * s, []Alert{ats}, nil},
				{90 * s, nil, []string{"resolved ats-redundancy-lost/ats-r07:A since +0s until +1m30s"}},
				{120 * s, nil, nil},
				{150 * s, []Alert{ats}, []string{"firing ats-redundancy-lost/ats-r07:A since +2m30s"}},
			}},
		{name: "two keys are two alerts",
			steps: []step{
				{0, []Alert{al("psu-unpowered", "db-1:2"), al("psu-unpowered", "db-1:1")}, []string{
					"firing psu-unpowered/db-1:1 since +0s", "firing psu-unpowered/db-1:2 since +0s"}},
				{30 * s, []Alert{al("psu-unpowered", "db-1:2")}, []string{"resolved psu-unpowered/db-1:1 since +0s until +30s"}},
			}},
		{name: "the same alert twice in a cycle is one",
			steps: []step{
				{0, []Alert{ats, ats}, []string{"firing ats-redundancy-lost/ats-r07:A since +0s"}},
				{30 * s, []Alert{ats, ats}, nil},
			}},
		{name: "an alert without a key is dropped",
			steps: []step{{0, []Alert{al("psu-unpowered", ""), al("", "db-1:1")}, nil}}},
		{name: "for: a blip shorter than For never fires",
			rules: []Rule{unreach1m},
			steps: []step{
				{0, []Alert{al("device-unreachable", "pdu-r12-a")}, nil},
				{30 * s, nil, nil},
				{60 * s, []Alert{al("device-unreachable", "pdu-r12-a")}, nil},
				{90 * s, []Alert{al("device-unreachable", "pdu-r12-a")}, nil},
				{120 * s, []Alert{al("device-unreachable", "pdu-r12-a")}, []string{"firing device-unreachable/pdu-r12-a since +1m0s"}},
				{150 * s, nil, []string{"resolved device-unreachable/pdu-r12-a since +1m0s until +2m30s"}},
			}},
		{name: "hysteresis: a load hovering at 80 % fires once and resolves below 75 %",
			rules: []Rule{loadHigh},
			steps: []step{
				{0, []Alert{val("load-high", "circuit:B-04", 0.79)}, nil},
				{30 * s, []Alert{val("load-high", "circuit:B-04", 0.80)}, nil}, // above, not at
				{60 * s, []Alert{val("load-high", "circuit:B-04", 0.81)}, []string{"firing load-high/circuit:B-04 since +1m0s"}},
				{90 * s, []Alert{val("load-high", "circuit:B-04", 0.79)}, nil},
				{120 * s, []Alert{val("load-high", "circuit:B-04", 0.805)}, nil},
				{150 * s, []Alert{val("load-high", "circuit:B-04", 0.75)}, nil},
				{180 * s, []Alert{val("load-high", "circuit:B-04", 0.749)}, []string{"resolved load-high/circuit:B-04 since +1m0s until +3m0s"}},
				{210 * s, []Alert{val("load-high", "circuit:B-04", 0.78)}, nil}, // below Fire: nothing starts
				{240 * s, []Alert{val("load-high", "circuit:B-04", 0.9)}, []string{"firing load-high/circuit:B-04 since +4m0s"}},
			}},
		{name: "hysteresis: a threshold alert not observed resolves",
			rules: []Rule{loadHigh},
			steps: []step{
				{0, []Alert{val("load-high", "pdu:r01-a", 0.85)}, []string{"firing load-high/pdu:r01-a since +0s"}},
				{30 * s, nil, []string{"resolved load-high/pdu:r01-a since +0s until +30s"}},
			}},
		{name: "hysteresis: NaN keeps an active alert and starts none",
			rules: []Rule{loadHigh},
			steps: []step{
				{0, []Alert{val("load-high", "a", math.NaN())}, nil},
				{30 * s, []Alert{val("load-high", "a", 0.9)}, []string{"firing load-high/a since +30s"}},
				{60 * s, []Alert{val("load-high", "a", math.NaN())}, nil},
				{90 * s, []Alert{val("load-high", "a", 0.5)}, []string{"resolved load-high/a since +30s until +1m30s"}},
			}},
		{name: "hysteresis mirrored: low is bad",
			rules: []Rule{lowIsBad},
			steps: []step{
				{0, []Alert{val("battery-low", "ups-a", 0.25)}, nil},
				{30 * s, []Alert{val("battery-low", "ups-a", 0.19)}, []string{"firing battery-low/ups-a since +30s"}},
				{60 * s, []Alert{val("battery-low", "ups-a", 0.29)}, nil},
				{90 * s, []Alert{val("battery-low", "ups-a", 0.31)}, []string{"resolved battery-low/ups-a since +30s until +1m30s"}},
			}},
		{name: "hysteresis with For: pending holds down to Resolve",
			rules: []Rule{{Name: "load-high", For: time.Minute, Threshold: &Threshold{Fire: 0.8, Resolve: 0.75}}},
			steps: []step{
				{0, []Alert{val("load-high", "a", 0.81)}, nil},
				{30 * s, []Alert{val("load-high", "a", 0.77)}, nil},
				{60 * s, []Alert{val("load-high", "a", 0.78)}, []string{"firing load-high/a since +0s"}},
			}},
		{name: "keep firing for: a flap within it neither resolves nor fires again",
			rules: []Rule{keep2m},
			steps: []step{
				{0, []Alert{al("failover-risk", "feed:A")}, []string{"firing failover-risk/feed:A since +0s"}},
				{30 * s, nil, nil},
				{60 * s, []Alert{al("failover-risk", "feed:A")}, nil},
				{90 * s, nil, nil},
				{150 * s, nil, nil},
				{180 * s, nil, []string{"resolved failover-risk/feed:A since +0s until +3m0s"}},
			}},
		{name: "keep firing for: a pending alert that misses is dropped at once",
			rules: []Rule{{Name: "failover-risk", For: time.Minute, KeepFiringFor: 2 * time.Minute}},
			steps: []step{
				{0, []Alert{al("failover-risk", "feed:A")}, nil},
				{30 * s, nil, nil},
				{60 * s, []Alert{al("failover-risk", "feed:A")}, nil},
				{90 * s, []Alert{al("failover-risk", "feed:A")}, nil},
				{120 * s, []Alert{al("failover-risk", "feed:A")}, []string{"firing failover-risk/feed:A since +1m0s"}},
			}},
		{name: "a window silences the alerts it expects and nothing else",
			windows: []Window{{Start: at(0), End: at(time.Hour), Reason: "feed A maintenance",
				Matchers: []Matcher{{Name: "rule", Value: "ats-redundancy-lost"}, {Name: "feed", Value: "A"}}}},
			steps: []step{
				{10 * time.Minute, []Alert{
					al("ats-redundancy-lost", "ats-r07:A", "feed", "A"), // expected: silenced
					al("ats-redundancy-lost", "ats-r07:B", "feed", "B"), // the other feed: not expected
					al("psu-unpowered", "db-1:1", "feed", "A"),          // another rule: not expected
				}, []string{
					"firing ats-redundancy-lost/ats-r07:B since +10m0s",
					"firing psu-unpowered/db-1:1 since +10m0s",
				}},
			}},
		{name: "a silenced alert still firing when the window ends notifies then",
			windows: []Window{{Start: at(0), End: at(time.Hour), Reason: "feed A maintenance",
				Matchers: []Matcher{{Name: "key", Value: "ats-r07:A"}}}},
			steps: []step{
				{10 * time.Minute, []Alert{ats}, nil},
				{59 * time.Minute, []Alert{ats}, nil},
				{time.Hour, []Alert{ats}, []string{"firing ats-redundancy-lost/ats-r07:A since +10m0s"}},
				{61 * time.Minute, nil, []string{"resolved ats-redundancy-lost/ats-r07:A since +10m0s until +1h1m0s"}},
			}},
		{name: "a silenced alert that resolves inside the window is never notified",
			windows: []Window{{Start: at(0), End: at(time.Hour), Reason: "feed A maintenance",
				Matchers: []Matcher{{Name: "rule", Value: "ats-redundancy-lost"}}}},
			steps: []step{
				{10 * time.Minute, []Alert{ats}, nil},
				{20 * time.Minute, nil, nil},
				{time.Hour, nil, nil},
			}},
		{name: "an alert notified before the window still resolves inside it",
			windows: []Window{{Start: at(0), End: at(time.Hour), Reason: "feed A maintenance",
				Matchers: []Matcher{{Name: "rule", Value: "ats-redundancy-lost"}}}},
			steps: []step{
				{-10 * time.Minute, []Alert{ats}, []string{"firing ats-redundancy-lost/ats-r07:A since -10m0s"}},
				{10 * time.Minute, []Alert{ats}, nil},
				{20 * time.Minute, nil, []string{"resolved ats-redundancy-lost/ats-r07:A since -10m0s until +20m0s"}},
			}},
		{name: "a window not yet begun silences nothing",
			windows: []Window{{Start: at(time.Hour), End: at(2 * time.Hour), Reason: "feed A maintenance",
				Matchers: []Matcher{{Name: "rule", Value: "ats-redundancy-lost"}}}},
			steps: []step{{0, []Alert{ats}, []string{"firing ats-redundancy-lost/ats-r07:A since +0s"}}}},
		{name: "a regular expression matches the whole value",
			windows: []Window{{Start: at(0), End: at(time.Hour), Reason: "row 0 work",
				Matchers: []Matcher{{Name: "key", Value: "ats-r0[1-7]", Regex: true}}}},
			steps: []step{{time.Minute, []Alert{al("ats-not-preferred", "ats-r07"), al("ats-not-preferred", "ats-r08"),
				al("ats-not-preferred", "ats-r07x")}, []string{
				"firing ats-not-preferred/ats-r07x since +1m0s",
				"firing ats-not-preferred/ats-r08 since +1m0s",
			}}}},
		{name: "severity is matched like a label",
			windows: []Window{{Start: at(0), End: at(time.Hour), Reason: "quiet night",
				Matchers: []Matcher{{Name: "severity", Value: "info"}}}},
			steps: []step{{0, []Alert{{Rule: "inventory-drift", Key: "r01-a:7", Severity: Info}, {Rule: "psu-unpowered", Key: "db-1:1", Severity: Critical}},
				[]string{"firing psu-unpowered/db-1:1 since +0s"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEngine(t, tc.rules)
			for _, w := range tc.windows {
				if _, err := e.Silence(w); err != nil {
					t.Fatalf("Silence: %v", err)
				}
			}
			for _, st := range tc.steps {
				var got []string
				for _, ev := range e.Observe(at(st.at), st.obs) {
					got = append(got, evString(ev))
				}
				if !slices.Equal(got, st.want) {
					t.Errorf("Observe(%s, %s) = %q; want %q", off(at(st.at)), obsString(st.obs), got, st.want)
				}
			}
		})
	}
}

func TestEngineAlertsReportsSilenced(t *testing.T) {
	e := newTestEngine(t, []Rule{unreach1m})
	id, err := e.Silence(Window{Start: at(0), End: at(time.Hour), Reason: "feed A maintenance",
		Matchers: []Matcher{{Name: "feed", Value: "A"}}})
	if err != nil {
		t.Fatal(err)
	}
	obs := []Alert{
		al("ats-redundancy-lost", "ats-r07:A", "feed", "A"),
		al("ats-redundancy-lost", "ats-r07:B", "feed", "B"),
		al("device-unreachable", "pdu-r12-a"),
	}
	e.Observe(at(0), obs)
	var got []string
	for _, s := range e.Alerts() {
		got = append(got, fmt.Sprintf("%s %s window=%q notified=%v", s.Alert.ID(), s.State, s.Window, s.Notified))
	}
	want := []string{
		`ats-redundancy-lost/ats-r07:A silenced window="w1" notified=false`,
		`ats-redundancy-lost/ats-r07:B firing window="" notified=true`,
		`device-unreachable/pdu-r12-a pending window="" notified=false`,
	}
	if id != "w1" || !slices.Equal(got, want) {
		t.Errorf("Alerts() after Observe = %q (window %q); want %q (window w1)", got, id, want)
	}

	// Calling the window off notifies what it held, at the next cycle.
	if !e.Unsilence(id) {
		t.Fatalf("Unsilence(%q) = false; want true", id)
	}
	if e.Unsilence(id) {
		t.Errorf("Unsilence(%q) twice = true; want false", id)
	}
	var evs []string
	for _, ev := range e.Observe(at(30*time.Second), obs) {
		evs = append(evs, evString(ev))
	}
	if want := []string{"firing ats-redundancy-lost/ats-r07:A since +0s"}; !slices.Equal(evs, want) {
		t.Errorf("Observe after Unsilence = %q; want %q", evs, want)
	}
}

func TestEngineWindowsExpire(t *testing.T) {
	e := newTestEngine(t, nil)
	for _, w := range []Window{
		{ID: "late", Start: at(2 * time.Hour), End: at(3 * time.Hour), Reason: "b", Matchers: []Matcher{{Name: "feed", Value: "B"}}},
		{ID: "early", Start: at(0), End: at(time.Hour), Reason: "a", Matchers: []Matcher{{Name: "feed", Value: "A"}}},
	} {
		if _, err := e.Silence(w); err != nil {
			t.Fatal(err)
		}
	}
	ids := func() (s []string) {
		for _, w := range e.Windows() {
			s = append(s, w.ID)
		}
		return s
	}
	if got, want := ids(), []string{"early", "late"}; !slices.Equal(got, want) {
		t.Errorf("Windows() = %q; want %q", got, want)
	}
	e.Observe(at(time.Hour), nil)
	if got, want := ids(), []string{"late"}; !slices.Equal(got, want) {
		t.Errorf("Windows() after the first ended = %q; want %q", got, want)
	}
}

func TestSilenceRejects(t *testing.T) {
	ok := Window{Start: at(0), End: at(time.Hour), Reason: "feed A maintenance", Matchers: []Matcher{{Name: "feed", Value: "A"}}}
	cases := []struct {
		name string
		edit func(*Window)
		want string
	}{
		{"no matchers", func(w *Window) { w.Matchers = nil }, "no matchers"},
		{"end before start", func(w *Window) { w.End = at(-time.Hour) }, "is not after start"},
		{"no reason", func(w *Window) { w.Reason = "" }, "no reason"},
		{"bad regexp", func(w *Window) { w.Matchers = []Matcher{{Name: "key", Value: "ats-(", Regex: true}} }, `matcher key=~"ats-("`},
		{"unnamed matcher", func(w *Window) { w.Matchers = []Matcher{{Value: "A"}} }, "matcher 1: no name"},
		{"duplicate id", func(w *Window) { w.ID = "w1" }, `"w1": already defined`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEngine(t, nil)
			if _, err := e.Silence(ok); err != nil {
				t.Fatalf("Silence(valid) = %v", err)
			}
			w := ok
			tc.edit(&w)
			_, err := e.Silence(w)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Silence(%s) = %v; want an error containing %q", tc.name, err, tc.want)
			}
		})
	}
}

func TestNewEngineRejects(t *testing.T) {
	cases := []struct {
		name string
		o    Options
		want string
	}{
		{"no logger", Options{}, "no logger"},
		{"negative for", Options{Logger: discard(), Rules: []Rule{{Name: "x", For: -time.Second}}}, `rule "x": negative for`},
		{"negative keep", Options{Logger: discard(), Rules: []Rule{{Name: "x", KeepFiringFor: -time.Second}}}, `rule "x": negative keep_firing_for`},
		{"unnamed", Options{Logger: discard(), Rules: []Rule{{}}}, "rule without a name"},
		{"twice", Options{Logger: discard(), Rules: []Rule{{Name: "x"}, {Name: "x"}}}, `rule "x": listed twice`},
		{"nan", Options{Logger: discard(), Rules: []Rule{{Name: "x", Threshold: &Threshold{Fire: math.NaN()}}}}, "not a finite number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewEngine(tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewEngine(%s) = %v; want an error containing %q", tc.name, err, tc.want)
			}
		})
	}
	if _, err := NewEngine(Options{Logger: discard(), Rules: DefaultRules()}); err != nil {
		t.Errorf("NewEngine(DefaultRules()) = %v", err)
	}
}

func TestDefaultRulesLoadHigh(t *testing.T) {
	e := newTestEngine(t, DefaultRules())
	var got []string
	for i, v := range []float64{0.82, 0.78, 0.76, 0.74} {
		for _, ev := range e.Observe(at(time.Duration(i)*30*time.Second), []Alert{val("load-high", "circuit:B-04", v)}) {
			got = append(got, fmt.Sprintf("%s at %g", ev.Kind, v))
		}
	}
	if want := []string{"firing at 0.82", "resolved at 0.74"}; !slices.Equal(got, want) {
		t.Errorf("load-high 0.82, 0.78, 0.76, 0.74 with DefaultRules() = %q; want %q", got, want)
	}
}
