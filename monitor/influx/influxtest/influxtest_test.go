package influxtest_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"feedplan/monitor/influx/influxtest"
)

func TestStart(t *testing.T) {
	s := influxtest.StartOptions(t, influxtest.Options{NoFlux: true})
	resp, err := http.Post(s.URL+"/api/v2/write?bucket="+influxtest.Bucket, "text/plain", strings.NewReader("m,t=a v=1 1000000000\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("v2 write: HTTP %s; want 204", resp.Status)
	}
	series, err := s.Query(`SELECT v FROM m`)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 1 || len(series[0].Values) != 1 {
		t.Fatalf("SELECT v FROM m = %+v; want one point", series)
	}
	pid := s.PID()
	s.Kill()
	if s.PID() != 0 || pid == 0 {
		t.Errorf("PID after Kill = %d (before %d)", s.PID(), pid)
	}
	s.Restart()
	series, err = s.Query(`SELECT v FROM m`)
	if err != nil || len(series) != 1 || len(series[0].Values) != 1 {
		t.Fatalf("after a restart, SELECT v FROM m = %+v, %v; want the point written before the kill", series, err)
	}
}

// fatalTB records the message of a Fatal and stops the goroutine, as
// testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatal(args ...any) { f.msg = fmt.Sprint(args...); runtime.Goexit() }

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestMissingBinaryFails(t *testing.T) {
	tests := []struct {
		name, env, want string
	}{
		{"FEEDPLAN_INFLUXD names nothing", "/nonexistent/influxd", "influxd not found: FEEDPLAN_INFLUXD=/nonexistent/influxd"},
		{"not built", "", "influxd not found: run make influxd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("FEEDPLAN_INFLUXD", tt.env)
			if tt.env == "" {
				t.Chdir(t.TempDir()) // no module, no .cache
			}
			tb := &fatalTB{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				influxtest.Start(tb)
			}()
			<-done
			if !strings.Contains(tb.msg, tt.want) {
				t.Errorf("Start without influxd failed with %q; want %q", tb.msg, tt.want)
			}
		})
	}
}

func TestConfigure(t *testing.T) {
	def := "reporting-disabled = false\nbind-address = \"127.0.0.1:8088\"\n[meta]\n  dir = \"/home/influx/.influxdb/meta\"\n"
	if _, err := influxtest.Configure([]byte(def), "/tmp/x", "127.0.0.1:1", "127.0.0.1:2", true); err == nil || !strings.Contains(err.Error(), "data.wal-dir") {
		t.Errorf("Configure of a partial configuration = %v; want it to name what is missing", err)
	}
}
