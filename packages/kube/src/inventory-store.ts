import { FlotillaError, decodeInventory, encodeInventory, type Inventory, type KubeObject } from '@flotilla/core';
import { APPLY_PATCH, clientOf, type ConnectionOptions, type KubeClient } from './kube-client.js';
import { isNotFound, mapApiError } from './map-api-error.js';

/** What is kept for one App on one cluster: its inventory, the revision and generation applied, and more fields. */
export interface InventoryRecord {
  inventory: Inventory;
  /** The revision applied, `main@sha1:<40 hex>`. */
  revision: string;
  /** The Assignment generation applied. */
  generation: number;
  /**
   * More string fields for the caller (last assignment, last healthy revision, …): keys of letters, digits, `-`, `_`
   * and `.`, other than `inventory`, `revision` and `generation`. A field left out of a save is removed.
   */
  fields?: Record<string, string>;
}

/** A stored record and the App it belongs to. */
export interface StoredInventory extends InventoryRecord {
  app: string;
  fields: Record<string, string>;
}

/** Options of an InventoryStore; every field but the connection has a default. */
export type InventoryStoreOptions = ConnectionOptions & {
  /** Where the ConfigMaps live; default `flotilla-system`, created on the first save if missing. */
  namespace?: string;
  /** The server-side apply field manager; default `flotilla`. */
  fieldManager?: string;
};

/** Prefix of the ConfigMap names: `flotilla-inventory-<app>`. */
export const INVENTORY_CONFIGMAP_PREFIX = 'flotilla-inventory-';
/** Label on every inventory ConfigMap, so list() finds them. */
export const INVENTORY_LABEL = 'flotilla.dev/inventory';
/** Annotation holding the App name. */
export const APP_ANNOTATION = 'flotilla.dev/app';

const RESERVED = new Set(['inventory', 'revision', 'generation']);
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/**
 * Keeps each App's inventory in the cluster itself, so a restarted or reinstalled agent still knows what it applied:
 * one ConfigMap `flotilla-inventory-<app>` per App in a state namespace, written with server-side apply, with data
 * `inventory` (core's encodeInventory), `revision`, `generation` and the caller's extra fields.
 */
export class InventoryStore {
  readonly namespace: string;
  private readonly client: KubeClient;
  private readonly ownsClient: boolean;
  private readonly fieldManager: string;

  constructor(options: InventoryStoreOptions) {
    const { client, owned } = clientOf(options);
    this.client = client;
    this.ownsClient = owned;
    this.namespace = options.namespace ?? 'flotilla-system';
    this.fieldManager = options.fieldManager ?? 'flotilla';
  }

  /** The App's record, or undefined when none is stored; INVALID_INVENTORY when the stored one is damaged. */
  async load(app: string): Promise<InventoryRecord | undefined> {
    const name = this.nameOf(app);
    try {
      const configMap = await this.client.request<ConfigMap>({ method: 'GET', path: this.pathOf(name) });
      return this.read(configMap);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw mapApiError(error, { object: this.idOf(name), verb: 'get' });
    }
  }

  /** Writes the App's record (server-side apply; creates the state namespace when it is missing). */
  async save(app: string, record: InventoryRecord): Promise<void> {
    const name = this.nameOf(app);
    const fields = record.fields ?? {};
    for (const key of Object.keys(fields)) {
      if (RESERVED.has(key) || !DATA_KEY.test(key)) {
        throw new FlotillaError('INVALID_ARGUMENT', `${this.idOf(name)}: "${key}" cannot be an inventory field (reserved, or not letters, digits, "-", "_", ".")`, {
          data: { object: this.idOf(name), field: key },
        });
      }
    }
    const configMap: ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'flotilla', [INVENTORY_LABEL]: 'true' },
        annotations: { [APP_ANNOTATION]: app },
      },
      data: { ...fields, inventory: encodeInventory(record.inventory), revision: record.revision, generation: String(record.generation) },
    };
    try {
      await this.apply(this.pathOf(name), configMap);
    } catch (error) {
      if (!isNotFound(error)) throw mapApiError(error, { object: this.idOf(name), verb: 'apply' });
      // The state namespace is missing (first save on this cluster): create it, then try once more.
      await this.apply(`/api/v1/namespaces/${encodeURIComponent(this.namespace)}`, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'flotilla' } },
      }).catch((cause: unknown) => {
        throw mapApiError(cause, { object: `Namespace/${this.namespace}`, verb: 'apply' });
      });
      await this.apply(this.pathOf(name), configMap).catch((cause: unknown) => {
        throw mapApiError(cause, { object: this.idOf(name), verb: 'apply' });
      });
    }
  }

  /** Deletes the App's record; a missing one is fine. */
  async remove(app: string): Promise<void> {
    const name = this.nameOf(app);
    try {
      await this.client.request({ method: 'DELETE', path: this.pathOf(name) });
    } catch (error) {
      if (!isNotFound(error)) throw mapApiError(error, { object: this.idOf(name), verb: 'delete' });
    }
  }

  /** Every stored record, sorted by App name. */
  async list(): Promise<StoredInventory[]> {
    const path = `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/configmaps`;
    try {
      const list = await this.client.request<{ items?: ConfigMap[] }>({ method: 'GET', path, query: { labelSelector: `${INVENTORY_LABEL}=true` } });
      return (list.items ?? []).map((configMap) => this.read(configMap)).sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0));
    } catch (error) {
      throw mapApiError(error, { object: `ConfigMap/${this.namespace}`, verb: 'list' });
    }
  }

  /** Closes the pooled connections of a client this store created (not of one it was given). */
  close(): void {
    if (this.ownsClient) this.client.close();
  }

  private read(configMap: ConfigMap): StoredInventory {
    const name = configMap.metadata.name;
    const id = this.idOf(name);
    const { inventory, revision, generation, ...fields } = configMap.data ?? {};
    const app = configMap.metadata.annotations?.[APP_ANNOTATION] ?? name.slice(INVENTORY_CONFIGMAP_PREFIX.length);
    const damaged = (what: string): FlotillaError =>
      new FlotillaError('INVALID_INVENTORY', `${id}: ${what}; the stored inventory is damaged, so nothing was pruned from it`, { data: { object: id } });
    if (inventory === undefined) throw damaged('no "inventory" field');
    const number = Number(generation);
    if (generation === undefined || generation === '' || !Number.isSafeInteger(number)) throw damaged(`"generation" is ${JSON.stringify(generation)}, not an integer`);
    let refs: Inventory;
    try {
      refs = decodeInventory(inventory);
    } catch (error) {
      if (FlotillaError.is(error)) throw new FlotillaError(error.code, `${id}: ${error.message}`, { data: { ...error.data, object: id }, cause: error });
      throw error;
    }
    return { app, inventory: refs, revision: revision ?? '', generation: number, fields };
  }

  private async apply(path: string, body: KubeObject): Promise<void> {
    await this.client.request({ method: 'PATCH', path, body, contentType: APPLY_PATCH, query: { fieldManager: this.fieldManager, force: 'true' } });
  }

  private nameOf(app: string): string {
    const name = INVENTORY_CONFIGMAP_PREFIX + app;
    if (app === '' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      throw new FlotillaError('INVALID_ARGUMENT', `App "${app}": "${name}" is not a valid ConfigMap name (lower-case letters, digits, "-", "."; at most 253)`, {
        data: { app },
      });
    }
    return name;
  }

  private pathOf(name: string): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/configmaps/${encodeURIComponent(name)}`;
  }

  private idOf(name: string): string {
    return `ConfigMap/${this.namespace}/${name}`;
  }
}
