// Mock outputs and invoke results for the aws target.
import type { CallFn, OutputsFn } from "./index";

export const awsOutputs: Record<string, OutputsFn> = {};

export const awsCalls: Record<string, CallFn> = {};
