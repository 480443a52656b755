// Exiting with process.exit() right after writing loses output that a pipe has not taken yet (stdout to a pipe is
// asynchronous). An empty write's callback runs after every earlier write has been handed to the OS.
export function exitWhenFlushed(code: number): void {
    process.exitCode = code;
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}
