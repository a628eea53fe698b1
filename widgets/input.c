#include "input.h"

int input_get(WINDOW *w)
{
    wint_t ch;
    int rc = wget_wch(w, &ch);
    if (rc == ERR)
        return KEY_NONE;
    if (rc == KEY_CODE_YES)
        return KF(ch);
    if (ch == 127 || ch == 8)
        return KF(KEY_BACKSPACE);
    return (int)ch;
}
