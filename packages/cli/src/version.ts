/** The CLI's version, as `flotilla --version` prints it. */
export const CLI_VERSION = '0.1.0';
