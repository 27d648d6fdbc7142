/** Injection token of the validated HubConfig. */
export const HUB_CONFIG = Symbol('HUB_CONFIG');
