/* Build variant that must NOT compile: only one of the three allocator
   macros is defined, and nnd.h stops with #error. */
#include <stdlib.h>
#define NND_MALLOC(n) malloc(n)
#define NND_IMPLEMENTATION
#include "../nnd.h"
int main(void) { return 0; }
