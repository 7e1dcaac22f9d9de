package main

import (
	"bufio"
	"fmt"
	"io"

	"feedplan/inventory"
)

const genExamples = `  feedplan gen > site.yaml
  feedplan gen --devices 50000 --seed 7 > big.yaml
`

func cmdGen(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("gen", "[--devices N] [--seed S] [--name NAME]", genExamples, stderr)
	var opt inventory.GenOptions
	fs.IntVar(&opt.Devices, "devices", 1000, "number of devices")
	fs.Int64Var(&opt.Seed, "seed", 1, "random seed: the same seed writes the same site")
	fs.StringVar(&opt.Name, "name", "synthetic", "site name")
	if _, code, ok := parseArgs(fs, args, 0, stdout, stderr); !ok {
		return code
	}
	if opt.Devices < 1 {
		fmt.Fprintf(stderr, "feedplan gen: --devices %d: want at least 1\n", opt.Devices)
		return exitBadInput
	}
	w := bufio.NewWriter(stdout)
	if err := inventory.Generate(w, opt); err != nil {
		fmt.Fprintf(stderr, "feedplan gen: %v\n", err)
		return exitBadInput
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "feedplan gen: %v\n", err)
		return exitBadInput
	}
	return exitOK
}
