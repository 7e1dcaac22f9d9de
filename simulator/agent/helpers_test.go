package agent_test

import (
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/agent"
	"feedplan/simulator/agent/agenttest"
	"feedplan/simulator/mib"
)

// The device every test serves: a few system scalars (sysContact,
// sysName and sysLocation writable), one value of each SNMP type, and a
// Counter64 followed by more variables so SNMPv1's skipping shows.
var (
	sysDescr     = mib.MustOID("1.3.6.1.2.1.1.1.0")
	sysObjectID  = mib.MustOID("1.3.6.1.2.1.1.2.0")
	sysUpTime    = mib.MustOID("1.3.6.1.2.1.1.3.0")
	sysContact   = mib.MustOID("1.3.6.1.2.1.1.4.0")
	sysName      = mib.MustOID("1.3.6.1.2.1.1.5.0")
	sysLocation  = mib.MustOID("1.3.6.1.2.1.1.6.0")
	ifSpeed1     = mib.MustOID("1.3.6.1.2.1.2.2.1.5.1")
	ifInOctets1  = mib.MustOID("1.3.6.1.2.1.2.2.1.10.1")
	ipAdEntAddr  = mib.MustOID("1.3.6.1.2.1.4.20.1.1.127.0.0.1")
	ifHCInOctets = mib.MustOID("1.3.6.1.2.1.31.1.1.1.6.1")
	opaqueVar    = mib.MustOID("1.3.6.1.4.1.99999.1.0")
	negativeVar  = mib.MustOID("1.3.6.1.4.1.99999.2.0")
	lastVar      = mib.MustOID("1.3.6.1.4.1.99999.3.0")

	system = mib.MustOID("1.3.6.1.2.1.1")
)

func fixtureVars() []mib.Var {
	return []mib.Var{
		{OID: sysDescr, Value: mib.String("APC Web/SNMP Management Card (simulated)")},
		{OID: sysObjectID, Value: mib.ObjectID(mib.MustOID("1.3.6.1.4.1.318.1.3.4.6"))},
		{OID: sysUpTime, Value: mib.TimeTicks(123456)},
		{OID: sysContact, Value: mib.String("noc@example.net")},
		{OID: sysName, Value: mib.String("pdu-r12-a")},
		{OID: sysLocation, Value: mib.String("room 1, rack 12")},
		{OID: ifSpeed1, Value: mib.Gauge32(1_000_000_000)},
		{OID: ifInOctets1, Value: mib.Counter32(4_000_000_000)},
		{OID: ipAdEntAddr, Value: mib.IPAddress("127.0.0.1")},
		{OID: ifHCInOctets, Value: mib.Counter64(1 << 40)},
		{OID: opaqueVar, Value: mib.Opaque([]byte{0xde, 0xad, 0xbe, 0xef})},
		{OID: negativeVar, Value: mib.Integer(-5)},
		{OID: lastVar, Value: mib.Integer(2147483647)},
	}
}

func newFixture() *agenttest.View {
	return agenttest.NewView(fixtureVars(), sysContact, sysName, sysLocation)
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// Test users, one per protocol combination.
var (
	userNoAuth = agent.User{Name: "noauth"}
	userMD5    = agent.User{Name: "md5", Auth: "MD5", AuthKey: "authpass1"}
	userSHA    = agent.User{Name: "sha", Auth: "SHA", AuthKey: "authpass1"}
	userSHADES = agent.User{Name: "shades", Auth: "SHA", AuthKey: "authpass1", Priv: "DES", PrivKey: "privpass1"}
	userSHAAES = agent.User{Name: "shaaes", Auth: "SHA", AuthKey: "authpass1", Priv: "AES", PrivKey: "privpass1"}
	user224192 = agent.User{Name: "sha224aes192", Auth: "SHA224", AuthKey: "authpass1", Priv: "AES192", PrivKey: "privpass1"}
	user256AES = agent.User{Name: "sha256aes", Auth: "SHA256", AuthKey: "authpass1", Priv: "AES", PrivKey: "privpass1"}
	user384256 = agent.User{Name: "sha384aes256", Auth: "SHA384", AuthKey: "authpass1", Priv: "AES256", PrivKey: "privpass1"}
	user512256 = agent.User{Name: "sha512aes256", Auth: "SHA512", AuthKey: "authpass1", Priv: "AES256", PrivKey: "privpass1"}

	allUsers = []agent.User{userNoAuth, userMD5, userSHA, userSHADES, userSHAAES, user224192, user256AES, user384256, user512256}
)

// resolver serves views by community ("public" and "private" are the
// default device) and by context name ("" is the default device).
func resolver(def mib.View, byName map[string]mib.View) func(community, context string) (mib.View, bool) {
	return func(community, context string) (mib.View, bool) {
		if community == "public" || community == "private" || community == "" && context == "" {
			return def, true
		}
		v, ok := byName[community+context]
		return v, ok
	}
}

// newAgent makes an agent that is not running, for the handler tests.
func newAgent(t testing.TB, opt agent.Options) *agent.Agent {
	t.Helper()
	if opt.Logger == nil {
		opt.Logger = testLogger(t)
	}
	if opt.Resolve == nil {
		opt.Resolve = resolver(newFixture(), nil)
	}
	a, err := agent.New(opt)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// startAgent runs an agent until the test ends.
func startAgent(t testing.TB, opt agent.Options) *agent.Agent {
	t.Helper()
	a := newAgent(t, opt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Run did not return within 10 s of its context being cancelled")
		}
	})
	return a
}

var testSource = netip.MustParseAddrPort("127.0.0.1:40000")

// client is a gosnmp session to a for SNMPv1 or SNMPv2c.
func client(t testing.TB, a *agent.Agent, version gosnmp.SnmpVersion, community string) *gosnmp.GoSNMP {
	t.Helper()
	g := &gosnmp.GoSNMP{
		Target:    "127.0.0.1",
		Port:      uint16(a.Addr().Port),
		Version:   version,
		Community: community,
		Timeout:   2 * time.Second,
		Context:   context.Background(),
	}
	if err := g.Connect(); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { g.Conn.Close() })
	return g
}

// usmParams are a manager's USM parameters for u (the engine ID is
// discovered when empty).
func usmParams(u agent.User, engineID string) (*gosnmp.UsmSecurityParameters, gosnmp.SnmpV3MsgFlags) {
	sp := &gosnmp.UsmSecurityParameters{
		UserName:                 u.Name,
		AuthoritativeEngineID:    engineID,
		AuthenticationProtocol:   gosnmp.NoAuth,
		PrivacyProtocol:          gosnmp.NoPriv,
		AuthenticationPassphrase: u.AuthKey,
		PrivacyPassphrase:        u.PrivKey,
	}
	flags := gosnmp.NoAuthNoPriv
	if u.Auth != "" {
		flags = gosnmp.AuthNoPriv
		sp.AuthenticationProtocol = map[string]gosnmp.SnmpV3AuthProtocol{
			"MD5": gosnmp.MD5, "SHA": gosnmp.SHA, "SHA224": gosnmp.SHA224,
			"SHA256": gosnmp.SHA256, "SHA384": gosnmp.SHA384, "SHA512": gosnmp.SHA512,
		}[u.Auth]
	}
	if u.Priv != "" {
		flags = gosnmp.AuthPriv
		sp.PrivacyProtocol = map[string]gosnmp.SnmpV3PrivProtocol{
			"DES": gosnmp.DES, "AES": gosnmp.AES, "AES192": gosnmp.AES192, "AES256": gosnmp.AES256,
		}[u.Priv]
	}
	return sp, flags
}

// clientV3 is a gosnmp SNMPv3 session to a as u, in context ctxName.
func clientV3(t testing.TB, a *agent.Agent, u agent.User, ctxName string) *gosnmp.GoSNMP {
	t.Helper()
	sp, flags := usmParams(u, "")
	g := &gosnmp.GoSNMP{
		Target:             "127.0.0.1",
		Port:               uint16(a.Addr().Port),
		Version:            gosnmp.Version3,
		SecurityModel:      gosnmp.UserSecurityModel,
		MsgFlags:           flags,
		SecurityParameters: sp,
		ContextName:        ctxName,
		Timeout:            2 * time.Second,
		Context:            context.Background(),
	}
	if err := g.Connect(); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { g.Conn.Close() })
	return g
}

// value turns what gosnmp decoded back into mib's representation.
func value(p gosnmp.SnmpPDU) mib.Value {
	switch v := p.Value.(type) {
	case uint:
		return mib.Value{Type: p.Type, Value: uint32(v)}
	default:
		return mib.Value{Type: p.Type, Value: v}
	}
}

func sameValue(a, b mib.Value) bool {
	if a.Type != b.Type {
		return false
	}
	switch x := a.Value.(type) {
	case []byte:
		y, ok := b.Value.([]byte)
		return ok && string(x) == string(y)
	default:
		return a.Value == b.Value
	}
}

func (vs varList) String() string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(v.OID.String())
		b.WriteString("=")
		b.WriteString(v.Value.Type.String())
		b.WriteString(" ")
	}
	return b.String()
}

type varList []mib.Var

// vars turns gosnmp's bindings into mib.Vars.
func vars(t testing.TB, pdus []gosnmp.SnmpPDU) varList {
	t.Helper()
	out := make(varList, len(pdus))
	for i, p := range pdus {
		o, err := mib.ParseOID(p.Name)
		if err != nil {
			t.Fatalf("response OID %q: %v", p.Name, err)
		}
		out[i] = mib.Var{OID: o, Value: value(p)}
	}
	return out
}

func sameVars(a, b varList) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if mib.Compare(a[i].OID, b[i].OID) != 0 || !sameValue(a[i].Value, b[i].Value) {
			return false
		}
	}
	return true
}

// v2cPacket encodes a request as gosnmp's client would.
func requestPacket(t testing.TB, version gosnmp.SnmpVersion, community string, pduType gosnmp.PDUType, pdus []gosnmp.SnmpPDU, nonRepeaters uint8, maxRepetitions uint32) []byte {
	t.Helper()
	g := &gosnmp.GoSNMP{Version: version, Community: community}
	b, err := g.SnmpEncodePacket(pduType, pdus, nonRepeaters, maxRepetitions)
	if err != nil {
		t.Fatalf("SnmpEncodePacket: %v", err)
	}
	return b
}

func nulls(oids ...mib.OID) []gosnmp.SnmpPDU {
	out := make([]gosnmp.SnmpPDU, len(oids))
	for i, o := range oids {
		out[i] = gosnmp.SnmpPDU{Name: o.String(), Type: gosnmp.Null}
	}
	return out
}

// decode reads a response of the agent; u's keys decrypt SNMPv3 (the
// decoder does not check digests: the client tests do).
func decode(t testing.TB, b []byte, version gosnmp.SnmpVersion, u agent.User, engineID string) *gosnmp.SnmpPacket {
	t.Helper()
	if b == nil {
		t.Fatalf("no response")
	}
	g := &gosnmp.GoSNMP{Version: version}
	if version == gosnmp.Version3 {
		sp, _ := usmParams(u, engineID)
		if sp.UserName == "" {
			sp.UserName = "decoder"
		}
		if engineID != "" {
			if err := sp.InitSecurityKeys(); err != nil {
				t.Fatalf("InitSecurityKeys: %v", err)
			}
		}
		g.SecurityModel, g.SecurityParameters = gosnmp.UserSecurityModel, sp
	}
	p, err := g.SnmpDecodePacket(b)
	if err != nil {
		t.Fatalf("decoding the response: %v", err)
	}
	return p
}

// v3Request is an SNMPv3 request with everything a test may get wrong on
// purpose.
type v3Request struct {
	user        agent.User // credentials used to sign and encrypt
	userName    string     // sent as msgUserName when not empty
	flags       gosnmp.SnmpV3MsgFlags
	engineID    string
	boots, time uint32
	ctxEngineID *string // default: engineID
	ctxName     string
	pduType     gosnmp.PDUType
	pdus        []gosnmp.SnmpPDU
	maxSize     uint32
	maxReps     uint32
	nonReps     uint8
}

func (r v3Request) encode(t testing.TB) []byte {
	t.Helper()
	sp, _ := usmParams(r.user, r.engineID)
	if r.userName != "" {
		sp.UserName = r.userName
	}
	sp.AuthoritativeEngineBoots, sp.AuthoritativeEngineTime = r.boots, r.time
	if r.flags&gosnmp.AuthPriv != 0 && r.engineID != "" {
		if err := sp.InitSecurityKeys(); err != nil {
			t.Fatalf("InitSecurityKeys: %v", err)
		}
	}
	if r.flags&gosnmp.AuthPriv == gosnmp.AuthPriv {
		sp.PrivacyParameters = []byte{0, 0, 0, 0, 0, 0, 0, 42}
	}
	ctxEngine := r.engineID
	if r.ctxEngineID != nil {
		ctxEngine = *r.ctxEngineID
	}
	if r.pduType == 0 {
		r.pduType = gosnmp.GetRequest
	}
	if r.maxSize == 0 {
		r.maxSize = 65507
	}
	p := &gosnmp.SnmpPacket{
		Version:            gosnmp.Version3,
		MsgFlags:           r.flags,
		SecurityModel:      gosnmp.UserSecurityModel,
		SecurityParameters: sp,
		MsgID:              4242,
		RequestID:          777,
		MsgMaxSize:         r.maxSize,
		ContextEngineID:    ctxEngine,
		ContextName:        r.ctxName,
		PDUType:            r.pduType,
		NonRepeaters:       r.nonReps,
		MaxRepetitions:     r.maxReps,
		Variables:          r.pdus,
	}
	b, err := p.MarshalMsg()
	if err != nil {
		t.Fatalf("MarshalMsg: %v", err)
	}
	return b
}
