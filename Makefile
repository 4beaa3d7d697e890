# The two commands a newcomer needs: `make site` and `make test`.
GO ?= go
SHARED ?= ../shared

## build: the binary at bin/timeline (`go build .` alone cannot write ./timeline: that name is the timeline/ package folder)
build:
	$(GO) build -o bin/timeline .

.PHONY: build site test eval eval-events bench fuzz e2e serve clean

## site: build the demo site (content/ + the seed article in seeds/) into public/
site:
	$(GO) run . build --content content --out public

## test: run every test (browser tests skip with a message when Chromium is absent); the build for 386 keeps 32-bit targets compiling
test:
	$(GO) vet ./...
	GOARCH=386 $(GO) build ./...
	$(GO) test -count=1 ./...

## eval: score the date resolver on the TempEval-3 corpus in ../shared/te3
eval:
	@if [ -d $(SHARED)/te3 ]; then $(GO) run . eval $(SHARED)/te3/TimeBank $(SHARED)/te3/AQUAINT; \
	else echo "skip: $(SHARED)/te3 is absent (the annotated corpus lives outside the project)"; fi

## eval-events: score event extraction on the SemEval-2015 timeline trial corpus
eval-events:
	@if [ -d $(SHARED)/semeval2015-timeline-trial ]; then $(GO) run . eval-events $(SHARED)/semeval2015-timeline-trial; \
	else echo "skip: $(SHARED)/semeval2015-timeline-trial is absent"; fi

## bench: print resolver MB/s, extraction vs resolution time, and the 10,000-article build figures
bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 90m ./...

## serve: live preview on http://127.0.0.1:1313/
serve:
	$(GO) run . serve

clean:
	rm -rf public .timeline-cache
