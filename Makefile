# droptop: build a single copyable binary and install it.
#   make release [PIE=1]     -> .build-static/release/droptop (static Swift runtime, stripped)
#   make install PREFIX=/usr/local   (binary, man page, bash/zsh/fish completions)
#   make check-release       -> runs the binary with no Swift toolchain in reach
PREFIX ?= /usr/local
DESTDIR ?=
BIN := .build-static/release/droptop
# PIE=1 builds a position-independent executable: ~0.9 MB more relocations, see below.
PIE ?= 0
# The stripped binary must stay under this many bytes (issue 6); check-release enforces it.
ifeq ($(PIE),0)
SIZE_BUDGET ?= 16500000
else
SIZE_BUDGET ?= 17500000
endif

# Why each flag (sizes measured in docs/performance.md, "The release binary"):
#   --static-swift-stdlib        no Swift libraries needed on the server
#   --experimental-lto-mode=full drops the unused parts of droptop and its packages
#   -use-ld=lld, --icf=safe      lld folds identical functions whose address is never taken
#   --no-export-dynamic          an executable exports nothing; swiftc adds -export-dynamic
#   -no-pie                      no 40,000 relative relocations to store and apply at start-up;
#                                droptop is not setuid and reads only /proc, /sys and its
#                                own recordings (PIE=1 keeps ASLR of the executable instead)
RELEASE_FLAGS := -c release --static-swift-stdlib --experimental-lto-mode=full \
  -Xswiftc -use-ld=lld -Xlinker --icf=safe -Xlinker --no-export-dynamic
ifeq ($(PIE),0)
RELEASE_FLAGS += -Xswiftc -Xclang-linker -Xswiftc -no-pie
endif

.PHONY: release install check-release clean

release:
	swift build $(RELEASE_FLAGS) --product droptop --scratch-path .build-static
	strip $(BIN)
	@ls -l $(BIN)

install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/droptop
	install -m 0644 man/droptop.1 $(DESTDIR)$(PREFIX)/share/man/man1/droptop.1
	$(BIN) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/droptop
	$(BIN) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_droptop
	$(BIN) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/droptop.fish

check-release: release
	SIZE_BUDGET=$(SIZE_BUDGET) sh scripts/check-release.sh $(BIN)

clean:
	rm -rf .build-static
