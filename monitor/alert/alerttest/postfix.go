package alerttest

import (
	"bufio"
	"cmp"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Domain is the mail domain the test Postfix delivers: mail to any
// address @Domain lands in its one mailbox.
const Domain = "example.test"

// Postfix is a running Postfix instance started by a test.
type Postfix struct {
	// Addr is its SMTP server (smtpd), "127.0.0.1:port". It offers
	// STARTTLS with a certificate for 127.0.0.1 that RootCAs trusts,
	// relays nothing and delivers mail for @Domain.
	Addr    string
	RootCAs *x509.CertPool

	dir string // its own directory: conf, queue, data, mail, maillog
	p   *process
}

// StartPostfix starts a Postfix instance of its own — its own
// configuration directory, queue and data directories, loopback only, no
// chroot — with smtpd on a free 127.0.0.1 port and a self-signed
// certificate for STARTTLS, delivering mail for @Domain through
// virtual(8) to one Maildir. It runs Postfix's master in the foreground
// (master -d) as a child of the test, waits until smtpd greets within
// 20 s, and stops it by its PID when the test ends.
//
// Postfix's master runs as root (it starts its daemons as the postfix
// user), so the test must run as root. A missing postfix fails the test:
// "postfix not found: apt-get install postfix".
func StartPostfix(tb testing.TB) *Postfix {
	tb.Helper()
	return startPostfix(tb, "")
}

// StartPostfixRelay starts a Postfix instance like StartPostfix's, but
// one that delivers nothing itself: it accepts mail for @Domain from
// 127.0.0.0/8 and relays it over SMTP, without TLS, to nexthop
// ("127.0.0.1:port", typically another instance's Addr), as an MTA
// relays to the mailbox servers behind it. Mail to any other domain is
// refused. Its myhostname differs from StartPostfix's, so that a relay
// to such an instance is not taken for a mail loop.
//
// Postfix's defaults for retries hold: mail deferred because nexthop did
// not answer is tried again after minutes, or at once on postqueue -f.
func StartPostfixRelay(tb testing.TB, nexthop string) *Postfix {
	tb.Helper()
	if nexthop == "" {
		tb.Fatal("postfix: StartPostfixRelay needs a next hop (host:port)")
	}
	return startPostfix(tb, nexthop)
}

// ConfigDir is the instance's configuration directory (main.cf,
// master.cf): the DIR of postfix -c DIR, postqueue -c DIR and
// postsuper -c DIR.
func (pf *Postfix) ConfigDir() string { return filepath.Join(pf.dir, "conf") }

// startPostfix starts an instance that delivers @Domain to its Maildir,
// or, when relay is set, relays it to that host:port.
func startPostfix(tb testing.TB, relay string) *Postfix {
	tb.Helper()
	postconf, ok := lookPath("postconf")
	if !ok {
		tb.Fatal("postfix not found: apt-get install postfix")
	}
	postfix, _ := lookPath("postfix")
	if os.Geteuid() != 0 {
		tb.Fatal("postfix: its master must be started as root (it runs its daemons as the postfix user); run the tests as root")
	}
	out, err := exec.Command(postconf, "-h", "daemon_directory").Output()
	if err != nil {
		tb.Fatalf("postfix: postconf -h daemon_directory: %v", err)
	}
	master := filepath.Join(strings.TrimSpace(string(out)), "master")

	// Not tb.TempDir: Postfix's daemons (as postfix) and virtual(8) (as
	// nobody) must reach their directories.
	dir, err := os.MkdirTemp("", "feedplan-postfix-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	pfUID, _ := lookupIDs(tb, "postfix")
	nobody, nogroup := lookupIDs(tb, "nobody")
	for _, d := range []struct {
		path     string
		uid, gid int
	}{
		{dir, 0, 0},
		{filepath.Join(dir, "conf"), 0, 0},
		{filepath.Join(dir, "queue"), 0, 0},
		{filepath.Join(dir, "data"), pfUID, 0},
		{filepath.Join(dir, "mail"), nobody, nogroup},
	} {
		if err := os.MkdirAll(d.path, 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.Chmod(d.path, 0o755); err != nil { // whatever the umask
			tb.Fatal(err)
		}
		if err := os.Chown(d.path, d.uid, d.gid); err != nil {
			tb.Fatal(err)
		}
	}
	pool := writeCert(tb, filepath.Join(dir, "conf"))

	var lastLog string
	for attempt := range attempts {
		addr := freeTCPAddr(tb)
		writePostfixConf(tb, dir, addr, relay, nobody, nogroup)
		// check creates the queue's directories with their owners.
		if out, err := exec.Command(postfix, "-c", filepath.Join(dir, "conf"), "check").CombinedOutput(); err != nil {
			tb.Fatalf("postfix check: %v: %s\nits log:\n%s", err, out, readFile(filepath.Join(dir, "maillog")))
		}
		p := start(tb, "postfix", exec.Command(master, "-c", filepath.Join(dir, "conf"), "-d"))
		pf := &Postfix{Addr: addr, RootCAs: pool, dir: dir, p: p}
		if pf.waitReady() {
			return pf
		}
		p.stop()
		lastLog = pf.Log()
		tb.Logf("postfix on %s did not greet (attempt %d of %d); its output:\n%s", addr, attempt+1, attempts, p.out.String())
	}
	tb.Fatalf("postfix did not greet within %v (%d attempts); its log:\n%s", readyWithin, attempts, lastLog)
	return nil
}

func writePostfixConf(tb testing.TB, dir, addr, relay string, uid, gid int) {
	tb.Helper()
	conf := filepath.Join(dir, "conf")
	tmpl := `# A test instance: loopback only, no chroot, delivers @DOMAIN to one Maildir.
compatibility_level = 3.6
queue_directory = DIR/queue
data_directory = DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.feedplan.test
mydomain = feedplan.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relay_domains =
virtual_mailbox_domains = DOMAIN
virtual_mailbox_base = DIR/mail
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:UID
virtual_gid_maps = static:GID
alias_maps =
alias_database =
smtpd_tls_cert_file = DIR/conf/cert.pem
smtpd_tls_key_file = DIR/conf/key.pem
smtpd_tls_security_level = may
smtpd_tls_received_header = yes
maillog_file = DIR/maillog
maillog_file_prefixes = DIR
biff = no
`
	if relay != "" {
		tmpl = `# A test relay: loopback only, no chroot, relays @DOMAIN to NEXTHOP.
compatibility_level = 3.6
queue_directory = DIR/queue
data_directory = DIR/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relay.feedplan.test
mydomain = feedplan.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relay_domains = DOMAIN
transport_maps = inline:{DOMAIN=relay:[NEXTHOST]:NEXTPORT}
default_transport = error:this test relay relays DOMAIN only
alias_maps =
alias_database =
smtpd_tls_cert_file = DIR/conf/cert.pem
smtpd_tls_key_file = DIR/conf/key.pem
smtpd_tls_security_level = may
maillog_file = DIR/maillog
maillog_file_prefixes = DIR
biff = no
`
	}
	host, port, _ := net.SplitHostPort(relay)
	main := strings.NewReplacer("DIR", dir, "UID", strconv.Itoa(uid), "GID", strconv.Itoa(gid), "DOMAIN", Domain,
		"NEXTHOP", relay, "NEXTHOST", host, "NEXTPORT", port).Replace(tmpl)
	services := `ADDR inet n - n - - smtpd
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
virtual   unix  - n n - - virtual
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
`
	if relay != "" {
		// pickup: postqueue -f and sendmail find the mail system up by it.
		services += "pickup    unix  n - n 60 1 pickup\n"
	}
	svc := strings.Replace(services, "ADDR", addr, 1)
	// Postfix reads a file changed in the last seconds again and again,
	// 0.3 s apart, until it is old enough to be whole: backdating it saves
	// seconds per start.
	old := time.Now().Add(-time.Hour)
	for name, content := range map[string]string{"main.cf": main, "master.cf": svc} {
		path := filepath.Join(conf, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
		if err := os.Chtimes(path, old, old); err != nil {
			tb.Fatal(err)
		}
	}
}

// waitReady dials until smtpd sends its 220 greeting.
func (pf *Postfix) waitReady() bool {
	for deadline := time.Now().Add(readyWithin); time.Now().Before(deadline); {
		next := time.After(50 * time.Millisecond)
		if c, err := net.DialTimeout("tcp", pf.Addr, time.Second); err == nil {
			c.SetDeadline(time.Now().Add(2 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "220 ") {
				return true
			}
		}
		select {
		case <-pf.p.exited:
			return false
		case <-next:
		}
	}
	return false
}

// Log is Postfix's mail log.
func (pf *Postfix) Log() string { return readFile(filepath.Join(pf.dir, "maillog")) }

// Messages returns the messages delivered so far, oldest first, as
// stored (with Postfix's Return-Path, Delivered-To and Received headers).
func (pf *Postfix) Messages(tb testing.TB) [][]byte {
	tb.Helper()
	names, err := filepath.Glob(filepath.Join(pf.dir, "mail", "inbox", "new", "*"))
	if err != nil {
		tb.Fatal(err)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(deliveredAt(a), deliveredAt(b)) })
	var out [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// deliveredAt reads the delivery time, in microseconds, from the name
// virtual(8) gives a message in a Maildir: "SECONDS.VdevIinodeMmicros.host".
func deliveredAt(path string) int64 {
	parts := strings.SplitN(filepath.Base(path), ".", 3)
	if len(parts) < 2 {
		return 0
	}
	sec, _ := strconv.ParseInt(parts[0], 10, 64)
	var usec int64
	if i := strings.LastIndexByte(parts[1], 'M'); i >= 0 {
		usec, _ = strconv.ParseInt(parts[1][i+1:], 10, 64)
	}
	return sec*1e6 + usec
}

// WaitMessages waits until n messages have been delivered, or within
// passes (the test fails then, with the mail log), and returns them.
func (pf *Postfix) WaitMessages(tb testing.TB, n int, within time.Duration) [][]byte {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		ms := pf.Messages(tb)
		if len(ms) >= n {
			return ms
		}
		if time.Now().After(deadline) {
			tb.Fatalf("postfix: %d messages delivered within %v; want %d. Its log:\n%s", len(ms), within, n, pf.Log())
		}
		time.Sleep(50 * time.Millisecond) // polling a real server
	}
}

// writeCert writes a self-signed certificate for 127.0.0.1 and localhost
// (cert.pem, key.pem) and returns a pool that trusts it.
func writeCert(tb testing.TB, dir string) *x509.CertPool {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "feedplan test MTA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

func lookupIDs(tb testing.TB, name string) (uid, gid int) {
	tb.Helper()
	u, err := user.Lookup(name)
	if err != nil {
		tb.Fatalf("postfix: user %s: %v (apt-get install postfix creates it)", name, err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return string(b)
}
