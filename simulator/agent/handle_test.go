package agent_test

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/agent"
	"feedplan/simulator/agent/agenttest"
	"feedplan/simulator/mib"
)

// These tests drive the packet handler directly, without a socket, with
// requests encoded by gosnmp or by hand.

// Hand-made BER, for what gosnmp's encoder refuses to produce.
func ber(tag byte, parts ...[]byte) []byte {
	content := bytes.Join(parts, nil)
	n := len(content)
	var l []byte
	switch {
	case n < 0x80:
		l = []byte{byte(n)}
	case n < 0x100:
		l = []byte{0x81, byte(n)}
	default:
		l = []byte{0x82, byte(n >> 8), byte(n)}
	}
	return append(append([]byte{tag}, l...), content...)
}

func berInt(v int64) []byte {
	b := []byte{byte(v)}
	for v >>= 8; !(v == 0 && b[0]&0x80 == 0 || v == -1 && b[0]&0x80 != 0); v >>= 8 {
		b = append([]byte{byte(v)}, b...)
	}
	return ber(0x02, b)
}

func berOID(o mib.OID) []byte {
	enc := func(v uint64) []byte {
		b := []byte{byte(v & 0x7f)}
		for v >>= 7; v > 0; v >>= 7 {
			b = append([]byte{byte(v&0x7f | 0x80)}, b...)
		}
		return b
	}
	out := enc(uint64(o[0])*40 + uint64(o[1]))
	for _, a := range o[2:] {
		out = append(out, enc(uint64(a))...)
	}
	return ber(0x06, out)
}

// communityPacket is an SNMPv1/v2c message with NULL bindings.
func communityPacket(version int64, community string, pduTag byte, reqID, a, b int64, oids ...mib.OID) []byte {
	var vbs [][]byte
	for _, o := range oids {
		vbs = append(vbs, ber(0x30, berOID(o), []byte{0x05, 0x00}))
	}
	pdu := ber(pduTag, berInt(reqID), berInt(a), berInt(b), ber(0x30, vbs...))
	return ber(0x30, berInt(version), ber(0x04, []byte(community)), pdu)
}

// fixedAgent is an agent whose clock stands still: snmpEngineTime is 0.
func fixedAgent(t *testing.T, opt agent.Options) *agent.Agent {
	a := newAgent(t, opt)
	now := time.Now()
	a.SetClock(func() time.Time { return now })
	return a
}

func TestEngineDiscovery(t *testing.T) {
	a := fixedAgent(t, agent.Options{Users: allUsers})
	probe := v3Request{flags: gosnmp.Reportable}.encode(t)
	r := decode(t, first(a.HandlePacket(probe, testSource)), gosnmp.Version3, agent.User{}, "")
	sp := r.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	switch {
	case r.PDUType != gosnmp.Report:
		t.Errorf("discovery reply is a %v; want a Report", r.PDUType)
	case r.MsgFlags != gosnmp.NoAuthNoPriv:
		t.Errorf("discovery Report flags %v; want noAuthNoPriv, not reportable", r.MsgFlags)
	case r.MsgID != 4242 || r.RequestID != 777:
		t.Errorf("discovery Report msgID %d request-id %d; want the probe's 4242 and 777", r.MsgID, r.RequestID)
	case sp.AuthoritativeEngineID != string(a.EngineID()) || r.ContextEngineID != string(a.EngineID()):
		t.Errorf("discovery Report engine IDs %x, %x; want %x", sp.AuthoritativeEngineID, r.ContextEngineID, a.EngineID())
	case sp.AuthoritativeEngineBoots != 1 || sp.AuthoritativeEngineTime != 0:
		t.Errorf("discovery Report boots %d time %d; want 1 and 0", sp.AuthoritativeEngineBoots, sp.AuthoritativeEngineTime)
	case len(r.Variables) != 1 || r.Variables[0].Name != ".1.3.6.1.6.3.15.1.1.4.0" || r.Variables[0].Value != uint(1):
		t.Errorf("discovery Report bindings %v; want usmStatsUnknownEngineIDs.0 = 1", r.Variables)
	}
	// Not reportable: counted, not answered.
	silent := v3Request{}.encode(t)
	if out, _ := a.HandlePacket(silent, testSource); out != nil {
		t.Errorf("unreportable probe answered; want silence")
	}
	if s := a.Stats(); s.UnknownEngineIDs != 2 || s.Dropped != 1 {
		t.Errorf("Stats() = %d unknown engine IDs, %d dropped; want 2 and 1", s.UnknownEngineIDs, s.Dropped)
	}
}

func first(b []byte, _ time.Duration) []byte { return b }

func TestUSMChecks(t *testing.T) {
	a := fixedAgent(t, agent.Options{Users: allUsers})
	id := string(a.EngineID())
	other := "\x80\x00\x1f\x88\x04elsewhere"
	rep := gosnmp.Reportable
	wrongAuth, wrongPriv, wrongAuthMD5 := userSHAAES, userSHAAES, userMD5
	wrongAuth.AuthKey, wrongPriv.PrivKey, wrongAuthMD5.AuthKey = "wrongpass", "wrongpass", "wrongpass"
	sysDescrReq := nulls(sysDescr)
	tests := []struct {
		name      string
		req       v3Request
		decodeAs  agent.User
		wantType  gosnmp.PDUType // 0: no answer
		wantOID   string
		wantLevel gosnmp.SnmpV3MsgFlags
		wantReqID uint32
		stat      func(agent.Stats) uint64
	}{
		{"unknown engine ID", v3Request{user: userSHAAES, flags: gosnmp.AuthPriv | rep, engineID: other, pdus: sysDescrReq},
			agent.User{}, gosnmp.Report, ".1.3.6.1.6.3.15.1.1.4.0", gosnmp.NoAuthNoPriv, 0, func(s agent.Stats) uint64 { return s.UnknownEngineIDs }},
		{"unknown user", v3Request{user: agent.User{Name: "nobody"}, flags: rep, engineID: id, pdus: sysDescrReq},
			agent.User{}, gosnmp.Report, ".1.3.6.1.6.3.15.1.1.3.0", gosnmp.NoAuthNoPriv, 777, func(s agent.Stats) uint64 { return s.UnknownUserNames }},
		{"level below the user's", v3Request{user: userSHAAES, flags: gosnmp.AuthNoPriv | rep, engineID: id, pdus: sysDescrReq},
			agent.User{}, gosnmp.Report, ".1.3.6.1.6.3.15.1.1.1.0", gosnmp.NoAuthNoPriv, 777, func(s agent.Stats) uint64 { return s.UnsupportedSecLevels }},
		{"level above the user's", v3Request{user: userSHAAES, userName: userSHA.Name, flags: gosnmp.AuthPriv | rep, engineID: id, pdus: sysDescrReq},
			agent.User{}, gosnmp.Report, ".1.3.6.1.6.3.15.1.1.1.0", gosnmp.NoAuthNoPriv, 0, func(s agent.Stats) uint64 { return s.UnsupportedSecLevels }},
		{"wrong auth passphrase", v3Request{user: wrongAuth, flags: gosnmp.AuthPriv | rep, engineID: id, pdus: sysDescrReq},
			agent.User{}, gosnmp.Report, ".1.3.6.1.6.3.15.1.1.5.0", gosnmp.NoAuthNoPriv, 0, func(s agent.Stats) uint64 { return s.WrongDigests }},
		{"wrong MD5 passphrase", v3Request{user: wrongAuthMD5, flags: gosnmp.AuthNoPriv | rep, engineID: id, pdus: sysDescrReq},
			agent.User{}, gosnmp.Report, ".1.3.6.1.6.3.15.1.1.5.0", gosnmp.NoAuthNoPriv, 777, func(s agent.Stats) uint64 { return s.WrongDigests }},
		{"wrong priv passphrase", v3Request{user: wrongPriv, flags: gosnmp.AuthPriv | rep, engineID: id, boots: 1, pdus: sysDescrReq},
			agent.User{}, gosnmp.Report, ".1.3.6.1.6.3.15.1.1.6.0", gosnmp.NoAuthNoPriv, 0, func(s agent.Stats) uint64 { return s.DecryptionErrors }},
		{"stale boots", v3Request{user: userSHAAES, flags: gosnmp.AuthPriv | rep, engineID: id, boots: 7, pdus: sysDescrReq},
			userSHAAES, gosnmp.Report, ".1.3.6.1.6.3.15.1.1.2.0", gosnmp.AuthNoPriv, 0, func(s agent.Stats) uint64 { return s.NotInTimeWindows }},
		{"time ahead", v3Request{user: user256AES, flags: gosnmp.AuthPriv | rep, engineID: id, boots: 1, time: 151, pdus: sysDescrReq},
			user256AES, gosnmp.Report, ".1.3.6.1.6.3.15.1.1.2.0", gosnmp.AuthNoPriv, 0, func(s agent.Stats) uint64 { return s.NotInTimeWindows }},
		{"time at the edge of the window", v3Request{user: user256AES, flags: gosnmp.AuthPriv | rep, engineID: id, boots: 1, time: 150, pdus: sysDescrReq},
			user256AES, gosnmp.GetResponse, sysDescr.String(), gosnmp.AuthPriv, 777, func(s agent.Stats) uint64 { return s.Requests }},
		{"unknown context", v3Request{user: userSHAAES, flags: gosnmp.AuthPriv | rep, engineID: id, boots: 1, ctxName: "nowhere", pdus: sysDescrReq},
			userSHAAES, gosnmp.Report, ".1.3.6.1.6.3.12.1.5.0", gosnmp.AuthPriv, 777, func(s agent.Stats) uint64 { return s.UnknownContexts }},
		{"unknown context engine", v3Request{user: userSHA, flags: gosnmp.AuthNoPriv | rep, engineID: id, boots: 1, ctxEngineID: &other, pdus: sysDescrReq},
			userSHA, gosnmp.Report, ".1.3.6.1.6.3.11.2.1.3.0", gosnmp.AuthNoPriv, 777, func(s agent.Stats) uint64 { return s.UnknownPDUHandlers }},
		{"empty context engine", v3Request{user: userSHA, flags: gosnmp.AuthNoPriv | rep, engineID: id, boots: 1, ctxEngineID: new(string), pdus: sysDescrReq},
			userSHA, gosnmp.GetResponse, sysDescr.String(), gosnmp.AuthNoPriv, 777, func(s agent.Stats) uint64 { return s.Requests }},
		{"privacy without authentication", v3Request{user: userSHAAES, flags: 0x02 | rep, engineID: id, boots: 1, pdus: sysDescrReq},
			agent.User{}, 0, "", 0, 0, func(s agent.Stats) uint64 { return s.InvalidMsgs }},
		{"not reportable", v3Request{user: wrongAuth, flags: gosnmp.AuthPriv, engineID: id, pdus: sysDescrReq},
			agent.User{}, 0, "", 0, 0, func(s agent.Stats) uint64 { return s.WrongDigests }},
		{"a trap", v3Request{user: userSHAAES, flags: gosnmp.AuthPriv, engineID: id, boots: 1, pduType: gosnmp.SNMPv2Trap, pdus: sysDescrReq},
			agent.User{}, 0, "", 0, 0, func(s agent.Stats) uint64 { return s.UnsupportedPDUs }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.stat(a.Stats())
			out, _ := a.HandlePacket(tt.req.encode(t), testSource)
			if got := tt.stat(a.Stats()); got != before+1 {
				t.Errorf("counter = %d after the request; want %d", got, before+1)
			}
			if tt.wantType == 0 {
				if out != nil {
					t.Errorf("answered %d octets; want silence", len(out))
				}
				return
			}
			r := decode(t, out, gosnmp.Version3, tt.decodeAs, id)
			if r.PDUType != tt.wantType || len(r.Variables) != 1 || r.Variables[0].Name != tt.wantOID {
				t.Fatalf("reply %v %v; want %v of %s", r.PDUType, r.Variables, tt.wantType, tt.wantOID)
			}
			if r.MsgFlags != tt.wantLevel {
				t.Errorf("reply flags %v; want %v", r.MsgFlags, tt.wantLevel)
			}
			if r.MsgID != 4242 || r.RequestID != tt.wantReqID {
				t.Errorf("reply msgID %d request-id %d; want 4242 and %d", r.MsgID, r.RequestID, tt.wantReqID)
			}
			if tt.wantType == gosnmp.Report {
				if v, ok := r.Variables[0].Value.(uint); !ok || uint64(v) != tt.stat(a.Stats()) {
					t.Errorf("Report counter %v; want the agent's %d", r.Variables[0].Value, tt.stat(a.Stats()))
				}
			}
		})
	}
}

func TestOtherSecurityModelsAreDropped(t *testing.T) {
	a := fixedAgent(t, agent.Options{Users: allUsers})
	req := v3Request{user: userNoAuth, flags: gosnmp.Reportable, engineID: string(a.EngineID()), pdus: nulls(sysDescr)}.encode(t)
	// msgSecurityModel is the last INTEGER of msgGlobalData: 02 01 03.
	i := bytes.Index(req, []byte{0x04, 0x01, byte(gosnmp.Reportable), 0x02, 0x01, 0x03})
	if i < 0 {
		t.Fatalf("no msgSecurityModel in % x", req)
	}
	req[i+5] = 2 // SNMPv2c's
	if out, _ := a.HandlePacket(req, testSource); out != nil {
		t.Errorf("message of security model 2 answered; want silence")
	}
	if s := a.Stats(); s.UnknownSecurityModels != 1 {
		t.Errorf("Stats().UnknownSecurityModels = %d; want 1", s.UnknownSecurityModels)
	}
}

// TestTimeWindow runs snmpEngineTime on synctest's clock.
func TestTimeWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := newAgent(t, agent.Options{Users: []agent.User{userSHAAES}})
		id := string(a.EngineID())
		get := func(boots, at uint32) (*gosnmp.SnmpPacket, *gosnmp.UsmSecurityParameters) {
			req := v3Request{user: userSHAAES, flags: gosnmp.AuthPriv | gosnmp.Reportable, engineID: id, boots: boots, time: at, pdus: nulls(sysDescr)}
			r := decode(t, first(a.HandlePacket(req.encode(t), testSource)), gosnmp.Version3, userSHAAES, id)
			return r, r.SecurityParameters.(*gosnmp.UsmSecurityParameters)
		}
		time.Sleep(200 * time.Second)
		steps := []struct {
			name              string
			boots, at         uint32
			wantType          gosnmp.PDUType
			wantBoots, wantAt uint32
		}{
			{"in step", 1, 200, gosnmp.GetResponse, 1, 200},
			{"151 s behind", 1, 49, gosnmp.Report, 1, 200},
			{"150 s behind", 1, 50, gosnmp.GetResponse, 1, 200},
			{"151 s ahead", 1, 351, gosnmp.Report, 1, 200},
			{"reboot", 0, 0, 0, 0, 0},
			{"the old boots", 1, 200, gosnmp.Report, 2, 0},
			{"the new boots", 2, 0, gosnmp.GetResponse, 2, 0},
		}
		for _, s := range steps {
			if s.name == "reboot" {
				a.Reboot()
				continue
			}
			r, sp := get(s.boots, s.at)
			if r.PDUType != s.wantType || sp.AuthoritativeEngineBoots != s.wantBoots || sp.AuthoritativeEngineTime != s.wantAt {
				t.Errorf("%s: Get(sysDescr) at boots %d time %d = %v with boots %d time %d; want %v with boots %d time %d",
					s.name, s.boots, s.at, r.PDUType, sp.AuthoritativeEngineBoots, sp.AuthoritativeEngineTime, s.wantType, s.wantBoots, s.wantAt)
			}
		}
	})
}

// bigTable is n Integer variables under .1.3.6.1.4.1.99999.10.
func bigTable(n int) ([]mib.Var, mib.OID) {
	base := mib.MustOID("1.3.6.1.4.1.99999.10")
	vs := make([]mib.Var, n)
	for i := range vs {
		vs[i] = mib.Var{OID: base.Append(uint32(i + 1)), Value: mib.Integer(i)}
	}
	return vs, base
}

func TestGetBulk(t *testing.T) {
	vs, base := bigTable(5000)
	vs = append(vs, fixtureVars()...)
	view := agenttest.NewView(vs)
	col := func(i uint32) mib.OID { return base.Append(i) }
	tests := []struct {
		name       string
		maxRepsOpt int
		nonRep     int64
		maxRep     int64
		oids       []mib.OID
		want       []string // expected OIDs, or nil to check only the count
		wantCount  int
	}{
		{"non-repeaters then rows", 0, 1, 3, []mib.OID{system, base, col(4999)},
			[]string{sysDescr.String(), col(1).String(), col(5000).String(), col(2).String(), col(5000).String(), col(3).String(), col(5000).String()}, 7},
		{"2^31-1 repetitions, default cap", 0, 0, math.MaxInt32, []mib.OID{base}, nil, 1000},
		{"2^31-1 repetitions, cap of 10", 10, 0, math.MaxInt32, []mib.OID{base}, nil, 10},
		{"stops once all repeaters end", 0, 0, 100, []mib.OID{col(4999), col(5000)},
			[]string{col(5000).String(), col(5000).String(), col(5000).String(), col(5000).String()}, 4},
		{"negative counts are zero", 0, -5, -1, []mib.OID{base}, []string{}, 0},
		{"non-repeaters beyond the bindings", 0, 300, 5, []mib.OID{base, system}, []string{col(1).String(), sysDescr.String()}, 2},
		{"no bindings", 0, 0, 10, nil, []string{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAgent(t, agent.Options{MaxRepetitions: tt.maxRepsOpt, Resolve: resolver(view, nil)})
			start := time.Now()
			out, _ := a.HandlePacket(communityPacket(1, "public", 0xa5, 9, tt.nonRep, tt.maxRep, tt.oids...), testSource)
			took := time.Since(start)
			r := decode(t, out, gosnmp.Version2c, agent.User{}, "")
			if r.Error != gosnmp.NoError {
				t.Fatalf("GetBulk = %v; want noError", r.Error)
			}
			if len(r.Variables) != tt.wantCount {
				t.Fatalf("GetBulk = %d bindings; want %d", len(r.Variables), tt.wantCount)
			}
			for i, w := range tt.want {
				if r.Variables[i].Name != w {
					t.Errorf("GetBulk binding %d = %s; want %s", i+1, r.Variables[i].Name, w)
				}
			}
			if took > time.Second {
				t.Errorf("GetBulk took %v; want well under a second", took)
			}
		})
	}
}

func TestGetBulkEndOfMibViewRows(t *testing.T) {
	a := newAgent(t, agent.Options{})
	// One repeater ends at once, the other after two more variables.
	out, _ := a.HandlePacket(communityPacket(1, "public", 0xa5, 9, 0, 10, lastVar, opaqueVar), testSource)
	r := decode(t, out, gosnmp.Version2c, agent.User{}, "")
	var got []string
	for _, v := range r.Variables {
		got = append(got, fmt.Sprintf("%s %v", v.Name, v.Type))
	}
	want := []string{
		lastVar.String() + " EndOfMibView", negativeVar.String() + " Integer",
		lastVar.String() + " EndOfMibView", lastVar.String() + " Integer",
		lastVar.String() + " EndOfMibView", lastVar.String() + " EndOfMibView",
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("GetBulk(lastVar, opaqueVar) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestResponseSize(t *testing.T) {
	big := func(n int) mib.Value { return mib.Bytes(bytes.Repeat([]byte{'x'}, n)) }
	vs, base := bigTable(2000)
	huge := mib.MustOID("1.3.6.1.4.1.99999.20")
	vs = append(vs,
		mib.Var{OID: huge.Append(1), Value: big(20000)}, mib.Var{OID: huge.Append(2), Value: big(20000)},
		mib.Var{OID: huge.Append(3), Value: big(20000)}, mib.Var{OID: huge.Append(4), Value: big(20000)},
		mib.Var{OID: huge.Append(5), Value: big(66000)})
	view := agenttest.NewView(vs)
	a := fixedAgent(t, agent.Options{Users: []agent.User{userSHAAES, userNoAuth}, Resolve: resolver(view, nil)})
	id := string(a.EngineID())

	v2c := func(t *testing.T, tag byte, nonRep, maxRep int64, oids ...mib.OID) *gosnmp.SnmpPacket {
		return decode(t, first(a.HandlePacket(communityPacket(1, "public", tag, 5, nonRep, maxRep, oids...), testSource)), gosnmp.Version2c, agent.User{}, "")
	}
	tests := []struct {
		name      string
		r         func(t *testing.T) (*gosnmp.SnmpPacket, int)
		wantErr   gosnmp.SNMPError
		wantCount int // -1: some, fewer than asked
		maxSize   int
	}{
		{"GET too big", func(t *testing.T) (*gosnmp.SnmpPacket, int) {
			return v2c(t, 0xa0, 0, 0, huge.Append(1), huge.Append(2), huge.Append(3), huge.Append(4)), 0
		}, gosnmp.TooBig, 0, 65507},
		{"v1 GET too big echoes the request", func(t *testing.T) (*gosnmp.SnmpPacket, int) {
			out, _ := a.HandlePacket(communityPacket(0, "public", 0xa0, 5, 0, 0, huge.Append(1), huge.Append(2), huge.Append(3), huge.Append(4)), testSource)
			return decode(t, out, gosnmp.Version1, agent.User{}, ""), 0
		}, gosnmp.TooBig, 4, 65507},
		{"GETBULK rows cut to fit", func(t *testing.T) (*gosnmp.SnmpPacket, int) { return v2c(t, 0xa5, 0, 10, huge), 0 }, gosnmp.NoError, 3, 65507},
		{"GETBULK non-repeaters too big", func(t *testing.T) (*gosnmp.SnmpPacket, int) {
			return v2c(t, 0xa5, 4, 10, huge, huge.Append(1), huge.Append(2), huge.Append(3)), 0
		}, gosnmp.TooBig, 0, 65507},
		{"GETBULK first repeater too big", func(t *testing.T) (*gosnmp.SnmpPacket, int) {
			return v2c(t, 0xa5, 0, 10, huge.Append(4)), 0
		}, gosnmp.TooBig, 0, 65507},
		{"GET of a value bigger than any message", func(t *testing.T) (*gosnmp.SnmpPacket, int) {
			return v2c(t, 0xa0, 0, 0, huge.Append(5)), 0
		}, gosnmp.TooBig, 0, 65507},
		{"v3 msgMaxSize 484", func(t *testing.T) (*gosnmp.SnmpPacket, int) {
			req := v3Request{user: userSHAAES, flags: gosnmp.AuthPriv | gosnmp.Reportable, engineID: id, boots: 1, maxSize: 484,
				pduType: gosnmp.GetBulkRequest, maxReps: 1000, pdus: nulls(base)}
			out, _ := a.HandlePacket(req.encode(t), testSource)
			return decode(t, out, gosnmp.Version3, userSHAAES, id), len(out)
		}, gosnmp.NoError, -1, 484},
		{"v3 msgMaxSize 484 plaintext", func(t *testing.T) (*gosnmp.SnmpPacket, int) {
			req := v3Request{user: userNoAuth, flags: gosnmp.Reportable, engineID: id, boots: 1, maxSize: 484,
				pduType: gosnmp.GetBulkRequest, maxReps: 1000, pdus: nulls(base, base)}
			out, _ := a.HandlePacket(req.encode(t), testSource)
			return decode(t, out, gosnmp.Version3, userNoAuth, id), len(out)
		}, gosnmp.NoError, -1, 484},
		{"v3 GET above msgMaxSize", func(t *testing.T) (*gosnmp.SnmpPacket, int) {
			req := v3Request{user: userSHAAES, flags: gosnmp.AuthPriv | gosnmp.Reportable, engineID: id, boots: 1, maxSize: 484,
				pduType: gosnmp.GetRequest, pdus: nulls(huge.Append(1))}
			out, _ := a.HandlePacket(req.encode(t), testSource)
			return decode(t, out, gosnmp.Version3, userSHAAES, id), len(out)
		}, gosnmp.TooBig, 0, 484},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, size := tt.r(t)
			if r.Error != tt.wantErr {
				t.Fatalf("error-status %v; want %v", r.Error, tt.wantErr)
			}
			switch {
			case tt.wantCount == -1 && (len(r.Variables) < 2 || len(r.Variables) > 100):
				t.Errorf("%d bindings; want a few", len(r.Variables))
			case tt.wantCount >= 0 && len(r.Variables) != tt.wantCount:
				t.Errorf("%d bindings; want %d", len(r.Variables), tt.wantCount)
			}
			if size > tt.maxSize {
				t.Errorf("response of %d octets; want at most %d", size, tt.maxSize)
			}
		})
	}
}

func TestDroppedMessages(t *testing.T) {
	a := newAgent(t, agent.Options{Users: allUsers})
	tests := []struct {
		name string
		pkt  []byte
		stat func(agent.Stats) uint64
	}{
		{"v1 GETBULK", communityPacket(0, "public", 0xa5, 1, 0, 5, system), func(s agent.Stats) uint64 { return s.UnsupportedPDUs }},
		{"a response", communityPacket(1, "public", 0xa2, 1, 0, 0, system), func(s agent.Stats) uint64 { return s.UnsupportedPDUs }},
		{"an SNMPv2 trap", communityPacket(1, "public", 0xa7, 1, 0, 0, system), func(s agent.Stats) uint64 { return s.UnsupportedPDUs }},
		{"an inform", communityPacket(1, "public", 0xa6, 1, 0, 0, system), func(s agent.Stats) uint64 { return s.UnsupportedPDUs }},
		{"a report", communityPacket(1, "public", 0xa8, 1, 0, 0, system), func(s agent.Stats) uint64 { return s.UnsupportedPDUs }},
		{"an SNMPv1 trap", ber(0x30, berInt(0), ber(0x04, []byte("public")), ber(0xa4, berOID(system))), func(s agent.Stats) uint64 { return s.UnsupportedPDUs }},
		{"version 2 (SNMPv2u)", communityPacket(2, "public", 0xa0, 1, 0, 0, sysDescr), func(s agent.Stats) uint64 { return s.BadVersions }},
		{"version -1", communityPacket(-1, "public", 0xa0, 1, 0, 0, sysDescr), func(s agent.Stats) uint64 { return s.BadVersions }},
		{"negative request-id", communityPacket(1, "public", 0xa0, -7, 0, 0, sysDescr), func(s agent.Stats) uint64 { return s.Dropped }},
		{"unknown community", communityPacket(1, "guess", 0xa0, 1, 0, 0, sysDescr), func(s agent.Stats) uint64 { return s.BadCommunities }},
		{"community of 128 octets", communityPacket(1, strings.Repeat("c", 128), 0xa0, 1, 0, 0, sysDescr), func(s agent.Stats) uint64 { return s.BadCommunities }},
		{"OID of 129 arcs", communityPacket(1, "public", 0xa0, 1, 0, 0, make(mib.OID, 129)), func(s agent.Stats) uint64 { return s.Malformed }},
		{"trailing octets", append(communityPacket(1, "public", 0xa0, 1, 0, 0, sysDescr), 0), func(s agent.Stats) uint64 { return s.Malformed }},
		{"indefinite length", []byte{0x30, 0x80, 0x02, 0x01, 0x01, 0, 0}, func(s agent.Stats) uint64 { return s.Malformed }},
		{"empty", nil, func(s agent.Stats) uint64 { return s.Malformed }},
		{"v3 msgMaxSize below 484", v3Request{user: userNoAuth, flags: gosnmp.Reportable, maxSize: 483}.encode(t), func(s agent.Stats) uint64 { return s.Malformed }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.stat(a.Stats())
			if out, _ := a.HandlePacket(tt.pkt, testSource); out != nil {
				t.Errorf("answered %d octets; want silence", len(out))
			}
			if got := tt.stat(a.Stats()); got != before+1 {
				t.Errorf("counter = %d; want %d", got, before+1)
			}
		})
	}
	if s := a.Stats(); s.Panics != 0 {
		t.Errorf("Stats().Panics = %d; want 0", s.Panics)
	}
}

// badView is a View with bugs: values of the wrong Go type, a Next that
// goes backwards, a Get that panics.
type badView struct{}

var (
	byteInteger = mib.MustOID("1.3.6.1.4.1.99999.50.1.0")
	intOID      = mib.MustOID("1.3.6.1.4.1.99999.50.2.0")
	badIP       = mib.MustOID("1.3.6.1.4.1.99999.50.3.0")
	hugeInteger = mib.MustOID("1.3.6.1.4.1.99999.50.4.0")
	panics      = mib.MustOID("1.3.6.1.4.1.99999.50.5.0")
	goodVar     = mib.MustOID("1.3.6.1.4.1.99999.50.6.0")
	backwards   = mib.MustOID("1.3.6.1.4.1.99999.50.7.0")
)

func (badView) Get(o mib.OID) (mib.Value, mib.Status) {
	switch o.String() {
	case byteInteger.String():
		return mib.Value{Type: gosnmp.Integer, Value: byte(3)}, mib.Found
	case intOID.String():
		return mib.Value{Type: gosnmp.ObjectIdentifier, Value: 42}, mib.Found
	case badIP.String():
		return mib.IPAddress("not an address"), mib.Found
	case hugeInteger.String():
		return mib.Integer(math.MaxInt32 + 1), mib.Found
	case panics.String():
		panic("view bug")
	case goodVar.String():
		return mib.Integer(1), mib.Found
	}
	return mib.Value{}, mib.Status(9)
}

func (badView) Next(o mib.OID) (mib.OID, mib.Value, bool) {
	switch {
	case mib.Compare(o, goodVar) == 0:
		return backwards, mib.Integer(2), true
	case mib.Compare(o, backwards) >= 0:
		return goodVar, mib.Integer(1), true
	}
	return byteInteger, mib.Value{Type: gosnmp.Integer, Value: byte(3)}, true
}

func (badView) Set([]mib.Var) (int, error) {
	return 7, &mib.SetError{Status: gosnmp.SNMPError(99), Reason: "nonsense"}
}

func TestBuggyViews(t *testing.T) {
	a := newAgent(t, agent.Options{Resolve: resolver(badView{}, nil)})
	tests := []struct {
		name      string
		pkt       []byte
		wantErr   gosnmp.SNMPError
		wantIndex uint8
	}{
		{"Integer holding a byte", communityPacket(1, "public", 0xa0, 1, 0, 0, goodVar, byteInteger), gosnmp.GenErr, 2},
		{"OID holding an int", communityPacket(1, "public", 0xa0, 1, 0, 0, intOID), gosnmp.GenErr, 1},
		{"unparsable IpAddress", communityPacket(1, "public", 0xa0, 1, 0, 0, badIP), gosnmp.GenErr, 1},
		{"Integer beyond 32 bits", communityPacket(1, "public", 0xa0, 1, 0, 0, hugeInteger), gosnmp.GenErr, 1},
		{"unknown status", communityPacket(1, "public", 0xa0, 1, 0, 0, sysDescr), gosnmp.GenErr, 1},
		{"Next going backwards", communityPacket(1, "public", 0xa1, 1, 0, 0, goodVar, backwards), gosnmp.GenErr, 2},
		{"Next value of the wrong type", communityPacket(1, "public", 0xa5, 1, 0, 3, system), gosnmp.GenErr, 1},
		{"SET status out of range", ber(0x30, berInt(1), ber(0x04, []byte("public")),
			ber(0xa3, berInt(1), berInt(0), berInt(0), ber(0x30, ber(0x30, berOID(goodVar), berInt(5))))), gosnmp.GenErr, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := decode(t, first(a.HandlePacket(tt.pkt, testSource)), gosnmp.Version2c, agent.User{}, "")
			if r.Error != tt.wantErr || r.ErrorIndex != tt.wantIndex {
				t.Errorf("response = %v index %d; want %v index %d", r.Error, r.ErrorIndex, tt.wantErr, tt.wantIndex)
			}
		})
	}
	if out, _ := a.HandlePacket(communityPacket(1, "public", 0xa0, 1, 0, 0, panics), testSource); out != nil {
		t.Errorf("a panicking view answered; want silence")
	}
	if s := a.Stats(); s.Panics != 1 {
		t.Errorf("Stats().Panics = %d after a view panicked; want 1", s.Panics)
	}
}

func TestBehaviourHandler(t *testing.T) {
	slow, dead := newFixture(), newFixture()
	slow.SetBehaviour(3*time.Second, false)
	dead.SetBehaviour(time.Second, true)
	a := fixedAgent(t, agent.Options{Users: []agent.User{userNoAuth}, Resolve: resolver(newFixture(), map[string]mib.View{"slow": slow, "dead": dead})})
	id := string(a.EngineID())
	tests := []struct {
		name      string
		pkt       []byte
		wantDelay time.Duration
		wantReply bool
	}{
		{"healthy", communityPacket(1, "public", 0xa0, 1, 0, 0, sysDescr), 0, true},
		{"slow", communityPacket(1, "slow", 0xa0, 1, 0, 0, sysDescr), 3 * time.Second, true},
		{"dead", communityPacket(1, "dead", 0xa0, 1, 0, 0, sysDescr), 0, false},
		{"slow v3 context", v3Request{user: userNoAuth, flags: gosnmp.Reportable, engineID: id, boots: 1, ctxName: "slow", pdus: nulls(sysDescr)}.encode(t), 3 * time.Second, true},
		{"dead v3 context", v3Request{user: userNoAuth, flags: gosnmp.Reportable, engineID: id, boots: 1, ctxName: "dead", pdus: nulls(sysDescr)}.encode(t), 0, false},
		{"discovery of a dead context", v3Request{flags: gosnmp.Reportable, ctxName: "dead"}.encode(t), 0, false},
		{"discovery of a slow context", v3Request{flags: gosnmp.Reportable, ctxName: "slow"}.encode(t), 3 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, delay := a.HandlePacket(tt.pkt, testSource)
			if (out != nil) != tt.wantReply || delay != tt.wantDelay {
				t.Errorf("reply %v after %v; want reply %v after %v", out != nil, delay, tt.wantReply, tt.wantDelay)
			}
		})
	}
}
