package simulator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/pdu/oids"
	"feedplan/simulator/mib"
)

// SNMPv2-MIB notification objects (RFC 3418), under snmpModules: outside
// the oids package's mib-2/enterprises convention.
const (
	oidSnmpTrapOID        = ".1.3.6.1.6.3.1.1.4.1.0"
	oidSnmpTrapEnterprise = ".1.3.6.1.6.3.1.1.4.3.0"
	oidColdStart          = ".1.3.6.1.6.3.1.1.5.1"
)

// TrapOptions configure a TrapSender.
type TrapOptions struct {
	// Target is the receiver, host:port. It must be on loopback unless
	// AllowNonLoopback is set.
	Target           string
	AllowNonLoopback bool

	// Version is "2c" (the default) or "3".
	Version   string
	Community string // SNMPv2c; "public" when empty

	// SNMPv3 (Version "3"): the user, its protocols and passphrases
	// (at least 8 characters). Auth is "", "MD5", "SHA", "SHA224",
	// "SHA256", "SHA384" or "SHA512"; Priv is "", "DES" or "AES" and
	// needs Auth. Traps are sent as the authoritative engine EngineID
	// (5 to 32 octets; default 80001f8804 "feedplan-sim", net-snmp's
	// enterprise with a text ID), so the receiver needs the user for
	// that engine ID (snmptrapd: createUser -e 0x80001f8804…); informs
	// discover the receiver's engine ID first.
	User     string
	Auth     string
	AuthKey  string
	Priv     string
	PrivKey  string
	EngineID []byte

	// Inform sends InformRequests, which the receiver acknowledges and
	// which are sent again after Timeout, Retries times; otherwise
	// SNMPv2-Trap PDUs, sent once.
	Inform  bool
	Timeout time.Duration // per inform attempt; default 1 s
	Retries int           // inform retransmissions; 0 sends each once

	// QueueSize bounds the notifications waiting to be sent (default
	// 256). When it is full, new ones are dropped and counted: a slow or
	// dead receiver never holds up the model.
	QueueSize int

	// From maps a device to the local IP address its notifications
	// leave from — its agent's address (Model.Endpoints) — so that the
	// receiver tells the devices apart by source address, as with real
	// hardware. Devices not listed send from the system's choice.
	From map[string]string

	Logger *slog.Logger // required
}

// TrapSender sends the SNMP notifications that real PDUs and transfer
// switches send when the model changes: each vendor's own notification
// with the varbinds its MIB lists (see pdu/oids/traps.go), from the
// device's sysUpTime. An outlet switched on or off sends rPDUOutletOn/Off
// (APC), outletSensorStateChange (Raritan), st4OutletStateChangeEvent
// (ServerTech) or notifyOutletControlStatus (Eaton); an APC ATS sends
// atsSourceSwitched when it transfers and atsLostRedundancy or
// atsRedundancyRestored when an input fails or returns; an agent reboot
// sends coldStart. A device that does not answer SNMP at the time
// (dead, unpowered, dropping) sends nothing, nor does one without such a
// notification (a metered-only outlet, an ATS whose output went dark).
type TrapSender struct {
	opt    TrapOptions
	log    *slog.Logger
	host   string
	port   uint16
	engine string // SNMPv3 engine ID of the sender
	auth   gosnmp.SnmpV3AuthProtocol
	priv   gosnmp.SnmpV3PrivProtocol
	level  gosnmp.SnmpV3MsgFlags
	start  time.Time

	queue   chan queuedEvent
	running atomic.Bool
	full    atomic.Bool // a drop was logged since the queue last drained

	sent, acked, dropped, failed atomic.Int64
}

// queuedEvent is a model event waiting for Run, with what must be
// remembered from the moment it happened.
type queuedEvent struct {
	m     *Model
	ev    Event
	at    time.Time // the model's clock when it happened
	input int       // ATS events: the input the notification names (0 A, 1 B)
}

// NewTrapSender checks the options and returns a sender; Attach gives it
// a model's events and Run sends them.
func NewTrapSender(opt TrapOptions) (*TrapSender, error) {
	if opt.Logger == nil {
		return nil, errors.New("trap sender: no logger")
	}
	s := &TrapSender{opt: opt, log: opt.Logger, start: time.Now()}
	host, port, err := net.SplitHostPort(opt.Target)
	if err != nil {
		return nil, fmt.Errorf("trap sender: target %q: want host:port, e.g. 127.0.0.1:162", opt.Target)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return nil, fmt.Errorf("trap sender: target %q: bad port", opt.Target)
	}
	addr, err := net.ResolveIPAddr("ip", host)
	if err != nil {
		return nil, fmt.Errorf("trap sender: target %q: %w", opt.Target, err)
	}
	if !addr.IP.IsLoopback() && !opt.AllowNonLoopback {
		return nil, fmt.Errorf("trap sender: target %q is not a loopback address (set AllowNonLoopback to send elsewhere)", opt.Target)
	}
	s.host, s.port = addr.IP.String(), uint16(p)
	for dev, ip := range opt.From {
		a := net.ParseIP(ip)
		if a == nil {
			return nil, fmt.Errorf("trap sender: from %s: %q is not an IP address", dev, ip)
		}
		if !a.IsLoopback() && !opt.AllowNonLoopback {
			return nil, fmt.Errorf("trap sender: from %s: %s is not a loopback address", dev, ip)
		}
	}
	switch {
	case opt.Timeout < 0:
		return nil, fmt.Errorf("trap sender: timeout %s is negative", opt.Timeout)
	case opt.Timeout == 0:
		s.opt.Timeout = time.Second
	}
	if opt.Retries < 0 {
		return nil, fmt.Errorf("trap sender: retries %d is negative", opt.Retries)
	}
	switch {
	case opt.QueueSize < 0:
		return nil, fmt.Errorf("trap sender: queue size %d is negative", opt.QueueSize)
	case opt.QueueSize == 0:
		s.opt.QueueSize = 256
	}
	s.queue = make(chan queuedEvent, s.opt.QueueSize)
	if s.opt.Community == "" {
		s.opt.Community = "public"
	}
	switch opt.Version {
	case "", "2c":
		s.opt.Version = "2c"
	case "3":
		if err := s.checkV3(); err != nil {
			return nil, fmt.Errorf("trap sender: %w", err)
		}
	default:
		return nil, fmt.Errorf("trap sender: version %q: want 2c or 3", opt.Version)
	}
	return s, nil
}

func (s *TrapSender) checkV3() error {
	o := s.opt
	if o.User == "" || len(o.User) > 32 {
		return fmt.Errorf("snmpv3 user %q: want 1 to 32 characters", o.User)
	}
	auths := map[string]gosnmp.SnmpV3AuthProtocol{"": gosnmp.NoAuth, "MD5": gosnmp.MD5, "SHA": gosnmp.SHA,
		"SHA224": gosnmp.SHA224, "SHA256": gosnmp.SHA256, "SHA384": gosnmp.SHA384, "SHA512": gosnmp.SHA512}
	privs := map[string]gosnmp.SnmpV3PrivProtocol{"": gosnmp.NoPriv, "DES": gosnmp.DES, "AES": gosnmp.AES}
	var ok bool
	if s.auth, ok = auths[o.Auth]; !ok {
		return fmt.Errorf("snmpv3 user %q: auth %q: want MD5, SHA, SHA224, SHA256, SHA384 or SHA512", o.User, o.Auth)
	}
	if s.priv, ok = privs[o.Priv]; !ok {
		return fmt.Errorf("snmpv3 user %q: priv %q: want DES or AES", o.User, o.Priv)
	}
	s.level = gosnmp.NoAuthNoPriv
	if o.Auth != "" {
		if len(o.AuthKey) < 8 {
			return fmt.Errorf("snmpv3 user %q: the auth passphrase needs at least 8 characters", o.User)
		}
		s.level = gosnmp.AuthNoPriv
	}
	if o.Priv != "" {
		if o.Auth == "" {
			return fmt.Errorf("snmpv3 user %q: privacy needs authentication", o.User)
		}
		if len(o.PrivKey) < 8 {
			return fmt.Errorf("snmpv3 user %q: the priv passphrase needs at least 8 characters", o.User)
		}
		s.level = gosnmp.AuthPriv
	}
	id := o.EngineID
	if len(id) == 0 {
		id = append([]byte{0x80, 0x00, 0x1f, 0x88, 0x04}, "feedplan-sim"...)
	}
	if len(id) < 5 || len(id) > 32 {
		return fmt.Errorf("snmpv3 engine ID %x: want 5 to 32 octets", id)
	}
	s.engine = string(id)
	return nil
}

// Attach subscribes the sender to m's events, once per model; a sender
// may serve several models. Events that arrive before Run starts wait in
// the queue.
func (s *TrapSender) Attach(m *Model) {
	t := &atsTracker{sel: map[string]int{}, last: map[string]int{}, lost: map[string]int{}}
	m.mu.Lock()
	for _, a := range m.site.ATS {
		af, _ := m.flow.ATS(a.Name)
		t.sel[a.Name], t.last[a.Name] = af.Selected, max(af.Selected, 0)
		if af.Live && !(af.InputLive[0] && af.InputLive[1]) {
			t.lost[a.Name] = 1 - max(af.Selected, 0)
		}
	}
	m.mu.Unlock()
	m.Subscribe(func(ev Event) { s.observe(m, t, ev) })
}

// atsTracker follows each ATS's selected input from the events, to name
// the input a redundancy notification is about.
type atsTracker struct {
	mu   sync.Mutex
	sel  map[string]int // selected input, -1 when the output is dark
	last map[string]int // the last input selected while live
	lost map[string]int // the input whose loss was announced last
}

// observe queues a notification for an event, without blocking: it is
// called from the model's Update.
func (s *TrapSender) observe(m *Model, t *atsTracker, ev Event) {
	q := queuedEvent{m: m, ev: ev, at: m.now()}
	switch ev.Kind {
	case "ats-source":
		t.mu.Lock()
		// An ATS that could not transfer (its output went dark) and whose
		// input comes back has not switched.
		stayed := t.sel[ev.Device] < 0 && ev.Source == t.last[ev.Device]
		t.sel[ev.Device] = ev.Source
		if ev.Source >= 0 {
			t.last[ev.Device] = ev.Source
		}
		t.mu.Unlock()
		q.input = ev.Source
		if stayed {
			s.log.Debug("no notification: the output is back on the input it stayed on", "device", ev.Device, "event", ev.Kind)
			return
		}
	case "ats-redundancy":
		t.mu.Lock()
		if ev.On {
			lost, ok := t.lost[ev.Device]
			if !ok {
				lost = 1 - max(t.sel[ev.Device], 0)
			}
			q.input = lost
		} else {
			// The ATS runs on the input it still has; one that could not
			// transfer (dark output) lost the input it was on.
			if sel := t.sel[ev.Device]; sel >= 0 {
				q.input = 1 - sel
			} else {
				q.input = t.last[ev.Device]
			}
			t.lost[ev.Device] = q.input
		}
		t.mu.Unlock()
	}
	log := s.log.With("device", ev.Device, "event", ev.Kind)
	v, ok := m.Device(ev.Device)
	if !ok {
		return
	}
	if kindOf(v.Profile(), ev) == "" {
		log.Debug("no notification for this event on this kind of device", "profile", v.Profile())
		return
	}
	if _, silent := v.Behaviour(); silent {
		log.Debug("device does not answer: no notification")
		return
	}
	select {
	case s.queue <- q:
	default:
		s.dropped.Add(1)
		if !s.full.Swap(true) {
			log.Warn("trap queue full: dropping notifications until it drains", "queue", cap(s.queue))
		}
	}
}

// kindOf names the notification a device of a profile sends for an event,
// "" for none.
func kindOf(profile string, ev Event) string {
	switch ev.Kind {
	case "reboot":
		return "coldStart"
	case "outlet":
		switch profile {
		case "apc-rpdu2":
			if ev.On {
				return "rPDUOutletOn"
			}
			return "rPDUOutletOff"
		case "raritan-px":
			return "outletSensorStateChange"
		case "servertech-sentry4":
			return "st4OutletStateChangeEvent"
		case "eaton-epdu":
			return "notifyOutletControlStatus"
		}
	case "ats-source":
		if profile == "apc-ats" && ev.Source >= 0 {
			return "atsSourceSwitched"
		}
	case "ats-redundancy":
		if profile == "apc-ats" {
			if ev.On {
				return "atsRedundancyRestored"
			}
			return "atsLostRedundancy"
		}
	}
	return ""
}

// Run sends queued notifications until ctx is done, then returns nil. It
// may be called once.
func (s *TrapSender) Run(ctx context.Context) error {
	if s.running.Swap(true) {
		return errors.New("trap sender: Run called twice")
	}
	ss := &sessions{byFrom: map[string]*gosnmp.GoSNMP{}}
	// An inform waiting for its acknowledgement does not watch ctx:
	// closing the sockets ends the wait.
	stop := context.AfterFunc(ctx, ss.close)
	defer func() { stop(); ss.close() }()
	s.log.Info("trap sender running", "target", net.JoinHostPort(s.host, strconv.Itoa(int(s.port))),
		"version", s.opt.Version, "inform", s.opt.Inform, "queue", cap(s.queue))
	for {
		select {
		case <-ctx.Done():
			sent, acked, dropped, failed := s.Stats()
			s.log.Info("trap sender stopped", "sent", sent, "acked", acked, "dropped", dropped, "failed", failed)
			return nil
		case q := <-s.queue:
			s.deliver(ctx, ss, q)
			if len(s.queue) == 0 {
				s.full.Store(false)
			}
		}
	}
}

// Stats counts the notifications: sent (traps handed to the network
// without error, and informs acknowledged), acked (informs acknowledged),
// dropped (the queue was full) and failed (a send error, or an inform
// never acknowledged).
func (s *TrapSender) Stats() (sent, acked, dropped, failed int) {
	return int(s.sent.Load()), int(s.acked.Load()), int(s.dropped.Load()), int(s.failed.Load())
}

func (s *TrapSender) deliver(ctx context.Context, ss *sessions, q queuedEvent) {
	log := s.log.With("device", q.ev.Device)
	v, ok := q.m.Device(q.ev.Device)
	if !ok {
		return
	}
	n, why := s.build(v, q)
	if n.name == "" {
		log.Debug("no notification", "event", q.ev.Kind, "reason", why)
		return
	}
	log = log.With("notification", n.name)
	g, err := s.session(ctx, ss, q.ev.Device)
	if err != nil {
		if ctx.Err() != nil {
			return // shutting down
		}
		s.failed.Add(1)
		log.Warn("sending notification", "err", err)
		return
	}
	if usm, ok := g.SecurityParameters.(*gosnmp.UsmSecurityParameters); ok && !s.opt.Inform {
		// The receiver holds a trap's engine time to its own notion of
		// the sender's clock (RFC 3414 §3.2 step 7b).
		usm.AuthoritativeEngineTime = uint32(time.Since(s.start) / time.Second)
	}
	start := time.Now()
	_, err = g.SendTrap(gosnmp.SnmpTrap{Variables: n.vars, IsInform: s.opt.Inform})
	log.Debug("sent notification", "inform", s.opt.Inform, "duration", time.Since(start), "err", err)
	if err != nil {
		if ctx.Err() != nil {
			return // shutting down
		}
		s.failed.Add(1)
		what := "sending trap"
		if s.opt.Inform {
			what = "sending inform"
		}
		log.Warn(what, "target", g.Target, "err", err)
		return
	}
	s.sent.Add(1)
	if s.opt.Inform {
		s.acked.Add(1)
	}
}

// sessions are Run's SNMP sessions, one per source address.
type sessions struct {
	mu     sync.Mutex
	byFrom map[string]*gosnmp.GoSNMP
	closed bool
}

func (ss *sessions) close() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.closed = true
	for _, g := range ss.byFrom {
		g.Conn.Close()
	}
	clear(ss.byFrom)
}

// session returns the SNMP session a device's notifications leave by;
// only Run's goroutine sends on them.
func (s *TrapSender) session(ctx context.Context, ss *sessions, device string) (*gosnmp.GoSNMP, error) {
	from := s.opt.From[device]
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		return nil, ctx.Err()
	}
	if g, ok := ss.byFrom[from]; ok {
		return g, nil
	}
	g := &gosnmp.GoSNMP{
		Target: s.host, Port: s.port, Transport: "udp", Community: s.opt.Community,
		Version: gosnmp.Version2c, Timeout: s.opt.Timeout, Retries: s.opt.Retries,
		Context: ctx, MaxOids: gosnmp.MaxOids,
	}
	if from != "" {
		g.LocalAddr = net.JoinHostPort(from, "0")
	}
	if s.log.Enabled(ctx, slog.LevelDebug-4) { // gosnmp's packet dumps, below Debug
		g.Logger = gosnmp.NewLogger(slog.NewLogLogger(s.log.Handler(), slog.LevelDebug-4))
	}
	if s.opt.Version == "3" {
		g.Version, g.SecurityModel, g.MsgFlags = gosnmp.Version3, gosnmp.UserSecurityModel, s.level
		usm := &gosnmp.UsmSecurityParameters{
			UserName:                 s.opt.User,
			AuthenticationProtocol:   s.auth,
			AuthenticationPassphrase: s.opt.AuthKey,
			PrivacyProtocol:          s.priv,
			PrivacyPassphrase:        s.opt.PrivKey,
		}
		if !s.opt.Inform {
			// A trap's sender is the authoritative engine (RFC 3414
			// §1.5.1); an inform's receiver is, and is discovered.
			usm.AuthoritativeEngineID = s.engine
			usm.AuthoritativeEngineBoots = 1
			usm.AuthoritativeEngineTime = uint32(time.Since(s.start).Seconds())
		}
		g.SecurityParameters = usm
	}
	if err := g.Connect(); err != nil {
		return nil, fmt.Errorf("connecting to %s from %q: %w", net.JoinHostPort(s.host, strconv.Itoa(int(s.port))), from, err)
	}
	ss.byFrom[from] = g
	return g, nil
}

// notification is one PDU's worth: its MIB name and varbinds, sysUpTime.0
// and snmpTrapOID.0 first (RFC 3416 §4.2.6).
type notification struct {
	name string
	vars []gosnmp.SnmpPDU
}

// varbinds builds a notification's variable bindings, taking the values
// the device serves where it serves the object, so that a trap and a
// poll of the same device agree.
type varbinds struct {
	v    *View
	list []gosnmp.SnmpPDU
}

// add appends oid.idx with val.
func (b *varbinds) add(oid string, val mib.Value, idx ...uint32) {
	o := mib.MustOID(oid).Append(idx...)
	b.list = append(b.list, gosnmp.SnmpPDU{Name: o.String(), Type: val.Type, Value: val.Value})
}

// served appends the device's value of oid.idx, or def when it serves none.
func (b *varbinds) served(oid string, def mib.Value, idx ...uint32) {
	if val, ok := b.get(oid, idx...); ok {
		def = val
	}
	b.add(oid, def, idx...)
}

func (b *varbinds) get(oid string, idx ...uint32) (mib.Value, bool) {
	val, st := b.v.Get(mib.MustOID(oid).Append(idx...))
	return val, st == mib.Found
}

// build makes the notification for a queued event; an empty name (with
// the reason) when the device sends none.
func (s *TrapSender) build(v *View, q queuedEvent) (notification, string) {
	name := kindOf(v.Profile(), q.ev)
	if name == "" {
		return notification{}, "no such notification for " + v.Profile()
	}
	b := &varbinds{v: v}
	b.served(oids.SysUpTime, mib.TimeTicks(0), 0)
	ev, n := q.ev, uint32(q.ev.Outlet)
	var trapOID, enterprise string
	onOff := func(on bool, whenOn, whenOff int) mib.Value {
		if on {
			return mib.Integer(whenOn)
		}
		return mib.Integer(whenOff)
	}
	switch name {
	case "coldStart":
		trapOID = oidColdStart

	case "rPDUOutletOn", "rPDUOutletOff":
		outletName, ok := b.get(oids.RPDUOutletControlOutletName, n)
		if !ok {
			return notification{}, fmt.Sprintf("outlet %d is not switched", n)
		}
		trapOID, enterprise = "."+oids.RPDUOutletOff, "."+apcEnterprise
		state := "off"
		if ev.On {
			trapOID, state = "."+oids.RPDUOutletOn, "on"
		}
		b.served(oids.RPDUIdentSerialNumber, mib.String(""), 0)
		b.served(oids.RPDUIdentName, mib.String(v.name), 0)
		b.add(oids.RPDUOutletControlIndex, mib.Integer(int(n)), n)
		b.add(oids.RPDUOutletControlOutletName, outletName, n)
		text := fmt.Sprintf("Outlet %d turned %s.", n, state)
		if label := fmt.Sprintf("%s", outletName.Value); label != fmt.Sprintf("Outlet %d", n) {
			text = fmt.Sprintf("Outlet %d (%s) turned %s.", n, label, state)
		}
		b.add(oids.MtrapargsString, mib.String(text), 0)

	case "atsSourceSwitched", "atsLostRedundancy", "atsRedundancyRestored":
		in := q.input
		input := mib.String("Source " + string(rune('A'+in)))
		if val, ok := b.get(oids.ATSInputName, uint32(in+1)); ok {
			input = val
		}
		var text string
		switch name {
		case "atsSourceSwitched":
			trapOID, text = "."+oids.ATSSourceSwitched, fmt.Sprintf("Switched to %s.", input.Value)
		case "atsLostRedundancy":
			trapOID, text = "."+oids.ATSLostRedundancy, fmt.Sprintf("Lost redundancy: %s is not available.", input.Value)
		default:
			trapOID, text = "."+oids.ATSRedundancyRestored, fmt.Sprintf("Redundancy restored: %s is back.", input.Value)
		}
		enterprise = "." + apcEnterprise
		b.add(oids.MtrapargsInteger, mib.Integer(in), 0)
		b.add(oids.MtrapargsString02, input, 0)
		b.add(oids.MtrapargsString, mib.String(text), 0)

	case "outletSensorStateChange":
		if _, ok := b.get(oids.PDU2OutletSwitchingState, 1, n); !ok {
			return notification{}, fmt.Sprintf("outlet %d is not switchable", n)
		}
		trapOID = "." + oids.PDU2OutletSensorStateChange
		ip, port := s.agentAddress(v)
		onOffSensor := uint32(oids.PDU2OnOff)
		meas := func(col int) string { return oids.PDU2OutletSensorMeasurementsEntry + "." + strconv.Itoa(col) }
		b.served(oids.PDU2PduName, mib.String(v.name), 1)
		b.add(oids.PDU2PduNumber, mib.Integer(1), 0)
		b.add(oids.PDU2PxInetAddressType, mib.Integer(1), 1) // ipv4
		b.add(oids.PDU2PxInetIPAddress, mib.Bytes(ip), 1)
		b.add(oids.PDU2AgentInetPortNumber, mib.Gauge32(uint32(port)), 0)
		b.served(oids.PDU2OutletLabel, mib.String(strconv.Itoa(int(n))), 1, n)
		b.add(oids.PDU2TypeOfSensor, mib.Integer(int(oids.PDU2OnOff)), 0)
		b.add(meas(oids.PDU2MeasColTimeStamp), mib.Gauge32(uint32(max(q.at.Unix(), 0))), 1, n, onOffSensor)
		b.add(meas(oids.PDU2MeasColValue), mib.Gauge32(0), 1, n, onOffSensor)
		b.add(meas(oids.PDU2MeasColState), onOff(ev.On, int(oids.PDU2StateOn), int(oids.PDU2StateOff)), 1, n, onOffSensor)
		b.add(meas(oids.PDU2MeasColSignedValue), mib.Integer(0), 1, n, onOffSensor)
		b.add(oids.PDU2OldSensorState, onOff(!ev.On, int(oids.PDU2StateOn), int(oids.PDU2StateOff)), 0)
		b.served(oids.SysContact, mib.String(""), 0)
		b.served(oids.SysName, mib.String(v.name), 0)
		b.served(oids.SysLocation, mib.String(""), 0)
		b.served(oids.PDU2PduSerialNumber, mib.String(""), 1)

	case "st4OutletStateChangeEvent":
		if _, ok := b.get(oids.St4OutletControlState, 1, 1, n); !ok {
			return notification{}, fmt.Sprintf("outlet %d is not switched", n)
		}
		trapOID = "." + oids.St4OutletStateChangeEvent
		location := mib.String("")
		if val, ok := b.get(oids.SysLocation, 0); ok {
			location = val
		}
		text := "Off"
		if ev.On {
			text = "On"
		}
		b.served(oids.St4SystemLocation, location, 0)
		b.served(oids.St4OutletID, mib.String(fmt.Sprintf("AA%d", n)), 1, 1, n)
		b.served(oids.St4OutletName, mib.String(""), 1, 1, n)
		b.add(oids.St4OutletState, onOff(ev.On, int(oids.St4StateOn), int(oids.St4StateOff)), 1, 1, n)
		b.add(oids.St4OutletStatus, mib.Integer(int(oids.St4StatusNormal)), 1, 1, n)
		b.add(oids.St4OutletControlState, onOff(ev.On, int(oids.St4ControlOn), int(oids.St4ControlOff)), 1, 1, n)
		b.add(oids.St4EventStatusText, mib.String(text), 0)
		b.add(oids.St4EventStatusCondition, mib.Integer(0), 0) // nonError

	case "notifyOutletControlStatus":
		if _, ok := b.get(oids.EPDUOutletControlStatus, 0, n); !ok {
			return notification{}, fmt.Sprintf("outlet %d is not switched", n)
		}
		trapOID = "." + oids.EPDUNotifyOutletControlStatus
		b.add(oids.EPDUStrappingIndex, mib.Integer(0), 0)
		b.add(oids.EPDUOutletIndex, mib.Integer(int(n)), 0, n)
		b.add(oids.EPDUOutletControlStatus, onOff(ev.On, int(oids.EPDUOutletOn), int(oids.EPDUOutletOff)), 0, n)
	}
	vars := make([]gosnmp.SnmpPDU, 0, len(b.list)+2)
	vars = append(vars, b.list[0], gosnmp.SnmpPDU{Name: oidSnmpTrapOID, Type: gosnmp.ObjectIdentifier, Value: trapOID})
	vars = append(vars, b.list[1:]...)
	if enterprise != "" {
		vars = append(vars, gosnmp.SnmpPDU{Name: oidSnmpTrapEnterprise, Type: gosnmp.ObjectIdentifier, Value: enterprise})
	}
	return notification{name: name, vars: vars}, ""
}

// apcEnterprise is PowerNet-MIB's apc, the ENTERPRISE of its TRAP-TYPEs.
const apcEnterprise = "1.3.6.1.4.1.318"

// agentAddress is the IPv4 address and port a device's agent answers on,
// as Raritan's notifications carry them: its From address, else its
// inventory SNMP address, else 0.0.0.0 ("unset" in PDU2-MIB), port 161.
func (s *TrapSender) agentAddress(v *View) ([]byte, int) {
	ip, port := net.IPv4zero.To4(), 161
	if v.inv != nil && v.inv.SNMP != nil {
		host, p, err := net.SplitHostPort(v.inv.SNMP.Address)
		if err != nil {
			host = v.inv.SNMP.Address
		} else if n, err := strconv.Atoi(p); err == nil {
			port = n
		}
		if a := net.ParseIP(host).To4(); a != nil {
			ip = a
		}
	}
	if a := net.ParseIP(s.opt.From[v.name]).To4(); a != nil {
		ip = a
	}
	return ip, port
}
