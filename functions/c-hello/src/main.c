/* c-hello: does nothing, so an invocation measures the platform's own cost. Its input is
 * read like every function's and then ignored; nothing is written to stdout. Its compute
 * phase (input_read to computed) is therefore empty. */
#include <stdlib.h>

#include "nebula_mark.h"

int main(void) {
  nebula_main_start();
  size_t len;
  free(nebula_read_stdin(&len));
  nebula_input_read();
  nebula_computed();
  nebula_main_end();
  return 0;
}
