// Mock outputs and invoke results for the gcp target.
import type { CallFn, OutputsFn } from "./index";

export const gcpOutputs: Record<string, OutputsFn> = {};

export const gcpCalls: Record<string, CallFn> = {};
