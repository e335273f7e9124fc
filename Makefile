# Authdeck — the two commands a new user needs are `make run` and `make test`.
# Each installs what it needs on a fresh Debian/Ubuntu machine first.

GO       ?= go
TAGS     := migrated_fynedo
BIN      := bin/authdeck
# Fyne's cgo build: OpenGL and X11 headers, and Wayland ones for GLFW 3.4.
APT_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev
# Tests: a real Secret Service keyring on a private D-Bus, a headless X server,
# a real browser for the implicit-grant relay, curl for the stand-in browser.
APT_TEST  := dbus dbus-x11 gnome-keyring libsecret-tools xvfb xauth libgl1-mesa-dri \
             chromium curl imagemagick xdotool
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run build test test-go lint deps-build deps-test screenshots clean

run: build
	./$(BIN)

build: deps-build
	$(GO) build -tags $(TAGS) -o $(BIN) .

# Install the Debian packages that are missing (and only those).
deps-build:
	@./scripts/apt-need.sh $(APT_BUILD)
	@$(GO) mod download

deps-test: deps-build
	@./scripts/apt-need.sh $(APT_TEST)

test: deps-test
	$(GO) vet -tags $(TAGS) ./...
	@echo "checking that auth/ never depends on Fyne"
	@! $(GO) list -deps ./auth/... | grep '^fyne.io/'
	@# Everything runs on a private session bus with a fresh, unlocked
	@# gnome-keyring, so the OS-keyring tests exercise the real go-keyring path.
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

test: test-package
