# feedplan — the targets a newcomer guesses.
GO      ?= go
BIN     := bin/feedplan
EXAMPLE := examples/site.yaml

.PHONY: all build demo test bench fuzz lint clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/feedplan

# The main job on the built-in example site: the redundancy audit and a
# what-if of cutting feed A. Exit code 1 (something goes down) is the
# expected answer for the example, not a failure of the demo.
demo: build
	@echo '$$ feedplan audit $(EXAMPLE)'
	@$(BIN) audit $(EXAMPLE); test $$? -le 1
	@echo
	@echo '$$ feedplan whatif $(EXAMPLE) --cut source:A --ats as-tested'
	@$(BIN) whatif $(EXAMPLE) --cut source:A --ats as-tested; test $$? -le 1

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# Benchmarks on a generated 50,000-device site (see README for targets).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 10x ./inventory ./planner

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 60s ./inventory

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo 'gofmt: the files above need formatting'; exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin
