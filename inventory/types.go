package inventory

import (
	"fmt"
	"strconv"
	"strings"
)

// Site is a whole inventory: the power chain from the feeds down to the
// power supplies of every device, and what runs on those devices.
//
// The YAML keys are the field tags; every list is keyed by the name of its
// elements, and names are unique within a kind.
type Site struct {
	Name        string       `yaml:"site"`
	Utilisation float64      `yaml:"utilisation"` // share of nameplate a device draws when nothing is measured (default 0.6)
	Sources     []*Source    `yaml:"sources"`
	Panels      []*Panel     `yaml:"panels"`
	Circuits    []*Circuit   `yaml:"circuits"`
	ATS         []*ATS       `yaml:"ats"`
	PDUs        []*PDU       `yaml:"pdus"`
	Racks       []*Rack      `yaml:"racks"`
	Devices     []*Device    `yaml:"devices"`
	Services    []*Service   `yaml:"services"`
	MailQueues  []*MailQueue `yaml:"mail_queues"`
	Jobs        []*Job       `yaml:"jobs"`

	// File is the name the site was loaded from, used in error messages.
	File string `yaml:"-"`

	pos   Pos // where the site's own keys stand
	index *index
}

// Pos records where an object and each of its keys stand in the file.
type Pos struct {
	Line   int            `yaml:"-"`
	fields map[string]int // key → line
}

// LineOf returns the line of key in the object, or the object's own line.
func (p *Pos) LineOf(key string) int {
	if l, ok := p.fields[key]; ok {
		return max(l, -l)
	}
	return p.Line
}

// Has reports whether the object sets key in the file (even to a bad value).
func (p *Pos) Has(key string) bool {
	_, ok := p.fields[key]
	return ok
}

// decoded reports whether key is set to a value that decoded without
// error, so that a check of that value is not a second error about it.
func (p *Pos) decoded(key string) bool { return p.fields[key] > 0 }

func (p *Pos) setField(key string, line int) {
	if p.fields == nil {
		p.fields = make(map[string]int)
	}
	p.fields[key] = line
}

// Source is a feed: a utility supply, a UPS output, a generator.
type Source struct {
	Pos     `yaml:"-"`
	Name    string  `yaml:"name"`
	Kind    string  `yaml:"kind"`  // utility (default), ups, generator, other
	Volts   float64 `yaml:"volts"` // line-to-neutral, also for three-phase feeds (default 230; line-to-line is √3 × this)
	Phases  int     `yaml:"phases"`
	Amps    float64 `yaml:"amps"` // capacity per phase; 0 means not modelled
	Comment string  `yaml:"comment"`
}

// Panel is a distribution board fed by a source or by another panel.
type Panel struct {
	Pos     `yaml:"-"`
	Name    string  `yaml:"name"`
	Source  string  `yaml:"source"` // exactly one of source or panel
	Panel   string  `yaml:"panel"`
	Amps    float64 `yaml:"amps"` // main breaker per phase; 0 means not modelled
	Comment string  `yaml:"comment"`
}

// Circuit is a breaker in a panel.
type Circuit struct {
	Pos     `yaml:"-"`
	Name    string  `yaml:"name"`
	Panel   string  `yaml:"panel"`
	Amps    float64 `yaml:"amps"`   // breaker rating per phase
	Volts   float64 `yaml:"volts"`  // default: the source's voltage
	Phases  int     `yaml:"phases"` // 1 (default) or 3
	Phase   int     `yaml:"phase"`  // for a single-phase circuit: the panel phase it sits on (1-3, default 1)
	Comment string  `yaml:"comment"`
}

// ATS is an automatic transfer switch: two input circuits, one output.
type ATS struct {
	Pos       `yaml:"-"`
	Name      string   `yaml:"name"`
	Inputs    []string `yaml:"inputs"`    // two circuits: input A, input B
	Preferred string   `yaml:"preferred"` // the circuit it selects when both are live (default the first)
	Amps      float64  `yaml:"amps"`      // output rating
	Rack      string   `yaml:"rack"`
	Vendor    string   `yaml:"vendor"`
	Model     string   `yaml:"model"`
	SNMP      *SNMP    `yaml:"snmp"`
	Test      *ATSTest `yaml:"test"` // the last switchover test, if any
	Comment   string   `yaml:"comment"`
}

// ATSTest is the outcome of an ATS switchover test.
type ATSTest struct {
	Pos    `yaml:"-"`
	Date   string `yaml:"date"`   // YYYY-MM-DD
	Result string `yaml:"result"` // passed or failed
	Note   string `yaml:"note"`
}

// Passed reports whether the last switchover test passed.
func (t *ATSTest) Passed() bool { return t != nil && t.Result == "passed" }

// PDU is a rack power distribution unit.
type PDU struct {
	Pos     `yaml:"-"`
	Name    string  `yaml:"name"`
	Rack    string  `yaml:"rack"`
	Inlet   string  `yaml:"inlet"` // a circuit or an ATS
	Amps    float64 `yaml:"amps"`  // inlet rating per phase
	Phases  int     `yaml:"phases"`
	Volts   float64 `yaml:"volts"` // outlet voltage; default from the circuit (line-to-neutral)
	Outlets int     `yaml:"outlets"`
	Banks   []*Bank `yaml:"banks"`
	Vendor  string  `yaml:"vendor"`
	Model   string  `yaml:"model"`
	SNMP    *SNMP   `yaml:"snmp"`
	Comment string  `yaml:"comment"`
}

// Bank is a group of outlets behind its own breaker, on one phase.
type Bank struct {
	Pos     `yaml:"-"`
	Name    string  `yaml:"name"`    // default: its position, "1", "2", …
	Outlets Range   `yaml:"outlets"` // "1-12"
	Amps    float64 `yaml:"amps"`
	Phase   int     `yaml:"phase"` // on a three-phase PDU: 1-3 (default: banks in turn)
}

// Range is an inclusive range of outlet numbers, written "1-12" or "7".
type Range struct{ From, To int }

func (r Range) String() string {
	if r.From == r.To {
		return strconv.Itoa(r.From)
	}
	return fmt.Sprintf("%d-%d", r.From, r.To)
}

// Contains reports whether outlet n is in the range.
func (r Range) Contains(n int) bool { return n >= r.From && n <= r.To }

// ParseRange parses "1-12" or "7".
func ParseRange(s string) (Range, error) {
	s = strings.TrimSpace(s)
	a, b, found := strings.Cut(s, "-")
	from, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil {
		return Range{}, fmt.Errorf("outlet range %q: want N or N-M", s)
	}
	to := from
	if found {
		to, err = strconv.Atoi(strings.TrimSpace(b))
		if err != nil {
			return Range{}, fmt.Errorf("outlet range %q: want N or N-M", s)
		}
	}
	if from < 1 || to < from {
		return Range{}, fmt.Errorf("outlet range %q: want 1 <= N <= M", s)
	}
	return Range{from, to}, nil
}

// SNMP says how to reach a PDU or ATS.
type SNMP struct {
	Pos       `yaml:"-"`
	Address   string `yaml:"address"` // host or host:port
	Version   string `yaml:"version"` // 1, 2c (default), 3
	Community Secret `yaml:"community"`
	User      string `yaml:"user"`
	AuthProto string `yaml:"auth"` // SHA, SHA256, SHA512, MD5
	AuthKey   Secret `yaml:"auth_key"`
	PrivProto string `yaml:"priv"` // AES, AES256, DES
	PrivKey   Secret `yaml:"priv_key"`
	Context   string `yaml:"context"`
	Driver    string `yaml:"driver"` // default: detect by sysObjectID
}

// Format prints the settings with the secrets hidden whatever the verb. A
// Secret hides itself, but when fmt complains about a verb it prints the
// value behind a pointer raw, without calling its methods: %s of a PDU
// printed "%!s(*inventory.SNMP=&{… s3cret …})".
func (c SNMP) Format(f fmt.State, verb rune) {
	type snmp SNMP // the same fields, without this method
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, strings.Replace(fmt.Sprintf("%#v", snmp(c)), "inventory.snmp{", "inventory.SNMP{", 1))
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), snmp(c))
}

// Secret is a string that never prints.
type Secret string

// String hides the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "<secret>"
}

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// Format hides the secret from every verb: without it, a verb that does not
// take a Stringer (%d, %c) prints the raw value in its complaint,
// "%!d(inventory.Secret=…)".
func (s Secret) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), s.String())
}

// MarshalText hides the secret from encoders (JSON, YAML).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reveal returns the secret itself, for the code that sends it on the wire.
func (s Secret) Reveal() string { return string(s) }

// Rack is a cabinet; racks group PDUs and devices for the reader.
type Rack struct {
	Pos     `yaml:"-"`
	Name    string `yaml:"name"`
	Row     string `yaml:"row"`
	Comment string `yaml:"comment"`
}

// Device is a server, switch or appliance with one or more power supplies.
type Device struct {
	Pos      `yaml:"-"`
	Name     string   `yaml:"name"`
	Rack     string   `yaml:"rack"`
	PSUs     []Plug   `yaml:"psus"`     // "r01-a:7" each; "" or "unplugged" for a PSU with no cord
	MinPSUs  int      `yaml:"min_psus"` // live PSUs needed to run (default 1)
	Watts    float64  `yaml:"watts"`    // nameplate draw of the whole device
	PF       float64  `yaml:"pf"`       // power factor (default 0.95)
	Services []string `yaml:"services"`
	Shutdown string   `yaml:"shutdown"` // a command or URL that shuts it down cleanly
	Comment  string   `yaml:"comment"`
}

// Plug is where one power supply is plugged in: an outlet of a PDU.
// The zero Plug is an unplugged supply.
type Plug struct {
	PDU    string
	Outlet int
}

func (p Plug) String() string {
	if p.PDU == "" {
		return "unplugged"
	}
	return p.PDU + ":" + strconv.Itoa(p.Outlet)
}

// Unplugged reports whether the supply has no cord in an outlet.
func (p Plug) Unplugged() bool { return p.PDU == "" }

// ParsePlug parses "pdu:outlet", or "unplugged".
func ParsePlug(s string) (Plug, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "unplugged" || s == "-" {
		return Plug{}, nil
	}
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return Plug{}, fmt.Errorf("power supply %q: want PDU:OUTLET or unplugged", s)
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n < 1 {
		return Plug{}, fmt.Errorf("power supply %q: outlet must be a number from 1", s)
	}
	return Plug{PDU: s[:i], Outlet: n}, nil
}

// Service is something users need, provided by devices.
type Service struct {
	Pos          `yaml:"-"`
	Name         string   `yaml:"name"`
	MinAvailable Quantity `yaml:"min"` // devices that must run: a count or a percentage (default 1)
	DependsOn    []string `yaml:"depends_on"`
	Comment      string   `yaml:"comment"`
}

// Quantity is a count ("2") or a share ("50%").
type Quantity struct {
	N       int
	Percent float64
	IsPct   bool
}

func (q Quantity) String() string {
	if q.IsPct {
		return strconv.FormatFloat(q.Percent, 'f', -1, 64) + "%"
	}
	return strconv.Itoa(q.N)
}

// Of returns the number of members needed out of total.
func (q Quantity) Of(total int) int {
	if !q.IsPct {
		return q.N
	}
	n := int(float64(total)*q.Percent/100 + 0.999999)
	return n
}

// ParseQuantity parses "3" or "50%".
func ParseQuantity(s string) (Quantity, error) {
	s = strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(f >= 0 && f <= 100) { // NaN fails both
			return Quantity{}, fmt.Errorf("%q: want a count or a percentage from 0%% to 100%%", s)
		}
		return Quantity{Percent: f, IsPct: true}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return Quantity{}, fmt.Errorf("%q: want a count or a percentage such as 50%%", s)
	}
	return Quantity{N: n}, nil
}

// MailQueue is a mail transfer agent whose queue can be held.
type MailQueue struct {
	Pos         `yaml:"-"`
	Name        string  `yaml:"name"`
	Device      string  `yaml:"device"`
	Kind        string  `yaml:"kind"`         // postfix (default), command or http
	Rate        float64 `yaml:"rate"`         // messages per hour it normally accepts
	Lifetime    string  `yaml:"lifetime"`     // maximal_queue_lifetime, e.g. "5d" (default 5d)
	ReleaseRate float64 `yaml:"release_rate"` // messages per minute after the window; 0: the plan's default
	SSH         string  `yaml:"ssh"`          // postfix, command: run the commands on this host over ssh ([user@]host); empty: here
	ConfigDir   string  `yaml:"config_dir"`   // postfix: the instance's configuration directory (-c); empty: the default one
	Hold        string  `yaml:"hold"`         // command: a shell command; http: a URL to POST to
	Release     string  `yaml:"release"`      // command: a shell command; http: a URL to POST to
	Status      string  `yaml:"status"`       // command, http: optional, prints/answers the queue's counts as JSON
	TokenEnv    string  `yaml:"token_env"`    // http: the environment variable holding a bearer token
	Comment     string  `yaml:"comment"`
}

// Job is a scheduled job that runs on a device or a service.
type Job struct {
	Pos        `yaml:"-"`
	Name       string `yaml:"name"`
	Cron       string `yaml:"cron"` // standard 5-field spec or @daily etc.
	TZ         string `yaml:"tz"`   // IANA time zone (default UTC)
	Device     string `yaml:"device"`
	Service    string `yaml:"service"`
	Deferrable *bool  `yaml:"deferrable"` // default true
	Command    string `yaml:"command"`
	Comment    string `yaml:"comment"`
}

// CanDefer reports whether the job may be moved out of a maintenance window.
func (j *Job) CanDefer() bool { return j.Deferrable == nil || *j.Deferrable }
