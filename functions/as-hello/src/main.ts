// as-hello: does nothing, so an invocation measures the platform's own cost.
// Input is ignored and nothing is written to stdout.
import { mainEnd, mainStart } from "../../as-mark/nebula-mark";

mainStart();
mainEnd();
