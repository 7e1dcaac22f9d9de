package mailq_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"feedplan/inventory"
	"feedplan/monitor/mailq"
	"feedplan/monitor/mailq/mailqtest"
)

// TestCommandQueue runs real shell commands: the hooks see their
// environment, and their output is the count or the status.
func TestCommandQueue(t *testing.T) {
	q, err := mailq.Open(&inventory.MailQueue{
		Name:    "exim-1",
		Kind:    "command",
		Hold:    `echo "holding $FEEDPLAN_QUEUE ($FEEDPLAN_ACTION)"; echo 7`,
		Release: `test "$FEEDPLAN_ACTION $FEEDPLAN_RATE" = "release 120.5" && echo '{"count": 3}'`,
		Status:  `printf '{"hold": 5, "deferred": 1, "active": 2, "incoming": 4, "oldest": 1700000000, "note": "x"}'`,
	}, mailq.Options{})
	if err != nil {
		t.Fatalf("Open(command) error = %v", err)
	}
	if q.Name() != "exim-1" {
		t.Errorf("Name() = %q; want exim-1", q.Name())
	}
	if h, err := q.Hold(t.Context()); h.Count != 7 || h.Before != nil || err != nil {
		t.Errorf("Hold() = %+v, %v; want 7 held, and no Before (a hook cannot tell)", h, err)
	}
	if n, err := q.Release(t.Context(), 120.5, nil); n.Count != 3 || err != nil {
		t.Errorf("Release(120.5) = %+v, %v; want 3", n, err)
	}
	// A hook cannot be told what to keep: asking is an error, and runs nothing.
	if n, err := q.Release(t.Context(), 120.5, []string{"1rKeep-0001"}); err == nil || !strings.Contains(err.Error(), "release hook cannot be told which") {
		t.Errorf("Release(keep 1) = %+v, %v; want an error", n, err)
	}
	want := mailq.Status{Incoming: 4, Active: 2, Deferred: 1, Hold: 5, Oldest: time.Unix(1700000000, 0)}
	if st, err := q.Status(t.Context()); st != want || err != nil {
		t.Errorf("Status() = %+v, %v; want %+v", st, err, want)
	}
}

func TestCommandQueueErrors(t *testing.T) {
	q, err := mailq.Open(&inventory.MailQueue{Name: "exim-1", Kind: "command", Hold: "echo 'spool locked' >&2; exit 75", Release: "sleep 60", Status: "echo 12"}, mailq.Options{})
	if err != nil {
		t.Fatalf("Open(command) error = %v", err)
	}
	_, err = q.Hold(t.Context())
	if want := `mail queue "exim-1": hold: FEEDPLAN_QUEUE=exim-1 FEEDPLAN_ACTION=hold sh -c 'echo '\''spool locked'\'' >&2; exit 75': exit status 75: spool locked`; err == nil || err.Error() != want {
		t.Errorf("Hold() error = %v; want %q", err, want)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := q.Release(ctx, 600, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Release(sleep 60, 50 ms deadline) error = %v; want context.DeadlineExceeded", err)
	}
	if st, err := q.Status(t.Context()); err == nil || !strings.Contains(err.Error(), `mail queue "exim-1": status: want a JSON object`) {
		t.Errorf("Status(prints 12) = %+v, %v; want a JSON error", st, err)
	}
}

func TestCommandQueueOverSSH(t *testing.T) {
	r := &mailqtest.Runner{Answer: func(mailq.Command) ([]byte, error) { return []byte("40\n"), nil }}
	q, err := mailq.Open(&inventory.MailQueue{Name: "exim-1", Kind: "command", SSH: "mx-3", Hold: "exim-hold --all", Release: "exim-release"}, mailq.Options{Runner: r})
	if err != nil {
		t.Fatalf("Open(command over ssh) error = %v", err)
	}
	if n, err := q.Release(t.Context(), 600, nil); n.Count != 40 || err != nil {
		t.Errorf("Release() = %+v, %v; want 40", n, err)
	}
	want := []string{"ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "--", "mx-3",
		"env 'FEEDPLAN_QUEUE=exim-1' 'FEEDPLAN_ACTION=release' 'FEEDPLAN_RATE=600' sh -c exim-release"}
	if calls := r.Calls(); len(calls) != 1 || !slices.Equal(calls[0].Args, want) {
		t.Errorf("Release() ran %v; want one call %q", calls, want)
	}
	if _, err := q.Status(t.Context()); !errors.Is(err, mailq.ErrNoStatus) {
		t.Errorf("Status() with no status hook error = %v; want ErrNoStatus", err)
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		out  string
		want int
	}{
		{"12\n", 12},
		{"held the queue\n  12  \n\n", 12},
		{`{"count": 5, "queue": "x"}`, 5},
		{"", mailq.Unknown},
		{"done", mailq.Unknown},
		{"-3", mailq.Unknown},
		{`{"count": -1}`, mailq.Unknown},
		{"12 messages", mailq.Unknown},
	}
	for _, tt := range tests {
		r := &mailqtest.Runner{Answer: func(mailq.Command) ([]byte, error) { return []byte(tt.out), nil }}
		q, err := mailq.Open(&inventory.MailQueue{Name: "q", Kind: "command", Hold: "x", Release: "y"}, mailq.Options{Runner: r})
		if err != nil {
			t.Fatal(err)
		}
		if h, err := q.Hold(t.Context()); h.Count != tt.want || err != nil {
			t.Errorf("Hold() printing %q = %d, %v; want %d", tt.out, h.Count, err, tt.want)
		}
	}
}

// hookServer is an HTTP hook on 127.0.0.1 that records what it is sent.
type hookServer struct {
	*httptest.Server
	mu    sync.Mutex
	got   []hookCall
	reply func(w http.ResponseWriter, r *http.Request)
}

type hookCall struct {
	Method, Path, Auth, Type string
	Body                     map[string]any
}

func startHooks(t *testing.T, reply func(w http.ResponseWriter, r *http.Request)) *hookServer {
	h := &hookServer{reply: reply}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		c := hookCall{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Type: r.Header.Get("Content-Type")}
		if err := json.Unmarshal(data, &c.Body); err != nil {
			t.Errorf("hook %s: body %q is not JSON: %v", r.URL.Path, data, err)
		}
		h.mu.Lock()
		h.got = append(h.got, c)
		h.mu.Unlock()
		h.reply(w, r)
	}))
	t.Cleanup(h.Close)
	return h
}

const token = "tok-3f9a1c77e2"

func TestHTTPQueue(t *testing.T) {
	h := startHooks(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hold":
			fmt.Fprintln(w, `{"count": 42}`)
		case "/release":
			fmt.Fprintln(w, "42")
		case "/status":
			fmt.Fprintln(w, `{"hold": 42, "oldest": 1700000000}`)
		}
	})
	q, err := mailq.Open(&inventory.MailQueue{Name: "gw", Kind: "http", Hold: h.URL + "/hold", Release: h.URL + "/release", Status: h.URL + "/status", TokenEnv: "GW_TOKEN"},
		mailq.Options{Getenv: func(k string) string { return map[string]string{"GW_TOKEN": token}[k] }})
	if err != nil {
		t.Fatalf("Open(http) error = %v", err)
	}
	if h, err := q.Hold(t.Context()); h.Count != 42 || h.Before != nil || err != nil {
		t.Errorf("Hold() = %+v, %v; want 42 and no Before", h, err)
	}
	if n, err := q.Release(t.Context(), 300, nil); n.Count != 42 || err != nil {
		t.Errorf("Release(300) = %+v, %v; want 42", n, err)
	}
	if st, err := q.Status(t.Context()); st.Hold != 42 || !st.Oldest.Equal(time.Unix(1700000000, 0)) || err != nil {
		t.Errorf("Status() = %+v, %v; want 42 held since 1700000000", st, err)
	}
	want := []hookCall{
		{"POST", "/hold", "Bearer " + token, "application/json", map[string]any{"queue": "gw", "action": "hold"}},
		{"POST", "/release", "Bearer " + token, "application/json", map[string]any{"queue": "gw", "action": "release", "rate": 300.0}},
		{"POST", "/status", "Bearer " + token, "application/json", map[string]any{"queue": "gw", "action": "status"}},
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if fmt.Sprint(h.got) != fmt.Sprint(want) {
		t.Errorf("hooks got\n%v\nwant\n%v", h.got, want)
	}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		if s := fmt.Sprintf(verb, q); strings.Contains(s, token) {
			t.Errorf("Sprintf(%q, queue) shows the token: %s", verb, s)
		}
	}
}

// TestHTTPQueueErrors: a failing hook's error names the queue, the URL
// and the status, and never shows the token, even when the hook echoes it.
func TestHTTPQueueErrors(t *testing.T) {
	h := startHooks(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-r.Context().Done()
			return
		}
		http.Error(w, "bad token "+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), http.StatusForbidden)
	})
	q, err := mailq.Open(&inventory.MailQueue{Name: "gw", Kind: "http", Hold: h.URL + "/hold", Release: h.URL + "/slow", TokenEnv: "GW_TOKEN"},
		mailq.Options{Getenv: func(string) string { return token }})
	if err != nil {
		t.Fatalf("Open(http) error = %v", err)
	}
	_, err = q.Hold(t.Context())
	if want := fmt.Sprintf(`mail queue "gw": hold: POST %s/hold: 403 Forbidden: bad token <secret>`, h.URL); err == nil || err.Error() != want {
		t.Errorf("Hold() error = %v; want %q", err, want)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := q.Release(ctx, 600, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Release(hook never answers, 50 ms deadline) error = %v; want context.DeadlineExceeded", err)
	}
	if _, err := q.Status(t.Context()); !errors.Is(err, mailq.ErrNoStatus) {
		t.Errorf("Status() error = %v; want ErrNoStatus", err)
	}

	// A password in the URL is not shown either.
	q, err = mailq.Open(&inventory.MailQueue{Name: "gw", Kind: "http", Hold: "http://hook:pa55word@127.0.0.1:1/hold", Release: h.URL + "/release"}, mailq.Options{})
	if err != nil {
		t.Fatalf("Open(http with a password) error = %v", err)
	}
	if _, err := q.Hold(t.Context()); err == nil || strings.Contains(err.Error(), "pa55word") || !strings.Contains(err.Error(), "POST http://hook:xxxxx@127.0.0.1:1/hold") {
		t.Errorf("Hold(refused) error = %v; want the URL without its password", err)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name  string
		queue *inventory.MailQueue
		want  string
	}{
		{"nil", nil, "mailq: no mail queue given"},
		{"no name", &inventory.MailQueue{}, "no name"},
		{"unknown kind", &inventory.MailQueue{Name: "mx", Kind: "exim"}, `mail queue "mx": kind "exim": want postfix, command or http`},
		{"command without release", &inventory.MailQueue{Name: "mx", Kind: "command", Hold: "x"}, `mail queue "mx": kind command needs hold and release`},
		{"http over ssh", &inventory.MailQueue{Name: "mx", Kind: "http", SSH: "h", Hold: "http://127.0.0.1/h", Release: "http://127.0.0.1/r"}, `mail queue "mx": ssh: an http queue's URLs are called from this machine`},
		{"token not set", &inventory.MailQueue{Name: "mx", Kind: "http", Hold: "http://127.0.0.1/h", Release: "http://127.0.0.1/r", TokenEnv: "FEEDPLAN_TEST_UNSET_TOKEN"}, `mail queue "mx": token_env: $FEEDPLAN_TEST_UNSET_TOKEN is not set`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := mailq.Open(tt.queue, mailq.Options{Getenv: func(string) string { return "" }})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open(%s) = %v, %v; want error %q", tt.name, q, err, tt.want)
			}
		})
	}
}
