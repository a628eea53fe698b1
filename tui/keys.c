/* keys: the keymap and key names, generated from the action table. */
#include <string.h>

#include "actions.h"
#include "input.h"

typedef struct action_info {
    ui_mode mode;
    const char *name, *keys, *hint, *help;
} action_info;

static const action_info info[ACT_COUNT] = {
#define X(mode, id, name, keys, hint, help) [ACT_##id] = {MODE_##mode, name, keys, hint, help},
    ACTIONS(X)
#undef X
};

static const char *const mode_names[MODE_COUNT] = {
    "canvas", "move",     "connect", "list",   "settings", "text",
    "help",   "question", "preview", "commit", "history",
};

typedef struct named_key {
    const char *name;
    int key, key2, key3;
    const char *uni, *asc;
} named_key;

static const named_key named[] = {
    {"<Left>", KF(KEY_LEFT), 0, 0, "←", "Left"},
    {"<Right>", KF(KEY_RIGHT), 0, 0, "→", "Right"},
    {"<Up>", KF(KEY_UP), 0, 0, "↑", "Up"},
    {"<Down>", KF(KEY_DOWN), 0, 0, "↓", "Down"},
    {"<S-Left>", KF(KEY_SLEFT), 0, 0, "S-←", "S-Left"},
    {"<S-Right>", KF(KEY_SRIGHT), 0, 0, "S-→", "S-Right"},
    {"<S-Up>", KF(KEY_SR), 0, 0, "S-↑", "S-Up"},
    {"<S-Down>", KF(KEY_SF), 0, 0, "S-↓", "S-Down"},
    {"<Tab>", '\t', 0, 0, "Tab", "Tab"},
    {"<S-Tab>", KF(KEY_BTAB), 0, 0, "S-Tab", "S-Tab"},
    {"<Enter>", '\r', '\n', KF(KEY_ENTER), "Enter", "Enter"},
    {"<Esc>", 27, 0, 0, "Esc", "Esc"},
    {"<Space>", ' ', 0, 0, "Space", "Space"},
    {"<Del>", KF(KEY_DC), 0, 0, "Del", "Del"},
    {"<BS>", KF(KEY_BACKSPACE), 0, 0, "Backspace", "Backspace"},
    {"<PgUp>", KF(KEY_PPAGE), 0, 0, "PgUp", "PgUp"},
    {"<PgDn>", KF(KEY_NPAGE), 0, 0, "PgDn", "PgDn"},
    {"<Home>", KF(KEY_HOME), 0, 0, "Home", "Home"},
    {"<End>", KF(KEY_END), 0, 0, "End", "End"},
    {"<F11>", KF(KEY_F(11)), 0, 0, "F11", "F11"},
};

enum { MAX_BINDINGS = 512 };

typedef struct binding {
    ui_mode mode;
    int key;
    action act;
} binding;

static binding bindings[MAX_BINDINGS];
static size_t n_bindings;

const char *mode_name(ui_mode m)
{
    return mode_names[m];
}
const char *action_name(action a)
{
    return info[a].name;
}
const char *action_keys(action a)
{
    return info[a].keys;
}
const char *action_hint(action a)
{
    return info[a].hint;
}
const char *action_help(action a)
{
    return info[a].help;
}
ui_mode action_mode(action a)
{
    return info[a].mode;
}

static void bind(ui_mode m, int key, action a)
{
    if (key && n_bindings < MAX_BINDINGS)
        bindings[n_bindings++] = (binding){m, key, a};
}

void keymap_init(void)
{
    n_bindings = 0;
    for (int a = 0; a < ACT_COUNT; a++) {
        const char *s = info[a].keys;
        while (*s) {
            size_t len = strcspn(s, " ");
            if (len == 1) {
                bind(info[a].mode, (unsigned char)s[0], (action)a);
            } else if (len == 5 && strncmp(s, "<C-", 3) == 0) {
                bind(info[a].mode, CTRL(s[3]), (action)a);
            } else {
                for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
                    if (strlen(named[k].name) == len && strncmp(named[k].name, s, len) == 0) {
                        bind(info[a].mode, named[k].key, (action)a);
                        bind(info[a].mode, named[k].key2, (action)a);
                        bind(info[a].mode, named[k].key3, (action)a);
                    }
            }
            s += len;
            while (*s == ' ')
                s++;
        }
    }
}

action keymap_lookup(ui_mode m, int key)
{
    for (size_t i = 0; i < n_bindings; i++)
        if (bindings[i].mode == m && bindings[i].key == key)
            return bindings[i].act;
    return ACT_NONE;
}

void keys_display(const char *keys, char *buf, size_t size, int ascii)
{
    size_t out = 0;
    buf[0] = '\0';
    for (const char *s = keys; *s;) {
        size_t len = strcspn(s, " ");
        const char *shown = NULL;
        char tmp[16];
        for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
            if (strlen(named[k].name) == len && strncmp(named[k].name, s, len) == 0)
                shown = ascii ? named[k].asc : named[k].uni;
        if (!shown && len == 5 && strncmp(s, "<C-", 3) == 0) {
            tmp[0] = 'C';
            tmp[1] = '-';
            tmp[2] = s[3];
            tmp[3] = '\0';
            shown = tmp;
        }
        if (!shown) {
            size_t n = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;
            memcpy(tmp, s, n);
            tmp[n] = '\0';
            shown = tmp;
        }
        size_t n = strlen(shown);
        if (out + n + 2 >= size)
            break;
        if (out)
            buf[out++] = '/';
        memcpy(buf + out, shown, n);
        out += n;
        buf[out] = '\0';
        s += len;
        while (*s == ' ')
            s++;
    }
}

void keys_markdown(FILE *out)
{
    fputs("# weir keys\n\n"
          "Generated from the action table in tui/actions.h by `weir --keys-markdown`;\n"
          "the `?` help screen is generated from the same table, so the two cannot\n"
          "disagree.  Edit the table, then regenerate this file.\n",
          out);
    for (int m = 0; m < MODE_COUNT; m++) {
        fprintf(out, "\n## %s\n\n| keys | action | what it does |\n|---|---|---|\n", mode_names[m]);
        for (int a = 0; a < ACT_COUNT; a++) {
            if (info[a].mode != (ui_mode)m)
                continue;
            char keys[128];
            keys_display(info[a].keys, keys, sizeof(keys), 0);
            fputs("| `", out);
            for (const char *c = keys; *c; c++)
                fputs(*c == '|' ? "\\|" : (char[]){*c, 0}, out);
            fprintf(out, "` | %s | %s |\n", info[a].name, info[a].help);
        }
        if (m == MODE_LIST)
            fputs("| (typing) | filter | narrow the list: letters in order, e.g. `enr` "
                  "finds `enrich` |\n",
                  out);
        if (m == MODE_TEXT)
            fputs("| `Left/Right/Home/End`, `C-a/C-e`, `Backspace/Del`, `C-u/C-k/C-w` | "
                  "line editing | move, delete, delete to start/end, delete a word |\n",
                  out);
    }
}
