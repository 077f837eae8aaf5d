/* c-hello: does nothing, so an invocation measures the platform's own cost.
 * Input is ignored and nothing is written to stdout. */
#include "nebula_mark.h"

int main(void) {
  nebula_main_start();
  nebula_main_end();
  return 0;
}
