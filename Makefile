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
KEYRING_PASSWORD := authdeck-test

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
	@# Everything runs on a private session bus with an unlocked gnome-keyring,
	@# so the OS-keyring tests exercise the real go-keyring path.
	dbus-run-session -- sh -c '\
	  echo "$(KEYRING_PASSWORD)" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
	  AUTHDECK_REQUIRE_KEYRING=1 AUTHDECK_REQUIRE_CHROMIUM=1 \
	  $(GO) test -race -tags $(TAGS) -count=1 -timeout 30m ./...'

clean:
	rm -rf bin dist

# Benchmarks: ratios against references measured in the same run, written to
# docs/BENCHMARKS.md. Needs a display-less X server and a real keyring.
APT_BENCH := xvfb xauth libgl1-mesa-dri xdotool hyperfine jq gnome-keyring dbus dbus-x11 libsecret-tools

.PHONY: bench
bench: deps-build
	@./scripts/apt-need.sh $(APT_BENCH)
	dbus-run-session -- ./scripts/bench.sh
