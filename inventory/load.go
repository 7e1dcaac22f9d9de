package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // job time zones resolve on machines without a zoneinfo database

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Defaults applied where the file leaves a value out.
const (
	DefaultVolts       = 230.0
	DefaultPF          = 0.95
	DefaultUtilisation = 0.6
	DefaultLifetime    = "5d" // Postfix's maximal_queue_lifetime
)

// maxOutlets bounds a PDU's outlet count; the largest PDUs sold have 54.
const maxOutlets = 1024

// Load reads and validates the inventory at path.
func Load(path string) (*Site, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse decodes and validates an inventory. name is used in error
// messages. On any problem it returns a nil Site and an *Errors listing
// every problem found, each with its line and object.
func Parse(name string, data []byte) (*Site, error) {
	errs := &Errors{File: name}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			errs.add(0, "", "the file is empty")
			return nil, errs.err()
		}
		errs.add(syntaxLine(data, err), "", yamlMsg(err))
		return nil, errs.err()
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		errs.add(extra.Line, "", "a second YAML document (---) follows: put the whole site in one document")
	case !errors.Is(err, io.EOF):
		errs.add(syntaxLine(data, err), "", yamlMsg(err))
	}
	s := &Site{File: name}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	d := decoder{errs: errs, aliasBudget: 100_000 + 2*len(data)}
	d.decode(doc, reflect.ValueOf(s).Elem(), "", "")
	s.validate(errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return s, nil
}

// yamlLine digs the line out of a yaml.v3 syntax error ("yaml: line 4: …").
func yamlLine(err error) int {
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i:], "line %d", &line)
	}
	return line
}

// lineEnds returns ends[k], the length of the first k lines of data,
// counting line breaks as YAML does: LF, CR, CRLF, NEL, LS and PS.
func lineEnds(data []byte) []int {
	ends := []int{0}
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i++
		case data[i] == '\r' || data[i] == '\n':
		case bytes.HasPrefix(data[i:], []byte("\u0085")):
			i++
		case bytes.HasPrefix(data[i:], []byte("\u2028")) || bytes.HasPrefix(data[i:], []byte("\u2029")):
			i += 2
		default:
			continue
		}
		ends = append(ends, i+1)
	}
	if ends[len(ends)-1] < len(data) {
		ends = append(ends, len(data))
	}
	return ends
}

// syntaxLine finds the line of a YAML syntax error. The line yaml.v3 names
// is where the enclosing construct starts, counted from 0 for parser errors
// and from 1 for scanner errors, so it is only a lower bound. The error
// stands on the first line from which every prefix of the file fails to
// parse; bisect for it, starting after the construct yaml.v3 named.
func syntaxLine(data []byte, err error) int {
	ends := lineEnds(data)
	parses := func(k int) bool {
		dec := yaml.NewDecoder(bytes.NewReader(data[:ends[k]]))
		for {
			var n yaml.Node
			if err := dec.Decode(&n); err != nil {
				return errors.Is(err, io.EOF)
			}
		}
	}
	lo, hi := min(max(yamlLine(err)-1, 0), len(ends)-1), len(ends)-1
	if !parses(lo) {
		lo = 0
	}
	if parses(hi) {
		return yamlLine(err) // cannot happen: data failed to parse
	}
	for hi-lo > 1 { // parses(lo) && !parses(hi)
		mid := (lo + hi) / 2
		if parses(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

func yamlMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, "line "); i == 0 {
		if j := strings.Index(msg, ": "); j >= 0 {
			msg = msg[j+2:]
		}
	}
	return "not valid YAML: " + msg
}

// index resolves names to objects.
type index struct {
	sources  map[string]*Source
	panels   map[string]*Panel
	circuits map[string]*Circuit
	ats      map[string]*ATS
	pdus     map[string]*PDU
	racks    map[string]*Rack
	devices  map[string]*Device
	services map[string]*Service
	queues   map[string]*MailQueue
	jobs     map[string]*Job
	// members lists the devices that provide each service.
	members map[string][]*Device
}

// Lookups by name; nil when not defined.
func (s *Site) Source(name string) *Source       { return s.index.sources[name] }
func (s *Site) Panel(name string) *Panel         { return s.index.panels[name] }
func (s *Site) Circuit(name string) *Circuit     { return s.index.circuits[name] }
func (s *Site) ATSUnit(name string) *ATS         { return s.index.ats[name] }
func (s *Site) PDU(name string) *PDU             { return s.index.pdus[name] }
func (s *Site) Rack(name string) *Rack           { return s.index.racks[name] }
func (s *Site) Device(name string) *Device       { return s.index.devices[name] }
func (s *Site) Service(name string) *Service     { return s.index.services[name] }
func (s *Site) MailQueue(name string) *MailQueue { return s.index.queues[name] }
func (s *Site) Job(name string) *Job             { return s.index.jobs[name] }

// Members returns the devices that provide a service, in file order.
func (s *Site) Members(service string) []*Device { return s.index.members[service] }

// SourceOf returns the source a panel is ultimately fed from.
func (s *Site) SourceOf(p *Panel) *Source {
	for i := 0; p != nil && i <= len(s.Panels); i++ {
		if p.Source != "" {
			return s.index.sources[p.Source]
		}
		p = s.index.panels[p.Panel]
	}
	return nil
}

// named is implemented by every list element.
type named interface{ name() string }

func (o *Source) name() string    { return o.Name }
func (o *Panel) name() string     { return o.Name }
func (o *Circuit) name() string   { return o.Name }
func (o *ATS) name() string       { return o.Name }
func (o *PDU) name() string       { return o.Name }
func (o *Rack) name() string      { return o.Name }
func (o *Device) name() string    { return o.Name }
func (o *Service) name() string   { return o.Name }
func (o *MailQueue) name() string { return o.Name }
func (o *Job) name() string       { return o.Name }

// indexNamed builds a name map for one kind, reporting missing and
// duplicate names.
func indexNamed[T interface {
	named
	comparable
}](errs *Errors, kind string, list []T, pos func(T) *Pos) map[string]T {
	m := make(map[string]T, len(list))
	for i, o := range list {
		p := pos(o)
		if o.name() == "" {
			errs.add(p.Line, fmt.Sprintf("%s #%d", kind, i+1), "name is required")
			continue
		}
		if strings.ContainsAny(o.name(), " \t:,") {
			errs.add(p.LineOf("name"), fmt.Sprintf("%s %q", kind, o.name()), "a name may not contain spaces, colons or commas")
		}
		if prev, dup := m[o.name()]; dup {
			errs.add(p.LineOf("name"), fmt.Sprintf("%s %q", kind, o.name()), fmt.Sprintf("defined twice (first at line %d)", pos(prev).Line))
			continue
		}
		m[o.name()] = o
	}
	return m
}

// validate checks every rule and cross-reference, fills in defaults and
// builds the index. It reports every problem it finds.
func (s *Site) validate(errs *Errors) {
	ix := &index{}
	s.index = ix
	ix.sources = indexNamed(errs, "source", s.Sources, func(o *Source) *Pos { return &o.Pos })
	ix.panels = indexNamed(errs, "panel", s.Panels, func(o *Panel) *Pos { return &o.Pos })
	ix.circuits = indexNamed(errs, "circuit", s.Circuits, func(o *Circuit) *Pos { return &o.Pos })
	ix.ats = indexNamed(errs, "ats", s.ATS, func(o *ATS) *Pos { return &o.Pos })
	ix.pdus = indexNamed(errs, "pdu", s.PDUs, func(o *PDU) *Pos { return &o.Pos })
	ix.racks = indexNamed(errs, "rack", s.Racks, func(o *Rack) *Pos { return &o.Pos })
	ix.devices = indexNamed(errs, "device", s.Devices, func(o *Device) *Pos { return &o.Pos })
	ix.services = indexNamed(errs, "service", s.Services, func(o *Service) *Pos { return &o.Pos })
	ix.queues = indexNamed(errs, "mail queue", s.MailQueues, func(o *MailQueue) *Pos { return &o.Pos })
	ix.jobs = indexNamed(errs, "job", s.Jobs, func(o *Job) *Pos { return &o.Pos })

	if s.Utilisation == 0 {
		s.Utilisation = DefaultUtilisation
	} else if s.Utilisation < 0 || s.Utilisation > 1 {
		errs.add(s.pos.LineOf("utilisation"), "", fmt.Sprintf("utilisation %g: want a share of nameplate between 0 and 1", s.Utilisation))
	}
	if len(s.Sources) == 0 {
		errs.add(max(s.pos.LineOf("sources"), 1), "", "no sources: a site needs at least one feed (sources: - name: A)")
	}

	for _, o := range s.Sources {
		obj := fmt.Sprintf("source %q", o.Name)
		switch o.Kind {
		case "":
			o.Kind = "utility"
		case "utility", "ups", "generator", "other":
		default:
			errs.add(o.LineOf("kind"), obj, fmt.Sprintf("kind %q: want utility, ups, generator or other", o.Kind))
		}
		if o.Volts == 0 {
			o.Volts = DefaultVolts
		}
		s.checkPositive(errs, obj, &o.Pos, "volts", o.Volts, false)
		s.checkPositive(errs, obj, &o.Pos, "amps", o.Amps, true)
		o.Phases = checkPhases(errs, obj, &o.Pos, o.Phases)
	}

	for _, o := range s.Panels {
		obj := fmt.Sprintf("panel %q", o.Name)
		switch {
		case o.Source != "" && o.Panel != "":
			errs.add(o.LineOf("panel"), obj, "is fed by a source or by a panel, not both")
		case o.Source != "":
			if ix.sources[o.Source] == nil {
				errs.add(o.LineOf("source"), obj, fmt.Sprintf("source %q is not defined", o.Source))
			}
		case o.Panel != "":
			if ix.panels[o.Panel] == nil {
				errs.add(o.LineOf("panel"), obj, fmt.Sprintf("panel %q is not defined", o.Panel))
			}
		default:
			errs.add(o.Line, obj, "needs a source (a feed) or a panel that feeds it")
		}
		s.checkPositive(errs, obj, &o.Pos, "amps", o.Amps, true)
	}
	s.checkPanelCycles(errs)

	sourceOf := s.panelSources()
	for _, o := range s.Circuits {
		obj := fmt.Sprintf("circuit %q", o.Name)
		p := ix.panels[o.Panel]
		switch {
		case o.Panel == "":
			if !o.Has("panel") {
				errs.add(o.Line, obj, "panel is required")
			}
		case p == nil:
			errs.add(o.LineOf("panel"), obj, fmt.Sprintf("panel %q is not defined", o.Panel))
		}
		if !o.Has("amps") {
			errs.add(o.Line, obj, "amps (the breaker rating) is required")
		}
		s.checkPositive(errs, obj, &o.Pos, "amps", o.Amps, !o.decoded("amps"))
		o.Phases = checkPhases(errs, obj, &o.Pos, o.Phases)
		if o.Phases == 3 && o.Phase != 0 {
			errs.add(o.LineOf("phase"), obj, "phase is for single-phase circuits; a three-phase circuit uses all three")
		}
		if o.Phase < 0 || o.Phase > 3 {
			errs.add(o.LineOf("phase"), obj, fmt.Sprintf("phase %d: want 1, 2 or 3", o.Phase))
		}
		if o.Phase == 0 && o.Phases == 1 {
			o.Phase = 1
		}
		if src := sourceOf[p]; src != nil {
			if o.Phases == 3 && src.Phases == 1 {
				errs.add(o.LineOf("phases"), obj, fmt.Sprintf("is three-phase but source %q is single-phase", src.Name))
			}
			if o.Phase > 1 && o.Phase <= 3 && src.Phases == 1 {
				errs.add(o.LineOf("phase"), obj, fmt.Sprintf("phase %d: source %q is single-phase, so every circuit is on its one phase", o.Phase, src.Name))
			}
			if o.Volts == 0 {
				o.Volts = src.Volts
				if o.Phases == 3 {
					o.Volts = math.Round(src.Volts * math.Sqrt(3))
				}
			}
		}
		s.checkPositive(errs, obj, &o.Pos, "volts", o.Volts, true)
	}

	for _, o := range s.ATS {
		s.validateATS(errs, o)
	}
	usedInlet := map[string]string{}
	for _, o := range s.PDUs {
		s.validatePDU(errs, o)
		if prev, ok := usedInlet[o.Inlet]; ok && ix.circuits[o.Inlet] != nil {
			errs.add(o.LineOf("inlet"), fmt.Sprintf("pdu %q", o.Name), fmt.Sprintf("circuit %q already feeds pdu %q (put a PDU per breaker, or feed both from an ATS)", o.Inlet, prev))
		} else if o.Inlet != "" {
			usedInlet[o.Inlet] = o.Name
		}
	}
	ix.members = make(map[string][]*Device)
	used := map[Plug]string{}
	for _, o := range s.Devices {
		s.validateDevice(errs, o, used)
	}
	for _, o := range s.Services {
		obj := fmt.Sprintf("service %q", o.Name)
		if _, set := o.fields["min"]; !set {
			o.MinAvailable = Quantity{N: 1}
		}
		members := len(ix.members[o.Name])
		if members == 0 {
			errs.add(o.Line, obj, "no device provides it (list it under a device's services)")
		} else if !o.MinAvailable.IsPct && o.MinAvailable.N > members {
			errs.add(o.LineOf("min"), obj, fmt.Sprintf("min %d but only %d devices provide it", o.MinAvailable.N, members))
		}
		for _, dep := range o.DependsOn {
			if ix.services[dep] == nil {
				errs.add(o.LineOf("depends_on"), obj, fmt.Sprintf("depends_on: service %q is not defined", dep))
			} else if dep == o.Name {
				errs.add(o.LineOf("depends_on"), obj, "depends on itself")
			}
		}
	}
	s.checkServiceCycles(errs)

	for _, o := range s.MailQueues {
		obj := fmt.Sprintf("mail queue %q", o.Name)
		switch {
		case o.Device == "":
			errs.add(o.Line, obj, "device (the MTA host) is required")
		case ix.devices[o.Device] == nil:
			errs.add(o.LineOf("device"), obj, fmt.Sprintf("device %q is not defined", o.Device))
		}
		s.checkPositive(errs, obj, &o.Pos, "rate", o.Rate, true)
		if o.Lifetime == "" {
			o.Lifetime = DefaultLifetime
		}
		if _, err := ParseLifetime(o.Lifetime); err != nil {
			errs.add(o.LineOf("lifetime"), obj, err.Error())
		}
		s.checkPositive(errs, obj, &o.Pos, "release_rate", o.ReleaseRate, true) // 0: the plan's default
		validateMailQueue(errs, obj, o)
	}

	for _, o := range s.Jobs {
		obj := fmt.Sprintf("job %q", o.Name)
		if o.TZ == "" {
			o.TZ = "UTC"
		}
		if _, err := time.LoadLocation(o.TZ); err != nil || o.TZ == "Local" {
			errs.add(o.LineOf("tz"), obj, fmt.Sprintf("tz %q is not a time zone (want an IANA name such as Europe/Amsterdam)", o.TZ))
		} else if _, err := o.Schedule(); err != nil {
			errs.add(o.LineOf("cron"), obj, err.Error())
		}
		switch {
		case o.Device != "" && o.Service != "":
			errs.add(o.LineOf("service"), obj, "runs on a device or a service, not both")
		case o.Device != "":
			if ix.devices[o.Device] == nil {
				errs.add(o.LineOf("device"), obj, fmt.Sprintf("device %q is not defined", o.Device))
			}
		case o.Service != "":
			if ix.services[o.Service] == nil {
				errs.add(o.LineOf("service"), obj, fmt.Sprintf("service %q is not defined", o.Service))
			}
		default:
			errs.add(o.Line, obj, "needs the device or the service it runs on")
		}
	}
}

// validateMailQueue checks what a queue's kind needs: the hooks of the
// generic kinds, and keys that belong to another kind.
func validateMailQueue(errs *Errors, obj string, o *MailQueue) {
	if o.Kind == "" {
		o.Kind = "postfix"
	}
	// only reports a key set for a kind that has no use for it.
	only := func(key, value, kinds string) {
		if value != "" {
			errs.add(o.LineOf(key), obj, fmt.Sprintf("%s: only for kind %s, not %s", key, kinds, o.Kind))
		}
	}
	switch o.Kind {
	case "postfix":
		only("hold", o.Hold, "command or http (postfix is held with postsuper)")
		only("release", o.Release, "command or http (postfix is released with postsuper)")
		only("status", o.Status, "command or http (postfix is read with postqueue)")
		only("token_env", o.TokenEnv, "http")
	case "command":
		only("config_dir", o.ConfigDir, "postfix")
		only("token_env", o.TokenEnv, "http")
	case "http":
		only("config_dir", o.ConfigDir, "postfix")
		only("ssh", o.SSH, "postfix or command (URLs are called from feedplan's host)")
		if o.TokenEnv != "" && !isEnvName(o.TokenEnv) {
			errs.add(o.LineOf("token_env"), obj, fmt.Sprintf("token_env %q: want the name of an environment variable, such as MX_HOOK_TOKEN", o.TokenEnv))
		}
	default:
		errs.add(o.LineOf("kind"), obj, fmt.Sprintf("kind %q: want postfix, command or http", o.Kind))
		return
	}
	if o.Kind != "postfix" {
		for _, h := range []struct{ key, value string }{{"hold", o.Hold}, {"release", o.Release}, {"status", o.Status}} {
			switch {
			case h.value == "" && h.key != "status":
				what := "a shell command"
				if o.Kind == "http" {
					what = "a URL"
				}
				errs.add(o.Line, obj, fmt.Sprintf("kind %s needs %s: %s", o.Kind, h.key, what))
			case h.value != "" && o.Kind == "http":
				if u, err := url.Parse(h.value); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					errs.add(o.LineOf(h.key), obj, fmt.Sprintf("%s: want an http or https URL, such as https://mx-1.example.net/hold", h.key))
				}
			}
		}
	}
	if o.SSH != "" && (strings.HasPrefix(o.SSH, "-") || strings.ContainsFunc(o.SSH, func(r rune) bool { return r <= ' ' || r == 0x7f })) {
		errs.add(o.LineOf("ssh"), obj, fmt.Sprintf("ssh %q: want a host, user@host or a Host of ~/.ssh/config (no spaces, not starting with -)", o.SSH))
	}
	if o.ConfigDir != "" && (!strings.HasPrefix(o.ConfigDir, "/") || strings.ContainsAny(o.ConfigDir, "\n\r\x00")) {
		errs.add(o.LineOf("config_dir"), obj, fmt.Sprintf("config_dir %q: want an absolute path, such as /etc/postfix-out", o.ConfigDir))
	}
}

// isEnvName reports whether s can name an environment variable in a shell.
func isEnvName(s string) bool {
	for i, c := range s {
		if !(c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

func (s *Site) checkPositive(errs *Errors, obj string, p *Pos, key string, v float64, zeroOK bool) {
	if v < 0 || (v == 0 && !zeroOK) || math.IsNaN(v) || math.IsInf(v, 0) {
		errs.add(p.LineOf(key), obj, fmt.Sprintf("%s %g: want a positive number", key, v))
	}
}

func checkPhases(errs *Errors, obj string, p *Pos, n int) int {
	switch n {
	case 0:
		return 1
	case 1, 3:
		return n
	}
	errs.add(p.LineOf("phases"), obj, fmt.Sprintf("phases %d: want 1 or 3", n))
	return 1
}

// Inputs0 returns the first input of an ATS, or "".
func (a *ATS) Inputs0() string {
	if len(a.Inputs) == 0 {
		return ""
	}
	return a.Inputs[0]
}

func (s *Site) validateATS(errs *Errors, o *ATS) {
	ix := s.index
	obj := fmt.Sprintf("ats %q", o.Name)
	if len(o.Inputs) != 2 {
		errs.add(o.LineOf("inputs"), obj, fmt.Sprintf("inputs: want two circuits, got %d", len(o.Inputs)))
	}
	for _, in := range o.Inputs {
		if ix.circuits[in] == nil {
			errs.add(o.LineOf("inputs"), obj, fmt.Sprintf("input circuit %q is not defined", in))
		}
	}
	if len(o.Inputs) == 2 && o.Inputs[0] == o.Inputs[1] {
		errs.add(o.LineOf("inputs"), obj, "both inputs are the same circuit: that is no redundancy at all")
	}
	switch {
	case o.Preferred == "":
		o.Preferred = o.Inputs0()
	case strings.EqualFold(o.Preferred, "a") && len(o.Inputs) > 0 && ix.circuits[o.Preferred] == nil:
		o.Preferred = o.Inputs[0]
	case strings.EqualFold(o.Preferred, "b") && len(o.Inputs) > 1 && ix.circuits[o.Preferred] == nil:
		o.Preferred = o.Inputs[1]
	case !slices.Contains(o.Inputs, o.Preferred):
		errs.add(o.LineOf("preferred"), obj, fmt.Sprintf("preferred %q is not one of its inputs %s", o.Preferred, strings.Join(o.Inputs, ", ")))
	}
	if !o.Has("amps") {
		errs.add(o.Line, obj, "amps (the output rating) is required")
	}
	s.checkPositive(errs, obj, &o.Pos, "amps", o.Amps, !o.decoded("amps"))
	if len(o.Inputs) == 2 && ix.circuits[o.Inputs[0]] != nil && ix.circuits[o.Inputs[1]] != nil &&
		ix.circuits[o.Inputs[0]].Phases != ix.circuits[o.Inputs[1]].Phases {
		errs.add(o.LineOf("inputs"), obj, "its inputs have different numbers of phases")
	}
	s.checkRack(errs, obj, &o.Pos, o.Rack)
	if o.Test != nil {
		if _, err := time.Parse(time.DateOnly, o.Test.Date); err != nil {
			errs.add(o.Test.LineOf("date"), obj, fmt.Sprintf("test date %q: want YYYY-MM-DD", o.Test.Date))
		}
		if o.Test.Result != "passed" && o.Test.Result != "failed" {
			errs.add(o.Test.LineOf("result"), obj, fmt.Sprintf("test result %q: want passed or failed", o.Test.Result))
		}
	}
	s.validateSNMP(errs, obj, o.SNMP)
}

// TestDate returns the date of the last switchover test, if any.
func (a *ATS) TestDate() (time.Time, bool) {
	if a.Test == nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, a.Test.Date)
	return t, err == nil
}

func (s *Site) checkRack(errs *Errors, obj string, p *Pos, rack string) {
	if rack != "" && s.index.racks[rack] == nil {
		errs.add(p.LineOf("rack"), obj, fmt.Sprintf("rack %q is not defined", rack))
	}
}

func (s *Site) validatePDU(errs *Errors, o *PDU) {
	ix := s.index
	obj := fmt.Sprintf("pdu %q", o.Name)
	s.checkRack(errs, obj, &o.Pos, o.Rack)
	var feedPhases int
	var feedVolts float64
	c, a := ix.circuits[o.Inlet], ix.ats[o.Inlet]
	switch {
	case o.Inlet == "":
		errs.add(o.Line, obj, "inlet (the circuit or ATS that feeds it) is required")
	case c != nil && a != nil:
		errs.add(o.LineOf("inlet"), obj, fmt.Sprintf("inlet %q names both a circuit and an ATS: rename one", o.Inlet))
	case c != nil:
		feedPhases, feedVolts = c.Phases, c.Volts
	case a != nil:
		if in := ix.circuits[a.Inputs0()]; in != nil {
			feedPhases, feedVolts = in.Phases, in.Volts
		}
	default:
		errs.add(o.LineOf("inlet"), obj, fmt.Sprintf("inlet %q is neither a circuit nor an ATS", o.Inlet))
	}
	if o.Phases == 0 {
		o.Phases = max(feedPhases, 1)
	}
	o.Phases = checkPhases(errs, obj, &o.Pos, o.Phases)
	if o.Phases == 3 && feedPhases == 1 {
		errs.add(o.LineOf("phases"), obj, fmt.Sprintf("is three-phase but its inlet %q is single-phase", o.Inlet))
	}
	if o.Phases == 1 && feedPhases == 3 {
		errs.add(o.LineOf("inlet"), obj, fmt.Sprintf("is single-phase but its inlet %q is a three-phase circuit: give the PDU phases: 3 and banks per phase, or feed it from a single-phase circuit", o.Inlet))
	}
	if o.Volts == 0 && feedVolts > 0 {
		o.Volts = feedVolts
		if o.Phases == 3 {
			o.Volts = math.Round(feedVolts / math.Sqrt(3)) // outlets are line-to-neutral (wye)
		}
	}
	s.checkPositive(errs, obj, &o.Pos, "volts", o.Volts, true)
	if o.Amps == 0 {
		switch {
		case c != nil:
			o.Amps = c.Amps
		case a != nil:
			o.Amps = a.Amps
		}
	}
	s.checkPositive(errs, obj, &o.Pos, "amps", o.Amps, !o.decoded("amps"))
	s.validateSNMP(errs, obj, o.SNMP)
	if o.Outlets <= 0 {
		if o.decoded("outlets") {
			errs.add(o.LineOf("outlets"), obj, fmt.Sprintf("outlets %d: want at least 1", o.Outlets))
		} else if !o.Has("outlets") {
			errs.add(o.Line, obj, "outlets (how many it has) is required")
		}
		return
	}
	if o.Outlets > maxOutlets {
		// The bank check below takes memory and time in proportion.
		errs.add(o.LineOf("outlets"), obj, fmt.Sprintf("outlets %d: want at most %d", o.Outlets, maxOutlets))
		return
	}
	if len(o.Banks) == 0 {
		if o.Phases == 3 {
			errs.add(o.Line, obj, "a three-phase PDU needs banks that say which phase each outlet is on")
		}
		o.Banks = []*Bank{{Pos: o.Pos, Name: "1", Outlets: Range{1, o.Outlets}, Phase: 1}}
		return
	}
	if len(o.Banks) > o.Outlets {
		// Each bank walks its outlets below: keep that within outlets².
		errs.add(o.LineOf("banks"), obj, fmt.Sprintf("%d banks for %d outlets: a bank has at least one outlet", len(o.Banks), o.Outlets))
		return
	}
	owner := make([]string, o.Outlets+1)
	names := make(map[string]bool, len(o.Banks))
	for i, b := range o.Banks {
		if b.Name == "" {
			b.Name = fmt.Sprint(i + 1)
		}
		bobj := fmt.Sprintf("%s bank %q", obj, b.Name)
		if names[b.Name] {
			errs.add(b.LineOf("name"), bobj, "defined twice")
		}
		names[b.Name] = true
		if b.Outlets.From == 0 {
			errs.add(b.Line, bobj, "outlets (a range such as 1-12) is required")
			continue
		}
		if b.Outlets.To > o.Outlets {
			errs.add(b.LineOf("outlets"), bobj, fmt.Sprintf("outlets %s: the PDU has only %d", b.Outlets, o.Outlets))
		}
		overlaps := false
		for n := b.Outlets.From; n <= min(b.Outlets.To, o.Outlets); n++ {
			if owner[n] != "" {
				if !overlaps { // once per bank, and claim the rest: no false gap
					errs.add(b.LineOf("outlets"), bobj, fmt.Sprintf("outlet %d is also in bank %q", n, owner[n]))
				}
				overlaps = true
				continue
			}
			owner[n] = b.Name
		}
		if b.Phase == 0 {
			b.Phase = i%o.Phases + 1
		} else if b.Phase < 1 || b.Phase > o.Phases {
			errs.add(b.LineOf("phase"), bobj, fmt.Sprintf("phase %d: the PDU has %d phase(s)", b.Phase, o.Phases))
		}
		s.checkPositive(errs, bobj, &b.Pos, "amps", b.Amps, true)
	}
	for n := 1; n <= o.Outlets; n++ {
		if owner[n] == "" {
			errs.add(o.LineOf("banks"), obj, fmt.Sprintf("outlet %d is in no bank: banks must cover outlets 1-%d", n, o.Outlets))
			break
		}
	}
}

// BankOf returns the bank that an outlet belongs to, or nil.
func (p *PDU) BankOf(outlet int) *Bank {
	for _, b := range p.Banks {
		if b.Outlets.Contains(outlet) {
			return b
		}
	}
	return nil
}

func (s *Site) validateDevice(errs *Errors, o *Device, used map[Plug]string) {
	ix := s.index
	obj := fmt.Sprintf("device %q", o.Name)
	s.checkRack(errs, obj, &o.Pos, o.Rack)
	if len(o.PSUs) == 0 {
		if o.decoded("psus") {
			errs.add(o.LineOf("psus"), obj, "psus is empty: list where each power supply is plugged in (PDU:OUTLET, or unplugged)")
		} else if !o.Has("psus") {
			errs.add(o.Line, obj, "psus (where each power supply is plugged in, PDU:OUTLET) is required")
		}
	}
	for i, p := range o.PSUs {
		if p.Unplugged() {
			continue
		}
		pdu := ix.pdus[p.PDU]
		if pdu == nil {
			errs.add(o.LineOf("psus"), obj, fmt.Sprintf("psu%d on %s: pdu %q is not defined", i+1, p, p.PDU))
			continue
		}
		if p.Outlet > pdu.Outlets {
			errs.add(o.LineOf("psus"), obj, fmt.Sprintf("psu%d on %s: pdu %q has only %d outlets", i+1, p, p.PDU, pdu.Outlets))
			continue
		}
		if prev, dup := used[p]; dup {
			errs.add(o.LineOf("psus"), obj, fmt.Sprintf("psu%d on %s: that outlet is already used by %s", i+1, p, prev))
			continue
		}
		used[p] = fmt.Sprintf("device %q", o.Name)
	}
	if o.MinPSUs == 0 {
		o.MinPSUs = 1
	}
	if o.MinPSUs < 0 || o.MinPSUs > len(o.PSUs) && len(o.PSUs) > 0 {
		errs.add(o.LineOf("min_psus"), obj, fmt.Sprintf("min_psus %d: it has only %d power %s", o.MinPSUs, len(o.PSUs), map[bool]string{true: "supply", false: "supplies"}[len(o.PSUs) == 1]))
	}
	if !o.Has("watts") {
		errs.add(o.Line, obj, "watts (the nameplate or typical draw) is required")
	}
	s.checkPositive(errs, obj, &o.Pos, "watts", o.Watts, true)
	if o.PF == 0 {
		o.PF = DefaultPF
	} else if o.PF < 0.3 || o.PF > 1 {
		errs.add(o.LineOf("pf"), obj, fmt.Sprintf("pf %g: want a power factor between 0.3 and 1", o.PF))
	}
	for _, svc := range o.Services {
		if ix.services[svc] == nil {
			errs.add(o.LineOf("services"), obj, fmt.Sprintf("service %q is not defined", svc))
			continue
		}
		ix.members[svc] = append(ix.members[svc], o)
	}
}

func (s *Site) validateSNMP(errs *Errors, obj string, c *SNMP) {
	if c == nil {
		return
	}
	if c.Address == "" {
		errs.add(c.Line, obj, "snmp: address is required")
	}
	switch c.Version {
	case "":
		c.Version = "2c"
		fallthrough
	case "1", "2c":
		if c.User != "" || c.AuthKey != "" || c.PrivKey != "" {
			errs.add(c.LineOf("user"), obj, fmt.Sprintf("snmp: user and keys are for version 3, but version is %s", c.Version))
		}
	case "3":
		if c.User == "" {
			errs.add(c.Line, obj, "snmp: version 3 needs a user")
		}
		if c.Community != "" {
			errs.add(c.LineOf("community"), obj, "snmp: community is for versions 1 and 2c, not 3")
		}
		switch strings.ToUpper(c.AuthProto) {
		case "", "MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512":
		default:
			errs.add(c.LineOf("auth"), obj, fmt.Sprintf("snmp: auth %q: want SHA, SHA256, SHA512 or MD5", c.AuthProto))
		}
		switch strings.ToUpper(c.PrivProto) {
		case "", "DES", "AES", "AES192", "AES256":
		default:
			errs.add(c.LineOf("priv"), obj, fmt.Sprintf("snmp: priv %q: want AES, AES256 or DES", c.PrivProto))
		}
		if c.AuthProto != "" && len(c.AuthKey) < 8 {
			errs.add(c.LineOf("auth_key"), obj, "snmp: auth_key must be at least 8 characters")
		}
		if c.PrivProto != "" && c.AuthProto == "" {
			errs.add(c.LineOf("priv"), obj, "snmp: privacy needs authentication too (set auth)")
		}
		if c.PrivProto != "" && len(c.PrivKey) < 8 {
			errs.add(c.LineOf("priv_key"), obj, "snmp: priv_key must be at least 8 characters")
		}
	default:
		errs.add(c.LineOf("version"), obj, fmt.Sprintf("snmp: version %q: want 1, 2c or 3", c.Version))
	}
}

// checkPanelCycles reports a panel that is (indirectly) fed by itself,
// once per loop. Each panel is walked once: a long chain of panels costs
// time in proportion to its length, not to its square.
func (s *Site) checkPanelCycles(errs *Errors) {
	const onPath, done = 1, 2
	state := map[string]int{}
	var path []string
	for _, p := range s.Panels {
		path = path[:0]
		for q := p; q != nil && state[q.Name] != done; q = s.index.panels[q.Panel] {
			if state[q.Name] == onPath {
				errs.add(q.LineOf("panel"), fmt.Sprintf("panel %q", q.Name), "the power chain loops: "+strings.Join(append(path, q.Name), " ← "))
				break
			}
			state[q.Name] = onPath
			path = append(path, q.Name)
			if q.Panel == "" {
				break
			}
		}
		for _, name := range path {
			state[name] = done
		}
	}
}

// panelSources is SourceOf for every panel, in one walk of each chain.
func (s *Site) panelSources() map[*Panel]*Source {
	m := make(map[*Panel]*Source, len(s.Panels))
	var path []*Panel
	for _, p := range s.Panels {
		path = path[:0]
		var src *Source
		for q := p; q != nil && len(path) <= len(s.Panels); q = s.index.panels[q.Panel] {
			if known, ok := m[q]; ok {
				src = known
				break
			}
			path = append(path, q)
			if q.Source != "" {
				src = s.index.sources[q.Source]
				break
			}
		}
		for _, q := range path {
			m[q] = src
		}
	}
	return m
}

// checkServiceCycles reports services that depend on themselves through others.
func (s *Site) checkServiceCycles(errs *Errors) {
	const (
		unvisited = iota
		active
		done
	)
	state := map[string]int{}
	var visit func(svc *Service, path []string)
	visit = func(svc *Service, path []string) {
		state[svc.Name] = active
		path = append(path, svc.Name)
		for _, dep := range svc.DependsOn {
			d := s.index.services[dep]
			if d == nil || d == svc {
				continue
			}
			switch state[dep] {
			case active:
				i := slices.Index(path, dep)
				errs.add(svc.LineOf("depends_on"), fmt.Sprintf("service %q", svc.Name), "depends_on loops: "+shortLoop(append(path[i:], dep), " → "))
			case unvisited:
				visit(d, path)
			}
		}
		state[svc.Name] = done
	}
	for _, svc := range s.Services {
		if state[svc.Name] == unvisited {
			visit(svc, nil)
		}
	}
}

// shortLoop joins the names on a loop, eliding the middle of a long one:
// every loop through a long chain would otherwise spell the chain out, and
// a file of kilobytes would make an error text of megabytes.
func shortLoop(names []string, sep string) string {
	const keep = 4
	if len(names) > 2*keep+1 {
		names = slices.Concat(names[:keep], []string{fmt.Sprintf("… %d more …", len(names)-2*keep)}, names[len(names)-keep:])
	}
	return strings.Join(names, sep)
}

// Schedule parses the job's cron spec in its time zone.
func (j *Job) Schedule() (cron.Schedule, error) {
	spec := strings.TrimSpace(j.Cron)
	if spec == "" {
		return nil, errors.New("cron (when it runs, e.g. \"0 21 * * 5\") is required")
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return nil, fmt.Errorf("cron %q: put the time zone in tz, not in the spec", spec)
	}
	tz := j.TZ
	if tz == "" {
		tz = "UTC"
	}
	sched, err := cron.ParseStandard("CRON_TZ=" + tz + " " + spec)
	if err != nil {
		return nil, fmt.Errorf("cron %q: %v", spec, err)
	}
	return sched, nil
}

// ParseLifetime parses a Postfix-style duration: "5d", "12h", "90m", "3600s".
func ParseLifetime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	unit := time.Duration(0)
	n, ok := strings.CutSuffix(s, "d")
	if ok {
		unit = 24 * time.Hour
	} else if n, ok = strings.CutSuffix(s, "w"); ok {
		unit = 7 * 24 * time.Hour
	}
	if unit != 0 {
		// ParseFloat, not Sscanf, which reads "5" of "5xd" and says nothing;
		// the bounds turn away NaN, Inf and durations beyond 292 years.
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		if d := f * float64(unit); err == nil && d >= 1 && d < math.MaxInt64 {
			return time.Duration(d), nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("lifetime %q: want a duration such as 5d or 12h", s)
}
