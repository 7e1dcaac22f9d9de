package profile

import "testing"

// BenchmarkVars renders one 24-outlet PDU per vendor; a site re-renders
// every PDU once per refresh period.
func BenchmarkVars(b *testing.B) {
	for _, vm := range [][2]string{{"apc", "AP8959EU3"}, {"raritan", "PX3-5493U-K2"}, {"servertech", "C2W24TE"}, {"eaton", "EMA114-10"}} {
		p, err := ForPDU(vm[0], vm[1])
		if err != nil {
			b.Fatal(err)
		}
		s := apcTestState(vm[1])
		s.Outlets = 24
		b.Run(vm[1], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Vars(s)
			}
		})
	}
}
