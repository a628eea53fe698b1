/* actions: every action of the TUI, in one X-macro table that generates the
 * action enum, the names, the default keys, the hints line and the help
 * screen (and docs/keys.md) — so what `?` shows can never drift from what
 * the dispatcher does.
 *
 * Columns: mode, ID, name, default keys (space-separated; <Left>, <S-Tab>,
 * <C-s>, <Enter>, <Esc>, <Space>, <Del>, <BS>, <PgUp>, <PgDn>, <Home>,
 * <End> or a literal character), hint label (shown in the bottom line;
 * "" = not shown there), help text. */
#ifndef WEIR_ACTIONS_H
#define WEIR_ACTIONS_H

#include <stdio.h>

typedef enum {
    MODE_CANVAS,
    MODE_MOVE,
    MODE_CONNECT,
    MODE_LIST,
    MODE_FORM,
    MODE_TEXT,
    MODE_HELP,
    MODE_CONFIRM,
    MODE_PREVIEW, /* the preview pane has the keys */
    MODE_COMMIT,  /* the commit dialog (vcs) */
    MODE_HISTORY, /* the history view (vcs) */
    MODE_COUNT
} ui_mode;

#define ACTIONS(X)                                                                                 \
    X(CANVAS, SELECT_LEFT, "select-left", "<Left> h", "", "select the nearest node to the left")   \
    X(CANVAS, SELECT_DOWN, "select-down", "<Down> j", "", "select the nearest node below")         \
    X(CANVAS, SELECT_UP, "select-up", "<Up> k", "", "select the nearest node above")               \
    X(CANVAS, SELECT_RIGHT, "select-right", "<Right> l", "",                                       \
      "select the nearest node to the right")                                                      \
    X(CANVAS, NEXT_NODE, "next-node", "<Tab>", "", "select the next node in topological order")    \
    X(CANVAS, PREV_NODE, "prev-node", "<S-Tab>", "",                                               \
      "select the previous node in topological order")                                             \
    X(CANVAS, UPSTREAM, "upstream", "[", "", "follow an edge upstream (select an input)")          \
    X(CANVAS, DOWNSTREAM, "downstream", "]", "", "follow an edge downstream (select a consumer)")  \
    X(CANVAS, PAN_LEFT, "pan-left", "<S-Left> H", "", "pan the view left")                         \
    X(CANVAS, PAN_DOWN, "pan-down", "<S-Down> J <PgDn>", "", "pan the view down")                  \
    X(CANVAS, PAN_UP, "pan-up", "<S-Up> K <PgUp>", "", "pan the view up")                          \
    X(CANVAS, PAN_RIGHT, "pan-right", "<S-Right> L", "", "pan the view right")                     \
    X(CANVAS, CENTER, "center", "z", "", "centre the view on the selected node")                   \
    X(CANVAS, OVERVIEW, "overview", "o", "", "overview: fit the whole graph, compact boxes")       \
    X(CANVAS, FIND, "find", "/", "find", "find a node by typing part of its id")                   \
    X(CANVAS, ADD, "add", "a", "add", "add a node from the palette")                               \
    X(CANVAS, CONNECT, "connect", "c", "connect", "connect the selected node to another one")      \
    X(CANVAS, DISCONNECT, "disconnect", "x", "", "remove an edge of the selected node")            \
    X(CANVAS, MOVE, "move", "m", "move", "move the selected node with the arrow keys")             \
    X(CANVAS, EDIT, "edit", "e <Enter>", "edit",                                                   \
      "edit a transform's SQL/Lua; a source's or sink's settings")                                 \
    X(CANVAS, PROPERTIES, "properties", "i", "", "edit the selected node's settings")              \
    X(CANVAS, RENAME, "rename", "r", "", "rename the selected node (inputs follow)")               \
    X(CANVAS, DUPLICATE, "duplicate", "y", "", "duplicate the selected node")                      \
    X(CANVAS, DELETE, "delete", "d <Del>", "", "delete the selected node and its edges")           \
    X(CANVAS, PREVIEW, "preview", "p", "preview",                                                  \
      "show/hide the preview pane: the selected node's output")                                    \
    X(CANVAS, PREVIEW_FOCUS, "preview-focus", "w", "",                                             \
      "give the keys to the preview pane (opens it)")                                              \
    X(CANVAS, PREVIEW_STOP, "preview-stop", "<Esc>", "", "stop a running preview")                 \
    X(CANVAS, EDIT_FULL, "editor-full", "<F11>", "",                                               \
      "the SQL/Lua editor: full screen, or back beside the canvas (also in the editor)")           \
    X(CANVAS, EDIT_CLOSE, "editor-close", "E", "", "close the SQL/Lua editor (asks when unsaved)") \
    X(CANVAS, LAYOUT, "layout", "A", "", "arrange the whole graph automatically")                  \
    X(CANVAS, UNDO, "undo", "u <C-z>", "undo", "undo the last edit")                               \
    X(CANVAS, REDO, "redo", "U <C-r> <C-y>", "", "redo the last undone edit")                      \
    X(CANVAS, PROBLEMS, "problems", "!", "", "list the problems; Enter jumps to the node")         \
    X(CANVAS, SAVE, "save", "s <C-s>", "save", "save pipeline.yaml, layout.yaml and code files")   \
    /* vcs */                                                                                      \
    X(CANVAS, COMMIT, "commit", "g", "commit",                                                     \
      "commit the pipeline's files to git: changed files, diff, message")                          \
    X(CANVAS, HISTORY, "history", "G", "",                                                         \
      "the pipeline's git history: compare a version as a graph, restore it")                      \
    X(CANVAS, HELP, "help", "?", "help", "show every key of the current mode")                     \
    X(CANVAS, REDRAW, "redraw", "<C-l>", "", "redraw the screen")                                  \
    X(CANVAS, QUIT, "quit", "q <C-q> <C-c>", "quit", "quit (asks when there are unsaved changes)") \
    X(MOVE, MOVE_LEFT, "move-left", "<Left> h", "", "move the node one column left")               \
    X(MOVE, MOVE_DOWN, "move-down", "<Down> j", "", "move the node one row down")                  \
    X(MOVE, MOVE_UP, "move-up", "<Up> k", "", "move the node one row up")                          \
    X(MOVE, MOVE_RIGHT, "move-right", "<Right> l", "", "move the node one column right")           \
    X(MOVE, MOVE_LEFT_FAR, "move-left-far", "<S-Left> H", "", "move the node 8 columns left")      \
    X(MOVE, MOVE_DOWN_FAR, "move-down-far", "<S-Down> J", "", "move the node 4 rows down")         \
    X(MOVE, MOVE_UP_FAR, "move-up-far", "<S-Up> K", "", "move the node 4 rows up")                 \
    X(MOVE, MOVE_RIGHT_FAR, "move-right-far", "<S-Right> L", "", "move the node 8 columns right")  \
    X(MOVE, MOVE_DONE, "move-done", "<Enter> m", "done", "put the node down here")                 \
    X(MOVE, MOVE_CANCEL, "move-cancel", "<Esc> q", "cancel", "put the node back where it was")     \
    X(MOVE, MOVE_HELP, "move-help", "?", "help", "show every key of the current mode")             \
    X(CONNECT, CONN_LEFT, "connect-left", "<Left> h", "", "pick the nearest node to the left")     \
    X(CONNECT, CONN_DOWN, "connect-down", "<Down> j", "", "pick the nearest node below")           \
    X(CONNECT, CONN_UP, "connect-up", "<Up> k", "", "pick the nearest node above")                 \
    X(CONNECT, CONN_RIGHT, "connect-right", "<Right> l", "", "pick the nearest node to the right") \
    X(CONNECT, CONN_NEXT, "connect-next", "<Tab>", "", "pick the next node in topological order")  \
    X(CONNECT, CONN_PREV, "connect-prev", "<S-Tab>", "", "pick the previous node")                 \
    X(CONNECT, CONN_DONE, "connect-done", "<Enter> c", "connect",                                  \
      "connect: the marked node becomes an input of the picked one")                               \
    X(CONNECT, CONN_CANCEL, "connect-cancel", "<Esc> q", "cancel", "stop connecting")              \
    X(CONNECT, CONN_HELP, "connect-help", "?", "help", "show every key of the current mode")       \
    X(LIST, LIST_UP, "list-up", "<Up> <C-p>", "", "previous item")                                 \
    X(LIST, LIST_DOWN, "list-down", "<Down> <C-n>", "", "next item")                               \
    X(LIST, LIST_PAGE_UP, "list-page-up", "<PgUp>", "", "previous page")                           \
    X(LIST, LIST_PAGE_DOWN, "list-page-down", "<PgDn>", "", "next page")                           \
    X(LIST, LIST_PICK, "list-pick", "<Enter>", "choose", "choose the highlighted item")            \
    X(LIST, LIST_CLOSE, "list-close", "<Esc>", "close", "close the list")                          \
    X(FORM, FORM_UP, "form-up", "<Up> k <S-Tab>", "", "previous field")                            \
    X(FORM, FORM_DOWN, "form-down", "<Down> j <Tab>", "", "next field")                            \
    X(FORM, FORM_EDIT, "form-edit", "<Enter> e", "edit",                                           \
      "edit the field (a choice or true/false field steps to its next value)")                     \
    X(FORM, FORM_NEXT, "form-next", "<Right> <Space>", "", "next value of a choice or true/false") \
    X(FORM, FORM_PREV, "form-prev", "<Left>", "", "previous value of a choice or true/false")      \
    X(FORM, FORM_CLEAR, "form-clear", "<Del> <BS>", "unset", "remove the setting (use default)")   \
    X(FORM, FORM_CLOSE, "form-close", "<Esc> q", "close", "close the settings")                    \
    X(FORM, FORM_HELP, "form-help", "?", "help", "show every key of the current mode")             \
    X(TEXT, TEXT_ACCEPT, "text-accept", "<Enter>", "accept", "accept the text")                    \
    X(TEXT, TEXT_CANCEL, "text-cancel", "<Esc>", "cancel", "leave the text as it was")             \
    X(HELP, HELP_UP, "help-up", "<Up> k", "", "scroll up")                                         \
    X(HELP, HELP_DOWN, "help-down", "<Down> j", "", "scroll down")                                 \
    X(HELP, HELP_PAGE_UP, "help-page-up", "<PgUp>", "", "scroll a page up")                        \
    X(HELP, HELP_PAGE_DOWN, "help-page-down", "<PgDn> <Space>", "", "scroll a page down")          \
    X(HELP, HELP_CLOSE, "help-close", "<Esc> q ?", "close", "close the help")                      \
    X(CONFIRM, CONFIRM_CANCEL, "confirm-cancel", "<Esc>", "",                                      \
      "close the question without answering (the answer keys are shown in it)")                    \
    /* preview pane */                                                                             \
    X(PREVIEW, PV_UP, "preview-up", "<Up> k", "", "previous row (record view: scroll up)")         \
    X(PREVIEW, PV_DOWN, "preview-down", "<Down> j", "", "next row (record view: scroll down)")     \
    X(PREVIEW, PV_LEFT, "preview-left", "<Left> h", "",                                            \
      "one column left (record view: previous record)")                                            \
    X(PREVIEW, PV_RIGHT, "preview-right", "<Right> l", "",                                         \
      "one column right (record view: next record)")                                               \
    X(PREVIEW, PV_PAGE_UP, "preview-page-up", "<PgUp>", "", "a page of rows up")                   \
    X(PREVIEW, PV_PAGE_DOWN, "preview-page-down", "<PgDn> <Space>", "", "a page of rows down")     \
    X(PREVIEW, PV_TOP, "preview-top", "<Home> g", "", "first row")                                 \
    X(PREVIEW, PV_BOTTOM, "preview-bottom", "<End> G", "", "last row")                             \
    X(PREVIEW, PV_DETAIL, "preview-record", "<Enter>", "record",                                   \
      "the row as a record, every field in full (again: back)")                                    \
    X(PREVIEW, PV_SPLIT, "preview-inputs", "i", "input|output",                                    \
      "input beside output (again: the output alone)")                                             \
    X(PREVIEW, PV_NEXT_INPUT, "preview-next-input", "<Tab>", "",                                   \
      "input beside output: show the next input")                                                  \
    X(PREVIEW, PV_GROW, "preview-grow", "+", "", "make the pane taller")                           \
    X(PREVIEW, PV_SHRINK, "preview-shrink", "-", "", "make the pane shorter")                      \
    X(PREVIEW, PV_ZOOM, "preview-zoom", "z", "zoom",                                               \
      "maximise the pane, or give the canvas its rows back")                                       \
    X(PREVIEW, PV_RERUN, "preview-rerun", "r", "",                                                 \
      "run again (re-reads the sample, code and plugin files)")                                    \
    X(PREVIEW, PV_CANCEL, "preview-cancel", "<C-c> x", "", "stop a running preview")               \
    X(PREVIEW, PV_BACK, "preview-back", "<Esc> w q", "canvas",                                     \
      "close the record view, else keys back to the canvas")                                       \
    X(PREVIEW, PV_CLOSE, "preview-close", "p", "close", "close the preview pane")                  \
    X(PREVIEW, PV_HELP, "preview-help", "?", "help", "show every key of the current mode")         \
    /* vcs: the commit dialog */                                                                   \
    X(COMMIT, COMMIT_DO, "commit-do", "<C-s>", "commit", "commit (saves and validates first)")     \
    X(COMMIT, COMMIT_NEXT, "commit-next-field", "<Tab>", "next field",                             \
      "next field: files, (name, email, store), summary, body; Enter too, except in the body")     \
    X(COMMIT, COMMIT_PREV, "commit-prev-field", "<S-Tab>", "", "previous field")                   \
    X(COMMIT, COMMIT_UP, "commit-up", "<Up>", "", "previous file (files list) or line (body)")     \
    X(COMMIT, COMMIT_DOWN, "commit-down", "<Down>", "", "next file (files list) or line (body)")   \
    X(COMMIT, COMMIT_SCROLL_UP, "commit-diff-up", "<PgUp>", "", "scroll the diff preview up")      \
    X(COMMIT, COMMIT_SCROLL_DOWN, "commit-diff-down", "<PgDn>", "scroll diff",                     \
      "scroll the diff preview down")                                                              \
    X(COMMIT, COMMIT_CANCEL, "commit-cancel", "<Esc>", "cancel", "close without committing")       \
    X(COMMIT, COMMIT_HELP, "commit-help", "?", "",                                                 \
      "show every key (in the files list; in a text field ? is typed)")                            \
    /* vcs: the history view */                                                                    \
    X(HISTORY, HIST_UP, "history-up", "<Up> k", "", "newer commit (the canvas compares it)")       \
    X(HISTORY, HIST_DOWN, "history-down", "<Down> j", "", "older commit")                          \
    X(HISTORY, HIST_PAGE_UP, "history-page-up", "<PgUp>", "", "a page of commits up")              \
    X(HISTORY, HIST_PAGE_DOWN, "history-page-down", "<PgDn>", "", "a page of commits down")        \
    X(HISTORY, HIST_NEXT_NODE, "history-next-node", "<Tab>", "node",                               \
      "select the next changed node: its changes show below the canvas")                           \
    X(HISTORY, HIST_PREV_NODE, "history-prev-node", "<S-Tab>", "",                                 \
      "select the previous changed node")                                                          \
    X(HISTORY, HIST_PAN_LEFT, "history-pan-left", "<S-Left> H", "", "pan the canvas left")         \
    X(HISTORY, HIST_PAN_DOWN, "history-pan-down", "<S-Down> J", "", "pan the canvas down")         \
    X(HISTORY, HIST_PAN_UP, "history-pan-up", "<S-Up> K", "", "pan the canvas up")                 \
    X(HISTORY, HIST_PAN_RIGHT, "history-pan-right", "<S-Right> L", "", "pan the canvas right")     \
    X(HISTORY, HIST_DIFF, "history-diff", "d <Enter>", "diff",                                     \
      "the comparison as text: graph summary, changed files, SQL/Lua diffs")                       \
    X(HISTORY, HIST_RESTORE, "history-restore", "r", "restore",                                    \
      "bring this version into the working folder, uncommitted (u on the canvas undoes)")          \
    X(HISTORY, HIST_CLOSE, "history-close", "<Esc> q", "close", "back to the canvas")              \
    X(HISTORY, HIST_HELP, "history-help", "?", "help", "show every key of the current mode")

typedef enum {
#define X(mode, id, name, keys, hint, help) ACT_##id,
    ACTIONS(X)
#undef X
        ACT_COUNT,
    ACT_NONE = ACT_COUNT
} action;

const char *mode_name(ui_mode m);
const char *action_name(action a);
const char *action_keys(action a);
const char *action_hint(action a);
const char *action_help(action a);
ui_mode action_mode(action a);

/* Build the keymap from the table (once, at start). */
void keymap_init(void);

/* The action bound to key in mode, or ACT_NONE. */
action keymap_lookup(ui_mode m, int key);

/* "<Left> h" -> "←/h" for display (ascii: "Left/h"). */
void keys_display(const char *keys, char *buf, size_t size, int ascii);

/* docs/keys.md, from the table. */
void keys_markdown(FILE *out);

#endif
