#include "writer.h"
typedef int writer_placeholder;
