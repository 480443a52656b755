// The Pulumi program: validate config (nothing is created if it is wrong), build the stack, export its outputs.
import { buildProgram } from "./components/program";
import { readStackConfig } from "./stacks";

export = buildProgram(readStackConfig());
