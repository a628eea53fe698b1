#include "textinput.h"

#include <string.h>

#include "draw.h"
#include "input.h"
#include "uwidth.h"

void textinput_set(textinput *t, const char *text)
{
    size_t n = strlen(text);
    if (n >= TEXTINPUT_MAX) {
        n = TEXTINPUT_MAX - 1;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--; /* never cut a character in half */
    }
    memcpy(t->buf, text, n);
    t->buf[n] = '\0';
    t->len = t->cur = n;
}

static void insert(textinput *t, int cp)
{
    char enc[4];
    size_t n;
    if (cp < 0x80) {
        enc[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        enc[0] = (char)(0xC0 | (cp >> 6));
        enc[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        enc[0] = (char)(0xE0 | (cp >> 12));
        enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        enc[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        enc[0] = (char)(0xF0 | (cp >> 18));
        enc[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        enc[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        enc[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    if (t->len + n >= TEXTINPUT_MAX)
        return;
    memmove(t->buf + t->cur + n, t->buf + t->cur, t->len - t->cur + 1);
    memcpy(t->buf + t->cur, enc, n);
    t->len += n;
    t->cur += n;
}

static void cut_range(textinput *t, size_t from, size_t to)
{
    memmove(t->buf + from, t->buf + to, t->len - to + 1);
    t->len -= to - from;
    t->cur = from;
}

ti_result textinput_key(textinput *t, int key)
{
    switch (key) {
    case KF(KEY_LEFT):
    case CTRL('b'):
        t->cur = uw_prev(t->buf, t->cur);
        return TI_MOVED;
    case KF(KEY_RIGHT):
    case CTRL('f'):
        t->cur = uw_next(t->buf, t->cur);
        return TI_MOVED;
    case KF(KEY_HOME):
    case CTRL('a'):
        t->cur = 0;
        return TI_MOVED;
    case KF(KEY_END):
    case CTRL('e'):
        t->cur = t->len;
        return TI_MOVED;
    case KF(KEY_BACKSPACE):
        if (t->cur == 0)
            return TI_MOVED;
        cut_range(t, uw_prev(t->buf, t->cur), t->cur);
        return TI_CHANGED;
    case KF(KEY_DC):
    case CTRL('d'):
        if (t->cur == t->len)
            return TI_MOVED;
        cut_range(t, t->cur, uw_next(t->buf, t->cur));
        return TI_CHANGED;
    case CTRL('u'):
        cut_range(t, 0, t->cur);
        return TI_CHANGED;
    case CTRL('k'):
        t->buf[t->cur] = '\0';
        t->len = t->cur;
        return TI_CHANGED;
    case CTRL('w'): {
        size_t i = t->cur;
        while (i > 0 && t->buf[i - 1] == ' ')
            i--;
        while (i > 0 && t->buf[i - 1] != ' ')
            i--;
        cut_range(t, i, t->cur);
        return TI_CHANGED;
    }
    default:
        if (key >= 0x20 && key != 0x7f && key < 0x110000) {
            insert(t, key);
            return TI_CHANGED;
        }
        return TI_IGNORED;
    }
}

int textinput_draw(WINDOW *w, const textinput *t, int y, int x, int width, style_id s)
{
    if (width < 2)
        return x;
    /* Scroll so the cursor is visible: start from the cursor and walk back
     * while the text fits. */
    size_t start = t->cur;
    int before = 0;
    while (start > 0) {
        size_t prev = uw_prev(t->buf, start);
        char tmp[8] = {0};
        memcpy(tmp, t->buf + prev, start - prev < 7 ? start - prev : 7);
        int cw = uw_width(tmp);
        if (before + cw > width - 1)
            break;
        before += cw;
        start = prev;
    }
    draw_text_pad(w, y, x, t->buf + start, width, s);
    return x + before;
}
