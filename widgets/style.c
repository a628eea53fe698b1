#include "style.h"

#include <stdlib.h>

static bool color_on;

typedef struct look {
    short fg, bg;
    attr_t color_attr; /* extra attributes when in colour */
    attr_t mono_attr;  /* attributes when monochrome */
} look;

/* -1 = the terminal's default colour. */
static const look looks[STYLE_COUNT] = {
    [STYLE_NORMAL] = {-1, -1, 0, 0},
    [STYLE_DIM] = {-1, -1, A_DIM, A_DIM},
    [STYLE_BORDER] = {COLOR_BLUE, -1, 0, 0},
    [STYLE_TITLE] = {-1, -1, A_BOLD, A_BOLD},
    [STYLE_SELECTED] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
    [STYLE_MARKED] = {COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE | A_UNDERLINE},
    [STYLE_BAR] = {COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE},
    [STYLE_BAR_STRONG] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD},
    [STYLE_KEY] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [STYLE_OK] = {COLOR_GREEN, -1, 0, 0},
    [STYLE_WARNING] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [STYLE_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [STYLE_INPUT] = {-1, -1, A_UNDERLINE, A_UNDERLINE},
    [STYLE_HEADING] = {COLOR_MAGENTA, -1, A_BOLD, A_BOLD},
    [STYLE_EDGE] = {-1, -1, 0, 0},
    [STYLE_SOURCE] = {COLOR_GREEN, -1, 0, 0},
    [STYLE_TRANSFORM] = {COLOR_CYAN, -1, 0, 0},
    [STYLE_SINK] = {COLOR_MAGENTA, -1, 0, 0},
    [STYLE_NODE_ID] = {-1, -1, A_BOLD, A_BOLD},
    [STYLE_NODE_TYPE] = {-1, -1, A_DIM, A_DIM},
    /* diffs also carry + - ~ markers, so monochrome stays readable */
    [STYLE_ADDED] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [STYLE_REMOVED] = {COLOR_RED, -1, 0, A_DIM},
    [STYLE_CHANGED] = {COLOR_YELLOW, -1, 0, A_UNDERLINE},
};

void style_init(void)
{
    const char *nc = getenv("NO_COLOR");
    color_on = !(nc && *nc) && has_colors();
    if (!color_on)
        return;
    start_color();
    use_default_colors();
    for (int s = 1; s < STYLE_COUNT; s++)
        init_pair((short)s, looks[s].fg, looks[s].bg);
}

bool style_has_color(void)
{
    return color_on;
}

short style_pair(style_id s)
{
    return color_on && s > 0 ? (short)s : 0;
}

attr_t style_attr(style_id s)
{
    if (!color_on)
        return looks[s].mono_attr;
    return looks[s].color_attr | (s > 0 ? COLOR_PAIR(s) : 0);
}

void style_set(WINDOW *w, style_id s)
{
    wattrset(w, (int)style_attr(s));
}
