package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// parseHTTPURL checks a notifier's URL; what it returns is safe to print
// (a password in it is redacted).
func parseHTTPURL(raw string) (*url.URL, string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error prints the URL raw, with any password in it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, "", fmt.Errorf("url: %w", err)
	}
	safe := u.Redacted()
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, "", fmt.Errorf("url %q: scheme is not http or https", safe)
	}
	if u.Host == "" {
		return nil, "", fmt.Errorf("url %q: no host", safe)
	}
	return u, safe, nil
}

// postJSON posts v as JSON and checks the answer: a 4xx other than 429
// is permanent (retrying the same body will not help).
func postJSON(ctx context.Context, c *http.Client, u *url.URL, v any, header http.Header) error {
	body, err := json.Marshal(v)
	if err != nil {
		return permanent{fmt.Errorf("encoding: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return permanent{err}
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "feedplan")
	resp, err := c.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL is printed by the caller, redacted
		}
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("no answer within the timeout: %w", err)
		}
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	if resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests {
		return permanent{err}
	}
	return err
}
