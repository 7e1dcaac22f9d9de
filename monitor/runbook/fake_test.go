package runbook_test

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"github.com/gosnmp/gosnmp"

	"feedplan/monitor/runbook"
	"feedplan/pdu"
	"feedplan/pdu/oids"
	"feedplan/pdu/pdutest"
)

// lab is a little site's physics behind fake APC rPDU2 agents: PDUs with
// live or dead inlets, outlets switched on or off, devices that run and
// draw, their current split over their live supplies. Every Dial renders
// a fresh pdutest.Client from it, and an outlet SET changes it.
type lab struct {
	mu      sync.Mutex
	outlets map[string]int      // pdu → outlets
	dead    map[string]bool     // pdu inlet dark (its card silent)
	off     map[string]bool     // "pdu:n" relay off
	plugs   map[string][]string // device → "pdu:n"
	amps    map[string]float64  // device → draw when running
	stopped map[string]bool     // device shut down
	silent  map[string]bool     // "pdu:n": the PSU behind it draws nothing
	noMeter bool                // the PDUs switch outlets but do not meter them
	sets    []string            // "pdu:n on|off", in order
}

func newLab() *lab {
	return &lab{outlets: map[string]int{}, dead: map[string]bool{}, off: map[string]bool{}, plugs: map[string][]string{},
		amps: map[string]float64{}, stopped: map[string]bool{}, silent: map[string]bool{}}
}

func (l *lab) pdu(name string, outlets int) *lab { l.outlets[name] = outlets; return l }

func (l *lab) device(name string, amps float64, plugs ...string) *lab {
	l.plugs[name], l.amps[name] = plugs, amps
	return l
}

func (l *lab) set(f func(l *lab)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(l)
}

func (l *lab) Sets() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.sets...)
}

// liveLocked reports whether an outlet has power.
func (l *lab) liveLocked(plug string) bool {
	p, _, _ := strings.Cut(plug, ":")
	return !l.dead[p] && !l.off[plug]
}

// drawLocked is the current through each outlet.
func (l *lab) drawLocked() map[string]float64 {
	out := map[string]float64{}
	for d, plugs := range l.plugs {
		if l.stopped[d] {
			continue
		}
		var live []string
		for _, p := range plugs {
			if l.liveLocked(p) && !l.silent[p] {
				live = append(live, p)
			}
		}
		for _, p := range live {
			out[p] += l.amps[d] / float64(len(live))
		}
	}
	return out
}

var errTimeout = fmt.Errorf("get: no answer within 1s × 1 tries: %w", pdu.ErrTimeout)

func (l *lab) Dial(t pdu.Target, _ *slog.Logger) (pdu.Client, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	name := t.Name
	n, ok := l.outlets[name]
	if !ok {
		return nil, fmt.Errorf("%s: not in the lab", name)
	}
	c := pdutest.New()
	if l.dead[name] {
		c.GetErr = func([]string) error { return errTimeout }
		return c, nil
	}
	draw := l.drawLocked()
	c.OID(oids.SysObjectID+".0", oids.SysObjectIDAPCrPDU2)
	c.Str(oids.SysName+".0", name)
	c.Int(oids.RPDU2DeviceTableSize+".0", 1)
	c.Int(oids.RPDU2PhaseTableSize+".0", 1)
	c.Int(oids.RPDU2BankTableSize+".0", 0)
	c.Int(oids.RPDU2OutletSwitchedTableSize+".0", n)
	if l.noMeter {
		c.Int(oids.RPDU2OutletMeteredTableSize+".0", 0)
	} else {
		c.Int(oids.RPDU2OutletMeteredTableSize+".0", n)
	}
	c.Int(oids.RPDU2IdentModule+".1", 1)
	c.Str(oids.RPDU2IdentModelNumber+".1", "AP8959EU3")
	c.Int(oids.RPDU2DeviceStatusModule+".1", 1)
	c.Int(oids.RPDU2DevicePropertiesModule+".1", 1)
	c.Int(oids.RPDU2DevicePropertiesMaxCurrentRating+".1", 16)
	total := 0.0
	for o := 1; o <= n; o++ {
		plug := name + ":" + strconv.Itoa(o)
		state := int(oids.RPDU2OutletOn)
		if l.off[plug] {
			state = int(oids.RPDU2OutletOff)
		}
		a := draw[plug]
		total += a
		at := func(col string) string { return col + "." + strconv.Itoa(o) }
		c.Int(at(oids.RPDU2OutletSwitchedStatusModule), 1)
		c.Str(at(oids.RPDU2OutletSwitchedStatusName), "outlet "+strconv.Itoa(o))
		c.Int(at(oids.RPDU2OutletSwitchedStatusNumber), o)
		c.Int(at(oids.RPDU2OutletSwitchedStatusState), state)
		c.Int(at(oids.RPDU2OutletSwitchedControlModule), 1)
		c.Int(at(oids.RPDU2OutletSwitchedControlNumber), o)
		c.Int(at(oids.RPDU2OutletSwitchedControlCommand), state)
		if l.noMeter {
			continue
		}
		c.Int(at(oids.RPDU2OutletMeteredStatusModule), 1)
		c.Str(at(oids.RPDU2OutletMeteredStatusName), "outlet "+strconv.Itoa(o))
		c.Int(at(oids.RPDU2OutletMeteredStatusNumber), o)
		c.Int(at(oids.RPDU2OutletMeteredStatusCurrent), int(a*10+0.5))
		c.Int(at(oids.RPDU2OutletMeteredStatusPower), int(a*230))
		c.Int(at(oids.RPDU2OutletMeteredStatusEnergy), 10)
	}
	c.Int(oids.RPDU2PhaseStatusModule+".1", 1)
	c.Int(oids.RPDU2PhaseStatusNumber+".1", 1)
	c.Int(oids.RPDU2PhaseStatusLoadState+".1", 2)
	c.Int(oids.RPDU2PhaseStatusCurrent+".1", int(total*10+0.5))
	c.Int(oids.RPDU2PhaseStatusVoltage+".1", 230)
	c.OnSet = func(_ *pdutest.Client, vars []gosnmp.SnmpPDU) {
		for _, v := range vars {
			idx, ok := strings.CutPrefix(strings.TrimPrefix(v.Name, "."), oids.RPDU2OutletSwitchedControlCommand+".")
			if !ok {
				continue
			}
			plug := name + ":" + idx
			l.mu.Lock()
			switch v.Value {
			case int(oids.RPDU2ImmediateOff):
				l.off[plug] = true
				l.sets = append(l.sets, plug+" off")
			case int(oids.RPDU2ImmediateOn):
				delete(l.off, plug)
				l.sets = append(l.sets, plug+" on")
			}
			l.mu.Unlock()
		}
	}
	return c, nil
}

// fakeQueues records holds and releases: 42 held, none before the
// window, 42 released. Releases that keep messages say so in the call.
type fakeQueues struct {
	mu    sync.Mutex
	calls []string
}

var _ runbook.Queues = (*fakeQueues)(nil)

func (q *fakeQueues) Hold(_ context.Context, name string) (runbook.HoldResult, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.calls = append(q.calls, "hold "+name)
	return runbook.HoldResult{Held: 42, PreHeld: []string{}}, nil
}

func (q *fakeQueues) Release(_ context.Context, name string, rate float64, keep []string) (runbook.ReleaseResult, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	call := fmt.Sprintf("release %s %g", name, rate)
	if len(keep) > 0 {
		call += " keep " + strings.Join(keep, ",")
	}
	q.calls = append(q.calls, call)
	return runbook.ReleaseResult{Released: 42}, nil
}
