// as-hello: does nothing, so an invocation measures the platform's own cost. Its input is
// read like every function's and then ignored; nothing is written to stdout. Its compute
// phase (input_read to computed) is therefore empty.
import { computed, inputRead, mainEnd, mainStart, readStdinString } from "../../as-mark/nebula-mark";

mainStart();
readStdinString();
inputRead();
computed();
mainEnd();
