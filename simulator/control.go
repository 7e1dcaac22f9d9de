package simulator

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"feedplan/planner"
)

// Command is one change of the fault state, as the control API and
// `feedplan sim ctl` take it.
type Command struct {
	Op     string `json:"op"`               // see Ops
	Target string `json:"target,omitempty"` // an element, ATS, device:psu, device or PDU/ATS name
	Value  string `json:"value,omitempty"`  // a delay for slow ("300ms"), a factor for overdraw, a share for drop
}

// Ops lists the commands with what they take, for help texts.
var Ops = []struct{ Op, Args, Does string }{
	{"cut", "ELEMENT", "cut an element: source:A, panel:PA-1, circuit:B-04, pdu:r01-a, bank:r01-a/1, outlet:r01-a:7"},
	{"trip", "ELEMENT", "trip a breaker (as cut, for a circuit, panel, bank or PDU inlet)"},
	{"restore", "ELEMENT[,…]", "undo a cut, or close breakers that tripped (trips stay open until restored)"},
	{"ats-fail", "ATS", "make an ATS fail to transfer"},
	{"ats-ok", "ATS", "let an ATS transfer again"},
	{"psu-fail", "DEVICE:N", "supply N of a device silently stops drawing"},
	{"psu-ok", "DEVICE:N", "repair it"},
	{"overdraw", "DEVICE FACTOR", "a device draws FACTOR × its normal load (1 = normal)"},
	{"slow", "PDU DELAY", "a PDU or ATS answers after DELAY (e.g. 300ms; 0 = normal)"},
	{"drop", "PDU SHARE", "a PDU or ATS drops SHARE of requests (0-1)"},
	{"dead", "PDU", "a PDU or ATS stops answering"},
	{"alive", "PDU", "it answers again"},
	{"reboot", "PDU", "a PDU or ATS agent reboots (uptime restarts)"},
	{"reset", "", "clear every fault"},
}

// Do applies one command to the model.
func (m *Model) Do(c Command) error {
	return m.Update(func(f *Faults) error {
		t := strings.TrimSpace(c.Target)
		if c.Op == "cut" || c.Op == "trip" {
			if el, err := planner.ParseElement(t); err == nil {
				t = el.String() // "feed:A" and "source:A" are one element
			}
		}
		need := func() error {
			if t == "" {
				return fmt.Errorf("%s needs a target", c.Op)
			}
			return nil
		}
		switch c.Op {
		case "cut", "trip":
			if c.Op == "trip" {
				if err := need(); err != nil {
					return err
				}
				if !slices.Contains(f.Tripped, t) {
					f.Tripped = append(f.Tripped, t)
				}
				return nil
			}
			if err := need(); err != nil {
				return err
			}
			if !slices.Contains(f.Cut, t) {
				f.Cut = append(f.Cut, t)
			}
		case "restore":
			if err := need(); err != nil {
				return err
			}
			// Several at once ("pdu:r04-a,pdu:r04-b"): the two sides of a
			// rack that trip each other when closed one at a time.
			for _, one := range strings.Split(t, ",") {
				one = strings.TrimSpace(one)
				if el, err := planner.ParseElement(one); err == nil {
					one = el.String()
				}
				if !slices.Contains(f.Cut, one) && !slices.Contains(f.Tripped, one) {
					return fmt.Errorf("%s is neither cut nor tripped", one)
				}
				f.Cut = slices.DeleteFunc(f.Cut, func(s string) bool { return s == one })
				f.Tripped = slices.DeleteFunc(f.Tripped, func(s string) bool { return s == one })
			}
		case "ats-fail":
			if err := need(); err != nil {
				return err
			}
			if slices.Contains(f.ATSFail, t) {
				return fmt.Errorf("ats %s has already failed", t)
			}
			af, ok := m.flow.ATS(t)
			if !ok {
				return fmt.Errorf("ats %q is not in the site", t)
			}
			f.ATSFail = append(f.ATSFail, t)
			if af.Selected >= 0 {
				if f.Stuck == nil {
					f.Stuck = map[string]int{}
				}
				f.Stuck[t] = af.Selected
			}
		case "ats-ok":
			if !slices.Contains(f.ATSFail, t) {
				return fmt.Errorf("ats %s has not failed", t)
			}
			f.ATSFail = slices.DeleteFunc(f.ATSFail, func(s string) bool { return s == t })
			delete(f.Stuck, t)
		case "psu-fail":
			if err := need(); err != nil {
				return err
			}
			if !slices.Contains(f.PSUFail, t) {
				f.PSUFail = append(f.PSUFail, t)
			}
		case "psu-ok":
			if !slices.Contains(f.PSUFail, t) {
				return fmt.Errorf("psu %s has not failed", t)
			}
			f.PSUFail = slices.DeleteFunc(f.PSUFail, func(s string) bool { return s == t })
		case "overdraw":
			k, err := strconv.ParseFloat(c.Value, 64)
			if err != nil || k < 0 || k > 100 {
				return fmt.Errorf("overdraw %s: factor %q: want a number such as 1.5", t, c.Value)
			}
			if f.Overdraw == nil {
				f.Overdraw = map[string]float64{}
			}
			if k == 1 {
				delete(f.Overdraw, t)
			} else {
				f.Overdraw[t] = k
			}
		case "slow":
			d, err := time.ParseDuration(c.Value)
			if err != nil || d < 0 || d > time.Minute {
				return fmt.Errorf("slow %s: delay %q: want a duration such as 300ms", t, c.Value)
			}
			if f.Slow == nil {
				f.Slow = map[string]string{}
			}
			if d == 0 {
				delete(f.Slow, t)
			} else {
				f.Slow[t] = d.String()
			}
		case "drop":
			r, err := strconv.ParseFloat(c.Value, 64)
			if err != nil || r < 0 || r > 1 {
				return fmt.Errorf("drop %s: share %q: want a number from 0 to 1", t, c.Value)
			}
			if f.Drop == nil {
				f.Drop = map[string]float64{}
			}
			if r == 0 {
				delete(f.Drop, t)
			} else {
				f.Drop[t] = r
			}
		case "dead":
			if err := need(); err != nil {
				return err
			}
			if !slices.Contains(f.Dead, t) {
				f.Dead = append(f.Dead, t)
			}
		case "alive":
			if !slices.Contains(f.Dead, t) {
				return fmt.Errorf("%s is not dead", t)
			}
			f.Dead = slices.DeleteFunc(f.Dead, func(s string) bool { return s == t })
		case "reboot":
			if m.views[t] == nil {
				return fmt.Errorf("%q is not a PDU or ATS of the site", t)
			}
			if f.Rebooted == nil {
				f.Rebooted = map[string]time.Time{}
			}
			f.Rebooted[t] = m.now()
		case "reset":
			// Clear the faults; what was set over SNMP (outlet names)
			// and when agents last rebooted are not faults.
			*f = Faults{Names: f.Names, Rebooted: f.Rebooted}
		default:
			return fmt.Errorf("unknown op %q (want one of %s)", c.Op, opNames())
		}
		return nil
	})
}

func opNames() string {
	var names []string
	for _, o := range Ops {
		names = append(names, o.Op)
	}
	return strings.Join(names, ", ")
}

// ControlOptions configure the control API.
type ControlOptions struct {
	Listen string // default 127.0.0.1:0; must be loopback
	Token  string // bearer token; generated when empty
	Logger *slog.Logger
}

// Control is the fault-injection HTTP API of a running simulator:
//
//	GET  /v1/faults          the fault state
//	POST /v1/faults          a Command as JSON
//	GET  /v1/devices         the simulated PDUs and ATS units
//
// Every request needs "Authorization: Bearer TOKEN".
type Control struct {
	m     *Model
	ln    net.Listener
	token string
	log   *slog.Logger
	srv   *http.Server
}

// NewControl binds the control API.
func NewControl(m *Model, opt ControlOptions) (*Control, error) {
	if opt.Logger == nil {
		return nil, errors.New("simulator control: no logger")
	}
	if opt.Listen == "" {
		opt.Listen = "127.0.0.1:0"
	}
	if err := requireLoopback(opt.Listen); err != nil {
		return nil, fmt.Errorf("simulator control: %w", err)
	}
	if opt.Token == "" {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		opt.Token = hex.EncodeToString(b)
	}
	ln, err := net.Listen("tcp", opt.Listen)
	if err != nil {
		return nil, fmt.Errorf("simulator control: %w", err)
	}
	c := &Control{m: m, ln: ln, token: opt.Token, log: opt.Logger}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/faults", c.getFaults)
	mux.HandleFunc("POST /v1/faults", c.postFault)
	mux.HandleFunc("GET /v1/devices", c.getDevices)
	c.srv = &http.Server{Handler: c.auth(mux), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	return c, nil
}

// requireLoopback refuses a listen address that is not on loopback.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q is not on loopback", addr)
	}
	return nil
}

// Addr is where the API listens.
func (c *Control) Addr() string { return c.ln.Addr().String() }

// Token is the bearer token clients must send.
func (c *Control) Token() string { return c.token }

// Run serves until ctx is done.
func (c *Control) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- c.srv.Serve(c.ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = c.srv.Shutdown(sctx)
		return nil
	case err := <-errc:
		return err
	}
}

func (c *Control) auth(next http.Handler) http.Handler {
	want := []byte("Bearer " + c.token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="feedplan sim"`)
			http.Error(w, "missing or wrong bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (c *Control) getFaults(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, c.m.Faults())
}

func (c *Control) getDevices(w http.ResponseWriter, r *http.Request) {
	type dev struct {
		Name    string `json:"name"`
		Profile string `json:"profile"`
	}
	var out []dev
	for _, name := range c.m.Devices() {
		v, _ := c.m.Device(name)
		out = append(out, dev{name, v.Profile()})
	}
	writeJSON(w, http.StatusOK, out)
}

func (c *Control) postFault(w http.ResponseWriter, r *http.Request) {
	var cmd Command
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cmd); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad command: " + err.Error()})
		return
	}
	if err := c.m.Do(cmd); err != nil {
		c.log.Warn("fault refused", "op", cmd.Op, "target", cmd.Target, "value", cmd.Value, "from", r.RemoteAddr, "err", err)
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	c.log.Info("fault injected", "op", cmd.Op, "target", cmd.Target, "value", cmd.Value, "from", r.RemoteAddr)
	writeJSON(w, http.StatusOK, c.m.Faults())
}
