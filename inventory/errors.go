package inventory

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
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
	e.List = append(e.List, &Error{File: e.File, Line: line, Object: obj, Msg: msg})
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
