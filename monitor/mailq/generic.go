package mailq

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"feedplan/inventory"
)

// generic is a queue of another MTA, or of anything else that queues,
// held and released by hooks the inventory names: shell commands (kind
// command) or URLs (kind http).
//
// A command runs with "sh -c", on this machine or over ssh, with
// FEEDPLAN_QUEUE (the queue's name), FEEDPLAN_ACTION (hold, release or
// status) and, for release, FEEDPLAN_RATE (messages per minute, 0 for no
// limit) in its environment. A URL is called with POST and a JSON body:
// {"queue": NAME, "action": ACTION}, with "rate" for release; with
// token_env, it carries "Authorization: Bearer TOKEN". A command that
// exits 0, or a 2xx answer, is success.
//
// Hold and release may print (answer) the number of messages held or
// released: the last non-empty line, as a whole number or as a JSON
// object {"count": N}. Anything else gives Unknown. Status prints a JSON
// object {"incoming": N, "active": N, "deferred": N, "hold": N,
// "oldest": UNIX_SECONDS}; members left out count 0.
//
// The hook paces a release itself: it gets the rate, and feedplan waits
// for it to finish: a cancelled ctx lets it finish, ctx's deadline stops
// it.
//
// feedplan cannot tell which messages a hook's MTA had on hold before the
// window (quarantined, or held by an administrator): Hold returns no
// Before, and Release is given nothing to keep. The hooks are responsible
// for it: a release hook must leave on hold what its hold hook did not
// hold.
type generic struct {
	name  string
	kind  string    // command or http
	hooks [3]string // hold, release, status: commands or URLs
	call  func(ctx context.Context, action, hook string, rate float64) ([]byte, error)
	log   *slog.Logger
}

const (
	actHold = iota
	actRelease
	actStatus
)

var actions = [3]string{"hold", "release", "status"}

func (g *generic) Name() string { return g.name }

func (g *generic) do(ctx context.Context, act int, rate float64) ([]byte, error) {
	start := time.Now()
	out, err := g.call(ctx, actions[act], g.hooks[act], rate)
	g.log.Debug("mail queue hook", "action", actions[act], "took", time.Since(start), "err", err)
	if err != nil {
		return nil, fmt.Errorf("mail queue %q: %s: %w", g.name, actions[act], err)
	}
	return out, nil
}

func (g *generic) Hold(ctx context.Context) (Held, error) {
	out, err := g.do(ctx, actHold, 0)
	if err != nil {
		return Held{Count: Unknown}, err
	}
	return Held{Count: parseCount(out)}, nil
}

func (g *generic) Release(ctx context.Context, rate float64, keep []string) (Released, error) {
	if err := checkRate(rate); err != nil {
		return Released{}, fmt.Errorf("mail queue %q: release: %w", g.name, err)
	}
	if len(keep) > 0 {
		return Released{}, fmt.Errorf("mail queue %q: release: %d messages to keep on hold, but a %s queue's release hook cannot be told which: release it by hand", g.name, len(keep), g.kind)
	}
	hctx, cancel := detach(ctx)
	defer cancel()
	out, err := g.do(hctx, actRelease, rate)
	if err != nil {
		return Released{Count: Unknown}, err
	}
	return Released{Count: parseCount(out)}, nil
}

func (g *generic) Status(ctx context.Context) (Status, error) {
	if g.hooks[actStatus] == "" {
		return Status{}, fmt.Errorf("mail queue %q: status: %w", g.name, ErrNoStatus)
	}
	out, err := g.do(ctx, actStatus, 0)
	if err != nil {
		return Status{}, err
	}
	st, err := parseStatus(out)
	if err != nil {
		return Status{}, fmt.Errorf("mail queue %q: status: %w", g.name, err)
	}
	return st, nil
}

// command returns the call of a kind command queue.
func (g *generic) command(run Runner) func(context.Context, string, string, float64) ([]byte, error) {
	return func(ctx context.Context, action, hook string, rate float64) ([]byte, error) {
		env := []string{"FEEDPLAN_QUEUE=" + g.name, "FEEDPLAN_ACTION=" + action}
		if action == "release" {
			env = append(env, "FEEDPLAN_RATE="+strconv.FormatFloat(rate, 'f', -1, 64))
		}
		return run.Run(ctx, Command{Args: []string{"sh", "-c", hook}, Env: env})
	}
}

// maxBody bounds what is read of an answer.
const maxBody = 1 << 20

// http returns the call of a kind http queue. The token is sent, never
// shown: an answer that quotes it has it replaced by <secret>.
func (g *generic) http(client *http.Client, token inventory.Secret) func(context.Context, string, string, float64) ([]byte, error) {
	return func(ctx context.Context, action, hook string, rate float64) ([]byte, error) {
		body := map[string]any{"queue": g.name, "action": action}
		if action == "release" {
			body["rate"] = rate
		}
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		shown := hook
		if u, err := url.Parse(hook); err == nil {
			shown = u.Redacted()
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook, bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("POST %s: %w", shown, scrubErr(err, hook, shown))
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "feedplan")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token.Reveal())
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("POST %s: %w", shown, scrubErr(err, hook, shown))
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		if err != nil {
			return nil, fmt.Errorf("POST %s: reading the answer: %w", shown, err)
		}
		if resp.StatusCode/100 != 2 {
			text := strings.TrimSpace(string(out))
			if token != "" {
				text = strings.ReplaceAll(text, token.Reveal(), "<secret>")
			}
			if len(text) > maxStderr {
				text = text[:maxStderr] + "…"
			}
			if text == "" {
				return nil, fmt.Errorf("POST %s: %s", shown, resp.Status)
			}
			return nil, fmt.Errorf("POST %s: %s: %s", shown, resp.Status, strings.ToValidUTF8(text, "?"))
		}
		return out, nil
	}
}

// scrubErr keeps a URL's password out of an error from net/http, which
// quotes the URL as given.
func scrubErr(err error, raw, shown string) error {
	if raw == shown {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), raw, shown))
}

// parseCount reads the count a hold or release hook printed: its last
// non-empty line, a whole number or {"count": N}; Unknown otherwise.
func parseCount(out []byte) int {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if n, err := strconv.Atoi(last); err == nil && n >= 0 {
		return n
	}
	var v struct {
		Count *int `json:"count"`
	}
	if err := json.Unmarshal([]byte(last), &v); err == nil && v.Count != nil && *v.Count >= 0 {
		return *v.Count
	}
	return Unknown
}

// parseStatus reads a status hook's JSON object.
func parseStatus(out []byte) (Status, error) {
	var v struct {
		Incoming, Active, Deferred, Hold int
		Oldest                           int64
	}
	out = bytes.TrimSpace(out)
	err := json.Unmarshal(out, &v)
	if err == nil && !bytes.HasPrefix(out, []byte("{")) {
		err = fmt.Errorf("not an object")
	}
	if err != nil {
		return Status{}, fmt.Errorf("want a JSON object {\"incoming\": N, \"active\": N, \"deferred\": N, \"hold\": N, \"oldest\": UNIX_SECONDS}: %v: %s", err, excerpt(out))
	}
	if v.Incoming < 0 || v.Active < 0 || v.Deferred < 0 || v.Hold < 0 || v.Oldest < 0 {
		return Status{}, fmt.Errorf("negative count or time: %s", excerpt(out))
	}
	st := Status{Incoming: v.Incoming, Active: v.Active, Deferred: v.Deferred, Hold: v.Hold}
	if v.Oldest > 0 {
		st.Oldest = time.Unix(v.Oldest, 0)
	}
	return st, nil
}
