/* tui: `weir [--ascii] [DIR]` — the full-screen canvas. */
#ifndef WEIR_TUI_H
#define WEIR_TUI_H

/* Returns the process exit code. */
int tui_main(int argc, char **argv);

#endif
