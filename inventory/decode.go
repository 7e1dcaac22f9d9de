package inventory

import (
	"fmt"
	"iter"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// decoder turns a YAML node tree into Site structs strictly: an unknown
// key, a wrong type or a duplicate key is an error with its line, and
// decoding goes on so that every error in the file is reported at once.
type decoder struct {
	errs *Errors
	// aliasBudget is how many more values (and bytes of them) may be
	// decoded through aliases. The node tree shares an aliased value, but
	// decoding copies it each time: without a bound a few kilobytes of
	// nested aliases ("billion laughs") decode into millions of objects.
	aliasBudget int
	inAlias     int // depth of aliases being followed
	aliasLine   int // where the outermost of them stands
	overBudget  bool
}

// kindOf names the objects of each list for error messages.
var kindOf = map[string]string{
	"sources":     "source",
	"panels":      "panel",
	"circuits":    "circuit",
	"ats":         "ats",
	"pdus":        "pdu",
	"racks":       "rack",
	"devices":     "device",
	"services":    "service",
	"mail_queues": "mail queue",
	"jobs":        "job",
	"banks":       "bank",
}

var (
	posType      = reflect.TypeOf(Pos{})
	rangeType    = reflect.TypeOf(Range{})
	plugType     = reflect.TypeOf(Plug{})
	quantityType = reflect.TypeOf(Quantity{})
)

func (d *decoder) errorf(line int, obj, format string, args ...any) {
	d.errs.add(line, obj, fmt.Sprintf(format, args...))
}

// decode fills v from n. obj names the enclosing object for messages.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, obj, key string) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		if d.inAlias == 0 {
			d.aliasLine = n.Line
		}
		d.inAlias++
		defer func() { d.inAlias-- }()
		if !d.spend(n.Alias, obj, key) {
			return
		}
		// Problems with the value itself stand where it is used; those
		// inside it, where it is written.
		at := *n.Alias
		at.Line = n.Line
		n = &at
	} else if d.inAlias > 0 && !d.spend(n, obj, key) {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty value keeps the default
	}
	switch v.Type() {
	case rangeType, plugType, quantityType:
		s, ok := d.scalar(n, obj, key)
		if !ok {
			return
		}
		var err error
		var x any
		switch v.Type() {
		case rangeType:
			x, err = ParseRange(s)
		case plugType:
			x, err = ParsePlug(s)
		case quantityType:
			x, err = ParseQuantity(s)
		}
		if err != nil {
			d.errorf(n.Line, obj, "%s: %v", key, err)
			return
		}
		v.Set(reflect.ValueOf(x))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), obj, key)
	case reflect.Struct:
		d.decodeStruct(n, v, obj)
	case reflect.Slice:
		d.decodeSlice(n, v, obj, key)
	case reflect.String:
		if s, ok := d.scalar(n, obj, key); ok {
			v.SetString(s)
		}
	case reflect.Int:
		s, ok := d.scalar(n, obj, key)
		if !ok {
			return
		}
		i, err := strconv.Atoi(s)
		if err != nil || n.Tag != "!!int" {
			d.errorf(n.Line, obj, "%s: %q is not a whole number", key, s)
			return
		}
		v.SetInt(int64(i))
	case reflect.Float64:
		s, ok := d.scalar(n, obj, key)
		if !ok {
			return
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
		// ParseFloat takes "nan" and "inf", which "!!float nan" lets in.
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || (n.Tag != "!!int" && n.Tag != "!!float") {
			d.errorf(n.Line, obj, "%s: %q is not a number", key, s)
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		s, ok := d.scalar(n, obj, key)
		if !ok {
			return
		}
		b, err := strconv.ParseBool(strings.ToLower(s))
		switch strings.ToLower(s) {
		case "yes", "on":
			b, err = true, nil
		case "no", "off":
			b, err = false, nil
		}
		if err != nil || n.Tag != "!!bool" { // "!!bool maybe" was false
			d.errorf(n.Line, obj, "%s: %q is not true or false", key, s)
			return
		}
		v.SetBool(b)
	default:
		panic("inventory: cannot decode into " + v.Type().String())
	}
}

// spend charges a value decoded through an alias against the budget, and
// reports once, at the outermost alias, when the budget runs out.
func (d *decoder) spend(n *yaml.Node, obj, key string) bool {
	if d.overBudget {
		return false
	}
	if d.aliasBudget -= 1 + len(n.Content) + len(n.Value); d.aliasBudget >= 0 {
		return true
	}
	d.overBudget = true
	d.errorf(d.aliasLine, obj, "%s: aliases expand to too many values: write them out", key)
	return false
}

func (d *decoder) scalar(n *yaml.Node, obj, key string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n.Line, obj, "%s: want a single value, not a %s", key, nodeKind(n))
		return "", false
	}
	return n.Value, true
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "single value"
	}
	return "document"
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, obj, key string) {
	elem := v.Type().Elem()
	if n.Kind != yaml.SequenceNode {
		// A single value where a list of values is wanted is a list of one.
		if n.Kind == yaml.ScalarNode && elem.Kind() != reflect.Pointer {
			s := reflect.MakeSlice(v.Type(), 1, 1)
			d.decode(n, s.Index(0), obj, key)
			v.Set(s)
			return
		}
		d.errorf(n.Line, obj, "%s: want a list, not a %s", key, nodeKind(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	kind := kindOf[key]
	for i, item := range n.Content {
		if kind == "" {
			d.decode(item, s.Index(i), obj, fmt.Sprintf("%s[%d]", key, i))
			continue
		}
		itemObj := objectName(item, kind, i)
		if obj != "" {
			itemObj = obj + " " + itemObj
		}
		d.decode(item, s.Index(i), itemObj, key)
		if e := s.Index(i); e.Kind() == reflect.Pointer && e.IsNil() && !d.overBudget {
			d.errorf(item.Line, itemObj, "empty item: want a mapping of keys to values")
		}
	}
	if elem.Kind() == reflect.Pointer {
		// Drop the items left nil (empty, or past the alias budget): the
		// validator must never meet a nil object.
		kept := s.Slice(0, 0)
		for i := range s.Len() {
			if !s.Index(i).IsNil() {
				kept = reflect.Append(kept, s.Index(i))
			}
		}
		s = kept
	}
	v.Set(s)
}

// objectName names a list item by its name key: `pdu "r01-a"`, or by its
// position when it has none yet.
func objectName(n *yaml.Node, kind string, i int) string {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.MappingNode {
		for j := 0; j+1 < len(n.Content); j += 2 {
			if n.Content[j].Value == "name" && n.Content[j+1].Kind == yaml.ScalarNode && n.Content[j+1].Value != "" {
				return fmt.Sprintf("%s %q", kind, n.Content[j+1].Value)
			}
		}
	}
	return fmt.Sprintf("%s #%d", kind, i+1)
}

// fieldIndex maps YAML keys to struct field indexes, per type; built once
// per type, since a site has tens of thousands of objects of a few types.
var fieldIndexes sync.Map // reflect.Type → map[string]int

func fieldIndex(t reflect.Type) map[string]int {
	if m, ok := fieldIndexes.Load(t); ok {
		return m.(map[string]int)
	}
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		m[tag] = i
	}
	fieldIndexes.Store(t, m)
	return m
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, obj string) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n.Line, obj, "want a mapping of keys to values, not a %s", nodeKind(n))
		return
	}
	var pos *Pos
	if s, ok := v.Addr().Interface().(*Site); ok {
		pos = &s.pos
	} else if f := v.FieldByName("Pos"); f.IsValid() && f.Type() == posType {
		pos = f.Addr().Interface().(*Pos)
	}
	if pos != nil {
		pos.Line = n.Line
	}
	fields := fieldIndex(v.Type())
	seen := make(map[string]bool, len(n.Content)/2)
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, val := n.Content[j], n.Content[j+1]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" {
			d.errorf(k.Line, obj, "merge keys (<<) are not supported: write the keys out")
			continue
		}
		if seen[k.Value] {
			d.errorf(k.Line, obj, "key %q appears twice", k.Value)
			continue
		}
		seen[k.Value] = true
		i, ok := fields[k.Value]
		if !ok {
			d.errorf(k.Line, obj, "unknown key %q%s", k.Value, suggest(k.Value, fields))
			continue
		}
		if pos != nil {
			pos.setField(k.Value, k.Line)
		}
		before := len(d.errs.List)
		d.decode(val, v.Field(i), obj, k.Value)
		if pos != nil && len(d.errs.List) > before {
			pos.setField(k.Value, -k.Line) // present, but its value was bad
		}
	}
}

// suggest offers the closest known key for a misspelt one.
func suggest(key string, fields map[string]int) string {
	best := Closest(key, maps.Keys(fields))
	if best == "" {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return " (known keys: " + strings.Join(keys, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// Closest returns the candidate nearest to name (at most two edits away,
// ignoring case), or "" when none is that close: for "did you mean".
func Closest(name string, candidates iter.Seq[string]) string {
	best, bestD := "", 3
	for c := range candidates {
		if dist := editDistance(strings.ToLower(name), strings.ToLower(c)); dist < bestD || (dist == bestD && c < best) {
			best, bestD = c, dist
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
