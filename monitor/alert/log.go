package alert

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
)

// Log writes each event to a slog.Logger: a firing critical alert at
// level Error, a firing warning at Warn, anything else at Info. It is
// synchronous and never fails.
type Log struct{ l *slog.Logger }

// NewLog returns a Log notifier writing to l.
func NewLog(l *slog.Logger) (*Log, error) {
	if l == nil {
		return nil, errors.New("log notifier: no logger")
	}
	return &Log{l: l}, nil
}

// Notify logs the events.
func (n *Log) Notify(ctx context.Context, events []Event) error {
	for _, ev := range events {
		a := ev.Alert
		level := slog.LevelInfo
		if ev.Kind == Fired {
			switch a.Severity {
			case Critical:
				level = slog.LevelError
			case Warning:
				level = slog.LevelWarn
			}
		}
		attrs := []slog.Attr{
			slog.String("rule", a.Rule), slog.String("key", a.Key), slog.String("severity", a.Severity),
			slog.String("summary", a.Summary), slog.Time("since", ev.StartsAt),
		}
		if ev.Kind == Resolved {
			attrs = append(attrs, slog.Time("resolved", ev.EndsAt))
		} else if a.Description != "" {
			attrs = append(attrs, slog.String("description", a.Description))
		}
		if len(a.Labels) > 0 {
			var ls []any
			for _, k := range slices.Sorted(maps.Keys(a.Labels)) {
				ls = append(ls, slog.String(k, a.Labels[k]))
			}
			attrs = append(attrs, slog.Group("labels", ls...))
		}
		n.l.LogAttrs(ctx, level, "alert "+ev.Kind.String(), attrs...)
	}
	return nil
}
