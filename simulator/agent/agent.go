package agent

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"feedplan/simulator/mib"
)

// User is an SNMPv3 user of the User-based Security Model. Its security
// level follows from the protocols: no Auth is noAuthNoPriv, Auth without
// Priv is authNoPriv, both is authPriv. Requests must come at exactly
// that level (there is no access control model to allow lower ones).
type User struct {
	Name    string // 1 to 32 octets
	Auth    string // "", "MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512"
	AuthKey string // passphrase, at least 8 characters (net-snmp's minimum)
	Priv    string // "", "DES", "AES", "AES192", "AES256" (needs Auth)
	PrivKey string // passphrase, at least 8 characters
}

// String describes the user without its passphrases.
func (u User) String() string {
	return fmt.Sprintf("user %q (auth %q, priv %q, keys <secret>)", u.Name, u.Auth, u.Priv)
}

// GoString keeps %#v from printing the passphrases too.
func (u User) GoString() string { return "agent.User{" + u.String() + "}" }

// LogValue keeps slog from printing the passphrases.
func (u User) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", u.Name), slog.String("auth", u.Auth), slog.String("priv", u.Priv))
}

// Options configure an Agent. New rejects bad ones.
type Options struct {
	// Listen is the UDP address to serve, "127.0.0.1:0" when empty. It
	// must be a loopback address unless AllowNonLoopback is set.
	Listen           string
	AllowNonLoopback bool

	// Resolve picks the device a request is for: by community for
	// SNMPv1 and SNMPv2c (context ""), by context name for SNMPv3
	// (community "", context "" = the default device, if any). Unknown
	// communities are not answered; unknown contexts get an
	// snmpUnknownContexts Report. Resolve is called concurrently.
	Resolve func(community, context string) (mib.View, bool)

	// Users are the SNMPv3 users; none turns SNMPv3 off (every v3
	// message then gets an unknown-user Report after engine discovery).
	Users []User

	// EngineID is the snmpEngineID (5 to 32 octets). The default is
	// derived from the bound address: RFC 3411 format 5 under
	// net-snmp's enterprise number 8072, then the IP address and the
	// port, so every agent of a site has its own.
	EngineID []byte

	// BootsFile keeps snmpEngineBoots across runs: New reads it, adds
	// one and writes it back, as does Reboot. Empty keeps the count in
	// memory, starting at 1.
	BootsFile string

	// MaxRepetitions caps a GETBULK's max-repetitions (default 1000).
	// Responses are also cut to fit the requester's maximum message size.
	MaxRepetitions int

	// RateLimit is the number of requests per second accepted from one
	// source IP address (a token bucket holding 2×RateLimit); the rest
	// are dropped. 0 means no limit.
	RateLimit float64

	// Workers is the number of requests handled at once (default
	// 2×GOMAXPROCS). A device's delay does not hold a worker.
	Workers int

	Logger *slog.Logger // required
}

// DeviceBehaviour is implemented by Views of devices that misbehave: the
// agent answers them after delay (without holding up other requests), or
// not at all when drop is true. It is asked once per request.
type DeviceBehaviour interface {
	Behaviour() (delay time.Duration, drop bool)
}

// Stats are the agent's counters since New.
type Stats struct {
	Received    uint64 // datagrams read
	Requests    uint64 // requests handed to a device (including those it drops)
	Responses   uint64 // Response and Report PDUs sent
	RateLimited uint64 // datagrams refused by the rate limit
	Malformed   uint64 // datagrams that are not SNMP (snmpInASNParseErrs)
	Panics      uint64 // packets whose handling panicked (a bug; also in Malformed)
	Dropped     uint64 // SNMP messages not answered, for the reasons below or others
	TooBig      uint64 // requests answered tooBig

	BadVersions     uint64 // SNMP versions other than 1, 2c and 3 (in Dropped)
	BadCommunities  uint64 // unknown communities (in Dropped)
	UnsupportedPDUs uint64 // traps, responses, reports, v1 GETBULK (in Dropped)
	DeviceDrops     uint64 // requests a device's Behaviour dropped (in Dropped)
	Overloaded      uint64 // requests dropped because the queue was full (in Dropped)

	// Report counters (RFC 3414, 3412, 3413), counted whether or not a
	// Report was sent; the Report carries the counter's value.
	UnsupportedSecLevels  uint64
	NotInTimeWindows      uint64
	UnknownUserNames      uint64
	UnknownEngineIDs      uint64
	WrongDigests          uint64
	DecryptionErrors      uint64
	UnknownContexts       uint64
	UnknownPDUHandlers    uint64 // unknown contextEngineID
	UnknownSecurityModels uint64 // not answered (in Dropped)
	InvalidMsgs           uint64 // privacy without authentication; not answered (in Dropped)
}

type counters struct {
	received, requests, responses, rateLimited, malformed, panics, dropped, tooBig atomic.Uint64
	badVersions, badCommunities, unsupportedPDUs, deviceDrops, overloaded          atomic.Uint64
	unsupportedSecLevels, notInTimeWindows, unknownUserNames, unknownEngineIDs     atomic.Uint64
	wrongDigests, decryptionErrors, unknownContexts, unknownPDUHandlers            atomic.Uint64
	unknownSecurityModels, invalidMsgs                                             atomic.Uint64
}

const (
	// maxMsgSize is the largest message the agent accepts and sends:
	// the largest UDP payload over IPv4. SNMPv1 and SNMPv2c carry no
	// maximum of the requester's; this one is what net-snmp's and
	// gosnmp's clients read (65535-octet buffers), and the agent only
	// serves loopback, where nothing fragments.
	maxMsgSize = 65507
	// maxPending bounds the delayed responses waiting to be sent.
	maxPending = 4096
	// bufferedPerWorker sizes the queue between the socket and workers.
	bufferedPerWorker = 64
)

// Agent serves the devices Resolve finds over SNMP on one UDP socket.
type Agent struct {
	log     *slog.Logger
	conn    *net.UDPConn
	addr    *net.UDPAddr
	resolve func(community, context string) (mib.View, bool)
	users   map[string]*usmUser
	engine  *engine
	limiter *limiter
	maxRep  int
	workers int
	now     func() time.Time // time.Now; tests pin it
	salt    atomic.Uint64    // privacy salts (RFC 3826 §3.1.2.1)
	c       counters

	pending chan struct{} // one per delayed response
	delayed sync.WaitGroup
	running atomic.Bool
	closed  atomic.Bool
}

// New checks opt, binds the socket and prepares the SNMP engine: engine
// ID, boots (incremented in BootsFile) and the users' localized keys.
func New(opt Options) (*Agent, error) {
	if opt.Logger == nil {
		return nil, errors.New("agent: Options.Logger is nil")
	}
	if opt.Resolve == nil {
		return nil, errors.New("agent: Options.Resolve is nil")
	}
	if opt.MaxRepetitions < 0 {
		return nil, fmt.Errorf("agent: MaxRepetitions %d is negative", opt.MaxRepetitions)
	}
	if opt.MaxRepetitions == 0 {
		opt.MaxRepetitions = 1000
	}
	if opt.Workers < 0 {
		return nil, fmt.Errorf("agent: Workers %d is negative", opt.Workers)
	}
	if opt.Workers == 0 {
		opt.Workers = 2 * runtime.GOMAXPROCS(0)
	}
	if opt.RateLimit < 0 || math.IsNaN(opt.RateLimit) || math.IsInf(opt.RateLimit, 0) {
		return nil, fmt.Errorf("agent: RateLimit %v is not a number of requests per second", opt.RateLimit)
	}
	if opt.EngineID != nil && (len(opt.EngineID) < 5 || len(opt.EngineID) > 32) {
		return nil, fmt.Errorf("agent: EngineID of %d octets, want 5 to 32 (RFC 3411)", len(opt.EngineID))
	}
	if err := checkUsers(opt.Users); err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	if opt.Listen == "" {
		opt.Listen = "127.0.0.1:0"
	}
	laddr, err := net.ResolveUDPAddr("udp", opt.Listen)
	if err != nil {
		return nil, fmt.Errorf("agent: listen address %q: %w", opt.Listen, err)
	}
	if !laddr.IP.IsLoopback() && !opt.AllowNonLoopback {
		return nil, fmt.Errorf("listen address %q is not on loopback: the simulator answers on 127.0.0.0/8 only", opt.Listen)
	}

	conn, err := net.ListenUDP("udp", laddr)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	addr := conn.LocalAddr().(*net.UDPAddr)
	a := &Agent{
		log:     opt.Logger.With("snmp_agent", addr.String()),
		conn:    conn,
		addr:    addr,
		resolve: opt.Resolve,
		maxRep:  opt.MaxRepetitions,
		workers: opt.Workers,
		now:     time.Now,
		pending: make(chan struct{}, maxPending),
	}
	if opt.RateLimit > 0 {
		a.limiter = newLimiter(opt.RateLimit)
	}
	var salt [8]byte
	_, _ = rand.Read(salt[:])
	a.salt.Store(binary.BigEndian.Uint64(salt[:]))

	id := bytes.Clone(opt.EngineID)
	if id == nil {
		id = defaultEngineID(a.addr.AddrPort())
	}
	if a.users, err = localizeUsers(opt.Users, id); err != nil {
		conn.Close()
		return nil, fmt.Errorf("agent: %w", err)
	}
	// Last: a start that fails does not count as a boot.
	if a.engine, err = newEngine(id, opt.BootsFile, a.now()); err != nil {
		conn.Close()
		return nil, fmt.Errorf("agent: %w", err)
	}
	return a, nil
}

// defaultEngineID is 80:00:1f:88 (enterprise 8072, RFC 3411 format bit),
// 05 (format: octets), then the address and the port.
func defaultEngineID(ap netip.AddrPort) []byte {
	id := []byte{0x80, 0x00, 0x1f, 0x88, 0x05}
	id = append(id, ap.Addr().Unmap().AsSlice()...)
	return binary.BigEndian.AppendUint16(id, ap.Port())
}

// Addr returns the bound address.
func (a *Agent) Addr() *net.UDPAddr {
	c := *a.addr
	return &c
}

// EngineID returns the snmpEngineID.
func (a *Agent) EngineID() []byte { return bytes.Clone(a.engine.id) }

// Reboot simulates a restart of the device's SNMP engine: snmpEngineBoots
// goes up by one (and is written to the BootsFile) and snmpEngineTime
// starts again from 0, so SNMPv3 managers must resynchronise.
func (a *Agent) Reboot() {
	boots, err := a.engine.reboot(a.now())
	if err != nil {
		a.log.Error("snmp engine reboot: saving boots", "err", err)
	}
	a.log.Info("snmp engine rebooted", "boots", boots)
}

// Stats returns a snapshot of the counters.
func (a *Agent) Stats() Stats {
	c := &a.c
	return Stats{
		Received: c.received.Load(), Requests: c.requests.Load(), Responses: c.responses.Load(),
		RateLimited: c.rateLimited.Load(), Malformed: c.malformed.Load(), Panics: c.panics.Load(),
		Dropped: c.dropped.Load(), TooBig: c.tooBig.Load(),
		BadVersions: c.badVersions.Load(), BadCommunities: c.badCommunities.Load(),
		UnsupportedPDUs: c.unsupportedPDUs.Load(), DeviceDrops: c.deviceDrops.Load(), Overloaded: c.overloaded.Load(),
		UnsupportedSecLevels: c.unsupportedSecLevels.Load(), NotInTimeWindows: c.notInTimeWindows.Load(),
		UnknownUserNames: c.unknownUserNames.Load(), UnknownEngineIDs: c.unknownEngineIDs.Load(),
		WrongDigests: c.wrongDigests.Load(), DecryptionErrors: c.decryptionErrors.Load(),
		UnknownContexts: c.unknownContexts.Load(), UnknownPDUHandlers: c.unknownPDUHandlers.Load(),
		UnknownSecurityModels: c.unknownSecurityModels.Load(), InvalidMsgs: c.invalidMsgs.Load(),
	}
}

// Close releases the socket of an agent that will not Run (Run closes
// it when it returns). It is safe to call more than once.
func (a *Agent) Close() error {
	if a.closed.Swap(true) {
		return nil
	}
	return a.conn.Close()
}

// datagram is one received packet.
type datagram struct {
	b   []byte
	src netip.AddrPort
}

// Run serves until ctx is done, then waits for the requests in hand and
// returns nil; it returns an error if the socket fails. Run may be called
// once.
func (a *Agent) Run(ctx context.Context) error {
	if a.running.Swap(true) {
		return errors.New("agent: Run called twice")
	}
	if a.closed.Load() {
		return errors.New("agent: Run after Close")
	}
	a.log.Info("snmp agent serving", "engine_id", hex.EncodeToString(a.engine.id), "boots", a.engine.bootCount(), "users", len(a.users))
	stop := context.AfterFunc(ctx, func() { a.Close() })
	defer stop()

	queue := make(chan datagram, a.workers*bufferedPerWorker)
	var workers sync.WaitGroup
	for range a.workers {
		workers.Go(func() {
			for d := range queue {
				a.serve(ctx, d)
			}
		})
	}

	var err error
	buf := make([]byte, 1<<16)
	for {
		n, src, rerr := a.conn.ReadFromUDPAddrPort(buf)
		if rerr != nil {
			if ctx.Err() == nil && !a.closed.Load() {
				err = fmt.Errorf("agent: reading %s: %w", a.Addr(), rerr)
			}
			break
		}
		a.c.received.Add(1)
		if a.limiter != nil && !a.limiter.allow(src.Addr(), a.now()) {
			a.c.rateLimited.Add(1)
			continue
		}
		select {
		case queue <- datagram{b: bytes.Clone(buf[:n]), src: src}:
		default:
			a.c.overloaded.Add(1)
			a.c.dropped.Add(1)
		}
	}
	close(queue)
	workers.Wait()
	a.delayed.Wait()
	a.Close()
	a.log.Info("snmp agent stopped")
	return err
}

// serve answers one datagram, now or after the device's delay.
func (a *Agent) serve(ctx context.Context, d datagram) {
	out, delay := a.handle(d.b, d.src)
	if out == nil {
		return
	}
	if delay <= 0 {
		a.send(out, d.src)
		return
	}
	select {
	case a.pending <- struct{}{}:
	default:
		a.c.overloaded.Add(1)
		a.c.dropped.Add(1)
		return
	}
	a.delayed.Go(func() {
		defer func() { <-a.pending }()
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
			a.send(out, d.src)
		case <-ctx.Done():
			a.c.dropped.Add(1)
		}
	})
}

func (a *Agent) send(b []byte, to netip.AddrPort) {
	if _, err := a.conn.WriteToUDPAddrPort(b, to); err != nil {
		a.c.dropped.Add(1)
		a.log.Debug("snmp agent: sending response", "to", to.String(), "err", err)
		return
	}
	a.c.responses.Add(1)
}
