// Mock outputs and invoke results for the azure target.
import type { CallFn, OutputsFn } from "./index";

export const azureOutputs: Record<string, OutputsFn> = {};

export const azureCalls: Record<string, CallFn> = {};
