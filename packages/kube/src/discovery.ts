import { type IsNamespaced, type ObjectRef } from '@flotilla/core';
import { type KubeClient } from './kube-client.js';
import { mapApiError } from './map-api-error.js';
import { mapConcurrent } from './map-concurrent.js';

/** One kind the API server serves: its resource (plural) name and scope. */
export interface DiscoveredResource {
  group: string;
  version: string;
  kind: string;
  /** The plural resource name in URLs ("deployments"). */
  resource: string;
  namespaced: boolean;
  verbs: readonly string[];
}

type GroupVersionKind = Pick<ObjectRef, 'group' | 'version' | 'kind'>;

// Aggregated discovery (v2, GA in 1.30; v2beta1 before) answers /api and /apis with every resource in two requests.
const AGGREGATED =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface AggregatedList {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: { version?: string; resources?: { resource?: string; responseKind?: { kind?: string }; scope?: string; verbs?: string[] }[] }[];
  }[];
}

interface ResourceList {
  resources?: { name?: string; kind?: string; namespaced?: boolean; verbs?: string[] }[];
}

const gvkKey = (ref: GroupVersionKind): string => `${ref.group}/${ref.version}/${ref.kind}`;
const gkKey = (ref: Pick<ObjectRef, 'group' | 'kind'>): string => `${ref.group}/${ref.kind}`;

/**
 * What the API server serves, read from its discovery endpoints (aggregated discovery when the server has it, else
 * one request per group-version) and cached until refresh(). Lookups are synchronous over the cache: call load()
 * first. Kinds the server does not serve answer undefined; a CRD applied later becomes known after refresh().
 */
export class Discovery {
  private byGvk = new Map<string, DiscoveredResource>();
  // group/kind → served versions, preferred first, for refs whose version is no longer served.
  private byGk = new Map<string, DiscoveredResource[]>();
  private loading: Promise<void> | undefined;
  private loadedAt = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly options: { concurrency?: number } = {},
  ) {}

  /** Reads discovery once; later calls wait for that same read. A failed read is not cached. */
  load(): Promise<void> {
    this.loading ??= this.read().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  /** Reads discovery again (after CRDs or APIServices changed); joins a refresh already in flight. */
  refresh(): Promise<void> {
    if (this.loading && this.loadedAt === 0) return this.loading;
    this.loadedAt = 0;
    this.loading = undefined;
    return this.load();
  }

  /**
   * Refreshes when the cache is older than `maxAgeMs`: for callers that met an unknown kind, which may come from a
   * CRD someone created since, without re-reading discovery for every lookup of a kind that truly does not exist.
   */
  refreshIfOlderThan(maxAgeMs: number): Promise<void> {
    return this.loadedAt !== 0 && Date.now() - this.loadedAt <= maxAgeMs ? Promise.resolve() : this.refresh();
  }

  /** The kind at exactly this group and version, or undefined when the server does not serve it. */
  find(ref: GroupVersionKind): DiscoveredResource | undefined {
    return this.byGvk.get(gvkKey(ref));
  }

  /** The kind at any served version of its group, preferred version first, or undefined when none serves it. */
  findAnyVersion(ref: Pick<ObjectRef, 'group' | 'kind'>): DiscoveredResource | undefined {
    return this.byGk.get(gkKey(ref))?.[0];
  }

  /** IsNamespaced over discovery: true or false for served kinds, undefined for unknown ones (safe to pass around unbound). */
  readonly isNamespaced: IsNamespaced = (ref) => this.find(ref)?.namespaced;

  /** The plural resource name of a served kind ("deployments"), or undefined. */
  resourceFor(ref: GroupVersionKind): string | undefined {
    return this.find(ref)?.resource;
  }

  private async read(): Promise<void> {
    const [core, groups] = await Promise.all([this.get<AggregatedList>('/api', AGGREGATED), this.get<AggregatedList>('/apis', AGGREGATED)]);
    const resources =
      core.kind === 'APIGroupDiscoveryList' && groups.kind === 'APIGroupDiscoveryList'
        ? [...fromAggregated(core), ...fromAggregated(groups)]
        : await this.readPerGroupVersion();
    const byGvk = new Map<string, DiscoveredResource>();
    const byGk = new Map<string, DiscoveredResource[]>();
    for (const resource of resources) {
      const key = gvkKey(resource);
      // A kind can back several resources (rare); the first listed is the canonical one.
      if (byGvk.has(key)) continue;
      byGvk.set(key, resource);
      const versions = byGk.get(gkKey(resource)) ?? [];
      versions.push(resource);
      byGk.set(gkKey(resource), versions);
    }
    this.byGvk = byGvk;
    this.byGk = byGk;
    this.loadedAt = Date.now();
  }

  // Servers without aggregated discovery (before 1.26, or with it disabled): /api, /apis, then each group-version.
  private async readPerGroupVersion(): Promise<DiscoveredResource[]> {
    const [core, groups] = await Promise.all([
      this.get<{ versions?: string[] }>('/api'),
      this.get<{ groups?: { name?: string; versions?: { version?: string }[]; preferredVersion?: { version?: string } }[] }>('/apis'),
    ]);
    const groupVersions: { group: string; version: string }[] = (core.versions ?? []).map((version) => ({ group: '', version }));
    for (const group of groups.groups ?? []) {
      const preferred = group.preferredVersion?.version;
      const versions = (group.versions ?? []).map((v) => v.version ?? '').filter(Boolean);
      versions.sort((a, b) => Number(b === preferred) - Number(a === preferred));
      for (const version of versions) groupVersions.push({ group: group.name ?? '', version });
    }
    const lists = await mapConcurrent(groupVersions, this.options.concurrency ?? 8, async (gv) => {
      const path = gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`;
      // An aggregated API whose backend is down answers 503; its kinds are simply unknown until it is back.
      const list = await this.get<ResourceList>(path).catch(() => ({ resources: [] }) as ResourceList);
      return (list.resources ?? [])
        .filter((r) => r.name && r.kind && !r.name.includes('/'))
        .map((r) => ({ ...gv, kind: r.kind ?? '', resource: r.name ?? '', namespaced: r.namespaced === true, verbs: r.verbs ?? [] }));
    });
    return lists.flat();
  }

  private async get<T>(path: string, accept?: string): Promise<T> {
    try {
      return await this.client.request<T>({ method: 'GET', path, accept });
    } catch (error) {
      throw mapApiError(error, { object: `discovery ${path}`, verb: 'read' });
    }
  }
}

function fromAggregated(list: AggregatedList): DiscoveredResource[] {
  const found: DiscoveredResource[] = [];
  for (const item of list.items ?? []) {
    const group = item.metadata?.name ?? '';
    // Versions are listed in order of preference.
    for (const { version = '', resources = [] } of item.versions ?? []) {
      for (const r of resources) {
        const kind = r.responseKind?.kind;
        if (!kind || !r.resource) continue;
        found.push({ group, version, kind, resource: r.resource, namespaced: r.scope === 'Namespaced', verbs: r.verbs ?? [] });
      }
    }
  }
  return found;
}
