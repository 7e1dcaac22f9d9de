package influx

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"feedplan/inventory"
	"feedplan/pdu"
)

// Measurements. Values are in SI units and say so in their names: amps,
// volts, watts, hz, seconds (_s); energy in kWh, as every PDU counts it.
const (
	MeasurementPDU    = "pdu"        // tags site, pdu, driver, model, rack, feed; fields watts, energy_kwh, uptime_s, load_state
	MeasurementPhase  = "pdu_phase"  // tags site, pdu, phase (L1-L3), rack, feed; fields amps, volts, watts, pf, rated_amps, load_state
	MeasurementBank   = "pdu_bank"   // tags site, pdu, bank, phase, rack, feed; fields amps, rated_amps, tripped, load_state
	MeasurementOutlet = "pdu_outlet" // tags site, pdu, outlet, device, rack, feed; fields amps, watts, energy_kwh, on
	MeasurementATS    = "ats"        // tags site, ats, driver, model, rack; fields selected, preferred, on_preferred, redundant, input_a_ok, … (see encodeATS)
	MeasurementPoll   = "poll"       // tags site, pdu (a PDU or an ATS); fields ok, took_s, partial, error
)

// Labels are what the inventory knows about the polled devices and their
// readings do not say; every map may be nil or incomplete.
type Labels struct {
	Devices map[inventory.Plug]string // outlet → the device whose supply is plugged into it
	Feeds   map[string]string         // PDU → the source feeding it, for PDUs on one feed (not behind an ATS)
	Racks   map[string]string         // PDU or ATS → its rack
}

// LabelsOf reads the labels of a site's PDUs and ATS units from its
// inventory.
func LabelsOf(site *inventory.Site) Labels {
	l := Labels{Devices: map[inventory.Plug]string{}, Feeds: map[string]string{}, Racks: map[string]string{}}
	for _, d := range site.Devices {
		for _, p := range d.PSUs {
			if !p.Unplugged() {
				l.Devices[p] = d.Name
			}
		}
	}
	for _, p := range site.PDUs {
		if p.Rack != "" {
			l.Racks[p.Name] = p.Rack
		}
		if c := site.Circuit(p.Inlet); c != nil {
			if src := site.SourceOf(site.Panel(c.Panel)); src != nil {
				l.Feeds[p.Name] = src.Name
			}
		}
	}
	for _, a := range site.ATS {
		if a.Rack != "" {
			l.Racks[a.Name] = a.Rack
		}
	}
	return l
}

// encoder turns results into lines of line protocol, one point a line,
// timestamps in nanoseconds.
type encoder struct {
	site   string
	labels Labels
	p      lineBuilder
}

// encode appends the lines of results to out. now stamps the poll points
// of devices that gave no reading.
func (e *encoder) encode(out []string, results []pdu.Result, now time.Time) []string {
	for i := range results {
		out = e.result(out, &results[i], now)
	}
	return out
}

func (e *encoder) result(out []string, r *pdu.Result, now time.Time) []string {
	name := r.Target.Name
	if r.Reading != nil && r.Reading.Device != "" {
		name = r.Reading.Device
	}
	if name == "" {
		name = r.Target.Address
	}
	ts := now
	if r.Reading != nil && !r.Reading.Time.IsZero() {
		ts = r.Reading.Time
	}
	rack, feed := e.labels.Racks[name], e.labels.Feeds[name]
	p := &e.p

	if rd := r.Reading; rd != nil {
		if rd.ATS != nil {
			out = e.encodeATS(out, name, rack, rd, ts)
		} else {
			p.begin(MeasurementPDU, "site", e.site, "pdu", name, "driver", rd.Driver, "model", rd.Model, "rack", rack, "feed", feed)
			p.float("watts", rd.Watts)
			p.float("energy_kwh", rd.EnergyKWh)
			if rd.Uptime != nil {
				p.float("uptime_s", new(float64(*rd.Uptime)))
			}
			p.str("load_state", rd.LoadState)
			out = p.end(out, ts)
		}
		for _, ph := range rd.Phases {
			p.begin(MeasurementPhase, "site", e.site, "pdu", name, "phase", phaseName(ph.Number), "rack", rack, "feed", feed)
			p.float("amps", ph.Amps)
			p.float("volts", ph.Volts)
			p.float("watts", ph.Watts)
			p.float("pf", ph.PF)
			p.float("rated_amps", ph.RatedAmps)
			p.str("load_state", ph.LoadState)
			out = p.end(out, ts)
		}
		for _, b := range rd.Banks {
			p.begin(MeasurementBank, "site", e.site, "pdu", name, "bank", strconv.Itoa(b.Number), "phase", phaseName(b.Phase), "rack", rack, "feed", feed)
			p.float("amps", b.Amps)
			p.float("rated_amps", b.RatedAmps)
			p.boolean("tripped", b.Tripped)
			p.str("load_state", b.LoadState)
			out = p.end(out, ts)
		}
		for _, o := range rd.Outlets {
			device := e.labels.Devices[inventory.Plug{PDU: name, Outlet: o.Number}]
			p.begin(MeasurementOutlet, "site", e.site, "pdu", name, "outlet", strconv.Itoa(o.Number), "device", device, "rack", rack, "feed", feed)
			p.float("amps", o.Amps)
			p.float("watts", o.Watts)
			p.float("energy_kwh", o.EnergyKWh)
			p.boolean("on", o.On)
			out = p.end(out, ts)
		}
	}

	p.begin(MeasurementPoll, "site", e.site, "pdu", name)
	p.boolean("ok", new(r.Err == nil))
	if r.Took > 0 {
		p.float("took_s", new(r.Took.Seconds()))
	}
	if r.Reading != nil && r.Reading.Partial {
		p.boolean("partial", new(true))
	}
	if r.Err != nil {
		p.str("error", r.Err.Error())
	}
	return p.end(out, ts)
}

// encodeATS writes an ATS unit's state: selected and preferred are the
// input letters "A" and "B"; on_preferred is false while the unit runs on
// its other input; output_amps is its most loaded output phase.
func (e *encoder) encodeATS(out []string, name, rack string, rd *pdu.Reading, ts time.Time) []string {
	a, p := rd.ATS, &e.p
	p.begin(MeasurementATS, "site", e.site, "ats", name, "driver", rd.Driver, "model", rd.Model, "rack", rack)
	p.str("selected", inputName(a.Selected))
	p.str("preferred", inputName(a.Preferred))
	if inputName(a.Selected) != "" && inputName(a.Preferred) != "" {
		p.boolean("on_preferred", new(a.Selected == a.Preferred))
	}
	p.boolean("redundant", a.Redundant)
	p.boolean("input_a_ok", a.InputOK[0])
	p.boolean("input_b_ok", a.InputOK[1])
	p.boolean("over_current", a.OverCurrent)
	p.boolean("switch_ok", a.SwitchOK)
	p.boolean("phase_sync", a.PhaseSync)
	p.float("input_a_volts", a.InputVolts[0])
	p.float("input_b_volts", a.InputVolts[1])
	p.float("input_a_hz", a.InputHz[0])
	p.float("input_b_hz", a.InputHz[1])
	if len(a.OutputAmps) > 0 {
		p.float("output_amps", new(slices.Max(a.OutputAmps)))
	}
	p.float("output_watts", a.OutputWatts)
	p.float("rated_amps", a.RatedAmps)
	if rd.Uptime != nil {
		p.float("uptime_s", new(float64(*rd.Uptime)))
	}
	return p.end(out, ts)
}

func phaseName(n int) string {
	if n <= 0 {
		return ""
	}
	return "L" + strconv.Itoa(n)
}

func inputName(i int) string {
	switch i {
	case 0:
		return "A"
	case 1:
		return "B"
	}
	return ""
}

// lineBuilder builds one line of line protocol at a time. A tag with an
// empty value and a field without a value are left out: absent is never
// written as 0. A line without fields is not written at all.
type lineBuilder struct {
	b      []byte
	fields int
	tags   []string // key, value pairs, reused
}

// begin starts a line; kv are tag key, value pairs.
func (p *lineBuilder) begin(measurement string, kv ...string) {
	p.b, p.fields = append(p.b[:0], measurement...), 0
	p.tags = p.tags[:0]
	for i := 0; i+1 < len(kv); i += 2 {
		if strings.TrimRight(kv[i+1], `\`) != "" {
			p.tags = append(p.tags, kv[i], kv[i+1])
		}
	}
	// Sorted tag keys are what InfluxDB stores; sending them sorted
	// spares it the work.
	idx := make([]int, 0, 8)
	for i := 0; i < len(p.tags); i += 2 {
		idx = append(idx, i)
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(p.tags[a], p.tags[b]) })
	for _, i := range idx {
		p.b = append(p.b, ',')
		p.b = appendEscaped(p.b, p.tags[i])
		p.b = append(p.b, '=')
		p.b = appendEscaped(p.b, p.tags[i+1])
	}
}

func (p *lineBuilder) sep(key string) {
	if p.fields == 0 {
		p.b = append(p.b, ' ')
	} else {
		p.b = append(p.b, ',')
	}
	p.fields++
	p.b = appendEscaped(p.b, key)
	p.b = append(p.b, '=')
}

func (p *lineBuilder) float(key string, v *float64) {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return
	}
	p.sep(key)
	p.b = strconv.AppendFloat(p.b, *v, 'f', -1, 64)
}

func (p *lineBuilder) boolean(key string, v *bool) {
	if v == nil {
		return
	}
	p.sep(key)
	p.b = strconv.AppendBool(p.b, *v)
}

func (p *lineBuilder) str(key, v string) {
	if v == "" {
		return
	}
	p.sep(key)
	p.b = append(p.b, '"')
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '"', '\\':
			p.b = append(p.b, '\\', c)
		case '\n', '\r':
			p.b = append(p.b, ' ') // one point, one line: the spool reads lines
		default:
			p.b = append(p.b, c)
		}
	}
	p.b = append(p.b, '"')
}

// end finishes the line and appends it to out, unless it has no field.
func (p *lineBuilder) end(out []string, ts time.Time) []string {
	if p.fields == 0 {
		return out
	}
	p.b = append(p.b, ' ')
	p.b = strconv.AppendInt(p.b, ts.UnixNano(), 10)
	return append(out, string(p.b))
}

// appendEscaped escapes a tag key, tag value or field key: commas, equal
// signs and spaces take a backslash; a line break becomes a space; a
// trailing backslash, which would escape the separator after it, is
// dropped.
func appendEscaped(b []byte, s string) []byte {
	s = strings.TrimRight(s, `\`)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ',', '=', ' ':
			b = append(b, '\\', c)
		case '\n', '\r', '\t':
			b = append(b, '\\', ' ')
		default:
			b = append(b, c)
		}
	}
	return b
}
