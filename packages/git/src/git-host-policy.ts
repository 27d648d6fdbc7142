import { BlockList, isIP } from 'node:net';
import { GitError } from './git-error.js';

/** Addresses no Git host may resolve to unless allowed: loopback, link-local (cloud metadata), unspecified. */
export const DEFAULT_DENIED_GIT_ADDRESSES: readonly string[] = ['127.0.0.0/8', '::1/128', '169.254.0.0/16', 'fe80::/10', '0.0.0.0/8', '::/128'];

/** Which Git hosts the hub may connect to. */
export interface GitHostPolicyOptions {
  /** Host names (`git.example.com`, `*.example.com`) or IP literals a Source may name; empty or absent: any host. */
  allowedHosts?: readonly string[];
  /** Addresses (`10.0.0.0/8`, `127.0.0.1`) a host may resolve to although `deniedAddresses` holds them. */
  allowedAddresses?: readonly string[];
  /** Addresses no host may resolve to; default DEFAULT_DENIED_GIT_ADDRESSES. */
  deniedAddresses?: readonly string[];
  /** Appended to refusals, naming where the lists are set (`; see FLOTILLA_GIT_ALLOWED_HOSTS`). */
  hint?: string;
}

/**
 * The hosts a Source may name and the addresses its host may resolve to, checked when a Source is saved and again on
 * every connection (so a name that resolves elsewhere later, DNS rebinding, is refused too). Refusals are
 * HOST_REFUSED GitErrors naming the rule.
 */
export class GitHostPolicy {
  private readonly hostPatterns: readonly string[];
  private readonly allowed: BlockList;
  private readonly denied: BlockList;
  private readonly hint: string;

  constructor(options: GitHostPolicyOptions = {}) {
    this.hint = options.hint ?? '';
    this.hostPatterns = (options.allowedHosts ?? []).map((host) => host.toLowerCase());
    this.allowed = addressList(options.allowedAddresses ?? [], 'allowed address');
    this.denied = addressList(options.deniedAddresses ?? DEFAULT_DENIED_GIT_ADDRESSES, 'denied address');
  }

  /** A policy allowing every host and address (for tools and tests of other things). */
  static allowingEverything(): GitHostPolicy {
    return new GitHostPolicy({ deniedAddresses: [] });
  }

  /** Throws HOST_REFUSED when the URL's host is not an allowed name, or is an IP literal in a denied range. */
  checkUrl(url: string): void {
    const hostname = unbracket(hostnameOf(url));
    this.checkHostname(hostname);
    if (isIP(hostname) !== 0) this.checkAddress(hostname, hostname);
  }

  /** Throws HOST_REFUSED when the host name is not in the allowed hosts (any name is, when none are set). */
  checkHostname(hostname: string): void {
    const host = unbracket(hostname).toLowerCase();
    if (this.hostPatterns.length === 0 || this.hostPatterns.some((pattern) => matchesHost(pattern, host))) return;
    throw refused(host, `is not one of the allowed Git hosts (${this.hostPatterns.join(', ')})${this.hint}`);
  }

  /** Throws HOST_REFUSED when an address a host resolved to is denied and not allowed explicitly. */
  checkAddress(hostname: string, address: string): void {
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (!this.denied.check(address, type) || this.allowed.check(address, type)) return;
    const host = unbracket(hostname);
    const where = host === address ? 'is' : `resolves to ${address},`;
    throw refused(host, `${where} ${describeAddress(address)} Git hosts may not use unless the allowed addresses include it${this.hint}`);
  }
}

function refused(host: string, problem: string): GitError {
  return new GitError('HOST_REFUSED', `Git host "${host}" ${problem}`, { data: { host } });
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    throw new GitError('INVALID_URL', 'Git URL is not a valid URL: use https://host/path/repository.git');
  }
}

/** `*.example.com` matches names under example.com (not example.com itself); anything else matches exactly. */
function matchesHost(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : unbracket(pattern) === host;
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Reads `10.0.0.0/8`, `::1/128` or a bare address into a BlockList; INVALID_ARGUMENT for anything else. */
function addressList(entries: readonly string[], what: string): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.trim().split('/');
    const version = isIP(address);
    const bits = prefix === undefined ? (version === 6 ? 128 : 32) : Number(prefix);
    if (version === 0 || !Number.isInteger(bits) || bits < 0 || bits > (version === 6 ? 128 : 32) || (prefix !== undefined && !/^\d+$/.test(prefix))) {
      throw new GitError('INVALID_ARGUMENT', `${what} "${entry}" is not an IP address or CIDR range (10.0.0.0/8, ::1/128)`);
    }
    list.addSubnet(address, bits, version === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** What kind of address a denied one is, for the message. */
function describeAddress(address: string): string {
  const checks: Array<[string, string[]]> = [
    ['a loopback address', ['127.0.0.0/8', '::1/128']],
    ['a link-local address', ['169.254.0.0/16', 'fe80::/10']],
    ['an unspecified address', ['0.0.0.0/8', '::/128']],
  ];
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  for (const [name, ranges] of checks) if (addressList(ranges, 'range').check(address, type)) return `${name}, which`;
  return 'an address the denied addresses hold, which';
}
