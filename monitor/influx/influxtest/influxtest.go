package influxtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Database is the database Start creates; the v2 API calls it the bucket
// Bucket.
const (
	Database = "feedplan"
	Bucket   = Database + "/autogen"
)

// Server is a running influxd.
type Server struct {
	URL    string // http://127.0.0.1:PORT
	Dir    string // its data, WAL and meta directories are under it
	Config string // the configuration file

	tb      testing.TB
	bin     string
	logPath string

	mu   sync.Mutex
	cmd  *exec.Cmd
	exit chan struct{} // closed when cmd has exited
}

// StartInfluxd starts a server and returns its URL and a function that
// stops it (also done at the end of the test).
func StartInfluxd(tb testing.TB) (url string, stop func()) {
	tb.Helper()
	s := Start(tb)
	return s.URL, s.Stop
}

// Binary returns the path of influxd: $FEEDPLAN_INFLUXD, or
// .cache/bin/influxd at the root of the module.
func Binary() (string, error) {
	if p := os.Getenv("FEEDPLAN_INFLUXD"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("influxd not found: FEEDPLAN_INFLUXD=%s: %w (unset it and run make influxd)", p, err)
		}
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("module feedplan\n")) {
			p := filepath.Join(dir, ".cache", "bin", "influxd")
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("influxd not found: run make influxd (looked for %s and $FEEDPLAN_INFLUXD)", p)
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("influxd not found: run make influxd (no feedplan go.mod above the working directory, and $FEEDPLAN_INFLUXD is not set)")
		}
		dir = parent
	}
}

// Options change how Start configures the server.
type Options struct {
	// NoFlux turns Flux off (on by default): influxd 1.8 then starts in
	// a tenth of a second instead of four, for tests that query with
	// InfluxQL only.
	NoFlux bool
}

// Start starts a server on a free loopback port with its files under
// tb.TempDir(), with Flux, waits until it answers /ping and creates the
// database. The test fails when influxd is missing.
func Start(tb testing.TB) *Server {
	tb.Helper()
	return StartOptions(tb, Options{})
}

// StartOptions is Start with options.
func StartOptions(tb testing.TB, opt Options) *Server {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	s := &Server{tb: tb, bin: bin, Dir: dir, Config: filepath.Join(dir, "influxdb.conf"), logPath: filepath.Join(dir, "influxd.log")}
	httpPort, rpcPort := freePort(tb), freePort(tb)
	s.URL = fmt.Sprintf("http://127.0.0.1:%d", httpPort)

	def, err := exec.Command(bin, "config").Output()
	if err != nil {
		tb.Fatalf("%s config: %v", bin, err)
	}
	conf, err := Configure(def, dir, fmt.Sprintf("127.0.0.1:%d", httpPort), fmt.Sprintf("127.0.0.1:%d", rpcPort), !opt.NoFlux)
	if err != nil {
		tb.Fatalf("%s config: %v", bin, err)
	}
	if err := os.WriteFile(s.Config, conf, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	s.start()
	if _, err := s.Query("CREATE DATABASE " + Database); err != nil {
		tb.Fatalf("influxd: creating database %s: %v", Database, err)
	}
	return s
}

// Configure rewrites the output of `influxd config`: every file under
// dir, HTTP on httpAddr (with Flux or not), the RPC service on rpcAddr,
// no usage reporting, no _internal monitoring database, quiet logs.
func Configure(def []byte, dir, httpAddr, rpcAddr string, flux bool) ([]byte, error) {
	want := map[string]string{
		".reporting-disabled":            "true",
		".bind-address":                  quote(rpcAddr),
		"meta.dir":                       quote(filepath.Join(dir, "meta")),
		"data.dir":                       quote(filepath.Join(dir, "data")),
		"data.wal-dir":                   quote(filepath.Join(dir, "wal")),
		"data.query-log-enabled":         "false",
		"monitor.store-enabled":          "false",
		"http.bind-address":              quote(httpAddr),
		"http.flux-enabled":              fmt.Sprint(flux),
		"http.log-enabled":               "false",
		"http.bind-socket":               quote(filepath.Join(dir, "influxd.sock")),
		"logging.level":                  quote("warn"),
		"logging.suppress-logo":          "true",
		"continuous_queries.log-enabled": "false",
	}
	var out bytes.Buffer
	section := ""
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(def))
	for sc.Scan() {
		line := sc.Text()
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			section = strings.Trim(t, "[]")
		}
		if k, _, ok := strings.Cut(t, "="); ok && !strings.HasPrefix(t, "#") {
			key := section + "." + strings.TrimSpace(k)
			if v, ok := want[key]; ok && !seen[key] {
				seen[key] = true
				line = line[:len(line)-len(strings.TrimLeft(line, " \t"))] + strings.TrimSpace(k) + " = " + v
			}
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	var missing []string
	for k := range want {
		if !seen[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the default configuration lacks %s: is this InfluxDB 1.8?", strings.Join(missing, ", "))
	}
	return out.Bytes(), nil
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs influxd on the configuration and waits for /ping.
func (s *Server) start() {
	s.tb.Helper()
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.tb.Fatal(err)
	}
	cmd := exec.Command(s.bin, "run", "-config", s.Config)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "HOME="+s.Dir)
	if err := cmd.Start(); err != nil {
		logf.Close()
		s.tb.Fatalf("starting influxd: %v", err)
	}
	exit := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(exit)
	}()
	s.mu.Lock()
	s.cmd, s.exit = cmd, exit
	s.mu.Unlock()

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(s.URL + "/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusNoContent {
				return
			}
		}
		select {
		case <-exit:
			s.tb.Fatalf("influxd exited at start:\n%s", s.Log())
		default:
		}
		if time.Now().After(deadline) {
			s.Stop()
			s.tb.Fatalf("influxd did not answer %s/ping within 30 s:\n%s", s.URL, s.Log())
		}
		time.Sleep(20 * time.Millisecond) // polling a server that is starting
	}
}

// Log returns what the server logged (warnings and errors).
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.logPath)
	return string(b)
}

// PID returns the process id of the running server, 0 when stopped.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Kill kills the server with SIGKILL, as a crash or a power cut would,
// and waits for it to exit.
func (s *Server) Kill() { s.signal(syscall.SIGKILL, 0) }

// Stop stops the server: SIGTERM, then SIGKILL after 10 s. Stopping a
// stopped server does nothing.
func (s *Server) Stop() { s.signal(syscall.SIGTERM, 10*time.Second) }

func (s *Server) signal(sig syscall.Signal, grace time.Duration) {
	s.mu.Lock()
	cmd, exit := s.cmd, s.exit
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	if grace > 0 {
		select {
		case <-exit:
			return
		case <-time.After(grace):
			_ = cmd.Process.Kill()
		}
	}
	<-exit
}

// Restart starts the server again on the same port and the same files,
// after Stop or Kill.
func (s *Server) Restart() {
	s.tb.Helper()
	s.Stop()
	s.start()
}

// Query runs InfluxQL statements (against database feedplan) through the
// 1.x /query endpoint and returns the series of the first statement.
func (s *Server) Query(q string) ([]Series, error) {
	form := url.Values{"q": {q}, "db": {Database}, "epoch": {"ns"}}
	resp, err := http.PostForm(s.URL+"/query", form)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Results []struct {
			Series []Series `json:"series"`
			Error  string   `json:"error"`
		} `json:"results"`
		Error string `json:"error"`
	}
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("query %q: HTTP %s: %w", q, resp.Status, err)
	}
	if body.Error != "" {
		return nil, fmt.Errorf("query %q: %s", q, body.Error)
	}
	if len(body.Results) == 0 {
		return nil, nil
	}
	if e := body.Results[0].Error; e != "" {
		return nil, fmt.Errorf("query %q: %s", q, e)
	}
	return body.Results[0].Series, nil
}

// Series is one series of an InfluxQL result.
type Series struct {
	Name    string            `json:"name"`
	Tags    map[string]string `json:"tags"`
	Columns []string          `json:"columns"`
	Values  [][]any           `json:"values"` // numbers are json.Number
}

// Rows returns the values as maps keyed by column, with the series' tags.
func (s Series) Rows() []map[string]any {
	rows := make([]map[string]any, 0, len(s.Values))
	for _, v := range s.Values {
		r := make(map[string]any, len(s.Columns)+len(s.Tags))
		for k, t := range s.Tags {
			r[k] = t
		}
		for i, c := range s.Columns {
			if i < len(v) {
				r[c] = v[i]
			}
		}
		rows = append(rows, r)
	}
	return rows
}
