// The Pulumi program: validate config (nothing is created if it is wrong), build the stack, export its outputs.
import { buildStack } from "./components/stack";
import { readStackConfig } from "./stacks";

export = buildStack(readStackConfig());
