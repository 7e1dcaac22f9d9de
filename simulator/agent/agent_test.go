package agent_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"

	"feedplan/simulator/agent"
	"feedplan/simulator/agent/agenttest"
	"feedplan/simulator/mib"
)

var _ agent.DeviceBehaviour = (*agenttest.View)(nil)

func TestNewRejectsBadOptions(t *testing.T) {
	log := testLogger(t)
	resolve := resolver(newFixture(), nil)
	ok := func(o agent.Options) agent.Options {
		if o.Logger == nil {
			o.Logger = log
		}
		if o.Resolve == nil {
			o.Resolve = resolve
		}
		return o
	}
	badBoots := filepath.Join(t.TempDir(), "boots")
	if err := os.WriteFile(badBoots, []byte("many\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opt  agent.Options
		want string
	}{
		{"no logger", agent.Options{Resolve: resolve}, "Logger is nil"},
		{"no resolver", agent.Options{Logger: log}, "Resolve is nil"},
		{"all interfaces", ok(agent.Options{Listen: "0.0.0.0:0"}), "not on loopback"},
		{"a network address", ok(agent.Options{Listen: "192.0.2.1:161"}), "not on loopback"},
		{"unparsable address", ok(agent.Options{Listen: "127.0.0.1"}), "listen address"},
		{"short engine ID", ok(agent.Options{EngineID: []byte{0x80, 0, 0, 1}}), "EngineID of 4 octets"},
		{"long engine ID", ok(agent.Options{EngineID: make([]byte, 33)}), "EngineID of 33 octets"},
		{"negative repetitions", ok(agent.Options{MaxRepetitions: -1}), "MaxRepetitions"},
		{"negative workers", ok(agent.Options{Workers: -2}), "Workers"},
		{"NaN rate", ok(agent.Options{RateLimit: math.NaN()}), "RateLimit"},
		{"negative rate", ok(agent.Options{RateLimit: -1}), "RateLimit"},
		{"user without name", ok(agent.Options{Users: []agent.User{{Auth: "SHA", AuthKey: "authpass1"}}}), "name of 0 octets"},
		{"user name too long", ok(agent.Options{Users: []agent.User{{Name: strings.Repeat("u", 33)}}}), "name of 33 octets"},
		{"unknown auth", ok(agent.Options{Users: []agent.User{{Name: "u", Auth: "SHA1024", AuthKey: "authpass1"}}}), `authentication protocol "SHA1024"`},
		{"unknown priv", ok(agent.Options{Users: []agent.User{{Name: "u", Auth: "SHA", AuthKey: "authpass1", Priv: "3DES", PrivKey: "privpass1"}}}), `privacy protocol "3DES"`},
		{"short auth key", ok(agent.Options{Users: []agent.User{{Name: "u", Auth: "SHA", AuthKey: "short"}}}), "shorter than 8"},
		{"short priv key", ok(agent.Options{Users: []agent.User{{Name: "u", Auth: "SHA", AuthKey: "authpass1", Priv: "AES", PrivKey: "short"}}}), "shorter than 8"},
		{"priv without auth", ok(agent.Options{Users: []agent.User{{Name: "u", Priv: "AES", PrivKey: "privpass1"}}}), "without an authentication protocol"},
		{"key without protocol", ok(agent.Options{Users: []agent.User{{Name: "u", Auth: "SHA", AuthKey: "authpass1", PrivKey: "privpass1"}}}), "without a privacy protocol"},
		{"duplicate user", ok(agent.Options{Users: []agent.User{userSHA, userSHA}}), "defined twice"},
		{"bad boots file", ok(agent.Options{BootsFile: badBoots}), "is not a number of boots"},
		{"boots file in a missing directory", ok(agent.Options{BootsFile: filepath.Join(t.TempDir(), "no", "boots")}), "boots file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := agent.New(tt.opt)
			if err == nil {
				a.Close()
				t.Fatalf("New(%s) = nil error; want one containing %q", tt.name, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New(%s) = %q; want it to contain %q", tt.name, err, tt.want)
			}
			if strings.Contains(err.Error(), "authpass1") || strings.Contains(err.Error(), "privpass1") {
				t.Errorf("New(%s) = %q; the error shows a passphrase", tt.name, err)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	a := newAgent(t, agent.Options{})
	addr := a.Addr()
	if !addr.IP.IsLoopback() || addr.Port == 0 {
		t.Errorf("Addr() = %v; want a bound loopback port", addr)
	}
	// RFC 3411 format 5 under enterprise 8072: 80 00 1f 88 05, then the
	// address and the port.
	want := append([]byte{0x80, 0x00, 0x1f, 0x88, 0x05, 127, 0, 0, 1}, byte(addr.Port>>8), byte(addr.Port))
	if got := a.EngineID(); !bytes.Equal(got, want) {
		t.Errorf("EngineID() = %x; want %x", got, want)
	}
	b := newAgent(t, agent.Options{Listen: "[::1]:0"})
	if got := b.EngineID(); len(got) != 5+16+2 || !bytes.Equal(got[:5], want[:5]) {
		t.Errorf("EngineID() on [::1] = %x; want 80001f8805, 16 octets of address and the port", got)
	}
	id := []byte("\x80\x00\x1f\x88\x04pdu-r12-a")
	c := newAgent(t, agent.Options{EngineID: id})
	if got := c.EngineID(); !bytes.Equal(got, id) {
		t.Errorf("EngineID() = %x; want the configured %x", got, id)
	}
}

func TestAllowNonLoopback(t *testing.T) {
	a := newAgent(t, agent.Options{Listen: "0.0.0.0:0", AllowNonLoopback: true})
	if !a.Addr().IP.IsUnspecified() {
		t.Errorf("Addr() = %v; want 0.0.0.0", a.Addr())
	}
}

func TestUserNeverPrintsPassphrases(t *testing.T) {
	u := agent.User{Name: "ops", Auth: "SHA256", AuthKey: "s3cret-auth", Priv: "AES", PrivKey: "s3cret-priv"}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("user", "u", u)
	for _, s := range []string{fmt.Sprint(u), fmt.Sprintf("%v %+v %#v %s", u, u, u, u), logged.String()} {
		if strings.Contains(s, "s3cret") {
			t.Errorf("printing a User gave %q; want no passphrase", s)
		}
		if !strings.Contains(s, "ops") {
			t.Errorf("printing a User gave %q; want its name", s)
		}
	}
}

func TestRun(t *testing.T) {
	a := newAgent(t, agent.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	g := client(t, a, gosnmp.Version2c, "public")
	if _, err := g.Get([]string{sysDescr.String()}); err != nil {
		t.Fatalf("Get(sysDescr) while running: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run() = %v after cancel; want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
	if err := a.Run(context.Background()); err == nil {
		t.Error("second Run() = nil; want an error")
	}
	g.Timeout = 200 * time.Millisecond
	if _, err := g.Get([]string{sysDescr.String()}); err == nil {
		t.Error("Get(sysDescr) after Run returned succeeded; want a timeout")
	}
}

func TestGet(t *testing.T) {
	a := startAgent(t, agent.Options{})
	noSuch := mib.MustOID("1.3.6.1.2.1.1.99.0")
	noInstance := mib.MustOID("1.3.6.1.2.1.1.1.1")
	tests := []struct {
		name      string
		version   gosnmp.SnmpVersion
		oids      []mib.OID
		want      []mib.Value
		wantErr   gosnmp.SNMPError
		wantIndex uint8
	}{
		{"v2c scalars", gosnmp.Version2c, []mib.OID{sysDescr, sysObjectID, sysUpTime},
			[]mib.Value{mib.String("APC Web/SNMP Management Card (simulated)"), mib.ObjectID(mib.MustOID("1.3.6.1.4.1.318.1.3.4.6")), mib.TimeTicks(123456)}, 0, 0},
		{"v2c every type", gosnmp.Version2c, []mib.OID{ifSpeed1, ifInOctets1, ipAdEntAddr, ifHCInOctets, opaqueVar, negativeVar, lastVar},
			[]mib.Value{mib.Gauge32(1e9), mib.Counter32(4e9), mib.IPAddress("127.0.0.1"), mib.Counter64(1 << 40), mib.Opaque([]byte{0xde, 0xad, 0xbe, 0xef}), mib.Integer(-5), mib.Integer(math.MaxInt32)}, 0, 0},
		{"v2c exceptions", gosnmp.Version2c, []mib.OID{noSuch, sysDescr, noInstance},
			[]mib.Value{mib.Exception(gosnmp.NoSuchObject), mib.String("APC Web/SNMP Management Card (simulated)"), mib.Exception(gosnmp.NoSuchInstance)}, 0, 0},
		{"v1 scalars", gosnmp.Version1, []mib.OID{sysDescr, ifInOctets1},
			[]mib.Value{mib.String("APC Web/SNMP Management Card (simulated)"), mib.Counter32(4e9)}, 0, 0},
		{"v1 no such object", gosnmp.Version1, []mib.OID{sysDescr, noSuch}, nil, gosnmp.NoSuchName, 2},
		{"v1 no such instance", gosnmp.Version1, []mib.OID{noInstance}, nil, gosnmp.NoSuchName, 1},
		{"v1 Counter64", gosnmp.Version1, []mib.OID{sysDescr, sysName, ifHCInOctets}, nil, gosnmp.NoSuchName, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := client(t, a, tt.version, "public")
			names := make([]string, len(tt.oids))
			for i, o := range tt.oids {
				names[i] = o.String()
			}
			r, err := g.Get(names)
			if err != nil {
				t.Fatalf("Get(%v): %v", names, err)
			}
			if r.Error != tt.wantErr || r.ErrorIndex != tt.wantIndex {
				t.Fatalf("Get(%v) = error %v index %d; want %v index %d", names, r.Error, r.ErrorIndex, tt.wantErr, tt.wantIndex)
			}
			got := vars(t, r.Variables)
			if len(got) != len(tt.oids) {
				t.Fatalf("Get(%v) = %d bindings; want %d", names, len(got), len(tt.oids))
			}
			for i, v := range got {
				if mib.Compare(v.OID, tt.oids[i]) != 0 {
					t.Errorf("Get(%v) binding %d is %s; want %s", names, i+1, v.OID, tt.oids[i])
				}
				if tt.wantErr != 0 {
					if v.Value.Type != gosnmp.Null {
						t.Errorf("Get(%v) error response binding %d = %v; want the request's NULL", names, i+1, v.Value)
					}
				} else if !sameValue(v.Value, tt.want[i]) {
					t.Errorf("Get(%s) = %v %v; want %v %v", v.OID, v.Value.Type, v.Value.Value, tt.want[i].Type, tt.want[i].Value)
				}
			}
		})
	}
}

func TestGetNext(t *testing.T) {
	a := startAgent(t, agent.Options{})
	tests := []struct {
		name      string
		version   gosnmp.SnmpVersion
		from      []mib.OID
		want      []mib.OID // nil entry: endOfMibView
		wantErr   gosnmp.SNMPError
		wantIndex uint8
	}{
		{"v2c from a prefix", gosnmp.Version2c, []mib.OID{system}, []mib.OID{sysDescr}, 0, 0},
		{"v2c from a variable", gosnmp.Version2c, []mib.OID{sysDescr, ipAdEntAddr}, []mib.OID{sysObjectID, ifHCInOctets}, 0, 0},
		{"v2c past the end", gosnmp.Version2c, []mib.OID{sysName, lastVar}, []mib.OID{sysLocation, nil}, 0, 0},
		{"v1 skips Counter64", gosnmp.Version1, []mib.OID{ipAdEntAddr}, []mib.OID{opaqueVar}, 0, 0},
		{"v1 past the end", gosnmp.Version1, []mib.OID{sysDescr, lastVar}, nil, gosnmp.NoSuchName, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := client(t, a, tt.version, "public")
			names := make([]string, len(tt.from))
			for i, o := range tt.from {
				names[i] = o.String()
			}
			r, err := g.GetNext(names)
			if err != nil {
				t.Fatalf("GetNext(%v): %v", names, err)
			}
			if r.Error != tt.wantErr || r.ErrorIndex != tt.wantIndex {
				t.Fatalf("GetNext(%v) = error %v index %d; want %v index %d", names, r.Error, r.ErrorIndex, tt.wantErr, tt.wantIndex)
			}
			if tt.wantErr != 0 {
				return
			}
			got := vars(t, r.Variables)
			for i, w := range tt.want {
				switch {
				case w == nil && got[i].Value.Type != gosnmp.EndOfMibView:
					t.Errorf("GetNext(%s) = %s %v; want endOfMibView", tt.from[i], got[i].OID, got[i].Value.Type)
				case w == nil && mib.Compare(got[i].OID, tt.from[i]) != 0:
					t.Errorf("GetNext(%s) = endOfMibView at %s; want it at the requested OID", tt.from[i], got[i].OID)
				case w != nil && mib.Compare(got[i].OID, w) != 0:
					t.Errorf("GetNext(%s) = %s; want %s", tt.from[i], got[i].OID, w)
				}
			}
		})
	}
}

func TestWalkEqualsTable(t *testing.T) {
	view := newFixture()
	a := startAgent(t, agent.Options{Users: allUsers, Resolve: resolver(view, nil)})
	all := varList(fixtureVars())
	var noCounter64 varList
	for _, v := range all {
		if v.Value.Type != gosnmp.Counter64 {
			noCounter64 = append(noCounter64, v)
		}
	}
	tests := []struct {
		name string
		g    func(t *testing.T) *gosnmp.GoSNMP
		bulk bool
		want varList
	}{
		{"v1 walk", func(t *testing.T) *gosnmp.GoSNMP { return client(t, a, gosnmp.Version1, "public") }, false, noCounter64},
		{"v2c walk", func(t *testing.T) *gosnmp.GoSNMP { return client(t, a, gosnmp.Version2c, "public") }, false, all},
		{"v2c bulk walk", func(t *testing.T) *gosnmp.GoSNMP { return client(t, a, gosnmp.Version2c, "public") }, true, all},
		{"v3 noAuthNoPriv bulk walk", func(t *testing.T) *gosnmp.GoSNMP { return clientV3(t, a, userNoAuth, "") }, true, all},
		{"v3 SHA/AES bulk walk", func(t *testing.T) *gosnmp.GoSNMP { return clientV3(t, a, userSHAAES, "") }, true, all},
		{"v3 SHA-256/AES walk", func(t *testing.T) *gosnmp.GoSNMP { return clientV3(t, a, user256AES, "") }, false, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.g(t)
			g.MaxRepetitions = 4
			walk := g.WalkAll
			if tt.bulk {
				walk = g.BulkWalkAll
			}
			pdus, err := walk(".1.3")
			if err != nil {
				t.Fatalf("walking .1.3: %v", err)
			}
			if got := vars(t, pdus); !sameVars(got, tt.want) {
				t.Errorf("walk(.1.3) = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestV3Levels(t *testing.T) {
	a := startAgent(t, agent.Options{Users: allUsers})
	for _, u := range allUsers {
		t.Run(u.Name, func(t *testing.T) {
			g := clientV3(t, a, u, "")
			r, err := g.Get([]string{sysDescr.String(), sysName.String()})
			if err != nil {
				t.Fatalf("Get(sysDescr, sysName) as %s: %v", u.Name, err)
			}
			got := vars(t, r.Variables)
			if len(got) != 2 || !sameValue(got[1].Value, mib.String("pdu-r12-a")) {
				t.Errorf("Get(sysName) as %s = %v; want pdu-r12-a", u.Name, got)
			}
			if r.MsgFlags&gosnmp.AuthPriv != g.MsgFlags&gosnmp.AuthPriv {
				t.Errorf("response flags %v; want the request's level %v", r.MsgFlags, g.MsgFlags&gosnmp.AuthPriv)
			}
			if sp := g.SecurityParameters.(*gosnmp.UsmSecurityParameters); sp.AuthoritativeEngineID != string(a.EngineID()) || sp.AuthoritativeEngineBoots != 1 {
				t.Errorf("discovered engine %x boots %d; want %x boots 1", sp.AuthoritativeEngineID, sp.AuthoritativeEngineBoots, a.EngineID())
			}
		})
	}
}

func TestV3ClientErrors(t *testing.T) {
	a := startAgent(t, agent.Options{Users: allUsers})
	wrongAuth := userSHAAES
	wrongAuth.AuthKey = "wrongpass"
	authAsNoAuth := agent.User{Name: userSHAAES.Name}
	tests := []struct {
		name    string
		user    agent.User
		wantErr error // nil: any error (gosnmp times out on Reports it cannot authenticate)
		stat    func(agent.Stats) uint64
	}{
		{"unknown user", agent.User{Name: "nobody"}, gosnmp.ErrUnknownUsername, func(s agent.Stats) uint64 { return s.UnknownUserNames }},
		{"level below the user's", authAsNoAuth, gosnmp.ErrUnknownSecurityLevel, func(s agent.Stats) uint64 { return s.UnsupportedSecLevels }},
		{"wrong passphrase", wrongAuth, nil, func(s agent.Stats) uint64 { return s.WrongDigests }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.stat(a.Stats())
			g := clientV3(t, a, tt.user, "")
			g.Timeout = 300 * time.Millisecond
			_, err := g.Get([]string{sysDescr.String()})
			if err == nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Get(sysDescr) as %s = %v; want %v", tt.user.Name, err, tt.wantErr)
			}
			if got := tt.stat(a.Stats()); got <= before {
				t.Errorf("report counter = %d after the request; want more than %d", got, before)
			}
		})
	}
}

func TestV3Contexts(t *testing.T) {
	other := agenttest.NewView([]mib.Var{{OID: sysName, Value: mib.String("ats-1")}})
	a := startAgent(t, agent.Options{Users: []agent.User{userSHAAES}, Resolve: resolver(newFixture(), map[string]mib.View{"ats-1": other})})
	tests := []struct {
		ctx    string
		want   string // "" = a Report
		report string
	}{
		{"", "pdu-r12-a", ""},
		{"ats-1", "ats-1", ""},
		{"nowhere", "", ".1.3.6.1.6.3.12.1.5.0"}, // snmpUnknownContexts
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("context %q", tt.ctx), func(t *testing.T) {
			g := clientV3(t, a, userSHAAES, tt.ctx)
			r, err := g.Get([]string{sysName.String()})
			if tt.want == "" {
				if !errors.Is(err, gosnmp.ErrUnknownReportPDU) || r == nil || len(r.Variables) != 1 || r.Variables[0].Name != tt.report {
					t.Fatalf("Get(sysName) in context %q = %v, %v; want a Report of %s", tt.ctx, r, err, tt.report)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get(sysName) in context %q: %v", tt.ctx, err)
			}
			if got := vars(t, r.Variables); !sameValue(got[0].Value, mib.String(tt.want)) {
				t.Errorf("Get(sysName) in context %q = %v; want %q", tt.ctx, got[0].Value, tt.want)
			}
		})
	}
	if s := a.Stats(); s.UnknownContexts != 1 {
		t.Errorf("Stats().UnknownContexts = %d; want 1", s.UnknownContexts)
	}
}

func TestUnknownCommunityIsNotAnswered(t *testing.T) {
	a := startAgent(t, agent.Options{})
	g := client(t, a, gosnmp.Version2c, "guess")
	g.Timeout = 200 * time.Millisecond
	if r, err := g.Get([]string{sysDescr.String()}); err == nil {
		t.Fatalf("Get(sysDescr) with community guess = %v; want no answer", r)
	}
	if s := a.Stats(); s.BadCommunities != 1 || s.Responses != 0 {
		t.Errorf("Stats() = %d bad communities, %d responses; want 1 and 0", s.BadCommunities, s.Responses)
	}
}

func TestSet(t *testing.T) {
	str := func(o mib.OID, s string) gosnmp.SnmpPDU {
		return gosnmp.SnmpPDU{Name: o.String(), Type: gosnmp.OctetString, Value: []byte(s)}
	}
	tests := []struct {
		name      string
		version   gosnmp.SnmpVersion
		set       []gosnmp.SnmpPDU
		wantErr   gosnmp.SNMPError
		wantIndex uint8
		wantName  string // sysName afterwards
	}{
		{"v2c writable", gosnmp.Version2c, []gosnmp.SnmpPDU{str(sysName, "pdu-r12-b"), str(sysLocation, "room 2")}, gosnmp.NoError, 0, "pdu-r12-b"},
		{"v2c read-only", gosnmp.Version2c, []gosnmp.SnmpPDU{str(sysName, "x"), str(sysDescr, "x")}, gosnmp.NotWritable, 2, "pdu-r12-a"},
		{"v2c no creation", gosnmp.Version2c, []gosnmp.SnmpPDU{str(mib.MustOID("1.3.6.1.2.1.1.99.0"), "x")}, gosnmp.NoCreation, 1, "pdu-r12-a"},
		{"v2c wrong type", gosnmp.Version2c, []gosnmp.SnmpPDU{{Name: sysName.String(), Type: gosnmp.Integer, Value: 3}}, gosnmp.WrongType, 1, "pdu-r12-a"},
		{"v2c NULL value", gosnmp.Version2c, []gosnmp.SnmpPDU{str(sysName, "x"), {Name: sysContact.String(), Type: gosnmp.Null}}, gosnmp.WrongType, 2, "pdu-r12-a"},
		{"v1 writable", gosnmp.Version1, []gosnmp.SnmpPDU{str(sysName, "pdu-r12-c")}, gosnmp.NoError, 0, "pdu-r12-c"},
		{"v1 read-only", gosnmp.Version1, []gosnmp.SnmpPDU{str(sysDescr, "x")}, gosnmp.NoSuchName, 1, "pdu-r12-a"},
		{"v1 no creation", gosnmp.Version1, []gosnmp.SnmpPDU{str(sysName, "x"), str(mib.MustOID("1.3.6.1.2.1.1.99.0"), "x")}, gosnmp.NoSuchName, 2, "pdu-r12-a"},
		{"v1 wrong type", gosnmp.Version1, []gosnmp.SnmpPDU{{Name: sysName.String(), Type: gosnmp.Integer, Value: 3}}, gosnmp.BadValue, 1, "pdu-r12-a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := newFixture()
			a := startAgent(t, agent.Options{Resolve: resolver(view, nil)})
			g := client(t, a, tt.version, "private")
			r, err := g.Set(tt.set)
			if err != nil {
				t.Fatalf("Set: %v", err)
			}
			if r.Error != tt.wantErr || r.ErrorIndex != tt.wantIndex {
				t.Errorf("Set = error %v index %d; want %v index %d", r.Error, r.ErrorIndex, tt.wantErr, tt.wantIndex)
			}
			if len(r.Variables) != len(tt.set) {
				t.Errorf("Set response has %d bindings; want the request's %d", len(r.Variables), len(tt.set))
			}
			g2, err := g.Get([]string{sysName.String()})
			if err != nil {
				t.Fatalf("Get(sysName): %v", err)
			}
			if got := vars(t, g2.Variables)[0].Value; !sameValue(got, mib.String(tt.wantName)) {
				t.Errorf("Get(sysName) after Set = %q; want %q", got.Value, tt.wantName)
			}
		})
	}
}

// failingView fails every SET with a plain error.
type failingView struct{ *agenttest.View }

func (failingView) Set([]mib.Var) (int, error) { return 0, errors.New("disk full") }

func TestSetGenErr(t *testing.T) {
	a := startAgent(t, agent.Options{Resolve: resolver(failingView{newFixture()}, nil)})
	g := client(t, a, gosnmp.Version2c, "private")
	r, err := g.Set([]gosnmp.SnmpPDU{{Name: sysName.String(), Type: gosnmp.OctetString, Value: []byte("x")}})
	if err != nil {
		t.Fatalf("Set: %v", err)
	}
	if r.Error != gosnmp.GenErr || r.ErrorIndex != 1 {
		t.Errorf("Set on a failing view = %v index %d; want genErr index 1", r.Error, r.ErrorIndex)
	}
}

func TestBehaviour(t *testing.T) {
	const delay = 800 * time.Millisecond
	slow := newFixture()
	slow.SetBehaviour(delay, false)
	dead := newFixture()
	dead.SetBehaviour(0, true)
	// One worker: a delay must not hold it.
	a := startAgent(t, agent.Options{Workers: 1, Resolve: resolver(newFixture(), map[string]mib.View{"slow": slow, "dead": dead})})

	slowDone := make(chan error, 1)
	sg := client(t, a, gosnmp.Version2c, "slow")
	start := time.Now()
	go func() {
		_, err := sg.Get([]string{sysDescr.String()})
		slowDone <- err
	}()
	// Wait until the slow request is in the agent, then ask the fast one.
	for a.Stats().Requests == 0 {
		if time.Since(start) > 5*time.Second {
			t.Fatal("the slow device's request never reached the agent")
		}
		time.Sleep(time.Millisecond)
	}
	g := client(t, a, gosnmp.Version2c, "public")
	if _, err := g.Get([]string{sysDescr.String()}); err != nil {
		t.Fatalf("Get(sysDescr) from the healthy device: %v", err)
	}
	select {
	case err := <-slowDone:
		t.Fatalf("the slow device answered (%v) before the healthy one; want it %v late", err, delay)
	default:
	}
	if err := <-slowDone; err != nil {
		t.Fatalf("Get(sysDescr) from the slow device: %v", err)
	}
	if took := time.Since(start); took < delay {
		t.Errorf("the slow device answered after %v; want at least %v", took, delay)
	}

	d := client(t, a, gosnmp.Version2c, "dead")
	d.Timeout = 200 * time.Millisecond
	if r, err := d.Get([]string{sysDescr.String()}); err == nil {
		t.Errorf("Get(sysDescr) from the dead device = %v; want no answer", r)
	}
	if s := a.Stats(); s.DeviceDrops != 1 {
		t.Errorf("Stats().DeviceDrops = %d; want 1", s.DeviceDrops)
	}
}

func TestRateLimit(t *testing.T) {
	a := startAgent(t, agent.Options{RateLimit: 1}) // a burst of 2
	g := client(t, a, gosnmp.Version2c, "public")
	g.Timeout = 300 * time.Millisecond
	for i := range 2 {
		if _, err := g.Get([]string{sysDescr.String()}); err != nil {
			t.Fatalf("Get %d within the burst: %v", i+1, err)
		}
	}
	if r, err := g.Get([]string{sysDescr.String()}); err == nil {
		t.Fatalf("Get 3 beyond the burst = %v; want no answer", r)
	}
	if s := a.Stats(); s.RateLimited != 1 {
		t.Errorf("Stats().RateLimited = %d; want 1", s.RateLimited)
	}
}

func TestBootsPersistAndReboot(t *testing.T) {
	file := filepath.Join(t.TempDir(), "engine.boots")
	boots := func(g *gosnmp.GoSNMP) uint32 {
		return g.SecurityParameters.(*gosnmp.UsmSecurityParameters).AuthoritativeEngineBoots
	}
	get := func(t *testing.T, g *gosnmp.GoSNMP) {
		t.Helper()
		r, err := g.Get([]string{sysName.String()})
		if err != nil {
			t.Fatalf("Get(sysName): %v", err)
		}
		if r.PDUType != gosnmp.GetResponse {
			t.Fatalf("Get(sysName) = %v; want a response", r.PDUType)
		}
	}
	for run, want := range []uint32{1, 2} {
		t.Run(fmt.Sprintf("start %d", run+1), func(t *testing.T) {
			a := startAgent(t, agent.Options{Users: []agent.User{userSHAAES}, BootsFile: file})
			g := clientV3(t, a, userSHAAES, "")
			get(t, g)
			if got := boots(g); got != want {
				t.Fatalf("snmpEngineBoots at start %d = %d; want %d", run+1, got, want)
			}
			if run == 1 {
				// The manager's cached boots are now stale: the agent
				// answers notInTimeWindow (signed, or gosnmp would not
				// believe it) and gosnmp retries with the new ones.
				a.Reboot()
				get(t, g)
				if got := boots(g); got != want+1 {
					t.Errorf("snmpEngineBoots after Reboot = %d; want %d", got, want+1)
				}
				if s := a.Stats(); s.NotInTimeWindows != 1 {
					t.Errorf("Stats().NotInTimeWindows = %d; want 1", s.NotInTimeWindows)
				}
			}
		})
	}
	a := newAgent(t, agent.Options{BootsFile: file})
	a.Close()
	if b, err := os.ReadFile(file); err != nil || string(b) != "4\n" {
		t.Errorf("boots file = %q, %v after three starts and a reboot; want \"4\\n\"", b, err)
	}
}

func TestConcurrentClients(t *testing.T) {
	view := newFixture()
	a := startAgent(t, agent.Options{Users: allUsers, Resolve: resolver(view, nil)})
	const goroutines, requests = 32, 40
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for i := range goroutines {
		var g *gosnmp.GoSNMP
		switch i % 4 {
		case 0:
			g = client(t, a, gosnmp.Version2c, "public")
		case 1:
			g = client(t, a, gosnmp.Version1, "public")
		default:
			g = clientV3(t, a, allUsers[i%len(allUsers)], "")
		}
		wg.Go(func() {
			for n := range requests {
				switch {
				case i%4 == 3 && n%2 == 0: // writers
					loc := fmt.Sprintf("rack %d", n)
					r, err := g.Set([]gosnmp.SnmpPDU{{Name: sysLocation.String(), Type: gosnmp.OctetString, Value: []byte(loc)}})
					if err != nil || r.Error != gosnmp.NoError {
						errs <- fmt.Errorf("client %d: Set(sysLocation) = %v, %v", i, r, err)
						return
					}
				case i%4 == 2 && n%10 == 0: // walkers
					pdus, err := g.BulkWalkAll(system.String())
					if err != nil || len(pdus) != 6 {
						errs <- fmt.Errorf("client %d: BulkWalkAll(system) = %d variables, %v; want 6", i, len(pdus), err)
						return
					}
				default:
					r, err := g.Get([]string{sysName.String(), ifInOctets1.String()})
					if err != nil {
						errs <- fmt.Errorf("client %d: %w", i, err)
						return
					}
					if string(r.Variables[0].Value.([]byte)) != "pdu-r12-a" {
						errs <- fmt.Errorf("client %d: Get(sysName) = %q", i, r.Variables[0].Value)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s := a.Stats(); s.Panics != 0 || s.Malformed != 0 || s.Dropped != 0 {
		t.Errorf("Stats() = %+v; want no panics, malformed or dropped packets", s)
	}
	if n := len(view.Sets()); n != goroutines/4*requests/2 {
		t.Errorf("the view received %d SETs; want %d", n, goroutines/4*requests/2)
	}
}

// TestHostileDatagramsOverUDP checks the socket side survives garbage
// and still answers.
func TestHostileDatagramsOverUDP(t *testing.T) {
	a := startAgent(t, agent.Options{Users: allUsers})
	c, err := net.DialUDP("udp", nil, a.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	good := requestPacket(t, gosnmp.Version2c, "public", gosnmp.GetRequest, nulls(sysDescr), 0, 0)
	for _, p := range [][]byte{{}, {0x30}, {0x30, 0x80, 0, 0}, good[:len(good)-1], bytes.Repeat([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff}, 10), make([]byte, 65507)} {
		if _, err := c.Write(p); err != nil {
			t.Fatalf("writing %d octets: %v", len(p), err)
		}
	}
	g := client(t, a, gosnmp.Version2c, "public")
	if _, err := g.Get([]string{sysDescr.String()}); err != nil {
		t.Fatalf("Get(sysDescr) after garbage: %v", err)
	}
	if s := a.Stats(); s.Panics != 0 {
		t.Errorf("Stats().Panics = %d; want 0", s.Panics)
	}
}

func ExampleNew() {
	view := agenttest.NewView([]mib.Var{{OID: mib.MustOID("1.3.6.1.2.1.1.5.0"), Value: mib.String("pdu-r12-a")}})
	a, err := agent.New(agent.Options{
		Resolve: func(community, context string) (mib.View, bool) {
			return view, community == "public" || community == ""
		},
		Users:  []agent.User{{Name: "ops", Auth: "SHA256", AuthKey: "authpass1", Priv: "AES", PrivKey: "privpass1"}},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()

	g := &gosnmp.GoSNMP{Target: "127.0.0.1", Port: uint16(a.Addr().Port), Community: "public", Version: gosnmp.Version2c, Timeout: 2 * time.Second}
	if err := g.Connect(); err != nil {
		fmt.Println(err)
		return
	}
	defer g.Conn.Close()
	r, err := g.Get([]string{".1.3.6.1.2.1.1.5.0"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s = %s\n", r.Variables[0].Name, r.Variables[0].Value)
	cancel()
	fmt.Println("Run:", <-done)
	fmt.Println("engine ID format:", hex.EncodeToString(a.EngineID()[:5]))
	// Output:
	// .1.3.6.1.2.1.1.5.0 = pdu-r12-a
	// Run: <nil>
	// engine ID format: 80001f8805
}
