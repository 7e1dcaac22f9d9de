package main

import (
	"fmt"
	"io"
)

func cmdGen(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "feedplan gen: not built yet")
	return exitBadInput
}
