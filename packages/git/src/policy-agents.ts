import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { GitHostPolicy } from './git-host-policy.js';

/** HTTP agents of one policy: every connection they make is to an address the policy allows. */
export interface PolicyAgents {
  'http:': http.Agent;
  'https:': https.Agent;
}

const AGENTS = new WeakMap<GitHostPolicy, PolicyAgents>();

/**
 * The keep-alive agents connecting for a policy (one pair per policy). They check the address each connection is
 * made to, after DNS, as it is made: a name that resolved to an allowed address when the Source was saved and to a
 * denied one now (DNS rebinding) is refused, and so is a redirect to a denied IP literal.
 */
export function policyAgents(policy: GitHostPolicy): PolicyAgents {
  let agents = AGENTS.get(policy);
  if (agents === undefined) {
    agents = { 'http:': guard(new http.Agent({ keepAlive: true }), policy), 'https:': guard(new https.Agent({ keepAlive: true }), policy) };
    AGENTS.set(policy, agents);
  }
  return agents;
}

type Connect = (options: Record<string, unknown>, callback?: (error: Error | null, socket?: unknown) => void) => unknown;

function guard<A extends http.Agent>(agent: A, policy: GitHostPolicy): A {
  const connect = (agent as unknown as { createConnection: Connect }).createConnection.bind(agent) as Connect;
  (agent as unknown as { createConnection: Connect }).createConnection = (options, callback) => {
    const host = String(options.host ?? options.hostname ?? 'localhost');
    try {
      policy.checkHostname(host);
      if (isIP(host) !== 0) policy.checkAddress(host, host);
    } catch (error) {
      callback?.(error as Error);
      return undefined;
    }
    return connect({ ...options, lookup: checkedLookup(policy) }, callback);
  };
  return agent;
}

/** dns.lookup, refusing the whole answer when any address in it is one the policy denies. */
function checkedLookup(policy: GitHostPolicy): LookupFunction {
  return ((hostname: string, options: LookupOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address as string, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      try {
        for (const each of addresses) policy.checkAddress(hostname, each);
      } catch (refusal) {
        return callback(refusal as Error, address as string, family);
      }
      callback(null, address as string, family);
    });
  }) as LookupFunction;
}
