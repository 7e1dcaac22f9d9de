package agent

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestBerInt(t *testing.T) {
	tests := []struct {
		in      []byte
		want    int64
		wantErr bool
	}{
		{[]byte{0x00}, 0, false},
		{[]byte{0x7f}, 127, false},
		{[]byte{0x80}, -128, false},
		{[]byte{0x00, 0x80}, 128, false},
		{[]byte{0xff, 0x7f}, -129, false},
		{[]byte{0x00, 0x00, 0x00, 0x05}, 5, false}, // padded
		{[]byte{0xff, 0xff, 0xff}, -1, false},      // padded
		{[]byte{0x7f, 0xff, 0xff, 0xff}, math.MaxInt32, false},
		{[]byte{0x80, 0x00, 0x00, 0x00}, math.MinInt32, false},
		{[]byte{0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0, true}, // 2^64-1
		{[]byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, math.MaxInt64, false},
		{nil, 0, true},
	}
	for _, tt := range tests {
		got, err := berInt(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("berInt(% x) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseMessage(t *testing.T) {
	get := func(length ...byte) []byte {
		// SEQUENCE { 1, "pub", GetRequest { 7, 0, 0, {} } } with the
		// outer length given.
		body := []byte{0x02, 0x01, 0x01, 0x04, 0x03, 'p', 'u', 'b', 0xa0, 0x0b, 0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00}
		return append(append([]byte{0x30}, length...), body...)
	}
	tests := []struct {
		name    string
		pkt     []byte
		wantErr string
	}{
		{"short length", get(0x15), ""},
		{"long length", get(0x81, 0x15), ""},
		{"non-minimal long length", get(0x83, 0x00, 0x00, 0x15), ""},
		{"length of 4 octets", get(0x84, 0x00, 0x00, 0x00, 0x15), "length of 4 octets"},
		{"indefinite length", get(0x80), "indefinite length"},
		{"length past the end", get(0x16), "truncated"},
		{"length short of the end", get(0x14), "data after the message"},
		{"trailing octets", append(get(0x15), 0x00), "data after the message"},
		{"multi-byte tag", []byte{0x3f, 0x01, 0x00}, "multi-byte tag"},
		{"not a sequence", []byte{0x02, 0x01, 0x00}, "tag 0x02"},
		{"one octet", []byte{0x30}, "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseMessage(tt.pkt)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("parseMessage(% x) = %v; want no error", tt.pkt, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("parseMessage(% x) = %v; want an error containing %q", tt.pkt, err, tt.wantErr)
			case err == nil && (m.version != 1 || string(m.community) != "pub" || m.pdu.requestID != 7):
				t.Errorf("parseMessage(% x) = version %d community %q request-id %d; want 1, pub, 7", tt.pkt, m.version, m.community, m.pdu.requestID)
			}
		})
	}
	if _, err := parseMessage([]byte{0x30, 0x03, 0x02, 0x01, 0x02}); !errors.Is(err, errVersion) {
		t.Errorf("parseMessage(version 2) = %v; want errVersion", err)
	}
}
