package pdu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/inventory"
)

// Client is what drivers need of an SNMP session. A Client is used by one
// goroutine at a time.
type Client interface {
	// Get reads the given OIDs; a missing one comes back as a varbind of
	// type NoSuchObject or NoSuchInstance.
	Get(ctx context.Context, oids ...string) ([]gosnmp.SnmpPDU, error)
	// Walk reads a subtree. On an error it returns what it read before
	// it, with the error.
	Walk(ctx context.Context, root string) ([]gosnmp.SnmpPDU, error)
	// Set writes variables.
	Set(ctx context.Context, vars ...gosnmp.SnmpPDU) error
	Close() error
}

// Target says how to reach one device.
type Target struct {
	Name    string // the inventory name, for messages
	Address string // host or host:port (default port 161)
	Version string // "1", "2c" (default) or "3"

	Community inventory.Secret
	User      string
	Auth      string // MD5, SHA, SHA224, SHA256, SHA384, SHA512
	AuthKey   inventory.Secret
	Priv      string // DES, AES, AES192, AES256
	PrivKey   inventory.Secret
	Context   string

	Driver string // a driver name, or "" / "auto" to detect

	Timeout        time.Duration // per request (default 2 s)
	Retries        int           // per request, without doubling the timeout
	MaxRepetitions uint32        // GETBULK size (default 20)
}

// TargetOf builds the target of an inventory device.
func TargetOf(name string, s *inventory.SNMP) Target {
	t := Target{Name: name}
	if s == nil {
		return t
	}
	t.Address, t.Version, t.Community = s.Address, s.Version, s.Community
	t.User, t.Auth, t.AuthKey, t.Priv, t.PrivKey, t.Context = s.User, s.AuthProto, s.AuthKey, s.PrivProto, s.PrivKey, s.Context
	t.Driver = s.Driver
	return t
}

// SiteTargets lists the PDUs and then the ATS units of a site that have
// an SNMP address, with a per-request timeout and retries.
func SiteTargets(site *inventory.Site, timeout time.Duration, retries int) []Target {
	var out []Target
	add := func(name string, s *inventory.SNMP) {
		if s == nil || s.Address == "" {
			return
		}
		t := TargetOf(name, s)
		t.Timeout, t.Retries = timeout, retries
		out = append(out, t)
	}
	for _, d := range site.PDUs {
		add(d.Name, d.SNMP)
	}
	for _, a := range site.ATS {
		add(a.Name, a.SNMP)
	}
	return out
}

func (t Target) String() string {
	if t.Name != "" && t.Name != t.Address {
		return fmt.Sprintf("%s (%s)", t.Name, t.Address)
	}
	return t.Address
}

// session is a Client over gosnmp.
type session struct {
	t      Target
	g      *gosnmp.GoSNMP
	log    *slog.Logger
	noBulk bool // the agent chokes on GETBULK: walk with GETNEXT
}

// Dial opens a session to a target. It sends nothing: SNMP over UDP has
// no connection, so an unreachable device shows on the first request.
func Dial(t Target, log *slog.Logger) (Client, error) {
	if t.Address == "" {
		return nil, fmt.Errorf("%s: no SNMP address", t)
	}
	host, port := t.Address, 161
	if h, p, err := net.SplitHostPort(t.Address); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%s: bad port %q", t, p)
		}
		host, port = h, n
	}
	g := &gosnmp.GoSNMP{
		Target:             host,
		Port:               uint16(port),
		Transport:          "udp",
		Timeout:            t.Timeout,
		Retries:            t.Retries,
		ExponentialTimeout: false,
		MaxRepetitions:     t.MaxRepetitions,
		MaxOids:            gosnmp.MaxOids,
		Context:            context.Background(),
	}
	if g.Timeout <= 0 {
		g.Timeout = 2 * time.Second
	}
	if g.MaxRepetitions == 0 {
		g.MaxRepetitions = 20
	}
	switch t.Version {
	case "", "2c":
		g.Version, g.Community = gosnmp.Version2c, t.Community.Reveal()
	case "1":
		g.Version, g.Community = gosnmp.Version1, t.Community.Reveal()
	case "3":
		g.Version, g.SecurityModel, g.ContextName = gosnmp.Version3, gosnmp.UserSecurityModel, t.Context
		usm := &gosnmp.UsmSecurityParameters{UserName: t.User}
		g.MsgFlags = gosnmp.NoAuthNoPriv
		if t.Auth != "" {
			p, err := authProtocol(t.Auth)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t, err)
			}
			usm.AuthenticationProtocol, usm.AuthenticationPassphrase = p, t.AuthKey.Reveal()
			g.MsgFlags = gosnmp.AuthNoPriv
		}
		if t.Priv != "" {
			p, err := privProtocol(t.Priv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", t, err)
			}
			usm.PrivacyProtocol, usm.PrivacyPassphrase = p, t.PrivKey.Reveal()
			g.MsgFlags = gosnmp.AuthPriv
		}
		g.SecurityParameters = usm
	default:
		return nil, fmt.Errorf("%s: SNMP version %q: want 1, 2c or 3", t, t.Version)
	}
	// gosnmp checks its Context only between tries and otherwise waits
	// for a try's deadline: a context cancelled just before a try is sent
	// ends it here, and one cancelled later ends it in watch.
	g.PreSend = func(g *gosnmp.GoSNMP) {
		if g.Context.Err() != nil {
			g.Conn.SetDeadline(time.Now()) //nolint:errcheck // the read fails either way
		}
	}
	if err := g.Connect(); err != nil {
		return nil, fmt.Errorf("%s: %w", t, err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &session{t: t, g: g, log: log.With("pdu", t.Name)}, nil
}

func authProtocol(s string) (gosnmp.SnmpV3AuthProtocol, error) {
	switch strings.ToUpper(strings.ReplaceAll(s, "-", "")) {
	case "MD5":
		return gosnmp.MD5, nil
	case "SHA":
		return gosnmp.SHA, nil
	case "SHA224":
		return gosnmp.SHA224, nil
	case "SHA256":
		return gosnmp.SHA256, nil
	case "SHA384":
		return gosnmp.SHA384, nil
	case "SHA512":
		return gosnmp.SHA512, nil
	}
	return 0, fmt.Errorf("auth protocol %q: want MD5, SHA, SHA224, SHA256, SHA384 or SHA512", s)
}

func privProtocol(s string) (gosnmp.SnmpV3PrivProtocol, error) {
	switch strings.ToUpper(strings.ReplaceAll(s, "-", "")) {
	case "DES":
		return gosnmp.DES, nil
	case "AES", "AES128":
		return gosnmp.AES, nil
	case "AES192":
		return gosnmp.AES192, nil
	case "AES256":
		return gosnmp.AES256, nil
	}
	return 0, fmt.Errorf("privacy protocol %q: want DES, AES, AES192 or AES256", s)
}

// describe turns a gosnmp error into one that says what timed out. It
// does not name the target: the caller's context does.
func (s *session) describe(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w (%v)", what, ctx.Err(), err)
	}
	if strings.Contains(strings.ToLower(err.Error()), "timeout") {
		return fmt.Errorf("%s: no answer within %v × %d tries: %w", what, s.g.Timeout, s.g.Retries+1, ErrTimeout)
	}
	if s.g.Version == gosnmp.Version3 && strings.Contains(err.Error(), "not authentic") {
		// An agent reports bad credentials (usmStatsWrongDigests,
		// usmStatsUnknownUserNames, usmStatsUnsupportedSecLevels) without
		// authentication, and gosnmp rejects the Report with this error.
		return fmt.Errorf("%s: SNMPv3 user %q refused (unknown user, wrong auth protocol or passphrase, or a security level the user lacks): %w", what, s.t.User, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// ErrTimeout is the error of a device that did not answer.
var ErrTimeout = errors.New("timed out")

// StatusError is an SNMP error-status in a response: the agent answered
// but refused the request. Index is the 1-based variable it names, or 0.
type StatusError struct {
	Op     string // get, set
	Status gosnmp.SNMPError
	Index  int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s refused: %v (variable %d)", e.Op, e.Status, e.Index)
}

// watch makes ctx the context of the requests until the returned func is
// called, and a cancelled ctx end the request in hand at once (gosnmp
// would wait for the try's deadline, Timeout or the context's deadline).
func (s *session) watch(ctx context.Context) (stop func()) {
	s.g.Context = ctx
	done := make(chan struct{})
	unwatch := context.AfterFunc(ctx, func() {
		defer close(done)
		s.g.Conn.SetDeadline(time.Now()) //nolint:errcheck // the read fails either way
	})
	return func() {
		if !unwatch() {
			<-done // not once the call has returned: the next may have another context
		}
	}
}

func (s *session) Get(ctx context.Context, oids ...string) ([]gosnmp.SnmpPDU, error) {
	defer s.watch(ctx)()
	var out []gosnmp.SnmpPDU
	for len(oids) > 0 {
		n := min(len(oids), s.g.MaxOids)
		start := time.Now()
		res, err := s.g.Get(oids[:n])
		s.log.Debug("snmp get", "oids", n, "took", time.Since(start), "err", err)
		if err != nil {
			return out, s.describe(ctx, "get", err)
		}
		if res.Error != gosnmp.NoError {
			return out, &StatusError{Op: "get", Status: res.Error, Index: int(res.ErrorIndex)}
		}
		out = append(out, res.Variables...)
		oids = oids[n:]
	}
	return out, nil
}

func (s *session) Walk(ctx context.Context, root string) ([]gosnmp.SnmpPDU, error) {
	defer s.watch(ctx)()
	start := time.Now()
	var out []gosnmp.SnmpPDU
	collect := func(p gosnmp.SnmpPDU) { out = append(out, p) }
	var err error
	if s.g.Version == gosnmp.Version1 || s.noBulk {
		err = s.walk(root, false, collect)
	} else {
		err = s.walk(root, true, collect)
		if err != nil && len(out) == 0 && ctx.Err() == nil && !strings.Contains(strings.ToLower(err.Error()), "timeout") {
			// Some agents answer GETBULK with an error or garbage: walk
			// with GETNEXT from now on.
			s.log.Info("GETBULK failed; walking with GETNEXT", "root", root, "err", err)
			s.noBulk = true
			err = s.walk(root, false, collect)
		}
	}
	s.log.Debug("snmp walk", "root", root, "vars", len(out), "took", time.Since(start), "err", err)
	if err != nil {
		return out, s.describe(ctx, "walking "+root, err)
	}
	return out, nil
}

// walk reads the subtree under root with GETBULK or GETNEXT requests as
// gosnmp's BulkWalk and Walk do, but for one thing: an error-status in
// the middle of a walk (genErr, tooBig, resourceUnavailable...) is a
// *StatusError, with the variables read before it, where gosnmp ends the
// walk without an error and a table reads as shorter than it is.
// noSuchName still ends a walk: it is SNMPv1's end of the MIB view, and
// some SNMPv2c agents answer it too.
func (s *session) walk(root string, bulk bool, fn func(gosnmp.SnmpPDU)) error {
	root = "." + strings.TrimPrefix(root, ".")
	oid := root
	for first := true; ; first = false {
		var res *gosnmp.SnmpPacket
		var err error
		if bulk {
			res, err = s.g.GetBulk([]string{oid}, 0, s.g.MaxRepetitions)
		} else {
			res, err = s.g.GetNext([]string{oid})
		}
		switch {
		case err != nil:
			return err
		case res.Error == gosnmp.NoSuchName:
			return nil
		case res.Error != gosnmp.NoError:
			return &StatusError{Op: "walk", Status: res.Error, Index: int(res.ErrorIndex)}
		case len(res.Variables) == 0:
			return nil
		}
		for i, v := range res.Variables {
			switch {
			case v.Type == gosnmp.EndOfMibView || v.Type == gosnmp.NoSuchObject || v.Type == gosnmp.NoSuchInstance:
				return nil
			case !strings.HasPrefix(v.Name, root+"."):
				if first && i == 0 {
					// Nothing under root: it may name a variable
					// (sysName.0), which a walk reads, as gosnmp's do.
					res, err := s.g.Get([]string{root})
					if err == nil && res.Error == gosnmp.NoError && len(res.Variables) == 1 && !Absent(res.Variables[0]) && res.Variables[0].Name == root {
						fn(res.Variables[0])
					}
					return err
				}
				return nil
			case compareOIDs(v.Name, oid) <= 0:
				return fmt.Errorf("OID not increasing: %s after %s", v.Name, oid)
			}
			fn(v)
			oid = v.Name
		}
	}
}

// compareOIDs compares two dotted OIDs arc by arc.
func compareOIDs(a, b string) int {
	as, bs := strings.Split(strings.Trim(a, "."), "."), strings.Split(strings.Trim(b, "."), ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.ParseUint(as[i], 10, 32)
		y, _ := strconv.ParseUint(bs[i], 10, 32)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return len(as) - len(bs)
}

func (s *session) Set(ctx context.Context, vars ...gosnmp.SnmpPDU) error {
	defer s.watch(ctx)()
	res, err := s.g.Set(vars)
	if err != nil {
		return s.describe(ctx, "set", err)
	}
	if res.Error != gosnmp.NoError {
		return &StatusError{Op: "set", Status: res.Error, Index: int(res.ErrorIndex)}
	}
	return nil
}

func (s *session) Close() error {
	if s.g.Conn == nil {
		return nil
	}
	return s.g.Conn.Close()
}
