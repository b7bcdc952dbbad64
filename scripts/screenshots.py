#!/usr/bin/env python3
"""Regenerates screenshots/*.png from the real UI: droptop replays a committed recording in a
detached tmux window (120x40), tmux capture-pane -e gives the screen with its colors, and this
script draws it with DejaVu Sans Mono. Needs tmux, Pillow (pip install pillow) and the
fonts-dejavu-core package. Usage: python3 scripts/screenshots.py [DROPTOP]"""
import os, re, subprocess, sys, time
from PIL import Image, ImageDraw, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/droptop")
SERVER = os.path.join(ROOT, "Tests/Fixtures/recordings/server64.jsonl")
UDP = os.path.join(ROOT, "Tests/Fixtures/recordings/udp-overflow.jsonl")
OUT = os.path.join(ROOT, "screenshots")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"

# xterm-ish palette on a dark background
PALETTE = [(30, 30, 30), (220, 70, 70), (110, 200, 110), (230, 200, 80), (90, 140, 230), (190, 110, 200), (90, 200, 210), (220, 220, 220)]
BRIGHT = [(110, 110, 110), (255, 110, 110), (140, 240, 140), (255, 235, 120), (130, 170, 255), (230, 150, 240), (130, 235, 245), (255, 255, 255)]
FG, BG = (215, 215, 215), (24, 26, 30)

VIEWS = [
    ("overview", SERVER, []), ("zoom-1-throughput", SERVER, ["1"]), ("zoom-2-drops", SERVER, ["2"]),
    ("zoom-3-cpu-irq", SERVER, ["3"]), ("zoom-4-tcp", SERVER, ["4"]), ("zoom-5-protocols", SERVER, ["5"]),
    ("help", SERVER, ["h"]), ("triage-udp-overflow", UDP, [","]), ("triage-detail", UDP, [",", "t"]),
]


def capture(recording, keys):
    sock = "droptop-shots-%d" % os.getpid()
    tmux = ["tmux", "-L", sock]
    subprocess.run(tmux + ["new-session", "-d", "-s", "s", "-x", "120", "-y", "40",
                           "env LANG=C.UTF-8 TERM=xterm-256color TZ=UTC %s --replay %s" % (BIN, recording)], check=True)
    try:
        time.sleep(1.0)
        subprocess.run(tmux + ["send-keys", "-t", "s", "G"], check=True)   # the last sample, paused
        time.sleep(0.4)
        for k in keys:
            subprocess.run(tmux + ["send-keys", "-t", "s", k], check=True)
            time.sleep(0.4)
        return subprocess.run(tmux + ["capture-pane", "-e", "-p", "-t", "s"], check=True, capture_output=True, text=True).stdout
    finally:
        subprocess.run(tmux + ["kill-server"])


def render(ansi, path):
    font, bold = ImageFont.truetype(FONT, 15), ImageFont.truetype(BOLD, 15)
    cw, ch = int(font.getlength("M")), 19
    lines = ansi.split("\n")[:40]
    img = Image.new("RGB", (cw * 120 + 20, ch * 40 + 20), BG)
    draw = ImageDraw.Draw(img)
    for y, line in enumerate(lines):
        fg, bg, is_bold, reverse, faint, x = None, None, False, False, False, 0
        for token in re.split(r"(\x1b\[[0-9;]*m)", line):
            m = re.fullmatch(r"\x1b\[([0-9;]*)m", token)
            if m:
                codes = [int(c) if c else 0 for c in m.group(1).split(";")] or [0]
                i = 0
                while i < len(codes):
                    c = codes[i]
                    if c == 0: fg, bg, is_bold, reverse, faint = None, None, False, False, False
                    elif c == 1: is_bold = True
                    elif c == 2: faint = True
                    elif c == 22: is_bold, faint = False, False
                    elif c == 7: reverse = True
                    elif c == 27: reverse = False
                    elif 30 <= c <= 37: fg = PALETTE[c - 30]
                    elif 90 <= c <= 97: fg = BRIGHT[c - 90]
                    elif 40 <= c <= 47: bg = PALETTE[c - 40]
                    elif c == 39: fg = None
                    elif c == 49: bg = None
                    elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                        n = codes[i + 2]
                        col = PALETTE[n] if n < 8 else BRIGHT[n - 8] if n < 16 else FG
                        if c == 38: fg = col
                        else: bg = col
                        i += 2
                    i += 1
                continue
            for chx in token:
                f, b = fg or FG, bg or BG
                if faint: f = tuple((3 * a + 2 * z) // 5 for a, z in zip(f, b))   # SGR 2: toward the background
                if reverse: f, b = b, f
                px, py = 10 + x * cw, 10 + y * ch
                if b != BG: draw.rectangle([px, py, px + cw - 1, py + ch - 1], fill=b)
                if chx in "─━":
                    draw.line([px, py + ch // 2, px + cw, py + ch // 2], fill=f)
                elif chx == "│":
                    draw.line([px + cw // 2, py, px + cw // 2, py + ch], fill=f)
                elif chx in "┌┐└┘":
                    mx, my = px + cw // 2, py + ch // 2
                    draw.line([mx, my, px + cw if chx in "┌└" else px, my], fill=f)
                    draw.line([mx, my, mx, py + ch if chx in "┌┐" else py], fill=f)
                elif chx != " ":
                    draw.text((px, py), chx, font=bold if is_bold else font, fill=f)
                x += 1
    img.save(path)


if __name__ == "__main__":
    if not os.path.exists(SERVER):
        sys.exit("missing %s: run scripts/record-server64.sh first" % SERVER)
    for name, recording, keys in VIEWS:
        path = os.path.join(OUT, name + ".png")
        render(capture(recording, keys), path)
        print("wrote", path)
