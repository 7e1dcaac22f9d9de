package planner

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// shareOrder sorts packed integer keys and leaves zero shares out of the
// sort; it must give the order a plain stable sort gives: highest share
// first, ties and zeros in position order, zeros last.
func TestShareOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 7, 100, 5000} {
		shares := make([]float64, n)
		for i := range shares {
			switch rng.IntN(4) {
			case 0: // dark
			case 1: // a tie with a common value
				shares[i] = 0.5
			default:
				shares[i] = float64(rng.IntN(2000)) / 1000 // up to 200 %, many ties
			}
		}
		want := make([]int32, n)
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(a, b int32) int {
			za, zb := shares[a] == 0, shares[b] == 0
			if za != zb {
				if za {
					return 1
				}
				return -1
			}
			return cmp.Compare(shares[b], shares[a])
		})
		scratch := &state{}
		for round := range 2 { // the second reuses the scratch
			got := shareOrder(shares, scratch)
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d round %d: order %v, want %v (shares %v)", n, round, got, want, shares)
			}
		}
	}
}
