package agent_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"feedplan/simulator/agent"
	"feedplan/simulator/mib"
)

// These tests run net-snmp's command-line tools against the agent: the
// real manager technicians use. CI installs them (apt-get install snmp);
// a missing tool fails the test, it never skips it.

// netsnmp runs a net-snmp tool with a private configuration and
// persistent directory, numeric output and a timeout.
func netsnmp(t *testing.T, tool string, args ...string) (string, error) {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s not found: apt-get install snmp", tool)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	dir := t.TempDir()
	cmd := exec.CommandContext(ctx, path, append([]string{"-On", "-Oe", "-r", "1", "-t", "2", "-m", ""}, args...)...)
	// No user or system snmp.conf, no MIB loading, no writes to
	// /var/lib/snmp.
	cmd.Env = append(os.Environ(), "SNMPCONFPATH="+dir, "SNMP_PERSISTENT_DIR="+dir, "MIBS=", "MIBDIRS="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: no result within 30 s", tool, strings.Join(args, " "))
	}
	// net-snmp reports its errors on stderr, after chatter such as
	// "Created directory: …" for its fresh persistent directory.
	return string(out) + stderr.String(), err
}

// stdout is the lines of out that print variables.
func variables(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, ".") {
			lines = append(lines, strings.TrimRight(l, " "))
		}
	}
	return strings.Join(lines, "\n")
}

// netsnmpLine is how snmpwalk -On -Oe prints one variable of the fixture.
func netsnmpLine(v mib.Var) string {
	var val string
	switch x := v.Value.Value.(type) {
	case []byte:
		if v.Value.Type == mib.Opaque(nil).Type {
			val = fmt.Sprintf("OPAQUE: % X", x)
		} else {
			val = fmt.Sprintf("STRING: %q", x)
		}
	case string:
		if strings.HasPrefix(x, ".") {
			val = "OID: " + x
		} else {
			val = "IpAddress: " + x
		}
	case int:
		val = fmt.Sprintf("INTEGER: %d", x)
	case uint64:
		val = fmt.Sprintf("Counter64: %d", x)
	case uint32:
		if v.Value.Type == mib.TimeTicks(0).Type {
			val = fmt.Sprint(x) // -Ot: raw hundredths
		} else {
			val = fmt.Sprintf("%v: %d", v.Value.Type, x)
		}
	}
	return v.OID.String() + " = " + val
}

func wantWalk() string {
	var lines []string
	for _, v := range fixtureVars() {
		lines = append(lines, netsnmpLine(v))
	}
	return strings.Join(lines, "\n")
}

// walked drops what snmpwalk adds at the end of a view.
func walked(out string) string {
	out = variables(out)
	out = strings.TrimSuffix(out, ".1.3.6.1.4.1.99999.3.0 = No more variables left in this MIB View (It is past the end of the MIB tree)")
	return strings.TrimSpace(out)
}

func TestNetSNMPWalk(t *testing.T) {
	a := startAgent(t, agent.Options{Users: allUsers})
	target := a.Addr().String()
	v3 := func(u agent.User, level, auth, priv string) []string {
		args := []string{"-v3", "-l", level, "-u", u.Name}
		if auth != "" {
			args = append(args, "-a", auth, "-A", u.AuthKey)
		}
		if priv != "" {
			args = append(args, "-x", priv, "-X", u.PrivKey)
		}
		return args
	}
	tests := []struct {
		name string
		tool string
		args []string
	}{
		{"v2c snmpwalk", "snmpwalk", []string{"-v2c", "-c", "public"}},
		{"v2c snmpbulkwalk", "snmpbulkwalk", []string{"-v2c", "-c", "public", "-Cr5"}},
		{"v3 noAuthNoPriv", "snmpbulkwalk", v3(userNoAuth, "noAuthNoPriv", "", "")},
		{"v3 authNoPriv MD5", "snmpwalk", v3(userMD5, "authNoPriv", "MD5", "")},
		{"v3 authPriv SHA/AES", "snmpwalk", v3(userSHAAES, "authPriv", "SHA", "AES")},
		{"v3 authPriv SHA/DES", "snmpbulkwalk", v3(userSHADES, "authPriv", "SHA", "DES")},
		{"v3 authPriv SHA-256/AES", "snmpwalk", v3(user256AES, "authPriv", "SHA-256", "AES")},
		{"v3 authPriv SHA-224/AES-192", "snmpbulkwalk", v3(user224192, "authPriv", "SHA-224", "AES-192")},
		{"v3 authPriv SHA-512/AES-256", "snmpbulkwalk", v3(user512256, "authPriv", "SHA-512", "AES-256")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.args, "-Ot", target, ".1")
			out, err := netsnmp(t, tt.tool, args...)
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", tt.tool, strings.Join(args, " "), err, out)
			}
			if got, want := walked(out), wantWalk(); got != want {
				t.Errorf("%s %s =\n%s\nwant\n%s", tt.tool, strings.Join(args, " "), got, want)
			}
		})
	}
}

func TestNetSNMPBulkWalkHugeRepetitions(t *testing.T) {
	vs, _ := bigTable(3000)
	a := startAgent(t, agent.Options{Resolve: resolver(mibView(vs), nil)})
	start := time.Now()
	out, err := netsnmp(t, "snmpbulkwalk", "-v2c", "-c", "public", "-Cr2147483647", a.Addr().String(), ".1.3.6.1.4.1.99999.10")
	took := time.Since(start)
	if err != nil {
		t.Fatalf("snmpbulkwalk -Cr2147483647: %v\n%s", err, out)
	}
	if n := strings.Count(out, "INTEGER:"); n != 3000 {
		t.Errorf("snmpbulkwalk -Cr2147483647 printed %d variables; want 3000", n)
	}
	if took > 5*time.Second {
		t.Errorf("snmpbulkwalk -Cr2147483647 took %v; want a few milliseconds of agent time", took)
	}
	t.Logf("snmpbulkwalk -Cr2147483647 of 3000 variables: %v", took)
}

func mibView(vs []mib.Var) mib.View { return mib.NewTable(vs) }

func TestNetSNMPSetThenGet(t *testing.T) {
	a := startAgent(t, agent.Options{Users: []agent.User{userSHAAES}})
	target := a.Addr().String()
	tests := []struct {
		name string
		auth []string
		val  string
	}{
		{"v2c", []string{"-v2c", "-c", "private"}, "pdu-r12-b"},
		{"v1", []string{"-v1", "-c", "private"}, "pdu-r12-c"},
		{"v3", []string{"-v3", "-l", "authPriv", "-u", "shaaes", "-a", "SHA", "-A", "authpass1", "-x", "AES", "-X", "privpass1"}, "pdu-r12-d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(tt.auth, target, sysName.String(), "s", tt.val)
			if out, err := netsnmp(t, "snmpset", args...); err != nil {
				t.Fatalf("snmpset %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			args = append(tt.auth, target, sysName.String())
			out, err := netsnmp(t, "snmpget", args...)
			if err != nil {
				t.Fatalf("snmpget: %v\n%s", err, out)
			}
			if want := fmt.Sprintf("%s = STRING: %q", sysName, tt.val); variables(out) != want {
				t.Errorf("snmpget after snmpset = %q; want %q", variables(out), want)
			}
		})
	}
	args := []string{"-v2c", "-c", "private", target, sysDescr.String(), "s", "x"}
	out, err := netsnmp(t, "snmpset", args...)
	if err == nil || !strings.Contains(out, "notWritable") {
		t.Errorf("snmpset of sysDescr = %v\n%s; want a notWritable error", err, out)
	}
}

func TestNetSNMPErrors(t *testing.T) {
	a := startAgent(t, agent.Options{Users: allUsers})
	target := a.Addr().String()
	tests := []struct {
		name string
		tool string
		args []string
		want string
	}{
		{"wrong auth passphrase", "snmpget", []string{"-v3", "-l", "authPriv", "-u", "shaaes", "-a", "SHA", "-A", "wrongpass1", "-x", "AES", "-X", "privpass1"},
			"Authentication failure (incorrect password, community or key)"},
		{"wrong priv passphrase", "snmpget", []string{"-v3", "-l", "authPriv", "-u", "shaaes", "-a", "SHA", "-A", "authpass1", "-x", "AES", "-X", "wrongpass1"},
			"Decryption error"},
		{"unknown user", "snmpget", []string{"-v3", "-l", "noAuthNoPriv", "-u", "nobody"},
			"Unknown user name"},
		{"level below the user's", "snmpget", []string{"-v3", "-l", "authNoPriv", "-u", "shaaes", "-a", "SHA", "-A", "authpass1"},
			"Unsupported security level"},
		{"unknown context", "snmpget", []string{"-v3", "-l", "authPriv", "-u", "shaaes", "-a", "SHA", "-A", "authpass1", "-x", "AES", "-X", "privpass1", "-n", "nowhere"},
			"Bad context specified"}, // net-snmp's words for an snmpUnknownContexts Report
		{"v1 noSuchName", "snmpget", []string{"-v1", "-c", "public"},
			"noSuchName"},
		{"unknown community", "snmpget", []string{"-v2c", "-c", "guess", "-r", "0", "-t", "1"},
			"Timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oid := sysDescr.String()
			if tt.name == "v1 noSuchName" {
				oid = ".1.3.6.1.2.1.1.99.0"
			}
			args := append(tt.args, target, oid)
			out, err := netsnmp(t, tt.tool, args...)
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Errorf("%s %s = %v; want a failure exit", tt.tool, strings.Join(args, " "), err)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("%s %s printed\n%s\nwant %q", tt.tool, strings.Join(args, " "), out, tt.want)
			}
		})
	}
	s := a.Stats()
	got := []uint64{s.WrongDigests, s.DecryptionErrors, s.UnknownUserNames, s.UnsupportedSecLevels, s.UnknownContexts, s.BadCommunities}
	for i, name := range []string{"WrongDigests", "DecryptionErrors", "UnknownUserNames", "UnsupportedSecLevels", "UnknownContexts", "BadCommunities"} {
		if got[i] == 0 {
			t.Errorf("Stats().%s = 0 after net-snmp's requests; want more", name)
		}
	}
}
