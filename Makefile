# Authdeck — the two commands a new user needs are `make run` and `make test`.
# Each installs what it needs on a fresh Debian/Ubuntu machine first.
# `make check` is the inner loop (vet and unit tests, under a minute).

GO       ?= go
TAGS     := migrated_fynedo
BIN      := bin/authdeck
# The window is a program of its own, so that commands never load Fyne.
WINDOW_BIN := bin/authdeck-window
# Fyne's cgo build: OpenGL and X11 headers, and Wayland ones for GLFW 3.4.
APT_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev
# Tests: a real Secret Service keyring on a private D-Bus, a headless X server,
# a real browser for the implicit-grant relay, curl for the stand-in browser,
# setfacl (acl) for the config-folder ACL test.
APT_TEST  := dbus dbus-x11 gnome-keyring libsecret-tools xvfb xauth libgl1-mesa-dri \
             chromium curl imagemagick xdotool acl
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# ---- `make test`: every part, in this order, in one place ----
# test-shape: the layering and code-shape rules (docs/ARCHITECTURE.md);
# test-go: every Go test with -race on a real keyring and real Chromium;
# test-package, lint, fuzz-short: below. Later sections add their parts
# with `TEST_PARTS += …` and the target itself.
TEST_PARTS := test-shape test-go test-package lint fuzz-short

.PHONY: run build test check test-shape test-go lint deps-build deps-test screenshots clean

run: build
	./$(BIN)

# The command-line program is built without cgo: a static program skips the
# dynamic loader at every start (issue 22: a fifth of `authdeck --version`).
build: deps-build
	CGO_ENABLED=0 $(GO) build -tags $(TAGS) -o $(BIN) .
	$(GO) build -tags $(TAGS) -o $(WINDOW_BIN) ./cmd/authdeck-window

# Install the Debian packages that are missing (and only those).
deps-build:
	@./scripts/apt-need.sh $(APT_BUILD)
	@$(GO) mod download

deps-test: deps-build
	@./scripts/apt-need.sh $(APT_TEST)

# Prerequisites run left to right; the recipe runs them again explicitly so
# that parts added further down the file keep the order of TEST_PARTS.
test: deps-test
	@for part in $(TEST_PARTS); do echo "== make $$part"; $(MAKE) --no-print-directory $$part || exit 1; done

# The inner loop: vet, the shape rules and the unit tests without -race,
# the real keyring or a browser (those that need them skip).
check:
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -count=1 -timeout 5m ./...

test-shape:
	$(GO) vet -tags $(TAGS) ./...
	@echo "checking that auth/ and the authdeck command never depend on Fyne"
	@! $(GO) list -deps ./auth/... . | grep '^fyne.io/'
	$(GO) test -count=1 ./internal/codeshape/

# Everything runs on a private session bus with a fresh, unlocked
# gnome-keyring, so the OS-keyring tests exercise the real go-keyring path.
test-go: deps-test
	AUTHDECK_REQUIRE_KEYRING=1 AUTHDECK_REQUIRE_CHROMIUM=1 ./scripts/with-keyring.sh \
	  $(GO) test -race -tags $(TAGS) -count=1 -timeout 30m ./...

clean:
	rm -rf bin dist

# Benchmarks: ratios against references measured in the same run, written to
# docs/BENCHMARKS.md. Needs a display-less X server and a real keyring.
APT_BENCH := xvfb xauth libgl1-mesa-dri xdotool hyperfine jq gnome-keyring dbus dbus-x11 libsecret-tools

.PHONY: bench
bench: deps-build
	@./scripts/apt-need.sh $(APT_BENCH)
	./scripts/with-keyring.sh ./scripts/bench.sh

# ---- Packaging: `make package` builds the Linux bundle in dist/ ----
# The packager comes from the Go module proxy into bin/tools, never into
# go.mod (it would pull other versions of our dependencies).
FYNE_TOOL       := bin/tools/fyne
FYNE_TOOL_REF   := fyne.io/tools/cmd/fyne@v1.7.4
APP_VERSION     := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
PACKAGE         := dist/authdeck-$(APP_VERSION)-linux-$(shell $(GO) env GOARCH).tar.xz
# Rebuild the bundle only when something that goes into it changed.
PACKAGE_SOURCES := $(wildcard $(shell git ls-files -co --exclude-standard -- '*.go' go.mod go.sum FyneApp.toml assets packaging 2>/dev/null))
# zsh and fish check the completion scripts; desktop-file-validate the menu entry.
APT_TEST        += xz-utils zsh fish desktop-file-utils

.PHONY: package test-package

package: $(PACKAGE)

$(PACKAGE): $(FYNE_TOOL) $(PACKAGE_SOURCES) | deps-build
	packaging/package.sh $(FYNE_TOOL) $@

$(FYNE_TOOL):
	GOBIN=$(CURDIR)/bin/tools $(GO) install $(FYNE_TOOL_REF)

# Unpack the bundle, `make install` it into a temporary prefix, run it.
test-package: package
	AUTHDECK_PACKAGE=$(CURDIR)/$(PACKAGE) $(GO) test -count=1 -run TestPackage ./packaging


# ---- Security checks (issue 7): `make lint` and `make fuzz-short`, both run by `make test` ----
# The analysers come from the Go module proxy into bin/tools, never into go.mod.
TOOLS           := $(CURDIR)/bin/tools
STATICCHECK_REF := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOSEC_REF       := github.com/securego/gosec/v2/cmd/gosec@v2.30.0
GOVULNCHECK_REF := golang.org/x/vuln/cmd/govulncheck@v1.9.0
# G104 (a Close or Flush whose error is dropped on a path that already
# returns the first error) is style, not security; everything else is on.
GOSEC_FLAGS     := -quiet -exclude=G104
# A count, not a duration: a time-based -fuzztime fails at random under load
# (the coordinator's shutdown race, golang/go#75804, fixed only in Go 1.27).
FUZZTIME        ?= 20000x
FUZZ_TARGETS    := ./auth/catalog:FuzzParse ./auth/oauth:FuzzParseTokenResponse ./auth/oauth:FuzzCallback \
                   ./auth/render:FuzzCurlRoundTrip ./auth/render:FuzzHTTPieRoundTrip ./auth/store:FuzzDecodeFast ./auth/render:FuzzCSV \
                   ./cli:FuzzListJSON ./auth:FuzzCompareNames

.PHONY: lint fuzz-short

$(TOOLS)/staticcheck:
	GOBIN=$(TOOLS) $(GO) install $(STATICCHECK_REF)
$(TOOLS)/gosec:
	GOBIN=$(TOOLS) $(GO) install $(GOSEC_REF)
$(TOOLS)/govulncheck:
	GOBIN=$(TOOLS) $(GO) install $(GOVULNCHECK_REF)

# govulncheck needs its database (vuln.go.dev). When that cannot be reached
# the check is reported as skipped, loudly, and does not fail the build;
# any other failure (a known vulnerability) does.
lint: deps-build $(TOOLS)/staticcheck $(TOOLS)/gosec $(TOOLS)/govulncheck
	$(TOOLS)/staticcheck -tags $(TAGS) ./...
	$(TOOLS)/gosec $(GOSEC_FLAGS) -tags $(TAGS) ./...
	@out=$$($(TOOLS)/govulncheck -tags $(TAGS) ./... 2>&1); rc=$$?; \
	if [ $$rc -ne 0 ] && printf '%s\n' "$$out" | grep -q 'fetching vulnerabilities'; then \
	  printf '%s\n' "$$out" | tail -n 1; \
	  echo "lint: VULNERABILITY CHECK SKIPPED: govulncheck cannot reach its database (vuln.go.dev) from this machine"; \
	else printf '%s\n' "$$out"; exit $$rc; fi

# Each fuzz target for FUZZTIME on top of its checked-in corpus
# (testdata/fuzz/); -fuzz takes one target at a time.
fuzz-short:
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; fn=$${t##*:}; echo "fuzz $$fn ($$pkg): $(FUZZTIME)"; \
	  $(GO) test -run XXX -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done


# ---- A certified OpenID provider for auth/oauth's tests (issue 13.8) ----
# panva's oidc-provider from npm, pinned by its lock file, installed into
# auth/oauth/testdata/oidc/node_modules by npm ci (again only when the lock
# file changes). `make test-go` (so `make test`) requires it; a plain
# `go test` without it skips that one test.
OIDC_DIR  := auth/oauth/testdata/oidc
APT_TEST  += nodejs

.PHONY: deps-oidc

deps-oidc: $(OIDC_DIR)/node_modules/.package-lock.json

$(OIDC_DIR)/node_modules/.package-lock.json: $(OIDC_DIR)/package-lock.json $(OIDC_DIR)/package.json
	@./scripts/apt-need.sh nodejs
	@command -v npm >/dev/null 2>&1 || ./scripts/apt-need.sh npm
	cd $(OIDC_DIR) && npm ci --no-audit --no-fund --ignore-scripts

test-go: deps-oidc
test-go: export AUTHDECK_REQUIRE_OIDC := 1


# ---- The window walked as a person would (issue 14) ----
# The real window under Xvfb, driven with xdotool; controls are found by the
# words on them (tesseract OCR), never by fixed pixels.
APT_WINDOW := xvfb xauth libgl1-mesa-dri imagemagick xdotool tesseract-ocr python3 gnome-keyring dbus dbus-x11 curl
APT_TEST   += tesseract-ocr python3
TEST_PARTS += test-window
# The wizard's real-window tests (ui/wizard_x11_test.go) run in test-go.
test-go: export AUTHDECK_REQUIRE_X11 := 1

.PHONY: test-window screenshots

test-window: build
	@./scripts/apt-need.sh $(APT_WINDOW)
	./scripts/window-walk.sh bin

# Screenshots of every screen under Xvfb (a seeded config, a private keyring)
# into docs/screenshots/; look at each one after a UI change.
screenshots: build
	@./scripts/apt-need.sh $(APT_WINDOW)
	./scripts/screenshots.sh bin docs/screenshots

# ---- Beyond one Linux box (issue 17): Windows under Wine, the tray, the soak ----
# make package-windows: dist/windows/{authdeck-window.exe (GUI, icon),
# authdeck.exe (console), the zip of both}, cross-built with MinGW-w64.
# make test-wine: that build run under Wine (wine64 under Xvfb).
# make test-tray: the tray icon on a StatusNotifier host on a private bus.
# make soak: 100 starts and stops of the window with 50 connections;
# soak-short (10 starts) is part of make test. vet-darwin: the macOS build.
APT_WINDOWS := gcc-mingw-w64-x86-64 zip
APT_WINE    := wine wine64 xvfb xauth xdotool imagemagick
APT_TRAY    := xvfb xauth libgl1-mesa-dri xdotool xclip python3-xlib dbus dbus-x11 gnome-keyring
APT_SOAK    := xvfb xauth libgl1-mesa-dri xdotool jq python3-xlib dbus dbus-x11 gnome-keyring libsecret-tools procps
APT_TEST    += $(APT_WINDOWS) $(APT_WINE) $(APT_TRAY) $(APT_SOAK)
WIN_DIST    := dist/windows
WIN_EXE     := $(WIN_DIST)/authdeck-window.exe
SOAK_RUNS   ?= 100
SOAK_CONNS  ?= 50
TEST_PARTS  += vet-darwin test-wine test-tray soak-short

.PHONY: package-windows test-wine test-tray soak soak-short vet-darwin

package-windows: $(WIN_EXE)

$(WIN_EXE): $(FYNE_TOOL) $(PACKAGE_SOURCES) | deps-build
	@./scripts/apt-need.sh $(APT_WINDOWS)
	GO=$(GO) packaging/windows/package.sh $(FYNE_TOOL) $(WIN_DIST)

test-wine: package-windows
	@./scripts/apt-need.sh $(APT_WINE)
	AUTHDECK_WINE_DIST=$(CURDIR)/$(WIN_DIST) AUTHDECK_WINE_SHOT=$(CURDIR)/$(WIN_DIST)/wine-window.png \
	  $(GO) test -count=1 -timeout 15m -run "TestWine|TestWindowsPackage" ./test/wine

test-tray: build
	@./scripts/apt-need.sh $(APT_TRAY)
	AUTHDECK_TRAY_BINDIR=$(CURDIR)/bin ./scripts/with-keyring.sh \
	  $(GO) test -count=1 -timeout 10m -run "TestTray|TestWindowWaitsForXServer|TestNoTrayWithoutHost" ./test/tray

# Logs and goroutine dumps of any failed start or stop land in dist/soak*.
soak: build
	@./scripts/apt-need.sh $(APT_SOAK)
	./scripts/with-keyring.sh test/soak/soak.sh bin $(SOAK_RUNS) $(SOAK_CONNS) dist/soak docs/BENCHMARKS.md

soak-short: build
	@./scripts/apt-need.sh $(APT_SOAK)
	./scripts/with-keyring.sh test/soak/soak.sh bin 10 $(SOAK_CONNS) dist/soak-short

# macOS cannot be run here: vet what builds for it without cgo (everything
# but the window, which needs cgo for OpenGL and Cocoa).
DARWIN_PKGS := . ./auth/... ./cli/... ./internal/display/...
vet-darwin:
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) vet $(DARWIN_PKGS)


# ---- Readers of what Authdeck writes (issue 20 §3) ----
# auth/render's tests hold each snippet format to the program that reads it:
# sh, bash, zsh and fish (APT_TEST above), the real curl, python-dotenv, and
# Node's dotenv pinned by its lock file in auth/render/testdata/dotenv
# (npm ci, again only when the lock file changes). make test requires them
# all; a plain go test skips a reader that is missing. docker's --env-file
# needs a daemon, not run here: see docs/SECURITY.md.
DOTENV_DIR := auth/render/testdata/dotenv
APT_TEST   += python3-dotenv

.PHONY: deps-dotenv

deps-dotenv: $(DOTENV_DIR)/node_modules/.package-lock.json

$(DOTENV_DIR)/node_modules/.package-lock.json: $(DOTENV_DIR)/package-lock.json $(DOTENV_DIR)/package.json
	@./scripts/apt-need.sh nodejs
	@command -v npm >/dev/null 2>&1 || ./scripts/apt-need.sh npm
	cd $(DOTENV_DIR) && npm ci --no-audit --no-fund --ignore-scripts

test-go: deps-dotenv
test-go: export AUTHDECK_REQUIRE_READERS := 1


# ---- A real Vault for the team store's tests (issue 23) ----
# HashiCorp Vault, pinned, built once from the Go module proxy into a cache
# outside the clone by scripts/vault-build.sh (about 8 minutes cold on two
# cores; then instant). Each test starts its own `vault server -dev` on a
# free loopback port (internal/vaultdev). `make test-go` requires it; a
# plain `go test` without it skips those tests.
VAULT_VERSION := v1.21.0
VAULT_CACHE   ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/authdeck
VAULT_BIN     := $(VAULT_CACHE)/vault-$(VAULT_VERSION)/vault

.PHONY: deps-vault
deps-vault:
	@AUTHDECK_TOOL_CACHE=$(VAULT_CACHE) VAULT_VERSION=$(VAULT_VERSION) GO=$(GO) ./scripts/vault-build.sh >/dev/null

test-go: deps-vault
test-go: export AUTHDECK_VAULT_BIN := $(VAULT_BIN)
test-go: export AUTHDECK_REQUIRE_VAULT := 1
