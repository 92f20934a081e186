/** Package version, used as the meter and logger version. A test keeps it equal to package.json. */
export const VERSION = '0.1.0';
