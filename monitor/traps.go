package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/inventory"
	"feedplan/pdu/oids"
)

// oidSnmpTrapOID is snmpTrapOID.0 (SNMPv2-MIB, RFC 3418): the second
// varbind of every SNMPv2 notification, naming it.
const oidSnmpTrapOID = ".1.3.6.1.6.3.1.1.4.1.0"

// trapNameOIDs are varbinds whose value names the sending device, read
// when its source address does not: sysName.0, APC's rPDUIdentName.0 and
// Raritan's pduName.1.
var trapNameOIDs = map[string]bool{
	"." + oids.SysName + ".0":       true,
	"." + oids.RPDUIdentName + ".0": true,
	"." + oids.PDU2PduName + ".1":   true,
}

// TrapOptions configure a TrapReceiver.
type TrapOptions struct {
	// Listen is the UDP address, host:port; required. It must be on
	// loopback unless AllowNonLoopback is set (snmptrapd's port 162
	// needs privileges; a relay or NAT rule forwards it). Port 0 picks a
	// free port when the receiver is made (Addr tells which).
	Listen           string
	AllowNonLoopback bool

	// Community is the SNMPv2c community traps must carry ("public"
	// when empty); others are counted and dropped. SNMPv1 and v3
	// notifications are dropped too.
	Community inventory.Secret

	// Site maps a notification's source address to the PDU or ATS whose
	// inventory SNMP address it is (literal IP addresses only); required.
	Site *inventory.Site
	// Sources adds or overrides source IP → device, for agents that
	// send from another address than they answer on.
	Sources map[string]string

	// OnTrap is called for every accepted notification with the device
	// it came from and its snmpTrapOID (".1.3.6.1.4.1.318.0.126" for
	// APC's atsSourceSwitched), on the listener's goroutine: it must not
	// block.
	OnTrap func(device, trapOID string)

	// Cycle runs after notifications so that what they announce is seen
	// at once rather than at the next scheduled poll; the service passes
	// Monitor.Cycle. Notifications arriving within Debounce of the first
	// one lead to one call, and calls never overlap: what arrives during
	// a call leads to one more after it.
	Cycle func(ctx context.Context) (*State, error)
	// Debounce is how long to collect a burst before Cycle (default 1 s).
	Debounce time.Duration
	// CycleTimeout bounds one Cycle (default 1 min).
	CycleTimeout time.Duration

	Logger *slog.Logger // required
}

// TrapStats count what a TrapReceiver did.
type TrapStats struct {
	Accepted int64 // notifications from a known device, given to OnTrap
	Unknown  int64 // from an address and with varbinds that name no device
	Rejected int64 // wrong community, SNMP version or PDU type
	Cycles   int64 // Cycle calls
	Failures int64 // Cycle calls that returned an error
	Panics   int64 // recovered: in the listener, OnTrap or Cycle
}

// TrapReceiver listens for SNMPv2c notifications with gosnmp's
// TrapListener, maps each to the device that sent it, tells OnTrap, and
// runs a debounced Cycle. A malformed packet is dropped by the listener;
// a panic while handling one is recovered and the listener started
// again.
type TrapReceiver struct {
	opt     TrapOptions
	log     *slog.Logger
	addr    string            // host:port, the port resolved
	bySrc   map[string]string // source IP → device; "" when several devices share it
	devices map[string]bool   // PDU and ATS names

	kick      chan struct{} // a notification was accepted; buffered 1
	running   atomic.Bool
	ready     chan struct{} // closed once listening
	readyOnce sync.Once

	unknownMu   sync.Mutex
	unknownSeen map[string]bool // source addresses logged as unknown (bounded)

	accepted, unknown, rejected, cycles, failures, panics atomic.Int64
}

// NewTrapReceiver checks the options; nothing listens until Run.
func NewTrapReceiver(opt TrapOptions) (*TrapReceiver, error) {
	if opt.Logger == nil || opt.Site == nil {
		return nil, errors.New("trap receiver: needs a site and a logger")
	}
	if opt.Debounce < 0 || opt.CycleTimeout < 0 {
		return nil, fmt.Errorf("trap receiver: negative debounce %v or cycle timeout %v", opt.Debounce, opt.CycleTimeout)
	}
	if opt.Debounce == 0 {
		opt.Debounce = time.Second
	}
	if opt.CycleTimeout == 0 {
		opt.CycleTimeout = time.Minute
	}
	if opt.Community == "" {
		opt.Community = "public"
	}
	host, port, err := net.SplitHostPort(opt.Listen)
	if err != nil {
		return nil, fmt.Errorf("trap receiver: listen %q: want host:port, e.g. 127.0.0.1:9162", opt.Listen)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("trap receiver: listen %q: bad port", opt.Listen)
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return nil, fmt.Errorf("trap receiver: listen %q: want an IP address", opt.Listen)
	}
	if !ip.IsLoopback() && !opt.AllowNonLoopback {
		return nil, fmt.Errorf("trap receiver: listen %q is not a loopback address (set AllowNonLoopback to listen elsewhere)", opt.Listen)
	}
	if p == 0 {
		// gosnmp's listener does not say which port it bound: pick one
		// now, so that Addr can tell senders before Run.
		c, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, fmt.Errorf("trap receiver: finding a free port on %s: %w", host, err)
		}
		p = uint64(c.LocalAddr().(*net.UDPAddr).Port)
		c.Close()
	}
	r := &TrapReceiver{
		opt:         opt,
		log:         opt.Logger.With("traps", net.JoinHostPort(host, strconv.FormatUint(p, 10))),
		addr:        net.JoinHostPort(host, strconv.FormatUint(p, 10)),
		bySrc:       map[string]string{},
		devices:     map[string]bool{},
		kick:        make(chan struct{}, 1),
		ready:       make(chan struct{}),
		unknownSeen: map[string]bool{},
	}
	add := func(name string, s *inventory.SNMP) {
		r.devices[name] = true
		if s == nil || s.Address == "" {
			return
		}
		h := s.Address
		if hh, _, err := net.SplitHostPort(s.Address); err == nil {
			h = hh
		}
		a := net.ParseIP(h)
		if a == nil {
			return // a host name: matched by its varbinds only
		}
		key := a.String()
		if other, ok := r.bySrc[key]; ok && other != name {
			r.bySrc[key] = "" // shared: the varbinds must tell
			return
		}
		r.bySrc[key] = name
	}
	for _, d := range opt.Site.PDUs {
		add(d.Name, d.SNMP)
	}
	for _, a := range opt.Site.ATS {
		add(a.Name, a.SNMP)
	}
	for src, dev := range opt.Sources {
		a := net.ParseIP(src)
		if a == nil {
			return nil, fmt.Errorf("trap receiver: source %q of %q is not an IP address", src, dev)
		}
		if !r.devices[dev] {
			return nil, fmt.Errorf("trap receiver: source %s: device %q is not a PDU or ATS of site %q", src, dev, opt.Site.Name)
		}
		r.bySrc[a.String()] = dev
	}
	return r, nil
}

// Addr is the address the receiver listens on, its port resolved.
func (r *TrapReceiver) Addr() string { return r.addr }

// Ready is closed once Run listens: notifications sent before are lost,
// as UDP goes.
func (r *TrapReceiver) Ready() <-chan struct{} { return r.ready }

// Stats returns the counters.
func (r *TrapReceiver) Stats() TrapStats {
	return TrapStats{r.accepted.Load(), r.unknown.Load(), r.rejected.Load(), r.cycles.Load(), r.failures.Load(), r.panics.Load()}
}

// Run listens until ctx is done, then waits for a running Cycle and
// returns nil; it returns an error when it cannot listen. It may be
// called once.
func (r *TrapReceiver) Run(ctx context.Context) error {
	if r.running.Swap(true) {
		return errors.New("trap receiver: Run called twice")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	if r.opt.Cycle != nil {
		wg.Go(func() { r.cycleLoop(ctx) })
	}
	defer wg.Wait()
	r.log.Info("trap receiver listening", "debounce", r.opt.Debounce, "devices", len(r.devices))
	for {
		err := r.listen(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("trap receiver: listening on %s: %w", r.addr, err)
		}
		// A recovered panic: listen again on the same address.
	}
}

// listen runs one gosnmp TrapListener until ctx is done; it returns nil
// after ctx ends or a recovered panic, and an error when it could not
// listen.
func (r *TrapReceiver) listen(ctx context.Context) error {
	tl := gosnmp.NewTrapListener()
	tl.Params = &gosnmp.GoSNMP{
		Version:   gosnmp.Version2c,
		Community: r.opt.Community.Reveal(),
		Timeout:   time.Second,
		Logger:    gosnmp.NewLogger(slog.NewLogLogger(r.log.Handler(), slog.LevelDebug)),
	}
	tl.OnNewTrap = r.handle
	errc := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				r.panics.Add(1)
				r.log.Error("trap listener panicked; listening again", "panic", v, "stack", string(debug.Stack()))
				errc <- nil
			}
		}()
		errc <- tl.Listen(r.addr)
	}()
	// Close only once listening: closing before leaves gosnmp's loop
	// blocked on its done channel, the socket open.
	select {
	case err := <-errc:
		return err // could not bind (or panicked before listening)
	case <-tl.Listening():
	}
	r.readyOnce.Do(func() { close(r.ready) })
	select {
	case <-ctx.Done():
		tl.Close()
		<-errc
		return nil
	case err := <-errc:
		if err == nil {
			return nil // recovered panic; the socket was closed by gosnmp's defer
		}
		return err
	}
}

// handle is the listener's OnNewTrap.
func (r *TrapReceiver) handle(p *gosnmp.SnmpPacket, from *net.UDPAddr) {
	defer func() {
		if v := recover(); v != nil {
			r.panics.Add(1)
			r.log.Error("handling a notification panicked", "from", from, "panic", v, "stack", string(debug.Stack()))
		}
	}()
	if p.Version != gosnmp.Version2c || p.Community != r.opt.Community.Reveal() ||
		(p.PDUType != gosnmp.SNMPv2Trap && p.PDUType != gosnmp.InformRequest) {
		r.rejected.Add(1)
		r.log.Debug("notification rejected: want SNMPv2c, the configured community, a trap or an inform",
			"from", from, "version", p.Version, "pdu", p.PDUType)
		return
	}
	trapOID := ""
	for _, v := range p.Variables {
		if v.Name == oidSnmpTrapOID {
			trapOID, _ = v.Value.(string)
			break
		}
	}
	device := r.device(p, from)
	if device == "" {
		r.unknown.Add(1)
		r.unknownMu.Lock()
		key := from.IP.String()
		first := !r.unknownSeen[key] && len(r.unknownSeen) < 256
		if first {
			r.unknownSeen[key] = true
		}
		r.unknownMu.Unlock()
		if first {
			r.log.Warn("notification from an address that is no PDU or ATS of the inventory; ignored (further ones from it at debug level)", "from", from, "trap", trapOID)
		} else {
			r.log.Debug("notification from an unknown address", "from", from, "trap", trapOID)
		}
		return
	}
	r.accepted.Add(1)
	r.log.Debug("notification", "device", device, "trap", trapOID, "from", from)
	if r.opt.OnTrap != nil {
		r.opt.OnTrap(device, trapOID)
	}
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// device names the sender of a notification: by its source address,
// else by a varbind that carries a device name.
func (r *TrapReceiver) device(p *gosnmp.SnmpPacket, from *net.UDPAddr) string {
	if from != nil {
		if d := r.bySrc[from.IP.String()]; d != "" {
			return d
		}
	}
	for _, v := range p.Variables {
		if !trapNameOIDs[v.Name] {
			continue
		}
		var name string
		switch val := v.Value.(type) {
		case []byte:
			name = string(val)
		case string:
			name = val
		}
		if name = strings.TrimSpace(name); r.devices[name] {
			return name
		}
	}
	return ""
}

// cycleLoop runs Cycle once per burst of notifications, never two at once.
func (r *TrapReceiver) cycleLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
		}
		// Collect the rest of the burst: an ATS transfer comes with a
		// redundancy notification, a feed cut with one per ATS.
		t := time.NewTimer(r.opt.Debounce)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		select {
		case <-r.kick: // arrived within the window: this call covers it
		default:
		}
		r.runCycle(ctx)
	}
}

func (r *TrapReceiver) runCycle(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, r.opt.CycleTimeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			r.panics.Add(1)
			r.log.Error("cycle after notifications panicked", "panic", v, "stack", string(debug.Stack()))
		}
	}()
	r.cycles.Add(1)
	start := time.Now()
	_, err := r.opt.Cycle(ctx)
	if err != nil {
		r.failures.Add(1)
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("cycle after notifications: timed out after %v: %w", r.opt.CycleTimeout, err)
		}
		r.log.Warn("cycle after notifications", "err", err, "took", time.Since(start))
		return
	}
	r.log.Debug("cycle after notifications", "took", time.Since(start))
}
