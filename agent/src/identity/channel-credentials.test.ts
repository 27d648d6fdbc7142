import { ConfigError } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { hubChannel } from './channel-credentials.js';
import { parseAgentConfig } from '../config/agent-config.js';

const base = { FLOTILLA_HUB_ADDRESS: 'hub:9090', FLOTILLA_TOKEN: 'flj_a-join-token', FLOTILLA_CLUSTER: 'eu-1' };

describe('TLS settings of the agent', () => {
  it('talk TLS to the hub by default, plaintext only when asked', () => {
    expect(hubChannel(parseAgentConfig({ env: base })).security).toBe('tls');
    expect(hubChannel(parseAgentConfig({ env: { ...base, FLOTILLA_INSECURE: 'true' } })).security).toBe('plaintext');
  });

  it('refuse a client certificate without its key, and plaintext together with TLS files', () => {
    let error: unknown;
    try {
      parseAgentConfig({ env: { ...base, FLOTILLA_TLS_CERT_FILE: '/tls.crt', FLOTILLA_INSECURE: 'true' } });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems.map((p) => p.key).sort()).toEqual(['FLOTILLA_INSECURE', 'FLOTILLA_TLS_KEY_FILE']);
  });

  it('name the setting whose file cannot be read', () => {
    const config = parseAgentConfig({ env: { ...base, FLOTILLA_HUB_CA_FILE: '/nonexistent/ca.crt' } });
    expect(() => hubChannel(config)).toThrow(ConfigError);
    expect(() => hubChannel(config)).toThrow(/FLOTILLA_HUB_CA_FILE: cannot read \/nonexistent\/ca.crt/);
  });
});
