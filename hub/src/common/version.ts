/** The hub's version, reported to agents and in /version. */
export const HUB_VERSION = '0.1.0';
