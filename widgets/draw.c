#include "draw.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "uwidth.h"

static bool ascii_only;

void draw_set_ascii(bool ascii)
{
    ascii_only = ascii;
}

bool draw_ascii(void)
{
    return ascii_only;
}

void draw_cp(WINDOW *w, int y, int x, uint32_t cp, style_id s)
{
    if (cp < 0x20 || cp == 0x7f || (ascii_only && cp > 0x7e))
        cp = '?';
    wchar_t wc[2] = {(wchar_t)cp, 0};
    cchar_t cc;
    setcchar(&cc, wc, style_attr(s) & ~A_COLOR, style_pair(s), NULL);
    mvwadd_wch(w, y, x, &cc);
}

int draw_text(WINDOW *w, int y, int x, const char *text, int max, style_id s)
{
    int used = 0;
    size_t len = strlen(text);
    /* Text that does not fit ends in an ellipsis, so a cut is never
     * mistaken for the whole message. */
    bool cut = max > 1 && uw_width(text) > max;
    if (cut)
        max--;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        i += uw_decode(text + i, len - i, &cp);
        int cw = uw_cp_width(cp);
        if (cw == 0)
            continue;
        if (ascii_only && cp > 0x7e)
            cw = 1;
        if (used + cw > max)
            break;
        draw_cp(w, y, x + used, (uint32_t)cp, s);
        used += cw;
    }
    if (cut) {
        draw_cp(w, y, x + used, ascii_only ? '~' : 0x2026, s);
        used++;
    }
    return used;
}

void draw_text_pad(WINDOW *w, int y, int x, const char *text, int width, style_id s)
{
    int used = draw_text(w, y, x, text, width, s);
    if (used < width)
        draw_fill(w, y, x + used, 1, width - used, s);
}

void draw_printf(WINDOW *w, int y, int x, int width, style_id s, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    draw_text_pad(w, y, x, buf, width, s);
}

void draw_fill(WINDOW *w, int y, int x, int h, int width, style_id s)
{
    if (width <= 0)
        return;
    wattrset(w, (int)style_attr(s));
    for (int r = y; r < y + h; r++)
        mvwhline(w, r, x, ' ', width);
    wattrset(w, 0);
}

void draw_frame(WINDOW *w, int y, int x, int h, int width, const char *title, style_id border)
{
    if (h < 2 || width < 2)
        return;
    draw_fill(w, y + 1, x + 1, h - 2, width - 2, STYLE_NORMAL);
    uint32_t hz = ascii_only ? '-' : 0x2500, vt = ascii_only ? '|' : 0x2502;
    for (int c = x + 1; c < x + width - 1; c++) {
        draw_cp(w, y, c, hz, border);
        draw_cp(w, y + h - 1, c, hz, border);
    }
    for (int r = y + 1; r < y + h - 1; r++) {
        draw_cp(w, r, x, vt, border);
        draw_cp(w, r, x + width - 1, vt, border);
    }
    draw_cp(w, y, x, ascii_only ? '+' : 0x250C, border);
    draw_cp(w, y, x + width - 1, ascii_only ? '+' : 0x2510, border);
    draw_cp(w, y + h - 1, x, ascii_only ? '+' : 0x2514, border);
    draw_cp(w, y + h - 1, x + width - 1, ascii_only ? '+' : 0x2518, border);
    if (title && *title && width > 6) {
        draw_cp(w, y, x + 1, ' ', border);
        int used = draw_text(w, y, x + 2, title, width - 5, STYLE_TITLE);
        draw_cp(w, y, x + 2 + used, ' ', border);
    }
}
