package inventory

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Error is one problem in an inventory file, with where it stands.
type Error struct {
	File   string
	Line   int
	Object string // `circuit "B-12"`; empty for the file as a whole
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Object != "" {
		b.WriteString(e.Object)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in line order.
type Errors struct {
	File string
	List []*Error
}

func (e *Errors) add(line int, obj, msg string) {
	e.List = append(e.List, &Error{File: e.File, Line: line, Object: clip(obj), Msg: clip(msg)})
}

// maxText bounds the object and the message of one error. A name of 300 kB
// in each of 60,000 errors about its object made an error text of 18 GB.
const maxText = 256

// clip shortens s to maxText bytes or so, on a character boundary.
func clip(s string) string {
	if len(s) <= maxText {
		return s
	}
	i := maxText
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

func (e *Errors) Error() string {
	lines := make([]string, len(e.List))
	for i, err := range e.List {
		lines[i] = err.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (e *Errors) Unwrap() []error {
	errs := make([]error, len(e.List))
	for i, err := range e.List {
		errs[i] = err
	}
	return errs
}

// err returns nil when there is no problem, else e sorted by line.
func (e *Errors) err() error {
	if len(e.List) == 0 {
		return nil
	}
	slices.SortStableFunc(e.List, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	return e
}
