// What Swift cannot import from curses.h directly: macros and the wide-character API switch.
// SwiftPM drops pkg-config's -D flags, so the defines that enable ncursesw's wide API are here.
#ifndef DROPTOP_CNCURSES_SHIM_H
#define DROPTOP_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

#include <string.h>
#include <strings.h>
static inline WINDOW *droptop_stdscr(void) { return stdscr; }
static inline SCREEN *droptop_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int droptop_locale_is_utf8(void) {
    const char *c = nl_langinfo(CODESET);
    return c && (strcasecmp(c, "UTF-8") == 0 || strcasecmp(c, "UTF8") == 0);
}
static inline int droptop_lines(void) { return LINES; }
static inline int droptop_cols(void) { return COLS; }
static inline attr_t droptop_a_bold(void) { return A_BOLD; }
static inline attr_t droptop_a_reverse(void) { return A_REVERSE; }
static inline attr_t droptop_a_dim(void) { return A_DIM; }
static inline attr_t droptop_a_underline(void) { return A_UNDERLINE; }
static inline attr_t droptop_color_pair(int n) { return COLOR_PAIR(n); }
static inline int droptop_key_resize(void) { return KEY_RESIZE; }
static inline int droptop_key_up(void) { return KEY_UP; }
static inline int droptop_key_down(void) { return KEY_DOWN; }
static inline int droptop_key_left(void) { return KEY_LEFT; }
static inline int droptop_key_right(void) { return KEY_RIGHT; }
static inline int droptop_key_ppage(void) { return KEY_PPAGE; }
static inline int droptop_key_npage(void) { return KEY_NPAGE; }
static inline int droptop_key_home(void) { return KEY_HOME; }
static inline int droptop_key_end(void) { return KEY_END; }
static inline int droptop_key_btab(void) { return KEY_BTAB; }
static inline int droptop_key_backspace(void) { return KEY_BACKSPACE; }
static inline int droptop_key_enter(void) { return KEY_ENTER; }
static inline int droptop_key_code_yes(void) { return KEY_CODE_YES; }
static inline int droptop_err(void) { return ERR; }
/// Whether the terminal set up by setupterm can move the cursor (TERM=dumb cannot).
static inline int droptop_has_cursor_addressing(void) {
    const char *cup = tigetstr("cup");
    return cup != NULL && cup != (const char *)-1;
}
#endif
