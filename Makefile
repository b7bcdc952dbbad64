# droptop: build a single copyable binary and install it.
#   make release             -> .build-static/release/droptop (static Swift runtime, stripped)
#   make install PREFIX=/usr/local   (binary, man page, bash/zsh/fish completions)
#   make check-release       -> runs the binary with no Swift toolchain in reach
PREFIX ?= /usr/local
DESTDIR ?=
BIN := .build-static/release/droptop

.PHONY: release install check-release clean

release:
	swift build -c release --static-swift-stdlib --product droptop --scratch-path .build-static
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
	sh scripts/check-release.sh $(BIN)

clean:
	rm -rf .build-static
