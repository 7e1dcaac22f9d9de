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

# Benchmarks on a generated 50,000-device site. Targets (2-core machine):
# what-if <= 10 ms, N-1 sweep <= 5 s, load+validate <= 2 s, RSS <= 500 MB.
BENCH_SITE := $(or $(TMPDIR),/tmp)/feedplan-bench-50k.yaml
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 10x ./inventory ./planner
	@$(BIN) gen --devices 50000 --seed 1 > $(BENCH_SITE)
	@echo 'whole-process peak RSS and wall time on the 50k site:'
	@for cmd in validate audit; do \
		/usr/bin/env time -f "  feedplan $$cmd: %e s, %M KB max RSS" $(BIN) $$cmd $(BENCH_SITE) > /dev/null || test $$? -le 1; \
	done
	@/usr/bin/env time -f "  feedplan whatif --cut source:A: %e s, %M KB max RSS" $(BIN) whatif $(BENCH_SITE) --cut source:A > /dev/null || test $$? -le 1
	@rm -f $(BENCH_SITE)

FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./inventory
	$(GO) test -run '^$$' -fuzz FuzzHandlePacket -fuzztime $(FUZZTIME) ./simulator/agent
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME) ./simulator/replay

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo 'gofmt: the files above need formatting'; exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin
